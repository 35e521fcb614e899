"""The leading group's review of a round's candidates is keyed on the round's issuing
authority: the national office's group for a national round, the province's group for the
province's own round; each group is offered only its own rounds to approve."""

from awards.models import Nomination, Round
from awards.selectors.approvals import (
    approval_key,
    approval_refusal,
    approval_subjects,
    round_approval,
)
from tests.awards.approvals_support import approve_candidates
from tests.awards.rounds_support import set_phase, today


def test_a_provincial_round_is_approved_by_the_provinces_group(
    world, award_round, make_nomination, in_english
):
    Round.objects.filter(pk=award_round.pk).update(authority=world.gd)
    round = set_phase(award_round, Round.Phase.PUBLIC_NOTICE)
    make_nomination(round, world.sz.units[0], status=Nomination.Status.CANDIDATE)
    assert [s.key for s in approval_subjects(world.gd)] == [approval_key(round)]
    assert approval_subjects(world.national) == []
    assert approval_subjects(world.zj) == []
    assert approval_refusal(round, today()).startswith(
        f"The leading group of {world.gd.name} has not approved"
    )
    approval = approve_candidates(round)
    assert approval.meeting.group.authority == world.gd
    assert round_approval(round) == approval
    assert approval_refusal(round, today()) == ""


def test_a_national_round_is_offered_to_the_national_group_only(world, award_round):
    round = set_phase(award_round, Round.Phase.PUBLIC_NOTICE)
    assert [s.key for s in approval_subjects(world.national)] == [approval_key(round)]
    assert approval_subjects(world.gd) == []
    approval = approve_candidates(round)
    assert approval.meeting.group.authority == world.national
