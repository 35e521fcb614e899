"""Screens of notices (通知公告) from one level to the levels below.

The sending authority's managers write a draft, attach files and publish it; its recipients'
users open it (the first reading is recorded) and their managers acknowledge it. The sending side
sees who has read and acknowledged, per recipient. The archive lists what a user received or
sent, by year, with search. Access helpers → form → service → message → redirect; templates run
no queries.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from campaigns.access import (
    access_notice,
    access_notice_attachment,
    access_notice_receipt,
    can_send_from,
)
from campaigns.filters import NoticeFilter
from campaigns.forms.notices import NoticeAttachmentForm, NoticeForm
from campaigns.scope import scope_for
from campaigns.selectors.notices import (
    AUDIENCES_BY_LEVEL,
    can_acknowledge,
    notice_attachments,
    notice_chosen_choices,
    notice_list_for,
    notice_own_receipts,
    notice_receipt_counts,
    notice_receipts,
    notice_sender_authorities,
    notice_years,
    own_authority_ids,
)
from campaigns.services import notices as services
from civport.forms import apply_service_errors
from civport.listing import Column
from civport.notifications import local_today
from civport.pagination import paginate
from civport.uploads import stored_file_response
from civport.viewbases import (
    ScopedListView,
    ScopedView,
    refusal_messages,
    transition_response,
)

RECEIPT_STATES = ("unread", "read", "acknowledged", "pending")


def _notice_url(notice):
    return reverse("campaigns:notice-detail", args=[notice.pk])


def _trail():
    return [{"name": _("Notices"), "url": reverse("campaigns:notice-list")}]


def _may_send(scope):
    return scope.is_superuser or bool(own_authority_ids(scope, edit=True))


class NoticeListView(ScopedListView):
    """The archive: notices the user received or their area sent, by year, with search."""

    template_name = "campaigns/notices/notice_list.html"
    filterset_class = NoticeFilter
    columns = (
        Column("title", gettext_lazy("title"), sort="title"),
        Column(
            "number",
            gettext_lazy("document number"),
            sort="document_number",
            value="document_number",
        ),
        Column(
            "sender", gettext_lazy("sending authority"), sort="sender__name", value="sender.name"
        ),
        Column("issued_on", gettext_lazy("date of issue"), sort="issued_on"),
        Column("acknowledge_by", gettext_lazy("acknowledge by"), sort="acknowledge_by"),
        Column("status", gettext_lazy("status"), sort="status", value="get_status_display"),
    )

    def get_queryset(self):
        if self.scope.is_empty:
            raise Http404
        self.notices = notice_list_for(self.user)
        return self.notices

    def get_filterset_kwargs(self):
        return {
            "years": notice_years(self.notices),
            "sender_ids": own_authority_ids(self.scope, edit=True),
        }

    def get_context_data(self, **context):
        return super().get_context_data(
            **context, can_add=_may_send(self.scope), today=local_today()
        )


class NoticeFormView(ScopedView):
    """Write a new draft (`sender` from the query string when the user sends for several
    authorities) or change a draft."""

    notice = None

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.notice = access_notice(self.user, kwargs["pk"], edit=True)
            if not self.notice.is_draft:
                messages.error(
                    request, _("This notice has been published and can no longer be changed.")
                )
                return redirect(_notice_url(self.notice))
            self.sender = self.notice.sender
        else:
            senders = list(notice_sender_authorities(self.user))
            if not senders:
                raise PermissionDenied
            wanted = request.GET.get("sender")
            self.sender = next((a for a in senders if str(a.pk) == wanted), senders[0])
            self.senders = senders
        self.chosen_choices = notice_chosen_choices(self.sender)
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        kwargs = {"sender": self.sender, "chosen_choices": self.chosen_choices}
        if self.notice is not None:
            return NoticeForm(
                data,
                instance=self.notice,
                initial={"chosen": list(self.notice.chosen.values_list("pk", flat=True))},
                **kwargs,
            )
        initial = {"issued_on": local_today()}
        allowed = AUDIENCES_BY_LEVEL.get(self.sender.level, ())
        if allowed:
            initial["audience"] = allowed[0]
        return NoticeForm(data, initial=initial, **kwargs)

    def get(self, request, **kwargs):
        return self._render(request, self._form())

    def post(self, request, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                if self.notice is None:
                    notice = services.notice_create(
                        actor=self.user, sender=self.sender, **form.service_data()
                    )
                else:
                    notice = services.notice_update(
                        actor=self.user, notice=self.notice, **form.service_data()
                    )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request, _("The draft was saved. Add files if needed, then publish it.")
                )
                return redirect(_notice_url(notice))
        return self._render(request, form)

    def _render(self, request, form):
        if self.notice is None:
            title = _("New notice of %(sender)s") % {"sender": self.sender.name}
            cancel = reverse("campaigns:notice-list")
        else:
            title = _("Edit %(title)s") % {"title": self.notice.title}
            cancel = _notice_url(self.notice)
        context = {
            "form": form,
            "title": title,
            "cancel_url": cancel,
            "extra_trail": _trail(),
        }
        return render(request, "campaigns/form.html", context)


def _notice_detail(request, notice, *, attachment_form=None, status=200):
    user = request.user
    scope = scope_for(user)
    today = local_today()
    services.notice_read(actor=user, notice=notice)
    sending_side = scope.sees_path(notice.sender.path)
    may_edit = notice.is_draft and can_send_from(scope, notice.sender)
    own = notice_own_receipts(user, notice)
    for receipt in own:
        receipt.can_acknowledge = (
            notice.requires_acknowledgement
            and not receipt.is_acknowledged
            and can_acknowledge(scope, receipt)
        )
    is_overdue = (
        not notice.is_draft and notice.requires_acknowledgement and notice.acknowledge_by < today
    )
    context = {
        "notice": notice,
        "attachments": list(notice_attachments(notice)),
        "own_receipts": own,
        "can_edit": may_edit,
        "attachment_form": (attachment_form or NoticeAttachmentForm()) if may_edit else None,
        "chosen": list(notice.chosen.order_by("path")) if notice.is_draft else [],
        "is_overdue": is_overdue,
        "extra_trail": _trail(),
    }
    if sending_side and not notice.is_draft:
        receipts = notice_receipts(notice)
        state = request.GET.get("receipts") or ""
        filters = {
            "unread": {"first_read_at__isnull": True},
            "read": {"first_read_at__isnull": False},
            "acknowledged": {"acknowledged_at__isnull": False},
            "pending": {"acknowledged_at__isnull": True},
        }
        if state in filters:
            receipts = receipts.filter(**filters[state])
        else:
            state = ""
        context.update(
            {
                "counts": notice_receipt_counts(notice, today=today),
                "receipt_state": state,
                "receipt_states": RECEIPT_STATES,
                **paginate(request, receipts, per_page=50),
            }
        )
    return render(request, "campaigns/notices/notice_detail.html", context, status=status)


@require_GET
def notice_detail(request, pk):
    return _notice_detail(request, access_notice(request.user, pk))


@require_POST
def notice_publish(request, pk):
    notice = access_notice(request.user, pk, edit=True)
    try:
        notice = services.notice_publish(actor=request.user, notice=notice)
    except ValidationError as error:
        refusal_messages(request, error)
    else:
        messages.success(
            request,
            _("The notice was published to %(count)s recipients.")
            % {"count": notice.recipient_count},
        )
    return redirect(_notice_url(notice))


@require_POST
def notice_acknowledge(request, pk):
    receipt = access_notice_receipt(request.user, pk, acknowledge=True)
    try:
        services.notice_acknowledge(actor=request.user, receipt=receipt)
    except ValidationError as error:
        refusal_messages(request, error)
    else:
        messages.success(
            request,
            _("You acknowledged the notice for %(recipient)s.")
            % {"recipient": receipt.authority or receipt.unit},
        )
    target = request.POST.get("next")
    if target == "home":
        return redirect("campaigns:home")
    return redirect(_notice_url(receipt.notice))


@require_POST
def notice_attachment_add(request, pk):
    notice = access_notice(request.user, pk, edit=True)
    form = NoticeAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.notice_attachment_add(
                actor=request.user, notice=notice, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The file %(name)s was added.") % {"name": attachment.original_name}
            )
            return redirect(_notice_url(notice))
    return _notice_detail(request, notice, attachment_form=form, status=400)


@require_POST
def notice_attachment_remove(request, pk):
    attachment = access_notice_attachment(request.user, pk)
    notice = access_notice(request.user, attachment.notice_id, edit=True)
    return transition_response(
        request,
        lambda: services.notice_attachment_remove(actor=request.user, attachment=attachment),
        _("The file %(name)s was removed.") % {"name": attachment.original_name},
        _notice_url(notice),
    )


@require_GET
def notice_attachment_download(request, pk):
    attachment = access_notice_attachment(request.user, pk)
    return stored_file_response(attachment)


notice_list = NoticeListView.as_view()
notice_form = NoticeFormView.as_view()

urlpatterns = [
    path("notices/", notice_list, name="notice-list"),
    path("notices/new/", notice_form, name="notice-create"),
    path("notices/<int:pk>/", notice_detail, name="notice-detail"),
    path("notices/<int:pk>/edit/", notice_form, name="notice-edit"),
    path("notices/<int:pk>/publish/", notice_publish, name="notice-publish"),
    path("notices/<int:pk>/files/", notice_attachment_add, name="notice-attachment-add"),
    path("notices/files/<int:pk>/", notice_attachment_download, name="notice-attachment"),
    path(
        "notices/files/<int:pk>/remove/",
        notice_attachment_remove,
        name="notice-attachment-remove",
    ),
    path(
        "notices/receipts/<int:pk>/acknowledge/",
        notice_acknowledge,
        name="notice-acknowledge",
    ),
]
