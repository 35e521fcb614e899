"""The provincial officer's recommendation list: the rounds they have lists in, and for one
round and province the ranking per title with the list being made, the quota and the
province's opinion; then a confirmation step to submit and lock it.

The province's own officers work on the list; the national office reads any province's list;
anyone else, and another province's officer, gets a 404. Every write is a service call.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from awards.access import access_recommendation
from awards.forms.recommendations import RecommendationForm, RecommendationSubmitForm
from awards.models import Nomination, Recommendation, Round
from awards.selectors.recommendations import (
    recommendation_get,
    recommendation_list_for,
    recommendation_sections,
)
from awards.services.recommendations import (
    recommendation_save,
    recommendation_submit,
    review_closed,
)
from civport.listing import Column
from civport.viewbases import ScopedListView

LIST_PAGE_SIZE = 50


def _trail(access=None):
    trail = [{"name": _("Recommendation lists"), "url": reverse("awards:recommendation-list")}]
    if access is not None:
        trail.append(
            {
                "name": f"{access.round.name} · {access.province.name}",
                "url": reverse(
                    "awards:recommendation-detail", args=[access.round.pk, access.province.pk]
                ),
            }
        )
    return trail


def _list_status(row):
    """The recommendation list's state as the list shows it, with the day it was submitted."""
    if row["list_status"] == Recommendation.Status.SUBMITTED:
        if row["submitted_at"] is None:
            return _("submitted")
        submitted_at = timezone.localtime(row["submitted_at"])
        return f"{_('submitted')} {submitted_at:%Y-%m-%d %H:%M}"
    if row["list_status"] == Recommendation.Status.DRAFT:
        return _("draft")
    return _("not started")


class RecommendationListView(ScopedListView):
    template_name = "awards/recommendations/list.html"
    per_page = LIST_PAGE_SIZE
    # A row is a round and a province (the nominations grouped), not one object.
    tie_breaker = ("round_id", "province_id")
    columns = (
        Column("round", gettext_lazy("award round"), sort="round_name", value="round_name"),
        Column("province", gettext_lazy("province"), sort="province_name", value="province_name"),
        Column(
            "phase",
            gettext_lazy("phase"),
            sort="round_phase",
            value=lambda row: Round.Phase(row["round_phase"]).label,
        ),
        Column("due_on", gettext_lazy("provincial review due on"), sort="due_on"),
        Column("nominations", gettext_lazy("nominations"), sort="nominations"),
        Column(
            "chosen",
            gettext_lazy("chosen / quota"),
            sort="chosen",
            value=lambda row: f"{row['chosen']} / {row['quota']}",
        ),
        Column("list", gettext_lazy("recommendation list"), sort="list_status", value=_list_status),
    )
    export_noun = "recommendation"
    export_title = gettext_lazy("Recommendation lists")

    def get_queryset(self):
        return recommendation_list_for(self.user)

    def get_context_data(self, **context):
        for row in context["page"].object_list:
            row["phase_label"] = Round.Phase(row["round_phase"]).label
        return super().get_context_data(**context, trail=[])


class _ListView(View):
    """A screen of one province's list in one round."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.access = access_recommendation(request.user, kwargs["round_pk"], kwargs["province_pk"])
        self.round, self.province = self.access.round, self.access.province

    def load(self):
        self.recommendation = recommendation_get(self.round, self.province)
        self.sections = recommendation_sections(self.round, self.province)

    @property
    def is_submitted(self):
        return (
            self.recommendation is not None
            and self.recommendation.status == Recommendation.Status.SUBMITTED
        )

    def closed_reason(self):
        """Why the list cannot be changed now, or "" while it can."""
        if self.is_submitted:
            return _("The list is submitted and locked.")
        if self.round.phase != Round.Phase.PROVINCIAL_REVIEW:
            return _("The provincial review of this round is over.")
        if review_closed(self.round):
            return _("The deadline of the provincial review has passed.")
        return ""

    def detail_url(self):
        return reverse("awards:recommendation-detail", args=[self.round.pk, self.province.pk])

    def base_context(self):
        return {
            "round": self.round,
            "province": self.province,
            "recommendation": self.recommendation,
            "is_submitted": self.is_submitted,
            "may_edit": self.access.may_edit,
            "closed_reason": self.closed_reason(),
            "trail": _trail(),
        }


class RecommendationDetailView(_ListView):
    """GET shows the ranking and the list; POST saves the draft ("save") or saves it and goes on
    to the confirmation ("submit")."""

    def get(self, request, round_pk, province_pk):
        self.load()
        return self._render(request, self._form())

    def post(self, request, round_pk, province_pk):
        if not self.access.may_edit:
            raise PermissionDenied
        self.load()
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        try:
            recommendation_save(
                actor=request.user,
                round=self.round,
                province=self.province,
                choices=form.choices(),
                opinion=form.cleaned_data["opinion"],
            )
        except ValidationError as error:
            form.apply_service_errors(error)
            return self._render(request, form)
        if request.POST.get("action") == "submit":
            return redirect(
                "awards:recommendation-submit", round_pk=self.round.pk, province_pk=self.province.pk
            )
        messages.success(request, _("The draft list is saved."))
        return redirect(self.detail_url())

    def _form(self, data=None):
        initial = {"opinion": self.recommendation.opinion if self.recommendation else ""}
        return RecommendationForm(data, initial=initial, sections=self.sections)

    def _render(self, request, form):
        context = {
            **self.base_context(),
            "form": form,
            "tables": form.rows(),
            "editable": self.access.may_edit and not self.closed_reason(),
        }
        return render(request, "awards/recommendations/detail.html", context)


class RecommendationSubmitView(_ListView):
    """GET shows the saved list to confirm; POST submits it."""

    def dispatch(self, request, *args, **kwargs):
        if not self.access.may_edit:
            raise PermissionDenied
        self.load()
        reason = self.closed_reason()
        if reason:
            messages.error(request, reason)
            return redirect(self.detail_url())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, round_pk, province_pk):
        return self._render(request, RecommendationSubmitForm(), [])

    def post(self, request, round_pk, province_pk):
        form = RecommendationSubmitForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, [])
        try:
            recommendation_submit(actor=request.user, round=self.round, province=self.province)
        except ValidationError as error:
            return self._render(request, form, error.messages)
        messages.success(
            request,
            _("The recommendation list of %(province)s is submitted.")
            % {"province": self.province.name},
        )
        return redirect(self.detail_url())

    def _render(self, request, form, refusals):
        context = {
            **self.base_context(),
            "form": form,
            "refusals": refusals,
            "sections": self.sections,
            "left_out": sum(
                1
                for section in self.sections
                for ranked in section.rows
                if ranked.position is None
                and ranked.nomination.status == Nomination.Status.SUBMITTED
            ),
            "trail": _trail(self.access),
        }
        return render(request, "awards/recommendations/submit.html", context)


urlpatterns = [
    path(
        "awards/recommendations/",
        RecommendationListView.as_view(),
        name="recommendation-list",
    ),
    path(
        "awards/recommendations/<int:round_pk>/<int:province_pk>/",
        RecommendationDetailView.as_view(),
        name="recommendation-detail",
    ),
    path(
        "awards/recommendations/<int:round_pk>/<int:province_pk>/submit/",
        RecommendationSubmitView.as_view(),
        name="recommendation-submit",
    ),
]
