"""The audit administrator's screens (审计管理员, GB/T 22239-2019 8.1.4.3): search the audit log
and the login log by user, action, object, time and client address; open an entry with its
before and after; export what the search found.

Only an account holding `civport.view_auditentry` (the audit log) or `civport.view_loginevent`
(the login log) sees them; anyone else gets 404, as for any object outside their scope. The
logs grow by millions of rows, so a page never counts them: it reads one row more than it
shows to know whether a next page exists, and each filter narrows on an indexed column (the
actor, the address, the outcome, the action, the time).
"""

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civport.audit import audit_export
from civport.filters import StyledFilterSet
from civport.models import AuditEntry, LoginEvent
from civport.resources import escape_formula
from civport.spreadsheets import spreadsheet_response

PER_PAGE = 50
EXPORT_LIMIT = 100_000
FORMATS = ("xlsx", "csv")


# --- filters ---------------------------------------------------------------------------------


def _day_start(value):
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


class _LogFilter(StyledFilterSet):
    """What both logs are searched by: the account, the time and the client address."""

    user = django_filters.CharFilter(label=gettext_lazy("user name"), method="by_user")
    since = django_filters.DateFilter(
        label=gettext_lazy("from"), method="by_since", widget=forms.DateInput({"type": "date"})
    )
    until = django_filters.DateFilter(
        label=gettext_lazy("to"), method="by_until", widget=forms.DateInput({"type": "date"})
    )
    ip = django_filters.CharFilter(label=gettext_lazy("IP address"), method="by_ip")

    user_field = "actor"

    def by_user(self, queryset, name, value):
        # The account's id, so the (user, time) index serves the search.
        ids = get_user_model().objects.filter(username=value.strip()).values("pk")
        return queryset.filter(**{f"{self.user_field}__in": ids})

    def by_since(self, queryset, name, value):
        return queryset.filter(at__gte=_day_start(value))

    def by_until(self, queryset, name, value):
        return queryset.filter(at__lt=_day_start(value + datetime.timedelta(days=1)))

    def by_ip(self, queryset, name, value):
        value = value.strip()
        try:
            forms.GenericIPAddressField().clean(value)
        except forms.ValidationError:
            return queryset.none()
        return queryset.filter(ip_address=value)


class AuditEntryFilter(_LogFilter):
    action = django_filters.CharFilter(label=gettext_lazy("action"), method="by_action")
    object = django_filters.CharFilter(label=gettext_lazy("object"), method="by_object")
    outcome = django_filters.ChoiceFilter(
        label=gettext_lazy("outcome"), choices=AuditEntry.Outcome.choices
    )

    class Meta:
        model = AuditEntry
        fields = []

    def by_action(self, queryset, name, value):
        # "awards.honour" finds every action on honours; a whole code finds that action only.
        value = value.strip()
        return queryset.filter(action__startswith=value) if value else queryset

    def by_object(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(object_id=value)
        return queryset.filter(object_repr__icontains=value)


class LoginEventFilter(_LogFilter):
    outcome = django_filters.ChoiceFilter(
        label=gettext_lazy("outcome"), choices=LoginEvent.Outcome.choices
    )

    user_field = "user"

    class Meta:
        model = LoginEvent
        fields = []

    def by_user(self, queryset, name, value):
        # A failed attempt may name no account: the name typed is kept on the row.
        return queryset.filter(username=value.strip())


# --- selectors ---------------------------------------------------------------------------------


def audit_entries_found(params):
    """The audit log filtered by `params` (a QueryDict), newest first, with the object type."""
    queryset = AuditEntry.objects.select_related("content_type").order_by("-at", "-id")
    return AuditEntryFilter(params, queryset=queryset)


def login_events_found(params):
    return LoginEventFilter(params, queryset=LoginEvent.objects.order_by("-at", "-id"))


def page_of(queryset, number):
    """One page of rows, reading one row more to know whether another page follows (no
    count of a table of millions)."""
    start = (number - 1) * PER_PAGE
    rows = list(queryset[start : start + PER_PAGE + 1])
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def _page_number(request):
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


# --- access ----------------------------------------------------------------------------------


def _require(user, permission):
    if not user.has_perm(permission):
        raise Http404


# --- views -----------------------------------------------------------------------------------


def _list(request, template, filterset, extra=None):
    number = _page_number(request)
    rows, has_next = page_of(filterset.qs, number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "filterset": filterset,
            "rows": rows,
            "page_number": number,
            "has_next": has_next,
            "query": query.urlencode(),
            **(extra or {}),
        },
    )


@login_required
def audit_entry_list(request):
    _require(request.user, "civport.view_auditentry")
    return _list(
        request,
        "civport/audit/entry_list.html",
        audit_entries_found(request.GET),
        {
            "heading": _("Audit log"),
            "intro": _(
                "Every write, login, export and security event, newest first. Search by user "
                "name, action code (its beginning finds a whole kind, e.g. awards.honour), "
                "object, day and address; open an entry for its before and after. Exports take "
                "what the search found and are audited too."
            ),
            "tab": "entries",
            "export": "audit:entry-export",
        },
    )


@login_required
def audit_entry_detail(request, pk):
    _require(request.user, "civport.view_auditentry")
    entry = get_object_or_404(AuditEntry.objects.select_related("content_type"), pk=pk)
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    rows = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append({"field": field, "before": value[0], "after": value[1]})
        else:
            rows.append({"field": field, "before": None, "after": value})
    trail = [{"name": _("Audit log"), "url": reverse("audit:entry-list")}]
    return render(
        request,
        "civport/audit/entry_detail.html",
        {"entry": entry, "changes": rows, "trail": trail},
    )


@login_required
def login_event_list(request):
    _require(request.user, "civport.view_loginevent")
    return _list(
        request,
        "civport/audit/login_list.html",
        login_events_found(request.GET),
        {
            "heading": _("Login log"),
            "intro": _(
                "Every login, failed attempt and lockout with the client's address, newest "
                "first. A failed attempt keeps the user name that was typed."
            ),
            "tab": "logins",
            "export": "audit:login-export",
        },
    )


# --- exports ---------------------------------------------------------------------------------


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    return escape_formula(str(value))


def _stamp():
    return timezone.localtime().strftime("%Y%m%d-%H%M%S")


def _export(request, fmt, *, permission, found, headers, row_of, title, action):
    """The rows a search found, as a spreadsheet; the export itself is audited."""
    _require(request.user, permission)
    if fmt not in FORMATS:
        raise Http404
    rows = [[_cell(value) for value in row_of(item)] for item in found.qs[:EXPORT_LIMIT]]
    response = spreadsheet_response(fmt, title, headers, rows, f"{title}-log-{_stamp()}")
    audit_export(
        actor=request.user,
        action=action,
        fmt=fmt,
        rows=len(rows),
        details={"filters": request.GET.dict()},
    )
    return response


@login_required
def audit_entry_export(request, fmt):
    return _export(
        request,
        fmt,
        permission="civport.view_auditentry",
        found=audit_entries_found(request.GET),
        headers=[
            _("time"),
            _("user"),
            _("IP address"),
            _("action"),
            _("outcome"),
            _("object type"),
            _("object ID"),
            _("object"),
            _("changed fields"),
        ],
        row_of=lambda e: [
            e.at,
            e.actor_repr,
            e.ip_address,
            e.action,
            e.get_outcome_display(),
            e.content_type.name if e.content_type else "",
            e.object_id,
            e.object_repr,
            e.changes or "",
        ],
        title="audit",
        action="civport.audit_log.exported",
    )


@login_required
def login_event_export(request, fmt):
    return _export(
        request,
        fmt,
        permission="civport.view_loginevent",
        found=login_events_found(request.GET),
        headers=[_("time"), _("user name"), _("IP address"), _("outcome"), _("browser")],
        row_of=lambda e: [e.at, e.username, e.ip_address, e.get_outcome_display(), e.user_agent],
        title="login",
        action="civport.login_log.exported",
    )


app_name = "audit"
urlpatterns = [
    path("", audit_entry_list, name="entry-list"),
    path("<int:pk>/", audit_entry_detail, name="entry-detail"),
    path("export.<str:fmt>", audit_entry_export, name="entry-export"),
    path("logins/", login_event_list, name="login-list"),
    path("logins/export.<str:fmt>", login_event_export, name="login-export"),
]
