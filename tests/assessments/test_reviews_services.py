"""Reviews: panels, automatic and manual assignment, conflicts of interest, permissions."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from assessments.access import access_subject_to_score
from assessments.models import Assignment, Conflict, ScoreSheet, SubjectUserObjectPermission
from assessments.services import reviews as review_services
from assessments.services.sheets import SheetInput, score_sheet_save
from campaigns.models import Unit
from tests.assessments.fixtures import make_user, submit_sheet

pytestmark = pytest.mark.usefixtures("in_english")  # the messages are asserted in English


@pytest.fixture
def many_subjects(world, gd_review):
    """Twelve more subjects under Guangzhou and Shenzhen, for load balancing."""
    subjects = []
    for i in range(12):
        area = world.sz if i % 2 else world.gz
        unit = Unit.objects.create(
            code=f"X-{i}",
            name=f"单位{i}",
            category="operation",
            port=area.port,
            authority=area.authority,
        )
        subjects.append(
            review_services.subject_attach(
                actor=None,
                review=gd_review,
                target=unit,
                title=unit.name,
                authority=unit.authority,
                unit=unit,
            )
        )
    return subjects


def _pairs(review):
    return sorted(
        Assignment.objects.filter(subject__review=review).values_list("subject_id", "member_id")
    )


def test_every_subject_gets_k_reviewers_and_the_load_is_balanced(
    gd_review, gd_subjects, many_subjects
):
    _, short = review_services.assignment_auto(actor=None, review=gd_review)
    assert short == []
    per_subject = Counter(s for s, _ in _pairs(gd_review))
    assert set(per_subject.values()) == {3}
    load = Counter(m for _, m in _pairs(gd_review))
    assert max(load.values()) - min(load.values()) <= 1


def test_assignment_never_gives_a_reviewer_their_own_unit_or_port_authority(
    world, gd_review, gd_subjects, many_subjects
):
    sz_officer_reviewer = make_user("sz_reviewer")
    review_services.panel_member_add(
        actor=None, review=gd_review, user=sz_officer_reviewer, authority=world.sz.authority
    )
    review_services.assignment_auto(actor=None, review=gd_review)
    own_unit = gd_review.panel.get(user__username="gd_reviewer")
    assert not Assignment.objects.filter(member=own_unit, subject__unit=world.sz.units[0]).exists()
    sz_seat = gd_review.panel.get(user=sz_officer_reviewer)
    assert not Assignment.objects.filter(
        member=sz_seat, subject__authority=world.sz.authority
    ).exists()
    assert Assignment.objects.filter(member=sz_seat).exists()


def test_assignment_is_reproducible_and_keeps_what_exists(gd_review, gd_subjects, many_subjects):
    review_services.assignment_auto(actor=None, review=gd_review)
    first = _pairs(gd_review)
    Assignment.objects.filter(subject__review=gd_review).delete()
    SubjectUserObjectPermission.objects.all().delete()
    review_services.assignment_auto(actor=None, review=gd_review)
    assert _pairs(gd_review) == first
    created, _ = review_services.assignment_auto(actor=None, review=gd_review)
    assert created == []


def test_a_subject_with_too_few_eligible_reviewers_is_reported(world, gd_review, gd_subjects):
    gd_review.reviewers_per_subject = 5
    gd_review.save(update_fields=["reviewers_per_subject"])
    _, short = review_services.assignment_auto(actor=None, review=gd_review)
    # gd_reviewer works at SZ unit 1: that subject can have only 4 of the 5 reviewers.
    assert [s.unit for s in short] == [world.sz.units[0]]


def test_assignment_grants_the_permission_and_access_follows_it(gd_review, gd_subjects):
    review_services.assignment_auto(actor=None, review=gd_review)
    assignment = Assignment.objects.select_related("member__user", "subject").first()
    user = assignment.member.user
    assert user.has_perm("assessments.score_subject", assignment.subject)
    assert access_subject_to_score(user, assignment.subject.pk) == assignment.subject
    unassigned = gd_review.subjects.exclude(assignments__member__user=user).first()
    with pytest.raises(Http404):
        access_subject_to_score(user, unassigned.pk)


def test_declaring_a_conflict_withdraws_the_assignment_and_the_draft(gd_review, gd_subjects):
    review_services.assignment_auto(actor=None, review=gd_review)
    assignment = Assignment.objects.select_related("member__user", "subject").first()
    user, subject = assignment.member.user, assignment.subject
    score_sheet_save(actor=user, subject=subject, data=SheetInput(), revision=0)

    with pytest.raises(ValidationError):
        review_services.conflict_declare(actor=user, subject=subject, reason="")
    review_services.conflict_declare(actor=user, subject=subject, reason="曾在该单位任职")

    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert not ScoreSheet.objects.filter(subject=subject, reviewer=user).exists()
    assert Conflict.objects.get(subject=subject).reason == "曾在该单位任职"
    with pytest.raises(Http404):
        access_subject_to_score(user, subject.pk)
    # Assigning again, by hand or automatically, respects the declaration.
    with pytest.raises(ValidationError, match="declared a conflict"):
        review_services.assignment_add(actor=None, subject=subject, member=assignment.member)
    review_services.assignment_auto(actor=None, review=gd_review)
    assert not Assignment.objects.filter(subject=subject, member=assignment.member).exists()


def test_manual_assignment_refuses_the_reviewers_own_unit(world, gd_review, gd_subjects):
    member = gd_review.panel.get(user__username="gd_reviewer")
    with pytest.raises(ValidationError, match="works at the subject's unit"):
        review_services.assignment_add(actor=None, subject=gd_subjects[0], member=member)


def test_a_submitted_sheet_keeps_its_assignment(gd_review, gd_subjects):
    review_services.assignment_auto(actor=None, review=gd_review)
    assignment = Assignment.objects.select_related("member__user", "subject").first()
    submit_sheet(assignment.member.user, assignment.subject)
    with pytest.raises(ValidationError, match="reopen it first"):
        review_services.assignment_remove(actor=None, assignment=assignment)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_review_needs_a_published_scheme(world, template):
    from assessments.services.schemes import scheme_new_version

    draft = scheme_new_version(actor=None, scheme=template)
    with pytest.raises(ValidationError):
        review_services.review_create(
            actor=None, name="x", round_key="y", authority=world.gd, scheme=draft
        )


def test_subjects_attach_puts_many_up_at_once_and_leaves_the_attached_alone(
    world, gd_review, django_assert_num_queries
):
    from civport.models import AuditEntry

    units = [*world.sz.units, *world.gz.units]
    first = review_services.subject_attach(
        actor=None,
        review=gd_review,
        target=units[0],
        title="already there",
        authority=units[0].authority,
    )
    targets = [
        review_services.SubjectTarget(
            target=unit,
            title=unit.name,
            category="advanced_unit",
            authority=unit.authority,
            unit=unit,
        )
        for unit in units
    ]
    audited = AuditEntry.objects.filter(action="assessments.subject.attached").count()

    # savepoint, attached already, the provinces, the insert, the audit insert, release
    with django_assert_num_queries(6):
        created = review_services.subjects_attach(actor=None, review=gd_review, targets=targets)

    assert [s.unit for s in created] == units[1:]
    assert {s.province for s in created} == {world.gd}
    first.refresh_from_db()
    assert first.title == "already there"
    assert gd_review.subjects.count() == len(units)
    assert (
        AuditEntry.objects.filter(action="assessments.subject.attached").count()
        == audited + len(units) - 1
    )
