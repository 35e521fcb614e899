"""Assessments at national scale: the reviewer's pages, the ranking page, and the ranking of a
whole round (3,000 subjects × 5 submitted sheets) against a bare SQL aggregate.

The round is `seeding.scale_assessments`'s (built here when missing: `bench/run.py` builds campaigns'
part). The reviewer is the panel's first seat with an ordinary queue; the ranking page is seen
by the national office. `ranking.round.seconds` evaluates `selectors.review_ranking(review)`
for the whole round; `ranking.round.sql_seconds` computes the same ranking with the hand-written
query below, in the same run, and `ranking.round.ratio_vs_sql` divides the two (budget ≤ 2).
"""

from django.db import connection
from django.urls import reverse

from assessments.models import Assignment, ScoreSheet, Subject
from assessments.selectors import review_ranking
from bench.common import measure_get
from seeding.scale_assessments import BENCH_REVIEWER, scale_review, seed_scale
from seeding.scale_campaigns import BENCH_NATIONAL

RANKING_SQL = """
WITH totals AS (
    SELECT subject.id, subject.category, subject.title,
           count(sheet.id) AS submitted,
           sum(sheet.total) AS total_sum,
           max(sheet.total) AS high,
           min(sheet.total) AS low,
           count(sheet.id) FILTER (WHERE sheet.has_veto) > 0 AS vetoed
      FROM {subject} subject
      LEFT JOIN {sheet} sheet ON sheet.subject_id = subject.id AND sheet.status = 'submitted'
     WHERE subject.review_id = %(review)s
     GROUP BY subject.id
), scored AS (
    SELECT totals.*,
           round(CASE WHEN %(trimmed)s AND submitted >= %(trim_from)s
                      THEN (total_sum - high - low) * 1.0 / (submitted - 2)
                      WHEN submitted > 0 THEN total_sum * 1.0 / submitted END, 2) AS score,
           high - low AS spread
      FROM totals
)
SELECT id, category, rank() OVER (PARTITION BY category
                                  ORDER BY vetoed, score DESC NULLS LAST) AS rank,
       score, submitted, high, low, spread, vetoed,
       coalesce(spread > CAST(%(threshold)s AS NUMERIC), false) AS disputed
  FROM scored
 ORDER BY category, rank, title, id
"""


def ranking_sql(review):
    """The review's ranking by one hand-written query: rows of (subject id, category, rank,
    score, sheets submitted, high, low, spread, vetoed, disputed), in the order of
    `selectors.review_ranking`. Written for PostgreSQL; it gives the same ranking on SQLite
    (`* 1.0`: SQLite stores whole totals as integers and would divide them as integers; the
    CAST: SQLite receives a Decimal as text, which compares above every number), with floats
    for the numbers and 0/1 for the booleans."""
    scheme = review.scheme
    sql = RANKING_SQL.format(
        subject=Subject._meta.db_table,
        sheet=ScoreSheet._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "review": review.pk,
                "trimmed": scheme.aggregation == scheme.Aggregation.TRIMMED_MEAN,
                "trim_from": scheme.trim_from,
                "threshold": scheme.disagreement_threshold,
            },
        )
        return cursor.fetchall()


def ranking_orm(review):
    return list(review_ranking(review))


def _scoring_subject(review):
    """A subject on the benchmark reviewer's queue, in the middle of it."""
    assignments = Assignment.objects.filter(
        member__user__username=BENCH_REVIEWER, subject__review=review
    ).order_by("subject__title", "pk")
    return assignments[assignments.count() // 2].subject_id


def run(ctx):
    built = seed_scale()
    if not built.skipped:
        ctx.log(f"  assessments scale data built in {built.seconds:.1f}s")
    review = scale_review()
    reviewer = ctx.client_for(BENCH_REVIEWER)
    national = ctx.client_for(BENCH_NATIONAL)
    measure_get(ctx, "pages.reviewer_queue", reviewer, reverse("assessments:queue"))
    measure_get(
        ctx,
        "pages.scoring_form",
        reviewer,
        reverse("assessments:score", args=[_scoring_subject(review)]),
    )
    measure_get(
        ctx, "pages.ranking", national, reverse("assessments:review-ranking", args=[review.pk])
    )
    orm_ms = ctx.median_ms(lambda: ranking_orm(review))
    sql_ms = ctx.median_ms(lambda: ranking_sql(review))
    ctx.record("ranking.round.seconds", orm_ms / 1000, "s")
    ctx.record("ranking.round.sql_seconds", sql_ms / 1000, "s")
    ctx.record("ranking.round.ratio_vs_sql", orm_ms / sql_ms, "x")
