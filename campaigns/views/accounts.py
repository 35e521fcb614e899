"""Account management in the portal (分级管理): a manager's list of the accounts of their area,
creating accounts (one by one or from a spreadsheet), their roles and duty, disabling and
enabling them, password resets; and the anonymous page where a one-time link sets a password.

A link's address exists only when it is made (the token is stored hashed): it is kept in the
session until the next page shows it to the manager once, to hand over where no e-mail went.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from campaigns.access.accounts import (
    access_account,
    access_account_membership,
    can_manage_membership,
    can_set_duty,
    grantable_roles,
    require_account_manager,
)
from campaigns.account_imports import accounts_import, column_headers
from campaigns.filters import AccountFilter
from campaigns.forms.accounts import (
    AccountCreateForm,
    AccountEditForm,
    ActivationForm,
    RoleForm,
)
from campaigns.selectors.accounts import account_list_for, account_token_get
from campaigns.services import accounts as services
from civport.forms import ImportUploadForm, apply_service_errors
from civport.imports import delete_stored, load_stored, store_upload
from civport.listing import Column
from civport.viewbases import ScopedListView, transition_response

LINKS_KEY = "civport_account_links"
TOKEN_SALT = "campaigns.accounts.import"
TOKEN_MAX_AGE = 2 * 3600


def _keep_links(request, links):
    """Hold new links for the next page, which shows them once."""
    request.session[LINKS_KEY] = [
        {
            "username": link.user.get_username(),
            "url": link.url,
            "emailed": link.emailed,
            "email": link.user.email,
            "expires_at": link.expires_at.isoformat(),
        }
        for link in links
    ]


def _pop_links(request):
    return request.session.pop(LINKS_KEY, [])


def _state(user):
    if not user.is_active:
        return "disabled"
    if not user.has_usable_password():
        return "not_activated"
    return "active"


def _state_label(user):
    """The word of the account's state badge (accounts/_state.html)."""
    state = _state(user)
    if state == "disabled":
        return _("disabled")
    if state == "not_activated":
        return _("not activated")
    return pgettext("account state", "active")


def _roles(user):
    """The account's roles as the list shows them, one a line."""
    lines = []
    for membership in user.memberships.all():
        line = f"{membership.get_role_display()} · {membership.authority or membership.unit}"
        if membership.manages_accounts:
            line += f" ({_('account manager')})"
        lines.append(line)
    return "\n".join(lines) or _("no role")


class AccountListView(ScopedListView):
    template_name = "campaigns/accounts/list.html"
    filterset_class = AccountFilter
    columns = (
        Column("username", gettext_lazy("user name"), sort="username"),
        Column("name", gettext_lazy("full name"), sort="first_name", value="first_name"),
        Column("roles", gettext_lazy("roles"), value=_roles),
        Column("last_login", gettext_lazy("last login"), sort="last_login"),
        Column("state", gettext_lazy("state"), value=_state_label),
    )
    export_noun = "account"

    def get(self, request, *args, **kwargs):
        require_account_manager(request.user)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return account_list_for(self.user)

    def get_context_data(self, **context):
        for account in context["page"].object_list:
            account.state = _state(account)
        context["links"] = _pop_links(self.request)
        return context


account_list = AccountListView.as_view()


def account_create(request):
    scope = require_account_manager(request.user)
    form = AccountCreateForm(request.POST or None, scope=scope, roles=grantable_roles(scope))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = services.account_create(
                actor=request.user,
                username=data["username"],
                name=data["name"],
                role=data["role"],
                authority=form.authority,
                unit=form.unit,
                email=data["email"],
                phone=data["phone"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _keep_links(request, [link])
            messages.success(
                request,
                _("The account %(username)s has been created. Hand over its activation link.")
                % {"username": link.user.get_username()},
            )
            return redirect("campaigns:account-detail", pk=link.user.pk)
    return render(
        request,
        "campaigns/accounts/form.html",
        {"form": form, "title": _("New account"), "cancel_url": "campaigns:account-list"},
    )


def account_detail(request, pk):
    scope = require_account_manager(request.user)
    account = access_account(request.user, pk)
    memberships = [
        {
            "membership": m,
            "can_revoke": can_manage_membership(scope, m),
            "can_set_duty": can_set_duty(scope, m),
        }
        for m in account.memberships.all()
    ]
    return render(
        request,
        "campaigns/accounts/detail.html",
        {
            "account": account,
            "profile": getattr(account, "account_profile", None),
            "state": _state(account),
            "memberships": memberships,
            "role_form": RoleForm(scope=scope, roles=grantable_roles(scope)),
            "links": _pop_links(request),
        },
    )


def account_edit(request, pk):
    account = access_account(request.user, pk)
    profile = getattr(account, "account_profile", None)
    initial = {
        "name": account.first_name,
        "email": account.email,
        "phone": profile.phone if profile else "",
    }
    form = AccountEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(actor=request.user, user=account, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The account has been saved."))
            return redirect("campaigns:account-detail", pk=account.pk)
    return render(
        request,
        "campaigns/accounts/form.html",
        {
            "form": form,
            "title": _("Edit account %(username)s") % {"username": account.get_username()},
            "cancel_url": "campaigns:account-list",
        },
    )


@require_POST
def account_role_grant(request, pk):
    scope = require_account_manager(request.user)
    account = access_account(request.user, pk)
    form = RoleForm(request.POST, scope=scope, roles=grantable_roles(scope))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("campaigns:account-detail", pk=account.pk)
    return transition_response(
        request,
        lambda: services.account_role_grant(
            actor=request.user,
            user=account,
            role=form.cleaned_data["role"],
            authority=form.authority,
            unit=form.unit,
        ),
        _("The role has been granted."),
        "campaigns:account-detail",
        pk=account.pk,
    )


@require_POST
def account_role_revoke(request, pk):
    membership = access_account_membership(request.user, pk)
    return transition_response(
        request,
        lambda: services.account_role_revoke(actor=request.user, membership=membership),
        _("The role has been revoked."),
        "campaigns:account-detail",
        pk=membership.user_id,
    )


@require_POST
def account_duty_set(request, pk):
    membership = access_account_membership(request.user, pk)
    grant = request.POST.get("manages_accounts") == "1"
    return transition_response(
        request,
        lambda: services.account_duty_set(
            actor=request.user, membership=membership, manages_accounts=grant
        ),
        _("The account-manager duty has been granted.")
        if grant
        else _("The account-manager duty has been withdrawn."),
        "campaigns:account-detail",
        pk=membership.user_id,
    )


@require_POST
def account_disable(request, pk):
    account = access_account(request.user, pk)
    return transition_response(
        request,
        lambda: services.account_disable(actor=request.user, user=account),
        _("The account has been disabled; it can no longer log in."),
        "campaigns:account-detail",
        pk=account.pk,
    )


@require_POST
def account_enable(request, pk):
    account = access_account(request.user, pk)
    return transition_response(
        request,
        lambda: services.account_enable(actor=request.user, user=account),
        _("The account has been enabled."),
        "campaigns:account-detail",
        pk=account.pk,
    )


@require_POST
def account_password_reset(request, pk):
    account = access_account(request.user, pk)
    try:
        link = services.account_password_reset(actor=request.user, user=account)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        _keep_links(request, [link])
        messages.success(
            request,
            _("A new link to set the password has been made. Hand it over to the person."),
        )
    return redirect("campaigns:account-detail", pk=account.pk)


@login_not_required
def account_activate(request, token):
    link = account_token_get(token)
    if link is None or not link.is_usable or not link.user.is_active:
        return render(request, "campaigns/accounts/activate_invalid.html", status=410)
    form = ActivationForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_activate(token=link, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Your password has been set. Log in with your user name and it.")
            )
            return redirect("login")
    return render(request, "campaigns/accounts/activate.html", {"form": form, "account": link.user})


# --- import ----------------------------------------------------------------------------------


def _import_context(form):
    return {
        "form": form,
        "headers": column_headers(),
        "max_size": filesizeformat(settings.CIVPORT_IMPORT_MAX_BYTES),
        "max_rows": settings.CIVPORT_IMPORT_MAX_ROWS,
    }


def account_import(request):
    require_account_manager(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result, _links = accounts_import(
            data=form.data_bytes, filename=upload.name, actor=request.user, dry_run=True
        )
        if result.file_errors:
            for message in result.file_errors:
                form.add_error("file", message)
        else:
            token = None
            if result.ok and result.rows:
                stored = store_upload(form.data_bytes, upload.name)
                token = signing.dumps({"u": request.user.pk, "f": stored}, salt=TOKEN_SALT)
            return render(
                request,
                "campaigns/accounts/import_preview.html",
                {"result": result, "counts": result.counts, "token": token},
            )
    return render(request, "campaigns/accounts/import.html", _import_context(form))


@require_POST
def account_import_confirm(request):
    require_account_manager(request.user)
    try:
        payload = signing.loads(
            request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect("campaigns:account-import")
    if payload.get("u") != request.user.pk:
        raise Http404
    try:
        data = load_stored(payload["f"])
    except FileNotFoundError:
        messages.error(request, _("This file has already been imported or has expired."))
        return redirect("campaigns:account-import")
    result, links = accounts_import(data=data, filename=payload["f"], actor=request.user)
    delete_stored(payload["f"])
    if not result.applied:
        return render(
            request,
            "campaigns/accounts/import_preview.html",
            {"result": result, "counts": result.counts, "token": None},
        )
    _keep_links(request, links)
    messages.success(
        request,
        _("%(count)d accounts have been created. Hand over their activation links below.")
        % {"count": len(links)},
    )
    return redirect("campaigns:account-list")


urlpatterns = [
    path("accounts/", account_list, name="account-list"),
    path("accounts/new/", account_create, name="account-create"),
    path("accounts/import/", account_import, name="account-import"),
    path("accounts/import/confirm/", account_import_confirm, name="account-import-confirm"),
    path("accounts/activate/<str:token>/", account_activate, name="account-activate"),
    path("accounts/<int:pk>/", account_detail, name="account-detail"),
    path("accounts/<int:pk>/edit/", account_edit, name="account-edit"),
    path("accounts/<int:pk>/roles/", account_role_grant, name="account-role-grant"),
    path("accounts/<int:pk>/disable/", account_disable, name="account-disable"),
    path("accounts/<int:pk>/enable/", account_enable, name="account-enable"),
    path("accounts/<int:pk>/reset/", account_password_reset, name="account-password-reset"),
    path("accounts/roles/<int:pk>/revoke/", account_role_revoke, name="account-role-revoke"),
    path("accounts/roles/<int:pk>/duty/", account_duty_set, name="account-duty-set"),
]
