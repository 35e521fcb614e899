"""The assessments benchmark: its hand-written SQL ranking agrees with the selector, and the
module writes every entry on a tiny data set (no timing is asserted)."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments.models import Item, Review, ScoreSheet
from assessments.selectors import review_ranking
from assessments.services import reviews as review_services
from assessments.services.sheets import SheetInput, score_sheet_reopen, score_sheet_save
from assessments.template import template_install
from bench import run as runner
from bench.bench_assessments import ranking_sql
from bench.common import BenchContext


def _submit(user, subject, fraction, vetoes=None):
    items = Item.objects.filter(scheme=subject.review.scheme, kind=Item.Kind.STANDARD)
    points = {i.pk: (i.max_points * Decimal(fraction)).quantize(Decimal("0.01")) for i in items}
    return score_sheet_save(
        actor=user,
        subject=subject,
        data=SheetInput(points=points, vetoes=vetoes or {}),
        revision=None,
        submit=True,
    )


@pytest.fixture
def small_round(world):
    """Eight subjects in two categories covering every case of the ranking: trimmed mean (5
    sheets), plain mean (3 sheets), no sheet, a tie, a veto, a disputed spread, a draft."""
    template = template_install(actor=None, authority=world.national)
    review = review_services.review_create(
        actor=None,
        name="全国评审",
        round_key="2025-2026",
        authority=world.national,
        scheme=template,
        reviewers_per_subject=5,
    )
    users = [get_user_model().objects.create_user(username=f"r{n}", password="x") for n in range(6)]
    members = [review_services.panel_member_add(actor=None, review=review, user=u) for u in users]
    review_services.review_set_phase(actor=None, review=review, phase=Review.Phase.OPEN)
    units = [*world.sz.units, *world.gz.units, *world.nb.units]
    subjects = [
        review_services.subject_attach(
            actor=None,
            review=review,
            target=unit,
            title=unit.name,
            category="advanced_unit",
            authority=unit.authority,
            unit=unit,
        )
        for unit in units
    ] + [
        review_services.subject_attach(
            actor=None,
            review=review,
            target=area.authority,
            title=area.authority.name,
            category="advanced_organizer",
            authority=area.authority,
        )
        for area in (world.sz, world.nb)
    ]
    for subject in subjects:
        for member in members[:5]:
            review_services.assignment_add(actor=None, subject=subject, member=member)
    veto = template.vetoes.first()
    plans = [
        ["0.9", "0.8", "0.85", "0.7", "0.95"],  # trimmed mean of five
        ["0.9", "0.8", "0.85", "0.7", "0.95"],  # the same: a tie
        ["0.6", "0.65", "0.7"],  # plain mean of three
        [],  # nothing submitted: no score, ranked last
        ["0.99", "0.99", "0.99", "0.99", "0.99"],  # best score but vetoed below
        ["0.4", "0.9", "0.6", "0.7", "0.8"],  # disputed
        ["0.7", "0.75"],  # organizers
        ["0.8"],
    ]
    for subject, plan in zip(subjects, plans, strict=True):
        for n, fraction in enumerate(plan):
            vetoes = {veto.pk: "事故"} if plan[0] == "0.99" and n == 2 else None
            _submit(users[n], subject, fraction, vetoes)
    # A draft counts for nothing; a reopened sheet is a draft again.
    score_sheet_save(
        actor=users[4],
        subject=subjects[2],
        data=SheetInput(points={}),
        revision=None,
    )
    reopened = ScoreSheet.objects.get(subject=subjects[6], reviewer=users[1])
    score_sheet_reopen(actor=None, sheet=reopened, reason="复核")
    return review


def test_the_hand_written_sql_ranks_and_scores_as_the_selector_does(small_round):
    orm = [
        (
            s.pk,
            s.category,
            s.rank,
            s.score,
            s.sheets_submitted,
            s.high,
            s.low,
            s.spread,
            s.is_vetoed,
            s.is_disputed,
        )
        for s in review_ranking(small_round)
    ]

    # SQLite returns the numbers as floats (which compare exactly with Decimals: 85.33 is not
    # Decimal("85.33")); their value to the cent is what must match.
    sql = [
        tuple(Decimal(str(value)) if isinstance(value, float) else value for value in row)
        for row in ranking_sql(small_round)
    ]

    assert sql == orm
    ranks = {row[0]: row[2] for row in orm}
    assert len(set(ranks.values())) < len(ranks)  # a tie and two categories share ranks
    assert any(row[8] for row in orm) and any(row[9] for row in orm)
    assert any(row[3] is None for row in orm)


def test_the_module_writes_every_entry(db):
    call_command("seed_scale", units=40, people=60, stdout=io.StringIO())
    ctx = BenchContext(repeat=1)

    results = runner.run_benchmarks(ctx, runner.discover("assessments"))

    assert ctx.failures == []
    names = {r["name"] for r in results}
    for page in ("reviewer_queue", "scoring_form", "ranking"):
        assert {f"pages.{page}.queries", f"pages.{page}.median_ms"} <= names
    assert {
        "ranking.round.seconds",
        "ranking.round.sql_seconds",
        "ranking.round.ratio_vs_sql",
    } <= names
    assert runner.discover("assessments") == ["bench_assessments"]
