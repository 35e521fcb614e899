"""The assessments part of `seed_demo`: schemes in every filing state, reviewer accounts on
their panels, real sheets, the annual cycle; a second run adds nothing."""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

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
    SubjectUserObjectPermission,
)
from assessments.selectors import QueueStatus, queue_for, review_ranking
from assessments.services.sheets import running_total
from civport.models import AuditEntry
from seeding import assessments as demo_assessments

PASSWORD = settings.CIVPORT_DEMO_PASSWORD
REVIEWERS = [name for panel in demo_assessments.REVIEWERS.values() for name in panel]


def _seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts():
    models = (
        Scheme,
        Review,
        PanelMember,
        Subject,
        Assignment,
        Conflict,
        ScoreSheet,
        Score,
        Cycle,
        SelfAssessment,
        SubjectUserObjectPermission,
        get_user_model(),
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = _seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def seeded_demo(seeded, db):
    return seeded


def test_a_second_run_adds_nothing_and_audits_nothing_of_its_own(seeded_demo):
    first = _counts()
    audited = AuditEntry.objects.count()

    _seed()

    assert _counts() == first
    assert first["Scheme"] == 6  # the template, four provinces, Shandong's new draft
    # Guangdong's, Zhejiang's, the national one and the cycle's; the award round's are its own.
    assert Review.objects.exclude(round_key__startswith="award-").count() == 4
    assert first["Cycle"] == 1
    assert first["ScoreSheet"] > 40
    actions = set(AuditEntry.objects.order_by("pk")[audited:].values_list("action", flat=True))
    assert actions <= {"campaigns.demo_account.reset"}


def test_the_reviewer_accounts_are_listed_and_sit_on_their_panels(seeded_demo):
    assert all(name in seeded_demo for name in REVIEWERS)
    assert len(REVIEWERS) == 13
    seats = PanelMember.objects.filter(review__round_key=demo_assessments.ROUND)
    by_review = {
        code: set(
            seats.filter(review__authority__code=code).values_list("user__username", flat=True)
        )
        for code in ("GD", "ZJ", "CN")
    }
    assert by_review == {code: set(panel) for code, panel in demo_assessments.REVIEWERS.items()}


def test_a_demo_reviewer_logs_in_and_finds_a_queue_in_every_state(seeded_demo, client):
    user = get_user_model().objects.get(username="gd_reviewer1")
    login = client.post(reverse("login"), {"username": "gd_reviewer1", "password": PASSWORD})
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    statuses = {row.sheet_status for row in queue_for(user)}
    response = client.get(reverse("assessments:queue"))

    assert response.status_code == 200
    assert statuses == {QueueStatus.SUBMITTED, QueueStatus.DRAFT, QueueStatus.NOT_STARTED}


def test_schemes_show_every_filing_state(seeded_demo):
    rows = Scheme.objects.values_list("family", "version", "status", "filing_version__outcome")
    assert set(rows) == {
        ("national-template", 1, "published", None),
        ("national-template-gd", 1, "published", "acknowledged"),
        ("national-template-zj", 1, "published", "acknowledged"),
        ("national-template-fj", 1, "published", "pending"),
        ("national-template-sd", 1, "published", "returned"),
        ("national-template-sd", 2, "draft", None),  # the new version after the comments
    }
    # Fujian's weight outside the template's tolerance was published with a warning
    fj = Scheme.objects.select_related("filing_version").get(family="national-template-fj")
    assert "协作建设" in fj.filing_version.warnings
    sd = Scheme.objects.select_related("filing_version").get(
        family="national-template-sd", version=1
    )
    assert sd.filing_version.comments == demo_assessments.RETURN_COMMENT
    gd = Scheme.objects.get(family="national-template-gd")
    assert gd.areas.get(area__code="safety").weight == 16
    assert Review.objects.get(round_key=demo_assessments.ROUND, authority__code="GD").scheme == gd


def test_conflicts_of_interest_are_never_assigned(seeded_demo):
    for assignment in Assignment.objects.select_related("member", "subject"):
        member, subject = assignment.member, assignment.subject
        assert not (member.unit_id and member.unit_id == subject.unit_id)
        assert not (member.authority_id and member.authority_id == subject.authority_id)
    declared = Conflict.objects.get()
    assert declared.member.user.username == "zj_reviewer3"
    assert not Assignment.objects.filter(subject=declared.subject, member=declared.member).exists()
    # gd_reviewer1 works at 罗湖海关, which is up in Guangdong's review.
    luohu = Subject.objects.get(review__round_key=demo_assessments.ROUND, unit__code="GD-P001-C")
    assert not luohu.assignments.filter(member__user__username="gd_reviewer1").exists()


def test_submitted_sheets_carry_the_totals_of_their_scores(seeded_demo):
    sheets = ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED).select_related(
        "subject__review__scheme"
    )
    assert sheets.filter(has_veto=True).count() == 1
    for sheet in sheets:
        scheme = sheet.subject.review.scheme
        points = dict(sheet.scores.values_list("item_id", "points"))
        assert sheet.total == running_total(
            Item.objects.filter(scheme=scheme), points, scheme.bonus_cap
        )
    ranking = list(
        review_ranking(Review.objects.get(round_key=demo_assessments.ROUND, authority__code="GD"))
    )
    assert any(row.score is not None for row in ranking)
    assert any(row.is_vetoed for row in ranking)


def test_the_annual_cycle_is_in_scoring_with_units_self_assessed_and_scored(seeded_demo):
    cycle = Cycle.objects.select_related("review").get()
    subjects = cycle.review.subjects.all()
    self_assessed = subjects.filter(self_assessments__isnull=False).distinct().count()

    assert cycle.status == Cycle.Status.SCORING
    assert subjects.count() == demo_assessments.CYCLE_UNITS
    assert 0 < self_assessed < subjects.count()
    assert ScoreSheet.objects.filter(subject__review=cycle.review, status="submitted").exists()
    assert ScoreSheet.objects.filter(subject__review=cycle.review, status="draft").exists()
    # The unit contact's own unit claimed its points.
    assert SelfAssessment.objects.filter(
        subject__review=cycle.review, subject__unit__code="GD-P001-C"
    ).exists()
