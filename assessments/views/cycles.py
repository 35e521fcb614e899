"""Screens of the annual assessment cycle (年度考核).

Who sees what:
- the office of the cycle (those who see the review's authority) sees every subject; those who
  manage that authority open the cycle, start scoring and publish;
- a unit contact and the port officer of a unit's authority self-assess that unit's subject;
- everyone who sees a unit (its contact, and everyone who sees its authority) sees its subject,
  its self-assessment and, once published, its result;
- an assigned reviewer also downloads the subject's evidence (beside the scoring form).
Anything else is a 404, whether it exists or not. Writes go through
`assessments.services.cycles`; templates run no queries.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.http import require_POST

from assessments.access import (
    PORT_LEVELS,
    access_cycle,
    access_cycle_subject,
    access_evidence,
    access_subject_result,
    may_run,
    may_self_assess,
)
from assessments.forms.cycles import CycleOpenForm, SelfAssessmentForm
from assessments.models import (
    Assignment,
    Cycle,
    Evidence,
    Item,
    Scheme,
    SchemeArea,
    ScoreSheet,
    SelfAssessment,
    Subject,
)
from assessments.selectors import cycle_list_for, subjects_visible_q
from assessments.services import cycles as services
from assessments.services.sheets import running_total
from campaigns.models import Authority, Unit
from campaigns.scope import scope_for
from civport.forms import apply_service_errors
from civport.listing import Column
from civport.pagination import paginate
from civport.queries import count_subquery
from civport.uploads import stored_file_response, upload_max_bytes
from civport.viewbases import ScopedListView, refusal_messages, transition_response

MONEY = DecimalField(max_digits=20, decimal_places=10)


# --- pages ------------------------------------------------------------------------------------


def _page(request, queryset):
    return paginate(request, queryset)["page"]


def _office_authorities(user):
    """The authorities whose office the user is: their own managed grants."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Authority.objects.filter(level=Authority.Level.NATIONAL).order_by("path")
    ids = [g.object_id for g in scope.authority_grants() if g.can_edit]
    return Authority.objects.filter(pk__in=ids).order_by("path")


class CycleListView(ScopedListView):
    template_name = "assessments/cycles/cycle_list.html"
    columns = (
        Column("name", gettext_lazy("name"), sort="name"),
        Column("year", gettext_lazy("year"), sort="year"),
        Column(
            "authority",
            gettext_lazy("authority"),
            sort="review__authority__name",
            value="review.authority.name",
        ),
        Column(
            "scheme",
            gettext_lazy("assessment scheme"),
            sort=("review__scheme__name", "review__scheme__version"),
            value=lambda cycle: str(cycle.review.scheme),
        ),
        Column("status", gettext_lazy("status"), sort="status", value="get_status_display"),
        Column("units", gettext_lazy("units"), sort="n_subjects", value="n_subjects"),
        Column(
            "self_assessed",
            gettext_lazy("self-assessed"),
            sort="n_self_assessed",
            value="n_self_assessed",
        ),
        Column(
            "passed",
            gettext_lazy("meet the standard"),
            sort="n_passed",
            value=lambda cycle: cycle.n_passed if cycle.status == Cycle.Status.PUBLISHED else None,
        ),
        Column(
            "due_on",
            gettext_lazy("self-assessment due on"),
            sort="self_assessment_due_on",
            value="self_assessment_due_on",
        ),
    )

    def get_queryset(self):
        return cycle_list_for(self.user)

    def get_context_data(self, **context):
        return super().get_context_data(
            **context, can_open=self.scope.is_superuser or bool(self.scope.edit_paths)
        )


def _subject_rows(user, cycle):
    """The cycle's subjects the user sees, with their self-assessment and scoring progress."""
    scope = scope_for(user)
    claims = SelfAssessment.objects.filter(subject=OuterRef("pk"))
    sheets = ScoreSheet.objects.filter(subject=OuterRef("pk"))
    standard = (
        claims.filter(item__kind=Item.Kind.STANDARD)
        .order_by()
        .values("subject")
        .annotate(s=Sum(F("points") * F("item__coefficient"), output_field=MONEY))
        .values("s")
    )
    bonus = (
        claims.filter(item__kind=Item.Kind.BONUS)
        .order_by()
        .values("subject")
        .annotate(s=Sum("points"))
        .values("s")
    )
    queryset = Subject.objects.filter(review=cycle.review)
    if not cycle.is_office:
        queryset = queryset.filter(subjects_visible_q(scope))
    return (
        queryset.select_related("authority", "unit__authority")
        .annotate(
            n_claimed=count_subquery(claims),
            claimed_standard=Subquery(standard, output_field=MONEY),
            claimed_bonus=Subquery(bonus, output_field=MONEY),
            n_evidence=count_subquery(
                Evidence.objects.filter(self_assessment__subject=OuterRef("pk"))
            ),
            n_assigned=count_subquery(Assignment.objects.filter(subject=OuterRef("pk"))),
            n_submitted=count_subquery(sheets.filter(status=ScoreSheet.Status.SUBMITTED)),
        )
        .order_by("authority__path", "title", "pk")
    )


def _claimed_total(subject, bonus_cap):
    standard = (subject.claimed_standard or Decimal(0)).quantize(Decimal("0.01"))
    return standard + min(subject.claimed_bonus or Decimal(0), bonus_cap)


class CycleDetailView(View):
    def get(self, request, pk):
        cycle = access_cycle(request.user, pk)
        scope = scope_for(request.user)
        page = _page(request, _subject_rows(request.user, cycle))
        categories = dict(Unit.Category.choices)
        bonus_cap = cycle.review.scheme.bonus_cap
        for subject in page.object_list:
            subject.category_label = categories.get(subject.category, subject.category)
            subject.claimed_total = _claimed_total(subject, bonus_cap)
            subject.may_edit = cycle.status == Cycle.Status.SELF_ASSESSMENT and may_self_assess(
                scope, subject
            )
        return render(
            request,
            "assessments/cycles/cycle_detail.html",
            {
                "cycle": cycle,
                "review": cycle.review,
                "page": page,
                "can_run": may_run(scope, cycle),
                "Status": Cycle.Status,
            },
        )


class CycleOpenView(View):
    template_name = "assessments/cycles/cycle_open.html"

    def dispatch(self, request, *args, **kwargs):
        self.authorities = _office_authorities(request.user)
        self.authority_list = list(self.authorities)
        if not self.authority_list:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _form(self, request):
        ancestors = set()
        for authority in self.authority_list:
            parts = authority.path.split("/")[:-1]
            ancestors.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
        schemes = (
            Scheme.objects.filter(status=Scheme.Status.PUBLISHED, authority__path__in=ancestors)
            .select_related("authority")
            .order_by("authority__path", "family", "-version")
        )
        below = Q()
        for authority in self.authority_list:
            below |= Q(path__startswith=authority.path)
        port_authorities = Authority.objects.filter(
            below, level__in=PORT_LEVELS, is_active=True
        ).order_by("path")
        return CycleOpenForm(
            request.POST or None,
            authorities=self.authorities,
            schemes=schemes,
            port_authorities=port_authorities,
        )

    def get(self, request):
        return render(request, self.template_name, {"form": self._form(request)})

    def post(self, request):
        form = self._form(request)
        if form.is_valid():
            data = form.cleaned_data
            within = data["port_authority"] or data["authority"]
            units = Unit.objects.filter(
                authority__path__startswith=within.path, is_active=True, parent__isnull=True
            ).select_related("authority")
            try:
                cycle = services.cycle_open(
                    actor=request.user,
                    name=data["name"],
                    year=data["year"],
                    authority=data["authority"],
                    scheme=data["scheme"],
                    units=units,
                    reviewers_per_subject=data["reviewers_per_subject"],
                    self_assessment_due_on=data["self_assessment_due_on"],
                    due_on=data["due_on"],
                )
            except ValidationError as error:
                apply_service_errors(form, error, field_map={"units": "port_authority"})
            else:
                count = len(units)
                messages.success(
                    request,
                    ngettext(
                        "The cycle %(name)s was opened for %(count)s unit.",
                        "The cycle %(name)s was opened for %(count)s units.",
                        count,
                    )
                    % {"name": cycle.name, "count": count},
                )
                return redirect("assessments:cycle-detail", cycle.pk)
        return render(request, self.template_name, {"form": form})


def _transition(request, pk, service, done):
    cycle = access_cycle(request.user, pk, manage=True)
    return transition_response(
        request,
        lambda: service(actor=request.user, cycle=cycle),
        done % {"name": cycle.name},
        "assessments:cycle-detail",
        cycle.pk,
    )


@require_POST
def cycle_start_scoring(request, pk):
    return _transition(
        request,
        pk,
        services.cycle_start_scoring,
        _("The self-assessment of %(name)s is closed and scoring is open."),
    )


@require_POST
def cycle_publish(request, pk):
    return _transition(
        request, pk, services.cycle_publish, _("The results of %(name)s are published.")
    )


class SelfAssessmentView(View):
    template_name = "assessments/cycles/self_assessment.html"

    def _load(self, request, pk):
        self.subject = access_cycle_subject(request.user, pk)
        scheme = self.subject.review.scheme
        self.items = list(
            Item.objects.filter(scheme=scheme).select_related("indicator__scheme_area__area")
        )
        self.claims = {
            c.item_id: c
            for c in SelfAssessment.objects.filter(subject=self.subject).prefetch_related(
                "evidence"
            )
        }

    def _render(self, request, form):
        subject = self.subject
        points = {item_id: claim.points for item_id, claim in self.claims.items()}
        claimed = running_total(self.items, points, subject.review.scheme.bonus_cap)
        return render(
            request,
            self.template_name,
            {
                "subject": subject,
                "cycle": subject.cycle,
                "form": form,
                "rows": form.rows(),
                "claimed_total": claimed,
                "n_claimed": len(self.claims),
                "evidence_max": services.EVIDENCE_PER_ITEM_MAX,
                "upload_max": upload_max_bytes(),
            },
        )

    def get(self, request, pk):
        self._load(request, pk)
        form = SelfAssessmentForm(
            items=self.items, claims=self.claims, editable=self.subject.may_edit
        )
        return self._render(request, form)

    def post(self, request, pk):
        self._load(request, pk)
        subject = self.subject
        if not subject.may_edit:
            raise PermissionDenied
        form = SelfAssessmentForm(request.POST, request.FILES, items=self.items, claims=self.claims)
        if not form.is_valid():
            return self._render(request, form)
        try:
            services.self_assessment_save(
                actor=request.user, subject=subject, entries=form.entries()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            return self._render(request, form)
        claims = {c.item_id: c for c in SelfAssessment.objects.filter(subject=subject)}
        added = 0
        for item_id, files in form.uploads().items():
            for upload in files:
                try:
                    services.evidence_add(
                        actor=request.user, self_assessment=claims[item_id], upload=upload
                    )
                    added += 1
                except ValidationError as error:
                    refusal_messages(request, error)
        messages.success(
            request,
            _("The self-assessment was saved.")
            if not added
            else ngettext(
                "The self-assessment was saved with %(count)s new evidence file.",
                "The self-assessment was saved with %(count)s new evidence files.",
                added,
            )
            % {"count": added},
        )
        return redirect("assessments:self-assessment", subject.pk)


@require_POST
def evidence_remove(request, pk):
    evidence = access_evidence(request.user, pk, edit=True)
    subject = evidence.self_assessment.subject
    return transition_response(
        request,
        lambda: services.evidence_remove(actor=request.user, evidence=evidence),
        _("The file %(name)s was removed.") % {"name": evidence.original_name},
        reverse("assessments:self-assessment", args=[subject.pk]),
    )


def evidence_download(request, pk):
    evidence = access_evidence(request.user, pk)
    return stored_file_response(evidence)


class CycleResultView(View):
    def get(self, request, pk):
        subject = access_subject_result(request.user, pk)
        scheme = subject.review.scheme
        areas = list(SchemeArea.objects.filter(scheme=scheme).select_related("area"))
        total_weight = sum((a.weight for a in areas), Decimal(0))
        profile = subject.result_profile or {}
        rows = []
        for area in areas:
            share = profile.get(area.area.code)
            rows.append(
                {
                    "area": area.area,
                    "weight": (scheme.base_points * area.weight / total_weight).quantize(
                        Decimal("0.1")
                    )
                    if total_weight
                    else None,
                    "percent": Decimal(share) if share is not None else None,
                }
            )
        return render(
            request,
            "assessments/cycles/cycle_result.html",
            {
                "subject": subject,
                "cycle": subject.cycle,
                "scheme": scheme,
                "rows": rows,
                "category_label": dict(Unit.Category.choices).get(
                    subject.category, subject.category
                ),
            },
        )


urlpatterns = [
    path("cycles/", CycleListView.as_view(), name="cycle-list"),
    path("cycles/new/", CycleOpenView.as_view(), name="cycle-open"),
    path("cycles/<int:pk>/", CycleDetailView.as_view(), name="cycle-detail"),
    path("cycles/<int:pk>/start-scoring/", cycle_start_scoring, name="cycle-start-scoring"),
    path("cycles/<int:pk>/publish/", cycle_publish, name="cycle-publish"),
    path(
        "cycles/subjects/<int:pk>/self-assessment/",
        SelfAssessmentView.as_view(),
        name="self-assessment",
    ),
    path("cycles/subjects/<int:pk>/result/", CycleResultView.as_view(), name="cycle-result"),
    path("cycles/evidence/<int:pk>/", evidence_download, name="evidence-download"),
    path("cycles/evidence/<int:pk>/remove/", evidence_remove, name="evidence-remove"),
]
