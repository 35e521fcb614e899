"""Filters of the assessments' list pages (django-filter): the reviewer's queue and a review's
ranking. Their choices are read by the view and passed in, so rendering runs no query."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.dossiers import category_label
from assessments.models import Subject
from assessments.selectors import QueueStatus
from civport.filters import StyledFilterSet

QUEUE_STATUS_CHOICES = [
    ("", gettext_lazy("Any status")),
    (QueueStatus.NOT_STARTED, gettext_lazy("not started")),
    (QueueStatus.DRAFT, gettext_lazy("draft")),
    (QueueStatus.SUBMITTED, gettext_lazy("submitted")),
]


class QueueFilter(StyledFilterSet):
    """Filters of the reviewer's queue (`queue_for`); `province_choices` and
    `category_choices` are read by the view. One invalid value leaves the queue unfiltered (and
    is shown on the form)."""

    status = django_filters.TypedChoiceFilter(
        label=gettext_lazy("status"), choices=QUEUE_STATUS_CHOICES
    )
    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("Title")}),
    )
    category = django_filters.TypedChoiceFilter(label=gettext_lazy("category"))
    province = django_filters.TypedChoiceFilter(
        label=gettext_lazy("province"), coerce=int, empty_value=None
    )
    due = django_filters.DateFilter(
        label=gettext_lazy("due on or before"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, province_choices=(), category_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = [("", _("Any category")), *category_choices]
        self.filters["province"].extra["choices"] = [("", _("Any province")), *province_choices]

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return queryset
        data = self.form.cleaned_data
        if data["status"]:
            queryset = queryset.filter(sheet_status=data["status"])
        if data["q"].strip():
            queryset = queryset.filter(subject__title__icontains=data["q"].strip())
        if data["category"]:
            queryset = queryset.filter(subject__category=data["category"])
        if data["province"]:
            queryset = queryset.filter(subject__province_id=data["province"])
        if data["due"]:
            queryset = queryset.filter(subject__review__due_on__lte=data["due"])
        return queryset

    @property
    def is_filtered(self):
        return self.is_bound and any(self.data.get(name) for name in self.filters)


class RankingFilter(StyledFilterSet):
    """The ranking's filters; choices come from the review's own subjects. The ranking is one
    aggregate query (`review_ranking`), so this gives its keyword arguments (`ranking_filters`)
    rather than narrowing a queryset."""

    category = django_filters.TypedChoiceFilter(label=gettext_lazy("category"))
    province = django_filters.TypedChoiceFilter(
        label=gettext_lazy("province"), coerce=int, empty_value=None
    )

    class Meta:
        model = Subject
        fields = ["category", "province"]

    def __init__(self, *args, categories, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = [("", gettext_lazy("all categories"))] + [
            (c, category_label(c)) for c in categories
        ]
        self.filters["province"].extra["choices"] = [("", gettext_lazy("all provinces"))] + [
            (str(pk), name) for pk, name in provinces
        ]

    def ranking_filters(self):
        """The valid filters as keyword arguments; an invalid choice filters nothing."""
        if not self.form.is_valid():
            return {"category": "", "province": None}
        return {
            "category": self.form.cleaned_data["category"],
            "province": self.form.cleaned_data["province"],
        }
