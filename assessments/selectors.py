"""Reads for assessments: scoped lists, the reviewer's queue, rankings and statistics.

The ranking of a review is one aggregate query over the submitted sheets (their totals were
written in the database by the submit service): count, sum, highest and lowest per subject give
the mean or the trimmed mean, the veto and the disagreement flag, and a window function ranks
each category.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    StdDev,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Rank, Round

from assessments.dossiers import round_name_expression
from assessments.models import (
    Assignment,
    Conflict,
    Cycle,
    Item,
    PanelMember,
    Review,
    Scheme,
    Score,
    ScoreSheet,
    SelfAssessment,
    Subject,
    VetoMark,
)
from campaigns.scope import scope_for
from civport.queries import count_subquery

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

    from campaigns.models import Authority
    from campaigns.scope import Scope

SCORE: DecimalField[Any, Any] = DecimalField(max_digits=9, decimal_places=4)
SUBMITTED = ScoreSheet.Status.SUBMITTED


# -- schemes and reviews -----------------------------------------------------------------------
def scheme_list_for(user: User | AnonymousUser) -> QuerySet[Scheme]:
    """National templates once published, plus the schemes of authorities the user sees."""
    scope = scope_for(user)
    schemes = Scheme.objects.select_related("authority", "derived_from", "filing_version__filing")
    if scope.is_national:
        return schemes
    if scope.is_empty:
        return schemes.none()
    published_templates = Q(is_template=True, status=Scheme.Status.PUBLISHED)
    own = scope.paths_q("authority__path")
    return schemes.filter(published_templates | own)


def review_list_for(user: User | AnonymousUser) -> QuerySet[Review]:
    """Reviews run by an authority the user sees (the office's view, not the reviewer's)."""
    scope = scope_for(user)
    return (
        Review.objects.select_related("authority", "scheme")
        .annotate(round_name=round_name_expression())
        .filter(scope.paths_q("authority__path"))
    )


# -- the reviewer's queue ----------------------------------------------------------------------
class QueueStatus:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"


def queue_for(user: User) -> QuerySet[Assignment]:
    """The user's assignments with the sheet's status, newest review first."""
    sheet = ScoreSheet.objects.filter(subject=OuterRef("subject"), reviewer=user)
    return (
        Assignment.objects.filter(member__user=user, member__is_active=True)
        .select_related("subject__review", "subject__province", "subject__authority")
        .annotate(
            sheet_status=Coalesce(
                Subquery(sheet.values("status")[:1]), Value(QueueStatus.NOT_STARTED)
            ),
            sheet_total=Subquery(sheet.values("total")[:1]),
            sheet_updated_at=Subquery(sheet.values("updated_at")[:1]),
        )
        .order_by("subject__review__due_on", "subject__review_id", "subject__title", "pk")
    )


def queue_progress(queue: QuerySet[Assignment]) -> dict[str, int]:
    """Counts by status for the queue's progress bar, in one query."""
    counts = queue.order_by().aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(sheet_status=QueueStatus.SUBMITTED)),
        draft=Count("pk", filter=Q(sheet_status=QueueStatus.DRAFT)),
    )
    counts["not_started"] = counts["total"] - counts["submitted"] - counts["draft"]
    counts["percent"] = round(100 * counts["submitted"] / counts["total"]) if counts["total"] else 0
    return counts


# -- ranking -----------------------------------------------------------------------------------
RANKING_FIELDS = (
    "pk",
    "title",
    "category",
    "province_id",
    "sheets_submitted",
    "score",
    "high",
    "low",
    "spread",
    "is_vetoed",
    "is_disputed",
    "rank",
)


def review_ranking(
    review: Review, *, category: str = "", province: int | None = None
) -> QuerySet[Subject, Any]:
    """Every subject of the review with its aggregate score, flags and rank in its category, as
    named rows (one aggregate query; `RANKING_FIELDS`).

    `score` is the mean of the submitted sheets' totals, or the trimmed mean from `trim_from`
    sheets up; any veto disqualifies (`is_vetoed`, ranked last); `is_disputed` when highest minus
    lowest passes the scheme's threshold; `rank` is shared by ties. Rows are plain named tuples
    rather than model instances: building 3,000 instances would cost more than the query.
    What a page shows beside the rows (names, assignments) is read for its rows only, with
    `ranking_details`.

    `category` and `province` narrow the rows; each subject keeps its rank in its whole
    category, since the province test is made on a window over the row itself, which the
    database applies after ranking (a plain WHERE would rank the province alone).
    """
    scheme = review.scheme
    submitted = Q(sheets__status=SUBMITTED)
    trimmed = scheme.aggregation == Scheme.Aggregation.TRIMMED_MEAN
    n = F("sheets_submitted")
    mean = ExpressionWrapper(F("sheets_sum") / n, output_field=SCORE)
    trimmed_mean = ExpressionWrapper(
        (F("sheets_sum") - F("high") - F("low")) / (n - 2), output_field=SCORE
    )
    whens = []
    if trimmed:
        whens.append(When(sheets_submitted__gte=scheme.trim_from, then=trimmed_mean))
    whens.append(When(sheets_submitted__gt=0, then=mean))
    subjects = Subject.objects.filter(review=review)
    if category:
        # The rank is partitioned by category, so this filter leaves ranks as they are.
        subjects = subjects.filter(category=category)
    ranking = (
        subjects.annotate(
            sheets_submitted=Count("sheets", filter=submitted),
            sheets_sum=Sum("sheets__total", filter=submitted),
            high=Max("sheets__total", filter=submitted),
            low=Min("sheets__total", filter=submitted),
            veto_sheets=Count("sheets", filter=submitted & Q(sheets__has_veto=True)),
        )
        .annotate(
            score=Round(Case(*whens, default=None, output_field=SCORE), 2),
            spread=ExpressionWrapper(F("high") - F("low"), output_field=SCORE),
            is_vetoed=Case(
                When(veto_sheets__gt=0, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .annotate(
            is_disputed=Case(
                When(spread__gt=scheme.disagreement_threshold, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            rank=Window(
                Rank(),
                partition_by=[F("category")],
                order_by=[F("is_vetoed").asc(), F("score").desc(nulls_last=True)],
            ),
        )
        .order_by("category", "rank", "title", "pk")
    )
    if province:
        ranking = ranking.annotate(
            row_province=Window(Max("province_id"), partition_by=[F("pk")])
        ).filter(row_province=province)
    return ranking.values_list(*RANKING_FIELDS, named=True)


def ranking_details(rows: Sequence[Any]) -> dict[int, dict[str, Any]]:
    """What a ranking page or export shows beside its rows: {subject id: {"assigned": n,
    "province": name or ""}} for the given rows, two queries whatever their number."""
    ids = [row.pk for row in rows]
    assigned = dict(
        Assignment.objects.filter(subject_id__in=ids)
        .order_by()
        .values_list("subject_id")
        .annotate(c=Count("pk"))
    )
    province_ids = {row.province_id for row in rows if row.province_id}
    names = dict(
        cast("type[Authority]", Subject.province.field.related_model)
        .objects.filter(pk__in=province_ids)
        .values_list("pk", "name")
    )
    return {
        row.pk: {"assigned": assigned.get(row.pk, 0), "province": names.get(row.province_id, "")}
        for row in rows
    }


# -- reviewers ---------------------------------------------------------------------------------
def reviewer_statistics(review: Review) -> list[PanelMember]:
    """The panel, each member with `assigned`, `submitted`, `mean` and `spread` (population
    standard deviation) of their submitted totals: one grouped pass over the review's
    assignments and one over its sheets (three queries), not subqueries per member."""
    members = list(
        PanelMember.objects.filter(review=review)
        .select_related("user", "unit", "authority")
        .order_by("user__username")
    )
    assigned = dict(
        Assignment.objects.filter(subject__review=review)
        .order_by()
        .values_list("member_id")
        .annotate(c=Count("pk"))
    )
    sheets = {
        row["reviewer"]: row
        for row in ScoreSheet.objects.filter(subject__review=review, status=SUBMITTED)
        .order_by()
        .values("reviewer")
        .annotate(
            submitted=Count("pk"),
            mean=Avg("total", output_field=SCORE),
            spread=StdDev("total", output_field=SCORE),
        )
    }
    for member in members:
        row = sheets.get(member.user_id, {})
        member.assigned = assigned.get(member.pk, 0)  # type: ignore[attr-defined]
        member.submitted = row.get("submitted", 0)  # type: ignore[attr-defined]
        member.mean = row.get("mean")  # type: ignore[attr-defined]
        member.spread = row.get("spread")  # type: ignore[attr-defined]
    return members


def review_overall(review: Review) -> dict[str, Any]:
    """Mean and population standard deviation of all submitted totals in the review."""
    return ScoreSheet.objects.filter(subject__review=review, status=SUBMITTED).aggregate(
        mean=Avg("total"), spread=StdDev("total"), count=Count("pk")
    )


def normalised_scores(review: Review, subject_ids: Iterable[int]) -> dict[int, Decimal]:
    """Per-reviewer normalised scores for the given subjects: each submitted total becomes a
    z-score against its reviewer's own mean and spread, refitted to the whole review's mean and
    spread, and the refitted values are averaged. Shown beside the raw score, never instead.

    Two queries: the reviewers' statistics (grouped in the database) and the subjects' sheets.
    """
    stats = {
        row["reviewer"]: (row["mean"], row["spread"])
        for row in ScoreSheet.objects.filter(subject__review=review, status=SUBMITTED)
        .order_by()
        .values("reviewer")
        .annotate(mean=Avg("total"), spread=StdDev("total"))
    }
    if not stats:
        return {}
    overall = review_overall(review)
    overall_mean = float(overall["mean"] or 0)
    overall_spread = float(overall["spread"] or 0)
    values: dict[int, list[float]] = {}
    for subject_id, reviewer_id, total in ScoreSheet.objects.filter(
        subject_id__in=subject_ids, status=SUBMITTED
    ).values_list("subject_id", "reviewer_id", "total"):
        mean, spread = stats[reviewer_id]
        spread = float(spread or 0)
        z = (float(cast(Decimal, total)) - float(mean)) / spread if spread > 0 else 0.0
        values.setdefault(subject_id, []).append(overall_mean + z * overall_spread)
    return {sid: Decimal(str(round(math.fsum(v) / len(v), 2))) for sid, v in values.items() if v}


# -- the office's screens ----------------------------------------------------------------------
def review_list_with_progress_for(user: User | AnonymousUser) -> QuerySet[Review]:
    """`review_list_for` with the number of subjects, submitted sheets and the sheets expected
    (k × subjects), each a subquery, so the list is one query whatever its length."""
    subjects = Subject.objects.filter(review=OuterRef("pk"))
    submitted = ScoreSheet.objects.filter(subject__review=OuterRef("pk"), status=SUBMITTED)
    return (
        review_list_for(user)
        .annotate(n_subjects=count_subquery(subjects), sheets_submitted=count_subquery(submitted))
        .annotate(
            sheets_expected=ExpressionWrapper(
                F("reviewers_per_subject") * F("n_subjects"), output_field=IntegerField()
            )
        )
    )


def review_progress(review: Review) -> dict[str, int]:
    """Subjects, assignments, expected, submitted and draft sheets of one review, one query."""
    sheets = ScoreSheet.objects.filter(subject__review=OuterRef("pk"))
    counted = (
        Review.objects.filter(pk=review.pk)
        .values(
            n_subjects=count_subquery(Subject.objects.filter(review=OuterRef("pk"))),
            n_assignments=count_subquery(Assignment.objects.filter(subject__review=OuterRef("pk"))),
            n_submitted=count_subquery(sheets.filter(status=SUBMITTED)),
            n_drafts=count_subquery(sheets.filter(status=ScoreSheet.Status.DRAFT)),
        )
        .get()
    )
    row: dict[str, Any] = {name.removeprefix("n_"): value for name, value in counted.items()}
    row["expected"] = row["subjects"] * review.reviewers_per_subject
    row["percent"] = round(100 * row["submitted"] / row["expected"]) if row["expected"] else 0
    return row


def ranking_filter_choices(review: Review) -> tuple[list[str], list[tuple[int, str]]]:
    """The categories and provinces of the review's subjects, for the ranking's filters."""
    subjects = Subject.objects.filter(review=review).order_by()
    categories = list(subjects.exclude(category="").values_list("category", flat=True).distinct())
    provinces = list(
        subjects.filter(province__isnull=False)
        .values_list("province_id", "province__name", "province__path")
        .distinct()
        .order_by("province__path")
    )
    return sorted(categories), [(pk, name) for pk, name, _path in provinces]


def subject_sheets_for_office(subject: Subject) -> QuerySet[ScoreSheet]:
    """The subject's sheets with their reviewer and veto marks (two queries)."""
    return (
        ScoreSheet.objects.filter(subject=subject)
        .select_related("reviewer")
        .prefetch_related(Prefetch("vetoes", queryset=VetoMark.objects.select_related("condition")))
        .order_by("reviewer__username")
    )


def subject_assignments(subject: Subject) -> QuerySet[Assignment]:
    """The subject's assignments with the panel seat and where the reviewer works."""
    return (
        Assignment.objects.filter(subject=subject)
        .select_related("member__user", "member__unit", "member__authority")
        .order_by("member__user__username")
    )


def subject_conflicts(subject: Subject) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(subject=subject)
        .select_related("member__user")
        .order_by("declared_at", "pk")
    )


def scheme_items(scheme: Scheme) -> QuerySet[Item]:
    """The scheme's items in the tree's order, with their area."""
    return (
        Item.objects.filter(scheme=scheme)
        .select_related("indicator__scheme_area__area")
        .order_by("indicator__scheme_area__area__order", "indicator__order", "order", "pk")
    )


def subject_points(subject: Subject) -> dict[tuple[int, int], Decimal]:
    """{(reviewer id, item id): points} for every score of the subject's sheets, one query."""
    return {
        (reviewer_id, item_id): points
        for reviewer_id, item_id, points in Score.objects.filter(
            sheet__subject=subject
        ).values_list("sheet__reviewer_id", "item_id", "points")
    }


def review_sheets(review: Review) -> QuerySet[ScoreSheet]:
    """Every sheet of the review with its subject and reviewer, in the score matrix's order."""
    return (
        ScoreSheet.objects.filter(subject__review=review)
        .select_related("subject__province", "reviewer")
        .order_by("subject__category", "subject__title", "subject_id", "reviewer__username")
    )


def sheet_points(sheet_ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """{sheet id: {item id: points}} for the given sheets, one query."""
    points: dict[int, dict[int, Decimal]] = {}
    for sheet_id, item_id, value in Score.objects.filter(sheet_id__in=sheet_ids).values_list(
        "sheet_id", "item_id", "points"
    ):
        points.setdefault(sheet_id, {})[item_id] = value
    return points


def sheet_veto_codes(sheet_ids: Iterable[int]) -> dict[int, list[str]]:
    """{sheet id: [veto condition codes]} for the given sheets, one query."""
    codes: dict[int, list[str]] = {}
    for sheet_id, code in (
        VetoMark.objects.filter(sheet_id__in=sheet_ids)
        .order_by("condition__order", "condition__code")
        .values_list("sheet_id", "condition__code")
    ):
        codes.setdefault(sheet_id, []).append(code)
    return codes


def review_unstarted_assignments(review: Review) -> QuerySet[Assignment]:
    """Assignments of the review whose reviewer has no sheet yet (for the matrix export)."""
    sheet = ScoreSheet.objects.filter(
        subject=OuterRef("subject"), reviewer=OuterRef("member__user")
    )
    return (
        Assignment.objects.filter(subject__review=review)
        .exclude(Exists(sheet))
        .select_related("subject__province", "member__user")
        .order_by("subject__category", "subject__title", "subject_id", "member__user__username")
    )


def review_ranking_count(review: Review, *, category: str = "", province: int | None = None) -> int:
    """How many rows `review_ranking_filtered` gives, counted on the subjects alone (counting
    the ranking itself would aggregate every sheet a second time)."""
    subjects = Subject.objects.filter(review=review)
    if category:
        subjects = subjects.filter(category=category)
    if province:
        subjects = subjects.filter(province_id=province)
    return subjects.count()


# -- annual cycles -----------------------------------------------------------------------------
def subjects_visible_q(scope: Scope, prefix: str = "") -> Q:
    """Subjects the user sees: all of the cycles whose authority they see, and those of the units
    they see (by the unit's authority, or as its contact)."""
    return scope.paths_q(f"{prefix}review__authority__path") | scope.unit_q(
        prefix=f"{prefix}unit__"
    )


def cycle_list_for(user: User | AnonymousUser) -> QuerySet[Cycle]:
    """Cycles whose authority the user sees, or with a subject the user sees."""
    scope = scope_for(user)
    visible = Subject.objects.filter(subjects_visible_q(scope), review=OuterRef("review"))
    return (
        Cycle.objects.filter(scope.paths_q("review__authority__path") | Exists(visible))
        .select_related("review__authority", "review__scheme")
        .annotate(
            n_subjects=count_subquery(visible),
            n_self_assessed=count_subquery(
                visible.filter(Exists(SelfAssessment.objects.filter(subject=OuterRef("pk"))))
            ),
            n_passed=count_subquery(visible.filter(result_passed=True)),
        )
        .order_by("-year", "review__authority__path", "pk")
    )
