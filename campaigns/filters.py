"""Filters and search for the campaign's list pages (django-filter).

Choice lists that come from the database (agencies, ports, authorities) are read by the view and
passed in, so that rendering a filter form never runs a query of its own. An invalid value is
ignored (and marked on the form) rather than failing the page.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.models import (
    Activity,
    Authority,
    Consultation,
    Feedback,
    Membership,
    Notice,
    Person,
    Port,
    Rectification,
    Unit,
)
from campaigns.selectors.accounts import account_state_q
from campaigns.selectors.contacts import directory_membership_q, directory_people_search_q
from campaigns.selectors.work import activity_filter, rectification_filter
from civport.filters import EMPTY, CheckFilter, StyledFilterSet
from civport.forms import DateInput


class _SearchFilterSet(StyledFilterSet):
    """A FilterSet with a free-text `q` over `search_fields`."""

    search_fields = ()

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or code")}),
    )

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


class AuthorityFilter(_SearchFilterSet):
    search_fields = ("name", "name_en", "short_name", "code")

    level = django_filters.ChoiceFilter(label=_("level"), choices=Authority.Level.choices)

    class Meta:
        model = Authority
        fields = ["q", "level"]


class PortFilter(_SearchFilterSet):
    search_fields = ("name", "name_en", "code")

    port_type = django_filters.ChoiceFilter(label=_("port type"), choices=Port.Type.choices)
    subtype = django_filters.ChoiceFilter(label=_("subtype"), choices=Port.Subtype.choices)
    port_class = django_filters.ChoiceFilter(label=_("class"), choices=Port.PortClass.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Port.Status.choices)

    class Meta:
        model = Port
        fields = ["q", "port_type", "subtype", "port_class", "status"]


class UnitFilter(_SearchFilterSet):
    search_fields = ("name", "name_en", "code")

    category = django_filters.ChoiceFilter(label=_("category"), choices=Unit.Category.choices)
    agency = django_filters.ChoiceFilter(label=_("agency"), field_name="agency_id")
    port = django_filters.ChoiceFilter(label=_("port"), field_name="port_id")

    class Meta:
        model = Unit
        fields = ["q", "category", "agency", "port"]

    def __init__(self, *args, agency_choices=(), port_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["agency"].extra["choices"] = agency_choices
        self.filters["port"].extra["choices"] = port_choices


class PersonFilter(_SearchFilterSet):
    search_fields = ("name", "name_en", "code")

    unit = django_filters.CharFilter(
        method="filter_unit",
        label=_("unit"),
        widget=forms.TextInput(attrs={"placeholder": _("Unit name or code")}),
    )
    gender = django_filters.ChoiceFilter(label=_("gender"), choices=Person.Gender.choices)
    political_status = django_filters.ChoiceFilter(
        label=_("political status"), choices=Person.PoliticalStatus.choices
    )

    class Meta:
        model = Person
        fields = ["q", "unit", "gender", "political_status"]

    def filter_unit(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(unit__code=value) | Q(unit__name__icontains=value))


class NoticeFilter(_SearchFilterSet):
    """The archive of notices: a year, sent or received, and search on title and number."""

    search_fields = ("title", "document_number")

    SENT, RECEIVED = "sent", "received"

    year = django_filters.ChoiceFilter(label=_("year"), field_name="issued_on__year")
    direction = django_filters.ChoiceFilter(
        label=_("sent or received"),
        method="filter_direction",
        choices=[
            (SENT, _("sent by my authority")),
            (RECEIVED, _("received by my authority or unit")),
        ],
    )

    class Meta:
        model = Notice
        fields = ["q", "year", "direction"]

    def __init__(self, *args, years=(), sender_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in years]
        self.filters["q"].field.widget.attrs["placeholder"] = _("Title or document number")
        self.sender_ids = set(sender_ids)

    def filter_direction(self, queryset, name, value):
        if value == self.SENT:
            return queryset.filter(sender_id__in=self.sender_ids)
        if value == self.RECEIVED:
            return queryset.exclude(sender_id__in=self.sender_ids)
        return queryset


# --- the campaign's work ----------------------------------------------------------------------


class ActivityFilter(StyledFilterSet):
    """The activity list's filters; `areas` and `authorities` are (pk, name) pairs already read.
    The narrowing itself is `selectors.work.activity_filter`'s."""

    area = django_filters.TypedChoiceFilter(label=_("construction area"), coerce=int)
    form = django_filters.TypedChoiceFilter(
        label=_("form"), choices=[EMPTY, *Activity.Form.choices]
    )
    authority = django_filters.TypedChoiceFilter(label=_("port authority"), coerce=int)
    unit = django_filters.CharFilter(
        label=_("unit"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or code")}),
    )
    status = django_filters.TypedChoiceFilter(
        label=_("status"), choices=[EMPTY, *Activity.Status.choices]
    )
    date_from = django_filters.DateFilter(label=_("from"), widget=DateInput())
    date_to = django_filters.DateFilter(label=_("to"), widget=DateInput())

    def __init__(self, *args, areas, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["area"].extra["choices"] = [EMPTY, *areas]
        self.filters["authority"].extra["choices"] = [EMPTY, *authorities]

    def filter_queryset(self, queryset):
        return activity_filter(queryset, **self.form.cleaned_data)


class RectificationFilter(StyledFilterSet):
    """The rectification list's filters; "overdue" is counted on `today`."""

    status = django_filters.TypedChoiceFilter(
        label=_("status"), choices=[EMPTY, *Rectification.Status.choices]
    )
    overdue = CheckFilter(label=_("Overdue only"))
    authority = django_filters.TypedChoiceFilter(label=_("port authority"), coerce=int)

    def __init__(self, *args, authorities, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["authority"].extra["choices"] = [EMPTY, *authorities]
        self.today = today

    def filter_queryset(self, queryset):
        return rectification_filter(queryset, today=self.today, **self.form.cleaned_data)


# --- filings and consultations ----------------------------------------------------------------


class ConsultationFilter(StyledFilterSet):
    """The consultation list's status tabs (`?status=`); no form is shown."""

    status = django_filters.ChoiceFilter(choices=Consultation.Status.choices)

    @property
    def status_value(self):
        """The status the list is narrowed to, or "" (none, or an unknown one)."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        return self.form.cleaned_data["status"]


# --- public feedback --------------------------------------------------------------------------


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class FeedbackFilter(StyledFilterSet):
    """Filters of the office's feedback list. The port choices are passed in by the view."""

    port = django_filters.ChoiceFilter(label=_("port"), field_name="port_id")
    status = django_filters.ChoiceFilter(label=_("status"), choices=Feedback.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Feedback.Kind.choices)
    submitted_from = django_filters.DateFilter(
        label=_("submitted from"), method="filter_from", widget=DateInput()
    )
    submitted_until = django_filters.DateFilter(
        label=_("submitted until"), method="filter_until", widget=DateInput()
    )

    class Meta:
        model = Feedback
        fields = ["port", "status", "kind", "submitted_from", "submitted_until"]

    def __init__(self, *args, port_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["port"].extra["choices"] = port_choices

    # Whole days in the portal's time zone, as ranges on the indexed timestamp.
    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))


class AccountFilter(StyledFilterSet):
    """The accounts a manager administers: by user name or name, role and state."""

    STATES = (
        ("active", pgettext_lazy("account state", "active")),
        ("not_activated", _("not activated")),
        ("disabled", _("disabled")),
    )

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("User name or name")}),
    )
    role = django_filters.ChoiceFilter(
        label=_("role"), choices=Membership.Role.choices, method="filter_role"
    )
    state = django_filters.ChoiceFilter(label=_("state"), choices=STATES, method="filter_state")

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(first_name__icontains=value))

    def filter_role(self, queryset, name, value):
        return queryset.filter(Exists(Membership.objects.filter(user=OuterRef("pk"), role=value)))

    def filter_state(self, queryset, name, value):
        return queryset.filter(account_state_q(value))


class DirectoryPersonFilter(StyledFilterSet):
    """The people of the contact directory: by name, number, e-mail or where they sit, and role.
    Given the viewer's `scope`, so that a search by place stays within their area."""

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, telephone, e-mail or office")}
        ),
    )
    role = django_filters.ChoiceFilter(
        label=_("role"), choices=Membership.Role.choices, method="filter_role"
    )

    def __init__(self, *args, scope, **kwargs):
        self.scope = scope
        super().__init__(*args, **kwargs)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(directory_people_search_q(value, self.scope))

    def filter_role(self, queryset, name, value):
        roles = Membership.objects.filter(
            directory_membership_q(self.scope), user=OuterRef("pk"), role=value
        )
        return queryset.filter(Exists(roles))


class DirectoryAuthorityFilter(_SearchFilterSet):
    """The authorities' offices of the contact directory."""

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, telephone, address or e-mail")}
        ),
    )

    search_fields = ("name", "short_name", "office_phone", "office_address", "office_email")

    level = django_filters.ChoiceFilter(label=_("level"), choices=Authority.Level.choices)

    class Meta:
        model = Authority
        fields = ["q", "level"]


class DirectoryUnitFilter(_SearchFilterSet):
    """The units' offices of the contact directory."""

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, telephone, address or e-mail")}
        ),
    )

    search_fields = (
        "name",
        "authority__name",
        "office_phone",
        "office_address",
        "office_email",
    )

    category = django_filters.ChoiceFilter(label=_("category"), choices=Unit.Category.choices)

    class Meta:
        model = Unit
        fields = ["q", "category"]
