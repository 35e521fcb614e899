"""Reads of rounds and of the assessments reviews that score them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from assessments.models import Assignment, Review, ScoreSheet, Subject
from awards.models import Nomination, Quota, Recommendation, Round, Title
from campaigns.models import Authority
from civport.queries import count_subquery

if TYPE_CHECKING:
    from django.db.models import QuerySet


def round_reviews(round: Round) -> dict[int, Review]:
    """The round's reviews (one per province that scores, one national), by authority id."""
    return {
        review.authority_id: review
        for review in Review.objects.filter(round_key=round.review_key).select_related(
            "authority", "scheme"
        )
    }


def round_review(round: Round, authority: Authority) -> Review | None:
    """The review of `authority` (a province or the national office) for the round, or None."""
    return (
        Review.objects.filter(round_key=round.review_key, authority=authority)
        .select_related("authority", "scheme")
        .first()
    )


def provinces() -> QuerySet[Authority]:
    return Authority.objects.filter(level=Authority.Level.PROVINCIAL, is_active=True).order_by(
        "path"
    )


def national_office() -> Authority:
    return Authority.objects.get(level=Authority.Level.NATIONAL)


def round_issuer(round: Round) -> Authority:
    """The authority that issues the round: a province for its own round, otherwise the
    national office (also for a round that has no authority recorded)."""
    if round.authority_id is None:
        return national_office()
    return round.authority  # type: ignore[return-value]


def rounds_of_province(province: Authority) -> QuerySet[Round]:
    """A province's own rounds, newest first."""
    return Round.objects.filter(authority=province).select_related("authority", "scheme")


# --- the admin's lists and pages --------------------------------------------------------------

Status = Nomination.Status

# Nominations that were submitted, whatever became of them (a withdrawn one no longer counts).
SUBMITTED_OR_LATER = (
    Status.SUBMITTED,
    Status.RECOMMENDED,
    Status.NOT_RECOMMENDED,
    Status.CANDIDATE,
    Status.REJECTED,
    Status.AWARDED,
)
RECOMMENDED_OR_LATER = (Status.RECOMMENDED, Status.CANDIDATE, Status.REJECTED, Status.AWARDED)
DECIDED = (Status.CANDIDATE, Status.REJECTED, Status.AWARDED)


def round_changelist() -> QuerySet[Round]:
    """Rounds with their scheme and the counts the admin's list shows, in one query: a counting
        subquery per count (each on the nominations' (round, status) index). Subqueries rather than
        one join counted by status, so that the paginator's counts read the rounds alone. The
    national rounds only."""
    quota_total = (
        Quota.objects.filter(round=OuterRef("pk"))
        .order_by()
        .values("round")
        .annotate(total=Sum("quota"))
        .values("total")
    )

    def counted(*statuses: str) -> Coalesce:
        return count_subquery(Nomination.objects.filter(round=OuterRef("pk"), status__in=statuses))

    # The admin is the national office's: the provinces run their own rounds in the portal.
    return (
        Round.objects.exclude(authority__level=Authority.Level.PROVINCIAL)
        .select_related("scheme")
        .annotate(
            n_quota=Coalesce(Subquery(quota_total, output_field=IntegerField()), 0),
            n_drafts=counted(Status.DRAFT),
            n_submitted=counted(*SUBMITTED_OR_LATER),
            n_recommended=counted(*RECOMMENDED_OR_LATER),
            n_candidates=counted(Status.CANDIDATE, Status.AWARDED),
            n_awarded=counted(Status.AWARDED),
        )
    )


@dataclass
class TitleCell:
    title: str
    quota: int | None = None
    drafts: int = 0
    submitted: int = 0
    recommended: int = 0

    @property
    def over_quota(self) -> bool:
        return self.quota is not None and self.recommended > self.quota


@dataclass
class ReviewProgress:
    review: Review | None = None
    assigned: int = 0
    sheets: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.sheets / self.assigned) if self.assigned else 0


@dataclass
class ProvinceProgress:
    province: Authority
    cells: list[TitleCell] = field(default_factory=list)
    review: ReviewProgress = field(default_factory=ReviewProgress)
    recommendation: Recommendation | None = None

    @property
    def submitted(self) -> int:
        return sum(cell.submitted for cell in self.cells)

    @property
    def drafts(self) -> int:
        return sum(cell.drafts for cell in self.cells)

    @property
    def quota(self) -> int:
        return sum(cell.quota or 0 for cell in self.cells)


@dataclass
class RoundProgress:
    provinces: list[ProvinceProgress]
    national: ReviewProgress
    totals: list[TitleCell]


def round_progress(round: Round) -> RoundProgress:
    """Per province and title: the quota, nominations in draft, submitted and recommended; the
    province's review (submitted sheets against assignments) and its recommendation list.
    Five queries whatever the number of provinces: provinces, quotas, nomination counts
    grouped by province, title and status, the round's reviews with their counts (one query,
    a counting subquery per review), the recommendation lists with who submitted them."""
    titles = list(Title.values)
    all_provinces = list(provinces())
    quotas = {
        (province_id, title): quota
        for province_id, title, quota in Quota.objects.filter(round=round).values_list(
            "province_id", "title", "quota"
        )
    }
    counts = {}
    for row in (
        Nomination.objects.filter(round=round)
        .order_by()
        .values("province_id", "title")
        .annotate(
            drafts=Count("pk", filter=Q(status=Status.DRAFT)),
            submitted=Count("pk", filter=Q(status__in=SUBMITTED_OR_LATER)),
            recommended=Count("pk", filter=Q(status__in=RECOMMENDED_OR_LATER)),
        )
    ):
        counts[(row["province_id"], row["title"])] = row
    reviews = {}
    national = ReviewProgress()
    for review in (
        Review.objects.filter(round_key=round.review_key)
        .select_related("authority")
        .annotate(
            assigned=count_subquery(Assignment.objects.filter(subject__review=OuterRef("pk"))),
            sheets=count_subquery(
                ScoreSheet.objects.filter(
                    subject__review=OuterRef("pk"), status=ScoreSheet.Status.SUBMITTED
                )
            ),
        )
    ):
        progress = ReviewProgress(review=review, assigned=review.assigned, sheets=review.sheets)
        if review.authority.level == Authority.Level.NATIONAL:
            national = progress
        else:
            reviews[review.authority_id] = progress
    lists = {
        r.province_id: r
        for r in Recommendation.objects.filter(round=round).select_related("submitted_by")
    }
    rows = []
    totals = [TitleCell(title=title, quota=0) for title in titles]
    for province in all_provinces:
        cells = []
        for title, total in zip(titles, totals, strict=True):
            found = counts.get((province.pk, title), {})
            cell = TitleCell(
                title=title,
                quota=quotas.get((province.pk, title)),
                drafts=found.get("drafts", 0),
                submitted=found.get("submitted", 0),
                recommended=found.get("recommended", 0),
            )
            cells.append(cell)
            total.quota += cell.quota or 0  # type: ignore[operator]
            total.drafts += cell.drafts
            total.submitted += cell.submitted
            total.recommended += cell.recommended
        line = ProvinceProgress(
            province=province,
            cells=cells,
            review=reviews.get(province.pk, ReviewProgress()),
            recommendation=lists.get(province.pk),
        )
        if line.quota or any(c.drafts or c.submitted for c in cells) or line.recommendation:
            rows.append(line)
    return RoundProgress(provinces=rows, national=national, totals=totals)


def ranking_title_counts(round: Round) -> dict[str, dict[str, int]]:
    """{title: {"undecided": n, "candidates": n, "rejected": n}} of the nominations before the
    national office, one query."""
    table = {title: {"undecided": 0, "candidates": 0, "rejected": 0} for title in Title.values}
    key = {
        Status.RECOMMENDED: "undecided",
        Status.CANDIDATE: "candidates",
        Status.AWARDED: "candidates",
        Status.REJECTED: "rejected",
    }
    for title, status, n in (
        Nomination.objects.filter(round=round, status__in=list(key))
        .order_by()
        .values_list("title", "status")
        .annotate(n=Count("pk"))
    ):
        table[title][key[status]] += n
    return table


def ranking_nominations(rows: Sequence[Any]) -> dict[int, Nomination | None]:
    """{subject id: nomination} for a page of ranking rows, with what the ranking shows of it
    (two queries: the subjects' targets, then the nominations without their deeds)."""
    targets = dict(
        Subject.objects.filter(pk__in=[row.pk for row in rows]).values_list("pk", "object_id")
    )
    nominations = Nomination.objects.filter(pk__in=list(targets.values())).only(
        "round_id", "title", "status", "nominee_name", "nominee_unit_name", "recommended_position"
    )
    by_pk = {n.pk: n for n in nominations}
    return {subject_id: by_pk.get(object_id) for subject_id, object_id in targets.items()}


@dataclass(frozen=True)
class SheetShortfall:
    nomination: Nomination
    submitted: int
    needed: int


def national_sheets_short(round: Round, nominations: Sequence[Nomination]) -> list[SheetShortfall]:
    """Those of `nominations` whose subject in the round's national review has fewer submitted
    score sheets than the review asks of each subject (none scored counts as 0), in the given
    order; empty when the round has no national review (three queries)."""
    review = round_review(round, national_office())
    if review is None:
        return []
    submitted = dict(
        Subject.objects.filter(
            review=review,
            content_type=ContentType.objects.get_for_model(Nomination),
            object_id__in=[n.pk for n in nominations],
        )
        .annotate(n=Count("sheets", filter=Q(sheets__status=ScoreSheet.Status.SUBMITTED)))
        .values_list("object_id", "n")
    )
    needed = review.reviewers_per_subject
    return [
        SheetShortfall(nomination=n, submitted=submitted.get(n.pk, 0), needed=needed)
        for n in nominations
        if submitted.get(n.pk, 0) < needed
    ]


# --- a province's own rounds, in the portal -------------------------------------------------


def province_rounds_visible(view_paths: Sequence[str] | None) -> QuerySet[Round]:
    """The provinces' own rounds seen by a user whose scope holds `view_paths` (None: all, the
    national office), with their count of nominations; newest first."""
    rounds = Round.objects.filter(authority__level=Authority.Level.PROVINCIAL)
    if view_paths is not None:
        provinces_q = Q(pk__in=[])
        for path in view_paths:
            # The province of a path is its first two segments ("CN/GD/…").
            parts = path.split("/")
            if len(parts) >= 3:
                provinces_q |= Q(authority__path="/".join(parts[:2]) + "/")
        rounds = rounds.filter(provinces_q)
    return (
        rounds.select_related("authority", "scheme")
        .annotate(
            nomination_count=count_subquery(
                Nomination.objects.filter(round=OuterRef("pk")).exclude(status=Status.WITHDRAWN)
            )
        )
        .order_by("-start_year", "authority__path", "code")
    )


def port_authorities_of(province: Authority) -> list[Authority]:
    """The port authorities of a province, which hold the quotas of its own round."""
    return list(
        Authority.objects.filter(
            level=Authority.Level.PORT, path__startswith=province.path, is_active=True
        ).order_by("path")
    )


@dataclass
class QuotaRow:
    authority: Authority
    quotas: dict[str, int]
    used: dict[str, int]


def province_round_quotas(round: Round) -> list[QuotaRow]:
    """Per port authority of the round's province: its quota per title and the nominations it
    has made (not withdrawn) against each."""
    assert round.authority is not None
    authorities = port_authorities_of(round.authority)
    quotas: dict[int, dict[str, int]] = {}
    for q in Quota.objects.filter(round=round).values("province_id", "title", "quota"):
        quotas.setdefault(q["province_id"], {})[q["title"]] = q["quota"]
    used: dict[str, dict[str, int]] = {}
    for row in (
        Nomination.objects.filter(round=round)
        .exclude(status=Status.WITHDRAWN)
        .values("authority__path", "title")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        used.setdefault(row["authority__path"], {})[row["title"]] = row["n"]
    rows = []
    for authority in authorities:
        counts: dict[str, int] = {}
        for path, by_title in used.items():
            if path.startswith(authority.path):
                for title, n in by_title.items():
                    counts[title] = counts.get(title, 0) + n
        rows.append(QuotaRow(authority, quotas.get(authority.pk, {}), counts))
    return rows


def round_status_counts(round: Round) -> dict[str, int]:
    """The round's nominations counted by status."""
    return dict(
        Nomination.objects.filter(round=round)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
