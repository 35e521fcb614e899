"""The national office's decisions: one nomination or many at once, during the national review
only, each with the national opinion of the chain; all or nothing in bulk."""

import pytest
from django.core.exceptions import ValidationError

from awards.models import Nomination, Opinion, Round
from awards.services.decisions import nomination_decide, nominations_decide
from civport.models import AuditEntry
from tests.awards.rounds_support import set_phase

Status = Nomination.Status


@pytest.fixture
def recommended(award_round, world, make_nomination):
    set_phase(award_round, Round.Phase.NATIONAL_REVIEW)
    return [
        make_nomination(award_round, unit, status=Status.RECOMMENDED)
        for unit in (*world.sz.units, *world.gz.units, world.nb.units[0])
    ]


def national_opinion(nomination):
    return Opinion.objects.get(nomination=nomination, level=Opinion.Level.NATIONAL)


def test_approve_makes_a_candidate_with_the_national_opinion(
    national_admin, recommended, world, in_english
):
    nomination = nomination_decide(actor=national_admin, nomination=recommended[0], approve=True)
    assert nomination.status == Status.CANDIDATE and nomination.decided_at is not None
    opinion = national_opinion(nomination)
    assert (opinion.text, opinion.authority, opinion.author) == (
        "Agreed.",
        world.national,
        national_admin,
    )
    entry = AuditEntry.objects.get(action="awards.nomination.decided", object_id=str(nomination.pk))
    assert entry.changes == {"status": ["recommended", "candidate"]}


def test_reject_with_an_opinion_and_change_of_mind(national_admin, recommended, in_english):
    nomination = nomination_decide(
        actor=national_admin, nomination=recommended[1], approve=False, opinion=" 事迹不够突出 "
    )
    assert nomination.status == Status.REJECTED
    assert national_opinion(nomination).text == "事迹不够突出"
    # The decision may be changed while the review lasts; the opinion follows it.
    nomination = nomination_decide(actor=national_admin, nomination=nomination, approve=True)
    assert Nomination.objects.get(pk=nomination.pk).status == Status.CANDIDATE
    assert Opinion.objects.filter(nomination=nomination).count() == 1
    assert national_opinion(nomination).text == "Agreed."


def test_deciding_again_the_same_way_keeps_the_opinion(national_admin, recommended):
    nomination_decide(actor=national_admin, nomination=recommended[0], approve=True, opinion="优秀")
    nomination_decide(actor=national_admin, nomination=recommended[0], approve=True)
    assert national_opinion(recommended[0]).text == "优秀"
    assert AuditEntry.objects.filter(action="awards.nomination.decided").count() == 1


def test_decide_refused_outside_the_national_review(
    national_admin, award_round, recommended, in_english
):
    set_phase(award_round, Round.Phase.PUBLIC_NOTICE)
    with pytest.raises(ValidationError) as caught:
        nomination_decide(actor=national_admin, nomination=recommended[0], approve=True)
    assert caught.value.message_dict == {
        "status": [
            "Decisions are made during the national review; the round is in its public notice "
            "phase."
        ]
    }
    assert Nomination.objects.get(pk=recommended[0].pk).status == Status.RECOMMENDED
    assert not Opinion.objects.exists()
    # Back in the national review, the same call succeeds: it failed for the phase.
    set_phase(award_round, Round.Phase.NATIONAL_REVIEW)
    nomination_decide(actor=national_admin, nomination=recommended[0], approve=True)


def test_decide_refuses_a_nomination_not_recommended(
    national_admin, award_round, world, make_nomination, recommended, in_english
):
    left_out = make_nomination(award_round, world.nb.units[1], status=Status.NOT_RECOMMENDED)
    with pytest.raises(ValidationError) as caught:
        nomination_decide(actor=national_admin, nomination=left_out, approve=True)
    assert caught.value.message_dict == {
        "status": ["Only a recommended nomination can be decided; this one is not recommended."]
    }


def test_bulk_decide_in_one_go(national_admin, recommended):
    decided = nominations_decide(actor=national_admin, nominations=recommended[:4], approve=True)
    assert [n.status for n in decided] == [Status.CANDIDATE] * 4
    assert set(Nomination.objects.filter(status=Status.CANDIDATE).values_list("pk", flat=True)) == {
        n.pk for n in recommended[:4]
    }
    assert Opinion.objects.filter(level="national").count() == 4
    assert Nomination.objects.get(pk=recommended[4].pk).status == Status.RECOMMENDED


def test_bulk_decide_is_all_or_nothing(
    national_admin, award_round, world, make_nomination, recommended, in_english
):
    withdrawn = make_nomination(
        award_round, world.nb.units[1], status=Status.WITHDRAWN, nominee_name="撤回单位"
    )
    with pytest.raises(ValidationError) as caught:
        nominations_decide(
            actor=national_admin, nominations=[*recommended, withdrawn], approve=False
        )
    assert caught.value.message_dict == {
        "status": [
            "1 nomination cannot be decided; nothing was changed.",
            "撤回单位: Only a recommended nomination can be decided; this one is withdrawn.",
        ]
    }
    assert not Nomination.objects.filter(status=Status.REJECTED).exists()
    assert not Opinion.objects.exists()
    # Without the withdrawn one, the same selection is decided.
    nominations_decide(actor=national_admin, nominations=recommended, approve=False)
    assert Nomination.objects.filter(status=Status.REJECTED).count() == len(recommended)
