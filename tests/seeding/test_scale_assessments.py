"""The assessments part of `seed_scale`: k submitted sheets per subject whose totals are what
the submit service would store, assignments with their permissions, and `--reset`."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q

from assessments.access import access_subject_to_score
from assessments.models import (
    Assignment,
    Item,
    Review,
    Score,
    ScoreSheet,
    Subject,
    SubjectUserObjectPermission,
)
from assessments.services.sheets import (
    SheetInput,
    running_total,
    score_sheet_reopen,
    score_sheet_save,
)
from seeding import scale_assessments
from seeding.scale_campaigns import seed_scale as campaigns_seed_scale

SUBJECTS = 20
K = 5
SUBMITTED = ScoreSheet.Status.SUBMITTED


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """A small hierarchy and a 20-subject round, once for the module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        campaigns_seed_scale(units=60, people=100)
        result = scale_assessments.seed_scale(subjects=SUBJECTS, sheets_per_subject=K)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def round_(seeded, db):
    return seeded


def test_every_subject_has_k_submitted_sheets_on_every_standard_item(round_):
    review = scale_assessments.scale_review()
    standard = Item.objects.filter(scheme=review.scheme, kind=Item.Kind.STANDARD).count()

    assert round_.counts["subjects"] == SUBJECTS
    # 310 reviewers for 3,000 subjects, in proportion, never fewer than k + 3.
    assert round_.counts["reviewers"] == K + 3
    per_subject = Subject.objects.filter(review=review).annotate(
        submitted=Count("sheets", filter=Q(sheets__status=SUBMITTED), distinct=True),
        assigned=Count("assignments", distinct=True),
    )
    assert {(s.submitted, s.assigned) for s in per_subject} == {(K, K)}
    assert standard == 27
    per_sheet = (
        Score.objects.filter(sheet__subject__review=review, item__kind=Item.Kind.STANDARD)
        .values("sheet")
        .annotate(n=Count("pk"))
    )
    assert {row["n"] for row in per_sheet} == {standard}
    assert len(per_sheet) == SUBJECTS * K
    assert {"advanced_unit", "advanced_individual"} == set(
        Subject.objects.filter(review=review).values_list("category", flat=True)
    )


def test_every_total_is_the_weighted_sum_the_service_computes(round_):
    review = scale_assessments.scale_review()
    items = list(Item.objects.filter(scheme=review.scheme))
    points = {}
    for sheet_id, item_id, value in Score.objects.filter(sheet__subject__review=review).values_list(
        "sheet_id", "item_id", "points"
    ):
        points.setdefault(sheet_id, {})[item_id] = value
    for sheet in ScoreSheet.objects.filter(subject__review=review):
        assert sheet.total == running_total(items, points[sheet.pk], review.scheme.bonus_cap)


def test_a_sheet_saved_again_through_the_service_keeps_its_total(round_):
    sheet = (
        ScoreSheet.objects.filter(subject__review__round_key=scale_assessments.ROUND_KEY)
        .select_related("subject__review", "reviewer")
        .order_by("pk")
        .first()
    )
    before = (sheet.total, sheet.bonus)
    data = SheetInput(
        points=dict(sheet.scores.values_list("item_id", "points")),
        vetoes={v.condition_id: v.reason for v in sheet.vetoes.all()},
    )
    reopened = score_sheet_reopen(actor=None, sheet=sheet, reason="recompute")

    again = score_sheet_save(
        actor=sheet.reviewer,
        subject=sheet.subject,
        data=data,
        revision=reopened.revision,
        submit=True,
    )

    assert (again.total, again.bonus) == before


def test_assigned_reviewers_hold_the_permission_and_no_conflict_is_assigned(round_):
    review = scale_assessments.scale_review()
    assignments = Assignment.objects.filter(subject__review=review).select_related(
        "member__user", "subject"
    )
    granted = set(
        SubjectUserObjectPermission.objects.filter(content_object__review=review).values_list(
            "user_id", "content_object_id"
        )
    )
    assert granted == {(a.member.user_id, a.subject_id) for a in assignments}
    assert not [a for a in assignments if a.member.authority_id == a.subject.authority_id]
    one = assignments.first()
    assert access_subject_to_score(one.member.user, one.subject_id) == one.subject
    # Every sheet is its assigned reviewer's.
    sheets = set(
        ScoreSheet.objects.filter(subject__review=review).values_list("subject_id", "reviewer_id")
    )
    assert sheets == {(a.subject_id, a.member.user_id) for a in assignments}


def test_a_second_run_skips_and_the_command_resets_children_first(round_):
    assert scale_assessments.seed_scale(subjects=5).skipped
    out = io.StringIO()

    call_command("seed_scale", units=30, people=40, reset=True, stdout=out)

    assert "assessments: scale data built" in out.getvalue()
    review = Review.objects.get(round_key=scale_assessments.ROUND_KEY)
    # The command sizes the round by what campaigns built: 30 units and 40 people.
    assert review.subjects.count() == 70
    assert ScoreSheet.objects.filter(subject__review=review).count() == 70 * K
    assert "assessments: scale data already present" in _run_again()


def _run_again():
    out = io.StringIO()
    call_command("seed_scale", units=30, people=40, stdout=out)
    return out.getvalue()
