"""The issuing authority's leading group reviewing a round's candidates, as the decision needs:
a group (made when missing), a meeting on the day and a resolution approving the round's list,
written through the campaigns services as the system."""

from django.utils import timezone

from awards.models import Round
from awards.selectors.approvals import approval_key, round_approval, round_issuing_authority
from campaigns.models import LeadingGroup
from campaigns.services import groups as group_services


def approve_candidates(round, *, held_on=None, actor=None):
    """The resolution approving `round`'s candidates (the round in its national review or
    public notice), adopted at a meeting held on `held_on` (today by default)."""
    authority = round_issuing_authority(round)
    group = LeadingGroup.objects.filter(authority=authority).first()
    if group is None:
        group = group_services.leading_group_save(
            actor=None, authority=authority, name=f"{authority.name}共建文明口岸活动领导小组"
        )
    meeting = group_services.meeting_create(
        actor=actor,
        group=group,
        title="评审会议",
        held_on=held_on or timezone.localdate(),
        attendees="组长、副组长及各成员单位代表",
        agenda=f"审定{round.name}表彰候选名单",
    )
    return group_services.resolution_add(
        actor=actor,
        meeting=meeting,
        text=f"同意{round.name}表彰候选名单。",
        approves_key=approval_key(round),
        today=meeting.held_on,
    )


def approve_as_decided(round, *, held_on=None):
    """The approval a round decided (or closed) in a test's set-up needs before its titles are
    granted: made on `held_on` (the decision's day by default) while the round is briefly put
    back in its public notice, as the leading group may approve only then. Nothing when the
    round's list is approved already."""
    if round_approval(round) is not None:
        return None
    phase = round.phase
    Round.objects.filter(pk=round.pk).update(phase=Round.Phase.PUBLIC_NOTICE)
    try:
        return approve_candidates(round, held_on=held_on or round.decided_on)
    finally:
        Round.objects.filter(pk=round.pk).update(phase=phase)
