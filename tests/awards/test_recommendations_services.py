"""The province's recommendation list: saving a draft, submitting it, and every refusal, with the
province's review scored through the assessments services; and the quota under two
connections saving or submitting at the same moment."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.utils import formats, timezone, translation

from assessments.models import Assignment, Review
from assessments.services import reviews as review_services
from awards.models import Nomination, Opinion, Quota, Recommendation, Round, Title
from awards.selectors.recommendations import recommendation_sections
from awards.selectors.rounds import round_review
from awards.services.nominations import nomination_withdraw
from awards.services.recommendations import CHINA, recommendation_save, recommendation_submit
from civport.models import AuditEntry
from tests.assessments.fixtures import make_user, submit_sheet
from tests.conftest import require_postgresql

UNIT = Title.ADVANCED_UNIT
PERSON = Title.ADVANCED_INDIVIDUAL
PORT = Title.CIVILIZED_PORT


# --- building the provincial review ----------------------------------------------------------


def put_up(round, province, nominations, reviewers=3):
    """The nominations as subjects of the province's review, a panel of `reviewers` people
    from no unit (so never conflicted), assigned, and the review open for scoring."""
    review = round_review(round, province)
    subjects = {
        n.pk: review_services.subject_attach(
            actor=None,
            review=review,
            target=n,
            title=n.nominee_name,
            category=n.title,
            authority=n.authority,
            unit=n.unit,
        )
        for n in nominations
    }
    if not review.panel.exists():
        for i in range(reviewers):
            review_services.panel_member_add(
                actor=None, review=review, user=make_user(f"{province.code.lower()}-reviewer-{i}")
            )
    review_services.assignment_auto(actor=None, review=review)
    review_services.review_set_phase(actor=None, review=review, phase=Review.Phase.OPEN)
    return subjects


def score(subject, fraction="0.8", veto=False, sheets=None):
    """Every assigned reviewer (or the first `sheets` of them) submits a sheet at `fraction` of
    each item's maximum; with `veto`, the first sheet marks the scheme's first veto."""
    assignments = Assignment.objects.filter(subject=subject).select_related("member__user")
    for i, assignment in enumerate(assignments.order_by("pk")[:sheets]):
        vetoes = None
        if veto and i == 0:
            vetoes = {subject.review.scheme.vetoes.first().pk: "去年发生重大安全生产事故"}
        submit_sheet(assignment.member.user, subject, Decimal(fraction), vetoes)


def in_provincial_review(round, **fields):
    Round.objects.filter(pk=round.pk).update(phase=Round.Phase.PROVINCIAL_REVIEW, **fields)
    round.refresh_from_db()
    return round


@pytest.fixture
def gd_units(world, award_round, make_nomination):
    """Guangdong's four unit nominations, scored 90, 80, 70, 60 (in that order), in provincial
    review; quota 2."""
    in_provincial_review(award_round)
    units = [*world.sz.units, *world.gz.units]
    nominations = [make_nomination(award_round, unit) for unit in units]
    subjects = put_up(award_round, world.gd, nominations)
    for nomination, fraction in zip(nominations, ("0.9", "0.8", "0.7", "0.6"), strict=True):
        score(subjects[nomination.pk], fraction)
    return nominations


def save(actor, round, province, choices, opinion=""):
    return recommendation_save(
        actor=actor, round=round, province=province, choices=choices, opinion=opinion
    )


def positions(nominations):
    return [Nomination.objects.get(pk=n.pk).recommended_position for n in nominations]


def messages_of(error):
    return " ".join(error.value.messages)


# --- saving a draft ---------------------------------------------------------------------------


def test_save_writes_positions_in_the_order_chosen_and_the_opinion(
    world, award_round, gd_units, gd_officer
):
    a, b, c = gd_units[:3]
    recommendation = save(gd_officer, award_round, world.gd, {UNIT: [b.pk, a.pk]}, " 同意推荐 ")
    assert positions(gd_units) == [2, 1, None, None]
    assert recommendation.status == Recommendation.Status.DRAFT
    assert recommendation.opinion == "同意推荐"
    # Saving again replaces the list: positions move, the one dropped loses its place.
    save(gd_officer, award_round, world.gd, {UNIT: [c.pk, b.pk]}, "同意推荐")
    assert positions(gd_units) == [None, 2, 1, None]
    assert Recommendation.objects.count() == 1
    entry = AuditEntry.objects.filter(action="awards.recommendation.saved").latest("pk")
    assert entry.changes["choices"] == {UNIT: [c.pk, b.pk]}
    assert entry.actor == gd_officer
    # Nothing changes the nominations' status before the list is submitted.
    assert {n.status for n in Nomination.objects.all()} == {Nomination.Status.SUBMITTED}


def test_save_refuses_over_quota_and_writes_nothing(
    world, award_round, gd_units, gd_officer, in_english
):
    a, b, c = gd_units[:3]
    save(gd_officer, award_round, world.gd, {UNIT: [a.pk]})
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {UNIT: [a.pk, b.pk, c.pk]}, "意见")
    assert error.value.message_dict[UNIT] == [
        "“National advanced unit”: 3 chosen, but the quota of 广东省人民政府口岸办公室 is 2."
    ]
    assert positions(gd_units) == [1, None, None, None]
    assert Recommendation.objects.get().opinion == ""


def test_no_quota_row_means_no_place(
    world, award_round, make_nomination, zj_officer, nb_officer, in_english
):
    in_provincial_review(award_round)
    nomination = make_nomination(award_round, world.nb.units[0])
    score(put_up(award_round, world.zj, [nomination])[nomination.pk])
    Quota.objects.filter(round=award_round, province=world.zj, title=UNIT).delete()
    with pytest.raises(ValidationError) as error:
        save(zj_officer, award_round, world.zj, {UNIT: [nomination.pk]})
    assert "the quota of 浙江省人民政府口岸办公室 is 0" in messages_of(error)
    # With the quota row back, the same choice is saved.
    Quota.objects.create(round=award_round, province=world.zj, title=UNIT, quota=1)
    save(zj_officer, award_round, world.zj, {UNIT: [nomination.pk]})
    assert positions([nomination]) == [1]


@pytest.mark.parametrize(
    "status", [Nomination.Status.DRAFT, Nomination.Status.WITHDRAWN], ids=["draft", "withdrawn"]
)
def test_only_submitted_nominations_can_be_chosen(
    world, award_round, gd_units, gd_officer, make_nomination, status, in_english
):
    other = make_nomination(award_round, world.sz.people[0], status=status)
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {PERSON: [other.pk]})
    assert error.value.message_dict[PERSON] == [
        f"{other.nominee_name} is {status.label}; only submitted nominations can be recommended."
    ]
    assert positions([other]) == [None]


def test_another_provinces_nomination_cannot_be_chosen(
    world, award_round, gd_units, gd_officer, make_nomination, in_english
):
    theirs = make_nomination(award_round, world.nb.units[0])
    score(put_up(award_round, world.zj, [theirs])[theirs.pk])
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {UNIT: [gd_units[0].pk, theirs.pk]})
    assert error.value.message_dict[UNIT] == [
        f"Nomination no. {theirs.pk} is not a nomination of 广东省人民政府口岸办公室 in this round."
    ]
    # Unknown ids get the same answer.
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {UNIT: [999999]})
    assert "Nomination no. 999999 is not a nomination of" in messages_of(error)
    assert positions([gd_units[0], theirs]) == [None, None]


def test_a_nomination_goes_under_its_own_title_and_once(
    world, award_round, gd_units, gd_officer, in_english
):
    a = gd_units[0]
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {PORT: [a.pk]})
    assert error.value.message_dict[PORT] == [
        f"{a.nominee_name} is nominated for “National advanced unit”, not for this title."
    ]
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {UNIT: [a.pk, a.pk]})
    assert f"{a.nominee_name} is chosen twice." in error.value.message_dict[UNIT]
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {"best_port": [a.pk]})
    assert error.value.message_dict["choices"] == ["Unknown title: best_port."]


def test_a_vetoed_nomination_cannot_be_recommended(
    world, award_round, make_nomination, gd_officer, in_english
):
    in_provincial_review(award_round)
    vetoed, clean = (make_nomination(award_round, p) for p in world.sz.people[:2])
    subjects = put_up(award_round, world.gd, [vetoed, clean])
    score(subjects[vetoed.pk], "0.95", veto=True)
    score(subjects[clean.pk], "0.7")
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {PERSON: [vetoed.pk]})
    assert error.value.message_dict[PERSON] == [
        f"{vetoed.nominee_name} is disqualified by a veto in the provincial review and cannot "
        "be recommended."
    ]
    save(gd_officer, award_round, world.gd, {PERSON: [clean.pk]})
    assert positions([vetoed, clean]) == [None, 1]


def test_an_unscored_nomination_cannot_be_recommended(
    world, award_round, make_nomination, gd_officer, in_english
):
    in_provincial_review(award_round)
    nomination = make_nomination(award_round, world.sz.port)
    not_in_review = make_nomination(award_round, world.gz.port)
    subjects = put_up(award_round, world.gd, [nomination])
    expected = "{} has no submitted score sheet yet and cannot be recommended."
    for unscored in (nomination, not_in_review):
        with pytest.raises(ValidationError) as error:
            save(gd_officer, award_round, world.gd, {PORT: [unscored.pk]})
        assert error.value.message_dict[PORT] == [expected.format(unscored.nominee_name)]
    # One submitted sheet is enough to be ranked, and so to be chosen.
    score(subjects[nomination.pk], sheets=1)
    save(gd_officer, award_round, world.gd, {PORT: [nomination.pk]})
    assert positions([nomination]) == [1]


def test_every_problem_is_reported_at_once(world, award_round, gd_units, gd_officer, in_english):
    a, b, c = gd_units[:3]
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {UNIT: [a.pk, b.pk, c.pk], PORT: [a.pk]})
    assert set(error.value.message_dict) == {UNIT, PORT}


# --- when the list may be changed ------------------------------------------------------------


@pytest.mark.parametrize(
    "phase",
    [Round.Phase.NOMINATING, Round.Phase.NATIONAL_REVIEW],
    ids=["before", "after"],
)
def test_the_list_is_made_in_the_provincial_review_only(
    world, award_round, gd_units, gd_officer, phase, in_english
):
    Round.objects.filter(pk=award_round.pk).update(phase=phase)
    for attempt in (
        lambda: save(gd_officer, award_round, world.gd, {UNIT: [gd_units[0].pk]}, "意见"),
        lambda: recommendation_submit(
            actor=gd_officer, round=award_round, province=world.gd, opinion="意见"
        ),
    ):
        with pytest.raises(ValidationError) as error:
            attempt()
        assert messages_of(error) == (
            "The recommendation list is made during the provincial review; the round is in the "
            f"phase “{phase.label}”."
        )
    assert positions(gd_units[:1]) == [None]
    assert not Recommendation.objects.exists()


def test_the_deadline_runs_to_the_end_of_its_day_in_china(
    world, award_round, gd_units, gd_officer, in_english
):
    today = timezone.localdate(timezone=CHINA)
    in_provincial_review(award_round, provincial_review_due_on=today)
    save(gd_officer, award_round, world.gd, {UNIT: [gd_units[0].pk]})

    yesterday = today - datetime.timedelta(days=1)
    in_provincial_review(award_round, provincial_review_due_on=yesterday)
    expected = (
        f"The provincial review closed on {formats.date_format(yesterday)}; the list can no "
        "longer be changed."
    )
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {UNIT: [gd_units[1].pk]})
    assert messages_of(error) == expected
    with pytest.raises(ValidationError) as error:
        recommendation_submit(
            actor=gd_officer, round=award_round, province=world.gd, opinion="意见"
        )
    assert messages_of(error) == expected
    assert positions(gd_units[:2]) == [1, None]


def test_only_those_who_manage_the_province_work_on_its_list(
    world, award_round, gd_units, zj_officer, port_officer, national_admin
):
    for stranger in (zj_officer, port_officer, None):
        with pytest.raises(PermissionDenied):
            save(stranger, award_round, world.gd, {UNIT: [gd_units[0].pk]})
        with pytest.raises(PermissionDenied):
            recommendation_submit(actor=stranger, round=award_round, province=world.gd, opinion="x")
    # The national office manages every province.
    save(national_admin, award_round, world.gd, {UNIT: [gd_units[0].pk]})
    assert positions(gd_units[:1]) == [1]


def test_a_withdrawn_nomination_drops_out_of_the_draft(
    world, award_round, gd_units, gd_officer, port_officer
):
    a, b = gd_units[:2]
    save(gd_officer, award_round, world.gd, {UNIT: [a.pk, b.pk]}, "同意推荐")
    nomination_withdraw(actor=port_officer, nomination=a, reason="单位申请撤回")
    section = next(s for s in recommendation_sections(award_round, world.gd) if s.title == UNIT)
    assert [r.nomination.pk for r in section.chosen] == [b.pk]
    assert a.pk not in {r.nomination.pk for r in section.rows}
    recommendation_submit(actor=gd_officer, round=award_round, province=world.gd)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.recommended_position) == (Nomination.Status.WITHDRAWN, None)
    # The gap the withdrawal left is closed.
    assert (b.status, b.recommended_position) == (Nomination.Status.RECOMMENDED, 1)


# --- submitting -------------------------------------------------------------------------------


def test_submit_recommends_the_list_and_locks_it(
    world, award_round, gd_units, gd_officer, make_nomination
):
    a, b, c, d = gd_units
    draft = make_nomination(award_round, world.sz.people[0], status=Nomination.Status.DRAFT)
    save(gd_officer, award_round, world.gd, {UNIT: [c.pk, a.pk]}, "草稿意见")
    recommendation = recommendation_submit(
        actor=gd_officer, round=award_round, province=world.gd, opinion="经省级评审，同意推荐。"
    )
    assert recommendation.status == Recommendation.Status.SUBMITTED
    assert recommendation.submitted_by == gd_officer
    assert recommendation.submitted_at is not None
    assert recommendation.opinion == "经省级评审，同意推荐。"
    statuses = {n.pk: (n.status, n.recommended_position) for n in Nomination.objects.all()}
    assert statuses == {
        a.pk: (Nomination.Status.RECOMMENDED, 2),
        b.pk: (Nomination.Status.NOT_RECOMMENDED, None),
        c.pk: (Nomination.Status.RECOMMENDED, 1),
        d.pk: (Nomination.Status.NOT_RECOMMENDED, None),
        draft.pk: (Nomination.Status.DRAFT, None),
    }
    opinions = Opinion.objects.filter(level=Opinion.Level.PROVINCE)
    assert {o.nomination_id for o in opinions} == {a.pk, c.pk}
    assert {(o.authority, o.author, o.text) for o in opinions} == {
        (world.gd, gd_officer, "经省级评审，同意推荐。")
    }
    actions = AuditEntry.objects.values_list("action", "object_id")
    assert set(actions.filter(action="awards.nomination.recommended")) == {
        ("awards.nomination.recommended", str(a.pk)),
        ("awards.nomination.recommended", str(c.pk)),
    }
    assert actions.filter(action="awards.nomination.not_recommended").count() == 2
    assert actions.filter(action="awards.recommendation.submitted").count() == 1


def test_submit_uses_the_saved_opinion_and_requires_one(
    world, award_round, gd_units, gd_officer, in_english
):
    save(gd_officer, award_round, world.gd, {UNIT: [gd_units[0].pk]})
    with pytest.raises(ValidationError) as error:
        recommendation_submit(actor=gd_officer, round=award_round, province=world.gd)
    assert error.value.message_dict == {
        "opinion": ["Write the province's opinion before submitting the list."]
    }
    with pytest.raises(ValidationError):
        recommendation_submit(actor=gd_officer, round=award_round, province=world.gd, opinion="  ")
    assert Recommendation.objects.get().status == Recommendation.Status.DRAFT
    save(gd_officer, award_round, world.gd, {UNIT: [gd_units[0].pk]}, "同意推荐")
    recommendation_submit(actor=gd_officer, round=award_round, province=world.gd)
    assert Opinion.objects.get().text == "同意推荐"


def test_after_submission_the_list_is_locked(world, award_round, gd_units, gd_officer, in_english):
    a, b = gd_units[:2]
    save(gd_officer, award_round, world.gd, {UNIT: [a.pk]}, "同意推荐")
    recommendation_submit(actor=gd_officer, round=award_round, province=world.gd)
    today = timezone.localdate(timezone=CHINA)
    expected = (
        f"广东省人民政府口岸办公室 submitted its recommendation list on {formats.date_format(today)}; "
        "the list is locked."
    )
    with pytest.raises(ValidationError) as error:
        save(gd_officer, award_round, world.gd, {UNIT: [b.pk]}, "改")
    assert messages_of(error) == expected
    with pytest.raises(ValidationError) as error:
        recommendation_submit(actor=gd_officer, round=award_round, province=world.gd)
    assert messages_of(error) == expected
    assert positions(gd_units) == [1, None, None, None]
    assert Opinion.objects.count() == 1


def test_submit_checks_the_list_again(world, award_round, gd_units, gd_officer, in_english):
    # A veto submitted after the draft was saved keeps the nomination off the list.
    a = gd_units[0]
    save(gd_officer, award_round, world.gd, {UNIT: [a.pk]}, "同意推荐")
    review = round_review(award_round, world.gd)
    subject = review.subjects.get(object_id=a.pk)
    late = make_user("late-reviewer")
    member = review_services.panel_member_add(actor=None, review=review, user=late)
    review_services.assignment_add(actor=None, subject=subject, member=member)
    submit_sheet(late, subject, Decimal("0.9"), {review.scheme.vetoes.first().pk: "事故"})
    with pytest.raises(ValidationError) as error:
        recommendation_submit(actor=gd_officer, round=award_round, province=world.gd)
    assert "is disqualified by a veto" in messages_of(error)
    a.refresh_from_db()
    assert (a.status, a.recommended_position) == (Nomination.Status.SUBMITTED, 1)
    assert Recommendation.objects.get().status == Recommendation.Status.DRAFT


# --- two connections at once ------------------------------------------------------------------


def _at_once(*calls):
    """Run each call in its own thread (so on its own database connection), released together;
    returns what each returned or the messages it was refused with."""
    require_postgresql("two connections at once, serialised by a row lock")
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            translation.activate("en")
            barrier.wait()
            call()
            outcomes[i] = "done"
        except ValidationError as error:
            outcomes[i] = " ".join(error.messages)
        except DatabaseError as error:  # an IntegrityError: the lock did not hold
            outcomes[i] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_are_serialised_and_never_pass_the_quota(
    world, award_round, make_nomination, gd_officer, national_admin
):
    in_provincial_review(award_round)
    units = [*world.sz.units, *world.gz.units]
    nominations = [make_nomination(award_round, unit) for unit in units]
    subjects = put_up(award_round, world.gd, nominations)
    for nomination in nominations:
        score(subjects[nomination.pk], sheets=1)
    a, b, c, d = (n.pk for n in nominations)
    save(gd_officer, award_round, world.gd, {UNIT: [a]})
    # Each list is within the quota of 2 on its own; both at once would make 4 places. The
    # row lock on the list makes one wait for the other, which then replaces the first one's
    # list (without it, both read the same old list and write over each other's places).
    outcomes = _at_once(
        lambda: save(gd_officer, award_round, world.gd, {UNIT: [a, b]}),
        lambda: save(national_admin, award_round, world.gd, {UNIT: [c, d]}),
    )
    assert outcomes == ["done", "done"]
    chosen = dict(
        Nomination.objects.filter(recommended_position__isnull=False).values_list(
            "pk", "recommended_position"
        )
    )
    assert chosen in ({a: 1, b: 2}, {c: 1, d: 2})
    assert Recommendation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_one_is_told_the_list_is_locked(
    world, award_round, make_nomination, gd_officer, national_admin
):
    in_provincial_review(award_round)
    units = [*world.sz.units, *world.gz.units]
    nominations = [make_nomination(award_round, unit) for unit in units]
    subjects = put_up(award_round, world.gd, nominations)
    for nomination in nominations:
        score(subjects[nomination.pk], sheets=1)
    a, b, c, d = (n.pk for n in nominations)
    save(gd_officer, award_round, world.gd, {UNIT: [a, b]}, "同意推荐")
    # A late save of another list races the submit: whichever comes second sees the first.
    outcomes = _at_once(
        lambda: recommendation_submit(actor=gd_officer, round=award_round, province=world.gd),
        lambda: recommendation_submit(actor=national_admin, round=award_round, province=world.gd),
        lambda: save(gd_officer, award_round, world.gd, {UNIT: [c, d]}, "同意推荐"),
    )
    assert outcomes.count("done") in (1, 2)
    refused = [o for o in outcomes if o != "done"]
    assert all("submitted its recommendation list on" in o for o in refused), outcomes
    recommended = Nomination.objects.filter(status=Nomination.Status.RECOMMENDED)
    assert recommended.count() == 2
    assert set(recommended.values_list("pk", flat=True)) in ({a, b}, {c, d})
    assert Opinion.objects.count() == 2
    assert Nomination.objects.filter(status=Nomination.Status.NOT_RECOMMENDED).count() == 2
    assert AuditEntry.objects.filter(action="awards.recommendation.submitted").count() == 1
