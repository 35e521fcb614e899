"""Reads for a province's recommendation list: the ranking per title from the province's review
beside each nomination's place in the list and the quota, and the rounds an officer has lists
in. Who may open a list is `awards.access.access_recommendation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from assessments.models import Subject
from assessments.selectors import review_ranking
from awards.models import Nomination, Quota, Recommendation, Round, Title
from awards.selectors.rounds import round_review
from campaigns.models import Authority
from campaigns.scope import scope_for

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from assessments.models import Review

# Rounds whose provincial lists exist: from the provincial review on.
LIST_PHASES = (
    Round.Phase.PROVINCIAL_REVIEW,
    Round.Phase.NATIONAL_REVIEW,
    Round.Phase.PUBLIC_NOTICE,
    Round.Phase.DECIDED,
    Round.Phase.CLOSED,
)
# Nominations that are on the province's table: everything submitted, whatever came of it
# since, but neither drafts nor withdrawn ones.
LEFT_OUT = (Nomination.Status.DRAFT, Nomination.Status.WITHDRAWN)


# -- the ranking -------------------------------------------------------------------------------
def nomination_subjects(review: Review) -> dict[int, int]:
    """{nomination id: subject id} in the review."""
    return dict(
        Subject.objects.filter(
            review=review, content_type__app_label="awards", content_type__model="nomination"
        ).values_list("object_id", "pk")
    )


def ranking_by_nomination(round: Round, province: Authority) -> dict[int, Any]:
    """{nomination id: ranking row} of the province's review of the round (two queries, one
    when the province has no review)."""
    review = round_review(round, province)
    if review is None:
        return {}
    subjects = {pk: nomination_id for nomination_id, pk in nomination_subjects(review).items()}
    return {subjects[row.pk]: row for row in review_ranking(review) if row.pk in subjects}


@dataclass
class RankedNomination:
    nomination: Nomination
    row: Any = None  # the ranking row, None when the nomination is not in the review

    @property
    def rank(self) -> int | None:
        return self.row.rank if self.row else None

    @property
    def score(self) -> Decimal | None:
        return self.row.score if self.row else None

    @property
    def sheets_submitted(self) -> int:
        return self.row.sheets_submitted if self.row else 0

    @property
    def is_vetoed(self) -> bool:
        return bool(self.row and self.row.is_vetoed)

    @property
    def is_disputed(self) -> bool:
        return bool(self.row and self.row.is_disputed)

    @property
    def is_scored(self) -> bool:
        return self.sheets_submitted > 0

    @property
    def position(self) -> int | None:
        return self.nomination.recommended_position

    @property
    def is_choosable(self) -> bool:
        """May go on the list now: submitted, scored and not vetoed."""
        return (
            self.nomination.status == Nomination.Status.SUBMITTED
            and self.is_scored
            and not self.is_vetoed
        )


@dataclass
class TitleSection:
    title: str
    label: StrOrPromise
    quota: int
    rows: list[RankedNomination] = field(default_factory=list)

    @property
    def chosen(self) -> list[RankedNomination]:
        """The nominations on the list, in their places."""
        return sorted(
            (r for r in self.rows if r.position is not None), key=lambda r: cast(int, r.position)
        )

    @property
    def chosen_count(self) -> int:
        return len(self.chosen)

    @property
    def is_over_quota(self) -> bool:
        return self.chosen_count > self.quota


def _ranking_order(ranked: RankedNomination) -> tuple[bool, int, str, int]:
    # Ranked rows first by rank (vetoed ones are ranked last by the review), then those not
    # in the review, by name.
    return (
        ranked.rank is None,
        ranked.rank or 0,
        ranked.nomination.nominee_name,
        ranked.nomination.pk,
    )


def recommendation_sections(round: Round, province: Authority) -> list[TitleSection]:
    """The province's nominations per title in ranking order, each with its ranking row, and
    each title with its quota (no quota row means none). Five queries: the review, its
    subjects, the ranking, the quotas and the nominations."""
    ranking = ranking_by_nomination(round, province)
    quotas = dict(
        Quota.objects.filter(round=round, province=province).values_list("title", "quota")
    )
    sections = {
        title: TitleSection(title=title, label=label, quota=quotas.get(title, 0))
        for title, label in Title.choices
    }
    nominations = (
        Nomination.objects.filter(round=round, province=province)
        .exclude(status__in=LEFT_OUT)
        .order_by("title", "pk")
    )
    for nomination in nominations:
        sections[nomination.title].rows.append(
            RankedNomination(nomination=nomination, row=ranking.get(nomination.pk))
        )
    for section in sections.values():
        section.rows.sort(key=_ranking_order)
    return list(sections.values())


def recommendation_get(round: Round, province: Authority) -> Recommendation | None:
    """The province's list header (opinion, status, who submitted), or None before the first
    save."""
    return (
        Recommendation.objects.filter(round=round, province=province)
        .select_related("submitted_by")
        .first()
    )


# -- the officer's rounds ----------------------------------------------------------------------
def _sum_subquery(queryset: QuerySet[Any], column: str) -> Coalesce:
    summed = queryset.order_by().values(
        total=Func(F(column), function="SUM", output_field=IntegerField())
    )
    return Coalesce(Subquery(summed, output_field=IntegerField()), 0)


def recommendation_list_for(user: User | AnonymousUser) -> QuerySet[Nomination, Mapping[str, Any]]:
    """One row per round (from the provincial review on) and province the user manages that
    has nominations: the nominations on the table, how many are on the list, the total quota
    and the list's status (None before its first save). One query."""
    scope = scope_for(user)
    if scope.is_empty:
        return Nomination.objects.none().values()
    list_of = Recommendation.objects.filter(
        round=OuterRef("round_id"), province=OuterRef("province_id")
    )
    return (
        Nomination.objects.filter(round__phase__in=LIST_PHASES)
        .filter(province__level=Authority.Level.PROVINCIAL)
        .filter(scope.paths_q("province__path", edit=True))
        .exclude(status__in=LEFT_OUT)
        .values(
            "round_id",
            "province_id",
            round_name=F("round__name"),
            round_phase=F("round__phase"),
            round_start_year=F("round__start_year"),
            due_on=F("round__provincial_review_due_on"),
            province_name=F("province__name"),
            province_path=F("province__path"),
        )
        .annotate(
            nominations=Count("pk"),
            chosen=Count("pk", filter=Q(recommended_position__isnull=False)),
            quota=_sum_subquery(
                Quota.objects.filter(round=OuterRef("round_id"), province=OuterRef("province_id")),
                "quota",
            ),
            list_status=Subquery(list_of.values("status")[:1]),
            submitted_at=Subquery(list_of.values("submitted_at")[:1]),
        )
        .order_by("-round_start_year", "round_id", "province_path")
    )
