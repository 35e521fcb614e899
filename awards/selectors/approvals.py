"""The leading group's review of a round's candidates (经…领导机构评审后).

Titles are conferred after the issuing authority's leading group has reviewed the candidates:
the group records a meeting whose resolution approves the round's list (a
`campaigns.LeadingGroupResolution` whose `approves_key` is the round's `approval_key`). The
commendation decision cannot be made without it, and the decision document cites it. This
module offers the rounds to approve to the group's resolution form (`approval_subjects`,
registered with `campaigns.approvals` by `AwardsConfig.ready`) and finds the approval again.
"""

from __future__ import annotations

import datetime

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Round
from awards.selectors.rounds import round_issuer
from campaigns.approvals import ApprovalSubject
from campaigns.models import Authority, LeadingGroupResolution

# The phases in which the group reviews the list: once the national review has made the
# candidates, until the decision.
APPROVABLE_PHASES = (Round.Phase.NATIONAL_REVIEW, Round.Phase.PUBLIC_NOTICE)


def approval_key(round: Round) -> str:
    """The key a resolution approving the round's candidates carries (the id never changes)."""
    return f"awards.round:{round.pk}"


def round_issuing_authority(round: Round) -> Authority:
    """The authority that decides the round, whose leading group reviews its candidates: the
    province for its own round, otherwise the national office."""
    return round_issuer(round)


def _rounds_issued_by(authority: Authority) -> list[Round]:
    rounds = Round.objects.filter(phase__in=APPROVABLE_PHASES).order_by("-start_year", "code")
    if authority.level == Authority.Level.NATIONAL:
        rounds = rounds.filter(Q(authority__isnull=True) | Q(authority=authority))
    elif authority.level == Authority.Level.PROVINCIAL:
        rounds = rounds.filter(authority=authority)
    else:
        return []
    return list(rounds)


def approval_subjects(authority: Authority) -> list[ApprovalSubject]:
    """The rounds whose candidates `authority`'s leading group may approve now."""
    return [
        ApprovalSubject(key=approval_key(round), label=round.name)
        for round in _rounds_issued_by(authority)
    ]


def round_approval(round: Round) -> LeadingGroupResolution | None:
    """The latest resolution of the issuing authority's leading group approving the round's
    candidates, with its meeting and group, or None."""
    return (
        LeadingGroupResolution.objects.filter(
            approves_key=approval_key(round),
            meeting__group__authority=round_issuing_authority(round),
        )
        .select_related("meeting", "meeting__group")
        .order_by("-meeting__held_on", "-pk")
        .first()
    )


def approval_refusal(round: Round, on: datetime.date) -> str:
    """Why the round's decision cannot be made on `on` for want of the leading group's review
    of its current candidates, or ""."""
    approval = round_approval(round)
    if approval is None:
        return _(
            "The leading group of %(authority)s has not approved the list of candidates: "
            "record its meeting and the resolution approving the list."
        ) % {"authority": round_issuing_authority(round).name}
    held_on = approval.meeting.held_on
    if held_on > on:
        return _("The leading group's meeting approving the candidates is dated after today.")
    last = round.nominations.aggregate(last=Max("decided_at"))["last"]
    if last is not None and timezone.localdate(last) > held_on:
        return _(
            "The list of candidates changed on %(changed)s, after the leading group approved "
            "it on %(held_on)s: record its review of the current list."
        ) % {"changed": timezone.localdate(last).isoformat(), "held_on": held_on.isoformat()}
    return ""
