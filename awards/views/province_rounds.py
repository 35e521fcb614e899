"""A province's own commendation (省级评比表彰), run by its provincial officers in the portal:
the list of rounds, a new round, the round's page with its steps (the same phases and services
as the national round, without a national review), its quotas per port authority, the
decision's document number, and its honours with their certificates.

The province's people and the national office read a round; another province's people get a
404. Only the province's own officers change it. Every write is a service call.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from awards.access import access_province_round, running_provinces
from awards.forms.province_rounds import (
    DecisionNumberForm,
    ProvinceRoundForm,
    QuotaGridForm,
    quota_field,
)
from awards.models import DecisionDocument, Honour, Nomination
from awards.selectors.rounds import (
    province_round_quotas,
    province_rounds_visible,
    round_status_counts,
)
from awards.services import rounds as round_services
from campaigns.models import Authority
from civport.forms import apply_service_errors
from civport.listing import Column
from civport.viewbases import ScopedListView, ScopedView


def _trail(round=None):
    trail = [{"name": _("Provincial rounds"), "url": reverse("awards:province-round-list")}]
    if round is not None:
        trail.append(
            {"name": round.name, "url": reverse("awards:province-round-detail", args=[round.pk])}
        )
    return trail


def _running_province(scope):
    """The province the user runs rounds for (its provincial officer), or None."""
    paths = running_provinces(scope)
    if not paths:
        return None
    return Authority.objects.get(path=paths[0], level=Authority.Level.PROVINCIAL)


class ProvinceRoundListView(ScopedListView):
    template_name = "awards/province_rounds/list.html"
    columns = (
        Column("name", gettext_lazy("award round"), sort="name"),
        Column(
            "authority",
            gettext_lazy("issuing authority"),
            sort="authority__name",
            value="authority.name",
        ),
        Column(
            "years", gettext_lazy("years"), sort=("start_year", "end_year"), value="years_label"
        ),
        Column("phase", gettext_lazy("phase"), sort="phase", value="get_phase_display"),
        Column(
            "nominations",
            gettext_lazy("nominations"),
            sort="nomination_count",
            value="nomination_count",
        ),
    )
    export_noun = "province_round"

    def get_queryset(self):
        if self.scope.is_empty:
            raise Http404
        view_paths = None if self.scope.is_national else self.scope.view_paths
        return province_rounds_visible(view_paths)

    def get_context_data(self, **context):
        return super().get_context_data(
            **context, trail=[], may_create=bool(running_provinces(self.scope))
        )


class ProvinceRoundCreateView(ScopedView):
    template_name = "awards/province_rounds/form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.province = _running_province(self.scope)
        if self.province is None:
            raise Http404

    def render_form(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "province": self.province, "trail": _trail()},
        )

    def get(self, request):
        return self.render_form(ProvinceRoundForm(province=self.province))

    def post(self, request):
        form = ProvinceRoundForm(request.POST, province=self.province)
        if form.is_valid():
            try:
                round = round_services.round_create(
                    actor=request.user, authority=self.province, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The round was created in draft."))
                for warning in round_services.round_dates_warnings(round):
                    messages.warning(request, warning)
                return redirect("awards:province-round-detail", round.pk)
        return self.render_form(form)


class ProvinceRoundDetailView(ScopedView):
    template_name = "awards/province_rounds/detail.html"

    def get(self, request, pk):
        round = access_province_round(request.user, pk)
        runs = round.authority.path in running_provinces(self.scope)
        steps = round_services.phases(round)
        here = steps.index(round.phase)
        target = round_services.next_phase(round)
        counts = round_status_counts(round)
        context = {
            "round": round,
            "runs": runs,
            "steps": [
                {"code": code, "label": round.Phase(code).label, "done": i < here, "now": i == here}
                for i, code in enumerate(steps)
            ],
            "next_phase": round.Phase(target).label if target else None,
            "reasons": round_services.round_preconditions(round) if target else [],
            "quota_rows": province_round_quotas(round),
            "titles": round.title_choices(),
            "counts": [
                (Nomination.Status(status).label, counts[status])
                for status in Nomination.Status.values
                if counts.get(status)
            ],
            "honours": list(
                # The round (and its authority) names each honour's title: joined, not read per row.
                Honour.objects.filter(round=round)
                .select_related("province", "round__authority")
                .order_by("title", "number")
            ),
            "decision": DecisionDocument.objects.filter(round=round).first(),
            "decision_form": DecisionNumberForm(initial={"decision_number": round.decision_number}),
            "quotas_open": round.phase in round_services.QUOTA_PHASES,
            "trail": _trail(),
        }
        return render(request, self.template_name, context)


class ProvinceRoundAdvanceView(View):
    def post(self, request, pk):
        round = access_province_round(request.user, pk, run=True)
        try:
            round = round_services.round_advance(actor=request.user, round=round)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The round is now in its %(phase)s phase.")
                % {"phase": round.get_phase_display()},
            )
            for warning in getattr(round, "warnings", []):
                messages.warning(request, warning)
        return redirect("awards:province-round-detail", pk)


class ProvinceRoundDecisionNumberView(View):
    def post(self, request, pk):
        round = access_province_round(request.user, pk, run=True)
        form = DecisionNumberForm(request.POST)
        if form.is_valid():
            try:
                round_services.round_save(
                    actor=request.user,
                    round=round,
                    decision_number=form.cleaned_data["decision_number"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The document number was saved."))
        else:
            messages.error(request, _("Enter the document number."))
        return redirect("awards:province-round-detail", pk)


class ProvinceRoundQuotasView(View):
    template_name = "awards/province_rounds/quotas.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.round = access_province_round(request.user, kwargs["pk"], run=True)
        self.rows = province_round_quotas(self.round)
        self.titles = self.round.title_choices()

    def render_form(self, form):
        return render(
            self.request,
            self.template_name,
            {
                "round": self.round,
                "form": form,
                "titles": self.titles,
                "quotas_open": self.round.phase in round_services.QUOTA_PHASES,
                "trail": _trail(self.round),
            },
        )

    def get(self, request, pk):
        return self.render_form(QuotaGridForm(rows=self.rows, titles=self.titles))

    def post(self, request, pk):
        form = QuotaGridForm(request.POST, rows=self.rows, titles=self.titles)
        if form.is_valid():
            try:
                with transaction.atomic():
                    for row in self.rows:
                        for code, _label in self.titles:
                            value = form.cleaned_data[quota_field(row.authority.pk, code)]
                            current = row.quotas.get(code)
                            if current == value or (current is None and value == 0):
                                continue
                            round_services.quota_set(
                                actor=request.user,
                                round=self.round,
                                province=row.authority,
                                title=code,
                                quota=value,
                            )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The quotas were saved."))
                return redirect("awards:province-round-detail", self.round.pk)
        return self.render_form(form)


urlpatterns = [
    path("awards/province-rounds/", ProvinceRoundListView.as_view(), name="province-round-list"),
    path(
        "awards/province-rounds/new/",
        ProvinceRoundCreateView.as_view(),
        name="province-round-create",
    ),
    path(
        "awards/province-rounds/<int:pk>/",
        ProvinceRoundDetailView.as_view(),
        name="province-round-detail",
    ),
    path(
        "awards/province-rounds/<int:pk>/advance/",
        ProvinceRoundAdvanceView.as_view(),
        name="province-round-advance",
    ),
    path(
        "awards/province-rounds/<int:pk>/decision-number/",
        ProvinceRoundDecisionNumberView.as_view(),
        name="province-round-decision-number",
    ),
    path(
        "awards/province-rounds/<int:pk>/quotas/",
        ProvinceRoundQuotasView.as_view(),
        name="province-round-quotas",
    ),
]
