"""Filters of the awards' list pages (django-filter): the nominations and the public honours
board. Choices (rounds, provinces) are read by the view and passed in, so rendering a form runs
no query; an invalid value is ignored rather than failing the page."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards.models import Honour, Nomination, Title
from awards.selectors.nominations import nomination_filter
from civport.filters import EMPTY, StyledFilterSet
from civport.forms import style_widgets

QUERY_MAX = 100


class _RestyledForm(forms.Form):
    """Bootstrap classes once built and again after cleaning, for the error marks (each class
    once)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.restyle()

    def full_clean(self):
        super().full_clean()
        self.restyle()

    def restyle(self):
        style_widgets(self)
        for field in self.fields.values():
            classes = field.widget.attrs.get("class", "").split()
            field.widget.attrs["class"] = " ".join(dict.fromkeys(classes))


class NominationFilter(django_filters.FilterSet):
    """The nomination list's filters; `provinces` is None for a user who sees one province (the
    field is left out). The narrowing itself is `selectors.nominations.nomination_filter`'s."""

    q = django_filters.CharFilter(
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Nominee or unit")}),
    )
    round = django_filters.TypedChoiceFilter(label=_("award round"), coerce=int)
    title = django_filters.TypedChoiceFilter(
        label=pgettext_lazy("award", "title"), choices=[EMPTY, *Title.choices]
    )
    status = django_filters.TypedChoiceFilter(
        label=_("status"), choices=[EMPTY, *Nomination.Status.choices]
    )
    province = django_filters.TypedChoiceFilter(label=_("province"), coerce=int)

    class Meta:
        form = _RestyledForm

    def __init__(self, *args, rounds, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["round"].extra["choices"] = [EMPTY, *rounds]
        if provinces is None:
            del self.filters["province"]
        else:
            self.filters["province"].extra["choices"] = [EMPTY, *provinces]

    def nomination_filters(self):
        """The valid filters that are set, as keyword arguments of `nomination_filter`."""
        if not self.is_bound:
            return {}
        form = self.form
        form.is_valid()
        return {
            name: value
            for name, value in form.cleaned_data.items()
            if name not in form.errors and value not in ("", None)
        }

    def filter_queryset(self, queryset):
        return nomination_filter(queryset, **self.nomination_filters())

    @property
    def is_filtered(self):
        return bool(self.nomination_filters())


class HonourBoardFilter(StyledFilterSet):
    """The board's filters. `rounds` and `provinces` are lists already read, so the choices cost
    no query of their own and a filter is looked up in them, not in the database. The board is
    `honour_board(**board_filters())`."""

    round = django_filters.TypedChoiceFilter(label=_("Award round"))
    title = django_filters.TypedChoiceFilter(
        label=pgettext_lazy("award", "Title"), choices=[("", _("All titles")), *Title.choices]
    )
    province = django_filters.TypedChoiceFilter(label=_("Province"))
    q = django_filters.CharFilter(
        label=_("Name"),
        max_length=QUERY_MAX,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or number")}),
    )

    class Meta:
        model = Honour
        fields = ["round", "title", "province", "q"]

    def __init__(self, *args, rounds, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.rounds = {str(r.pk): r for r in rounds}
        self.provinces = {str(p.pk): p for p in provinces}
        self.filters["round"].extra["choices"] = [("", _("All rounds"))] + [
            (str(r.pk), r.years_label) for r in rounds
        ]
        self.filters["province"].extra["choices"] = [("", _("All provinces"))] + [
            (str(p.pk), p.short_name or p.name) for p in provinces
        ]

    def board_filters(self):
        """Keyword arguments of `honour_board`: none unless every filter is valid."""
        if not (self.is_bound and self.form.is_valid()):
            return {}
        data = self.form.cleaned_data
        return {
            "round": self.rounds.get(data.get("round") or ""),
            "title": data.get("title") or "",
            "province": self.provinces.get(data.get("province") or ""),
            "query": data.get("q") or "",
        }
