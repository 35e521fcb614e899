"""Advancing a round: each step's success with its effects, each refusal with its reason (in
English), nothing half-written when refused, and a refusal that passes once its cause is
fixed."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from assessments.models import Assignment, Review, Subject
from awards.models import (
    DecisionDocument,
    Honour,
    Nomination,
    Objection,
    Quota,
    RenderStatus,
    Round,
    Title,
)
from awards.services import rounds as round_services
from awards.workdays import working_days_span
from campaigns.models import LeadingGroupResolution
from civport.models import AuditEntry
from tests.awards.approvals_support import approve_candidates
from tests.awards.rounds_support import (
    close_nominations,
    days,
    national_review,
    review_of,
    seat_panel,
    set_phase,
    submit_list,
    today,
)

Phase = Round.Phase
Status = Nomination.Status


def refusal(round, actor):
    with pytest.raises(ValidationError) as caught:
        round_services.round_advance(actor=actor, round=round)
    return caught.value.message_dict["phase"]


def phase_of(round):
    return Round.objects.get(pk=round.pk).phase


# --- draft → nominating ----------------------------------------------------------------------


@pytest.fixture
def draft_round(national_admin, template):
    return round_services.round_create(
        actor=national_admin,
        code="2027-2028",
        name="2027—2028年度评比",
        start_year=2027,
        end_year=2028,
        scheme=template,
        reviewers_per_nomination=3,
    )


def test_draft_refuses_without_quota_or_dates(national_admin, draft_round, in_english):
    assert refusal(draft_round, national_admin) == [
        "No quota is set: give at least one province a quota for a title.",
        "Set the date nominations are due.",
        "Set the date the provincial review is due.",
        "Set the date the national review is due.",
    ]
    assert phase_of(draft_round) == Phase.DRAFT
    assert not Review.objects.filter(round_key=draft_round.review_key).exists()


def test_draft_refuses_past_deadline_and_unpublished_scheme(
    national_admin, draft_round, world, template, in_english
):
    Quota.objects.create(round=draft_round, province=world.gd, title="advanced_unit", quota=2)
    set_phase(
        draft_round,
        Phase.DRAFT,
        nominations_due_on=days(-1),
        provincial_review_due_on=days(10),
        national_review_due_on=days(20),
    )
    type(template).objects.filter(pk=template.pk).update(status="draft", published_at=None)
    assert refusal(draft_round, national_admin) == [
        f"The scheme “{template}” is not published.",
        f"The nominations' due date ({days(-1).isoformat()}) has passed; set a later one.",
    ]
    assert round_services.round_preconditions(draft_round) == [
        f"The scheme “{template}” is not published.",
        f"The nominations' due date ({days(-1).isoformat()}) has passed; set a later one.",
    ]


def test_draft_to_nominating_creates_the_reviews(national_admin, draft_round, world):
    draft_round = round_services.round_save(
        actor=national_admin,
        round=draft_round,
        nominations_due_on=today(),
        provincial_review_due_on=days(30),
        national_review_due_on=days(60),
    )
    round_services.quota_set(
        actor=national_admin, round=draft_round, province=world.gd, title="advanced_unit", quota=2
    )
    assert round_services.round_preconditions(draft_round) == []
    round = round_services.round_advance(actor=national_admin, round=draft_round)
    assert round.phase == Phase.NOMINATING and phase_of(round) == Phase.NOMINATING
    reviews = Review.objects.filter(round_key=round.review_key)
    assert {r.authority_id: r.due_on for r in reviews} == {
        world.gd.pk: days(30),
        world.zj.pk: days(30),
        world.national.pk: days(60),
    }
    assert {r.reviewers_per_subject for r in reviews} == {3}
    entry = AuditEntry.objects.get(action="awards.round.nominating", object_id=str(round.pk))
    assert entry.changes == {"phase": ["draft", "nominating"], "reviews_created": 3}
    assert entry.actor == national_admin


# --- nominating → provincial review --------------------------------------------------------


@pytest.fixture
def nominated(award_round, world, make_nomination):
    """Guangdong: a unit and a person submitted, a port in draft; Zhejiang: a unit submitted."""
    return {
        "gd_unit": make_nomination(award_round, world.sz.units[1]),
        "gd_person": make_nomination(award_round, world.gz.people[0]),
        "gd_draft": make_nomination(award_round, world.sz.port, status=Status.DRAFT),
        "zj_unit": make_nomination(award_round, world.nb.units[0]),
    }


def test_nominating_refuses_before_the_deadline(national_admin, award_round, nominated, in_english):
    reasons = refusal(award_round, national_admin)
    assert reasons[0] == (
        f"Nominations are open until {award_round.nominations_due_on.isoformat()}; the "
        "provincial review can start the day after."
    )


def test_nominating_refuses_on_the_deadline_day_itself(
    national_admin, award_round, nominated, world, in_english
):
    set_phase(award_round, Phase.NOMINATING, nominations_due_on=today())
    seat_panel(review_of(award_round, world.gd), 3, "gd")
    seat_panel(review_of(award_round, world.zj), 3, "zj")
    assert refusal(award_round, national_admin) == [
        f"Nominations are open until {today().isoformat()}; the provincial review can start "
        "the day after."
    ]


def test_nominating_refuses_without_submitted_nominations(national_admin, award_round, in_english):
    close_nominations(award_round)
    assert refusal(award_round, national_admin) == ["No nomination has been submitted."]


def test_nominating_refuses_short_panels_then_advances(
    national_admin, award_round, nominated, world, in_english
):
    close_nominations(award_round)
    seat_panel(review_of(award_round, world.gd), 2, "gd")
    assert refusal(award_round, national_admin) == [
        "2 provinces have fewer than 3 active reviewers on their panels: "
        f"{world.gd.name} (2)、{world.zj.name} (0)."
    ]
    assert not Subject.objects.exists()
    assert phase_of(award_round) == Phase.NOMINATING
    # With the panels complete, the same round advances: the refusal was for the panels.
    seat_panel(review_of(award_round, world.gd), 1, "gd_more")
    seat_panel(review_of(award_round, world.zj), 3, "zj")
    round = round_services.round_advance(actor=national_admin, round=award_round)
    assert round.phase == Phase.PROVINCIAL_REVIEW
    assert round.warnings == []


def test_nominating_to_provincial_review_attaches_assigns_and_opens(
    national_admin, award_round, nominated, world
):
    close_nominations(award_round)
    seat_panel(review_of(award_round, world.gd), 3, "gd")
    seat_panel(review_of(award_round, world.zj), 4, "zj")
    round_services.round_advance(actor=national_admin, round=award_round)
    content_type = ContentType.objects.get_for_model(Nomination)
    subjects = {
        s.object_id: s
        for s in Subject.objects.filter(content_type=content_type).select_related("review")
    }
    gd_unit, gd_person = nominated["gd_unit"], nominated["gd_person"]
    assert set(subjects) == {gd_unit.pk, gd_person.pk, nominated["zj_unit"].pk}
    subject = subjects[gd_person.pk]
    assert subject.review == review_of(award_round, world.gd)
    assert (subject.category, subject.title) == (Title.ADVANCED_INDIVIDUAL, gd_person.nominee_name)
    assert (subject.authority_id, subject.unit_id) == (world.gz.authority.pk, gd_person.unit_id)
    assert subjects[nominated["zj_unit"].pk].review == review_of(award_round, world.zj)
    assert {s.pk: s.assignments.count() for s in subjects.values()} == {
        s.pk: 3 for s in subjects.values()
    }
    phases = dict(
        Review.objects.filter(round_key=award_round.review_key).values_list("authority_id", "phase")
    )
    assert phases == {world.gd.pk: "open", world.zj.pk: "open", world.national.pk: "preparing"}
    entry = AuditEntry.objects.get(
        action="awards.round.provincial_review", object_id=str(award_round.pk)
    )
    assert entry.changes == {
        "phase": ["nominating", "provincial_review"],
        "nominations": 3,
        "reviews_opened": 2,
    }


def test_a_conflict_of_interest_is_reported_as_a_warning(
    national_admin, award_round, nominated, world, in_english
):
    """A reviewer of Shenzhen's port authority cannot score Shenzhen's unit: with exactly k
    members, that nomination is short of one reviewer and the office is told."""
    from assessments.services import reviews as review_services
    from tests.assessments.fixtures import make_user

    close_nominations(award_round)
    gd = review_of(award_round, world.gd)
    seat_panel(gd, 2, "gd")
    review_services.panel_member_add(
        actor=None, review=gd, user=make_user("gd_sz"), authority=world.sz.authority
    )
    seat_panel(review_of(award_round, world.zj), 3, "zj")
    round = round_services.round_advance(actor=national_admin, round=award_round)
    assert round.warnings == [
        f"{gd.name}: 1 nomination is short of reviewers (conflicts of interest); assign one by "
        "hand."
    ]


# --- provincial review → national review ---------------------------------------------------


@pytest.fixture
def recommended(award_round, world, make_nomination, gd_officer):
    """Provincial review under way: Guangdong recommended two of three, Zhejiang one."""
    set_phase(award_round, Phase.PROVINCIAL_REVIEW, nominations_due_on=days(-10))
    made = {
        "gd_1": make_nomination(
            award_round, world.sz.units[1], status=Status.RECOMMENDED, recommended_position=1
        ),
        "gd_2": make_nomination(
            award_round, world.gz.units[0], status=Status.RECOMMENDED, recommended_position=2
        ),
        "gd_out": make_nomination(award_round, world.gz.units[1], status=Status.NOT_RECOMMENDED),
        "zj_1": make_nomination(
            award_round, world.nb.people[0], status=Status.RECOMMENDED, recommended_position=1
        ),
        "zj_left": make_nomination(award_round, world.nb.units[1], status=Status.SUBMITTED),
    }
    for province in (world.gd, world.zj):
        Review.objects.filter(round_key=award_round.review_key, authority=province).update(
            phase="open"
        )
    submit_list(award_round, world.gd, gd_officer)
    return made


def test_provincial_review_refuses_missing_lists_and_national_panel(
    national_admin, award_round, recommended, world, in_english
):
    assert refusal(award_round, national_admin) == [
        f"1 province has not submitted its recommendation list: {world.zj.name}.",
        "The national panel has 0 active reviewers; each nomination needs 3.",
    ]
    assert phase_of(award_round) == Phase.PROVINCIAL_REVIEW
    assert not national_review(award_round, world).subjects.exists()
    assert review_of(award_round, world.gd).phase == "open"


def test_provincial_review_refuses_when_nothing_was_recommended(
    national_admin, award_round, world, make_nomination, gd_officer, in_english
):
    set_phase(award_round, Phase.PROVINCIAL_REVIEW)
    make_nomination(award_round, world.sz.units[1], status=Status.NOT_RECOMMENDED)
    submit_list(award_round, world.gd, gd_officer)
    seat_panel(national_review(award_round, world), 3, "cn")
    assert refusal(award_round, national_admin) == ["No nomination has been recommended."]


def test_provincial_review_to_national_review(
    national_admin, award_round, recommended, world, zj_officer
):
    submit_list(award_round, world.zj, zj_officer)
    seat_panel(national_review(award_round, world), 3, "cn")
    round_services.round_advance(actor=national_admin, round=award_round)
    assert phase_of(award_round) == Phase.NATIONAL_REVIEW
    national = national_review(award_round, world)
    assert national.phase == "open"
    assert review_of(award_round, world.gd).phase == "closed"
    assert review_of(award_round, world.zj).phase == "closed"
    attached = set(national.subjects.values_list("object_id", flat=True))
    assert attached == {recommended[key].pk for key in ("gd_1", "gd_2", "zj_1")}
    assert Assignment.objects.filter(subject__review=national).count() == 9
    # The nomination Zhejiang left off its list is not recommended.
    assert Nomination.objects.get(pk=recommended["zj_left"].pk).status == Status.NOT_RECOMMENDED
    entry = AuditEntry.objects.get(
        action="awards.round.national_review", object_id=str(award_round.pk)
    )
    assert entry.changes == {
        "phase": ["provincial_review", "national_review"],
        "nominations": 3,
        "not_recommended": 1,
    }


# --- national review → public notice -------------------------------------------------------


@pytest.fixture
def deciding(award_round, world, make_nomination):
    set_phase(award_round, Phase.NATIONAL_REVIEW, nominations_due_on=days(-30))
    Review.objects.filter(round_key=award_round.review_key, authority=world.national).update(
        phase="open"
    )
    return [
        make_nomination(award_round, unit, status=Status.RECOMMENDED)
        for unit in (*world.sz.units, world.nb.units[0])
    ]


def test_national_review_refuses_undecided_nominations(
    national_admin, award_round, deciding, in_english
):
    assert refusal(award_round, national_admin) == [
        "3 recommended nominations have no decision yet.",
        "No nomination has been approved as a candidate.",
    ]
    Nomination.objects.filter(pk=deciding[0].pk).update(status=Status.REJECTED)
    Nomination.objects.filter(pk=deciding[1].pk).update(status=Status.CANDIDATE)
    assert refusal(award_round, national_admin) == ["1 recommended nomination has no decision yet."]
    assert phase_of(award_round) == Phase.NATIONAL_REVIEW
    assert Round.objects.get(pk=award_round.pk).notice_starts_on is None


def test_national_review_refuses_without_a_candidate(
    national_admin, award_round, deciding, in_english
):
    Nomination.objects.filter(pk__in=[n.pk for n in deciding]).update(status=Status.REJECTED)
    assert refusal(award_round, national_admin) == [
        "No nomination has been approved as a candidate."
    ]


def test_national_review_to_public_notice_counts_working_days(
    national_admin, award_round, deciding, world
):
    Nomination.objects.filter(pk__in=[n.pk for n in deciding]).update(status=Status.CANDIDATE)
    round = round_services.round_advance(actor=national_admin, round=award_round)
    starts, ends = working_days_span(today(), award_round.notice_working_days)
    fresh = Round.objects.get(pk=round.pk)
    assert (fresh.phase, fresh.notice_starts_on, fresh.notice_ends_on) == (
        Phase.PUBLIC_NOTICE,
        starts,
        ends,
    )
    assert national_review(award_round, world).phase == "closed"
    entry = AuditEntry.objects.get(
        action="awards.round.public_notice", object_id=str(award_round.pk)
    )
    assert entry.changes["notice_ends_on"] == ends.isoformat()


# --- public notice → decided ----------------------------------------------------------------


@pytest.fixture
def noticed(award_round, world, make_nomination):
    set_phase(
        award_round,
        Phase.PUBLIC_NOTICE,
        nominations_due_on=days(-60),
        notice_starts_on=days(-9),
        notice_ends_on=days(-1),
        decision_number="署岸发〔2026〕12号",
    )
    candidates = [
        make_nomination(award_round, unit, status=Status.CANDIDATE)
        for unit in (*world.sz.units, world.nb.units[0])
    ]
    # The national leading group reviewed the list (经…领导机构评审后), as the decision needs.
    approve_candidates(award_round)
    return candidates


def test_public_notice_refuses_while_running_and_with_open_objections(
    national_admin, award_round, noticed, in_english
):
    set_phase(award_round, Phase.PUBLIC_NOTICE, notice_ends_on=today(), decision_number=" ")
    Objection.objects.create(nomination=noticed[0], name="王五", phone="13800000000", text="不实")
    Objection.objects.create(nomination=noticed[1], name="赵六", phone="13800000001", text="不实")
    Objection.objects.create(
        nomination=noticed[2], name="钱七", phone="13800000002", text="不实", status="dismissed"
    )
    assert refusal(award_round, national_admin) == [
        f"The public notice runs until {today().isoformat()}; the decision can be made the day "
        "after.",
        "2 objections are still open.",
        "Enter the document number of the commendation decision.",
    ]
    assert phase_of(award_round) == Phase.PUBLIC_NOTICE
    assert Round.objects.get(pk=award_round.pk).decided_on is None


def test_public_notice_refuses_when_no_candidate_remains(
    national_admin, award_round, noticed, in_english
):
    Nomination.objects.filter(pk__in=[n.pk for n in noticed]).update(status=Status.WITHDRAWN)
    assert refusal(award_round, national_admin) == ["No candidate remains."]


def test_public_notice_to_decided_grants_the_honours(
    national_admin, award_round, noticed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        round_services.round_advance(actor=national_admin, round=award_round)
    fresh = Round.objects.get(pk=award_round.pk)
    assert (fresh.phase, fresh.decided_on) == (Phase.DECIDED, today())
    assert set(Honour.objects.values_list("nomination_id", flat=True)) == {n.pk for n in noticed}
    assert set(Nomination.objects.values_list("status", flat=True)) == {Status.AWARDED}
    assert DecisionDocument.objects.filter(round=award_round).exists()
    # The renders are queued once the decision is committed, not before.
    assert callbacks
    entry = AuditEntry.objects.get(action="awards.round.decided", object_id=str(award_round.pk))
    assert entry.changes == {
        "phase": ["public_notice", "decided"],
        "decided_on": today().isoformat(),
    }


def test_public_notice_refuses_without_the_leading_groups_approval(
    national_admin, award_round, noticed, in_english
):
    LeadingGroupResolution.objects.all().delete()
    assert refusal(award_round, national_admin) == [
        "The leading group of 国家口岸管理办公室 has not approved the list of candidates: "
        "record its meeting and the resolution approving the list."
    ]
    assert phase_of(award_round) == Phase.PUBLIC_NOTICE
    approve_candidates(award_round)
    round_services.round_advance(actor=national_admin, round=award_round)
    assert phase_of(award_round) == Phase.DECIDED


def test_public_notice_refuses_an_approval_older_than_the_list(
    national_admin, award_round, noticed, in_english
):
    LeadingGroupResolution.objects.all().delete()
    approve_candidates(award_round, held_on=days(-5))
    Nomination.objects.filter(pk=noticed[0].pk).update(
        decided_at=datetime.datetime.combine(days(-2), datetime.time(10), tzinfo=datetime.UTC)
    )
    assert refusal(award_round, national_admin) == [
        f"The list of candidates changed on {days(-2).isoformat()}, after the leading group "
        f"approved it on {days(-5).isoformat()}: record its review of the current list."
    ]
    approve_candidates(award_round, held_on=days(-1))
    round_services.round_advance(actor=national_admin, round=award_round)
    assert phase_of(award_round) == Phase.DECIDED


def test_the_decision_document_cites_the_approving_resolution(national_admin, award_round, noticed):
    from awards.documents import decision_html

    round_services.round_advance(actor=national_admin, round=award_round)
    decision = DecisionDocument.objects.select_related("approval__meeting__group").get(
        round=award_round
    )
    approval = decision.approval
    assert approval is not None and approval.approves_label == award_round.name
    html = decision_html(award_round, [], approval)
    held_on = approval.meeting.held_on
    assert f"{approval.meeting.group.name}{held_on.year}年{held_on.month}月{held_on.day}日" in html
    assert "审定（第1项决议）" in html
    assert "审定" not in decision_html(award_round, [])


def test_decided_closes_once_every_document_is_rendered(
    national_admin, award_round, noticed, in_english
):
    round_services.round_advance(actor=national_admin, round=award_round)
    assert refusal(award_round, national_admin) == ["4 of 4 documents are not rendered yet."]
    Honour.objects.filter(pk=Honour.objects.first().pk).update(render_status=RenderStatus.FAILED)
    assert refusal(award_round, national_admin) == [
        "4 of 4 documents are not rendered yet.",
        "1 certificate could not be rendered; render it again from the honours in the admin.",
    ]
    assert phase_of(award_round) == Phase.DECIDED
    Honour.objects.update(render_status=RenderStatus.DONE)
    DecisionDocument.objects.update(render_status=RenderStatus.DONE)
    round_services.round_advance(actor=national_admin, round=award_round)
    assert phase_of(award_round) == Phase.CLOSED
    assert AuditEntry.objects.filter(
        action="awards.round.closed", object_id=str(award_round.pk)
    ).exists()


# --- the last step and the end ------------------------------------------------------------


def test_a_closed_round_has_no_next_phase(national_admin, award_round, in_english):
    set_phase(award_round, Phase.CLOSED)
    assert round_services.next_phase(award_round) is None
    assert refusal(award_round, national_admin) == ["The round is closed; it has no next phase."]


def test_advance_reads_the_round_again(national_admin, award_round):
    """The step reads the round again under a row lock (SELECT … FOR UPDATE), so a stale copy
    advances from the phase the database has."""
    stale = Round.objects.get(pk=award_round.pk)
    set_phase(award_round, Phase.CLOSED)
    with pytest.raises(ValidationError):
        round_services.round_advance(actor=national_admin, round=stale)
    assert phase_of(award_round) == Phase.CLOSED


def test_preconditions_judge_deadlines_by_the_given_day(award_round, nominated, world, in_english):
    seat_panel(review_of(award_round, world.gd), 3, "gd")
    seat_panel(review_of(award_round, world.zj), 3, "zj")
    later = award_round.nominations_due_on + datetime.timedelta(days=1)
    assert round_services.round_preconditions(award_round, on=later) == []
