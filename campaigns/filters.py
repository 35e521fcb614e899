"""Filters and search for the hierarchy's list pages (django-filter).

Choice lists that come from the database (agencies, ports) are read by the view and passed in,
so that rendering a filter form never runs a query of its own.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Authority, Notice, Person, Port, Unit


class _SearchFilterSet(django_filters.FilterSet):
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
