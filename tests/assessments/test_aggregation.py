"""Aggregation in the database: mean or trimmed mean, vetoes, disagreement, ranks,
per-reviewer normalisation and statistics."""

from decimal import Decimal

import pytest

from assessments.models import Review, Scheme, VetoCondition
from assessments.selectors import (
    normalised_scores,
    ranking_details,
    review_overall,
    review_ranking,
    reviewer_statistics,
)
from assessments.services import reviews as review_services
from tests.assessments.fixtures import submit_sheet


def _assign_all(review, subject):
    members = list(review.panel.order_by("user__username"))
    for member in members:
        review_services.assignment_add(actor=None, subject=subject, member=member)
    return [m.user for m in members]


def _reload(review):
    return Review.objects.select_related("scheme").get(pk=review.pk)


def _by_title(review):
    return {row.title: row for row in review_ranking(_reload(review))}


def test_trimmed_mean_from_five_sheets_drops_the_highest_and_lowest(gd_review, gd_subjects):
    subject = gd_subjects[2]  # Guangzhou: no conflict with anyone on the panel
    users = _assign_all(gd_review, subject)
    for user, fraction in zip(users, ("0.5", "0.6", "0.7", "0.8", "0.9"), strict=True):
        submit_sheet(user, subject, Decimal(fraction))
    row = _by_title(gd_review)[subject.title]
    assert row.sheets_submitted == 5
    assert ranking_details([row])[row.pk]["assigned"] == 5
    assert (row.high, row.low, row.spread) == (Decimal("90"), Decimal("50"), Decimal("40"))
    assert row.score == Decimal("70.00")  # (60 + 70 + 80) / 3
    assert row.is_disputed  # 40 > 15


def test_below_five_sheets_the_score_is_the_plain_mean(gd_review, gd_subjects):
    subject = gd_subjects[2]
    users = _assign_all(gd_review, subject)
    for user, fraction in zip(users[:4], ("0.5", "0.6", "0.7", "1"), strict=True):
        submit_sheet(user, subject, Decimal(fraction))
    row = _by_title(gd_review)[subject.title]
    assert row.score == Decimal("70.00")  # (50 + 60 + 70 + 100) / 4
    assert row.sheets_submitted == 4
    assert ranking_details([row]) == {
        row.pk: {"assigned": 5, "province": "广东省人民政府口岸办公室"}
    }


def test_a_scheme_set_to_mean_never_trims(gd_review, gd_subjects):
    Scheme.objects.filter(pk=gd_review.scheme_id).update(aggregation="mean")
    subject = gd_subjects[2]
    for user, fraction in zip(
        _assign_all(gd_review, subject), ("0.5", "0.6", "0.7", "0.8", "1"), strict=True
    ):
        submit_sheet(user, subject, Decimal(fraction))
    assert _by_title(gd_review)[subject.title].score == Decimal("72.00")


def test_drafts_do_not_count(gd_review, gd_subjects):
    from assessments.services.sheets import SheetInput, score_sheet_save

    subject = gd_subjects[2]
    users = _assign_all(gd_review, subject)
    submit_sheet(users[0], subject, Decimal("0.8"))
    score_sheet_save(actor=users[1], subject=subject, data=SheetInput(), revision=0)
    row = _by_title(gd_review)[subject.title]
    assert (row.sheets_submitted, row.score, row.is_disputed) == (1, Decimal("80.00"), False)


def test_any_veto_disqualifies_and_ranks_last_in_its_category(gd_review, gd_subjects):
    review_services.assignment_auto(actor=None, review=gd_review)
    condition = VetoCondition.objects.get(scheme=gd_review.scheme, code="V2")
    fractions = {s.pk: f for s, f in zip(gd_subjects, ("0.9", "0.8", "0.7", "0.6"), strict=True)}
    for subject in gd_subjects:
        for i, assignment in enumerate(subject.assignments.select_related("member__user")):
            vetoes = {condition.pk: "违纪案件"} if subject == gd_subjects[0] and i == 0 else None
            submit_sheet(assignment.member.user, subject, Decimal(fractions[subject.pk]), vetoes)
    rows = list(review_ranking(_reload(gd_review)))
    assert [r.title for r in rows] == [s.title for s in (*gd_subjects[1:], gd_subjects[0])]
    assert [r.rank for r in rows] == [1, 2, 3, 4]
    assert rows[-1].is_vetoed and rows[-1].score == Decimal("90.00")
    assert not any(r.is_vetoed for r in rows[:-1])


def test_ties_share_a_rank_and_categories_rank_apart(gd_review, gd_subjects):
    from assessments.models import Subject

    Subject.objects.filter(pk=gd_subjects[3].pk).update(category="advanced_organizer")
    review_services.assignment_auto(actor=None, review=gd_review)
    for subject in gd_subjects:
        for assignment in subject.assignments.select_related("member__user"):
            submit_sheet(assignment.member.user, subject, Decimal("0.8"))
    rows = {r.title: (r.category, r.rank) for r in review_ranking(_reload(gd_review))}
    assert sorted(rows.values()) == [
        ("advanced_organizer", 1),
        ("advanced_unit", 1),
        ("advanced_unit", 1),
        ("advanced_unit", 1),
    ]


def test_the_ranking_is_one_query(gd_review, gd_subjects, django_assert_num_queries):
    review_services.assignment_auto(actor=None, review=gd_review)
    for subject in gd_subjects:
        for assignment in subject.assignments.select_related("member__user"):
            submit_sheet(assignment.member.user, subject, Decimal("0.75"))
    review = _reload(gd_review)
    with django_assert_num_queries(1):
        rows = list(review_ranking(review))
    assert [r.score for r in rows] == [Decimal("75.00")] * 4


@pytest.fixture
def severe_and_lenient(gd_review, gd_subjects):
    """Two reviewers on two subjects: one lenient (90, 80), one severe (60, 50)."""
    a, b = gd_subjects[2], gd_subjects[3]
    lenient = gd_review.panel.get(user__username="gd_r2")
    severe = gd_review.panel.get(user__username="gd_r3")
    for subject in (a, b):
        for member in (lenient, severe):
            review_services.assignment_add(actor=None, subject=subject, member=member)
    submit_sheet(lenient.user, a, Decimal("0.9"))
    submit_sheet(lenient.user, b, Decimal("0.8"))
    submit_sheet(severe.user, a, Decimal("0.6"))
    submit_sheet(severe.user, b, Decimal("0.5"))
    return a, b, lenient, severe


def test_normalisation_refits_each_reviewers_z_scores_to_the_review(gd_review, severe_and_lenient):
    a, b, _, _ = severe_and_lenient
    overall = review_overall(gd_review)
    assert overall["mean"] == Decimal("70")
    # Each reviewer: mean 85 or 55, spread 5, so A is +1 and B is -1 for both; the review's
    # spread is sqrt(250) = 15.81.
    scores = normalised_scores(gd_review, [a.pk, b.pk])
    assert scores == {a.pk: Decimal("85.81"), b.pk: Decimal("54.19")}
    raw = _by_title(gd_review)
    assert raw[a.title].score == Decimal("75.00") and raw[b.title].score == Decimal("65.00")


def test_reviewer_statistics_show_count_mean_spread_and_severity(gd_review, severe_and_lenient):
    assert severe_and_lenient
    stats = {s.user.username: s for s in reviewer_statistics(gd_review)}
    assert (stats["gd_r2"].assigned, stats["gd_r2"].submitted) == (2, 2)
    assert stats["gd_r2"].mean == Decimal("85") and stats["gd_r3"].mean == Decimal("55")
    assert stats["gd_r2"].spread == Decimal("5") and stats["gd_r3"].spread == Decimal("5")
    assert (stats["gd_r4"].assigned, stats["gd_r4"].submitted, stats["gd_r4"].mean) == (0, 0, None)
