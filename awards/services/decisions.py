"""The national office's decision on each recommended nomination, during the national review:
a candidate for the public notice, or not selected. Each decision writes the national link of
the chain of opinions; a decision can be changed until the review ends."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards.models import Nomination, Opinion, Round
from awards.selectors.rounds import national_office
from awards.services.opinions import opinion_write
from civport.audit import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from campaigns.models import Authority

Status = Nomination.Status
DECIDABLE = (Status.RECOMMENDED, Status.CANDIDATE, Status.REJECTED)


def default_opinion(approve: bool) -> str:
    return _("Agreed.") if approve else _("Not to be commended.")


def _refusal(nomination: Nomination) -> str:
    """Why the office cannot decide this nomination now, or ""."""
    if nomination.round.phase != Round.Phase.NATIONAL_REVIEW:
        return _(
            "Decisions are made during the national review; the round is in its %(phase)s phase."
        ) % {"phase": nomination.round.get_phase_display()}
    if nomination.status not in DECIDABLE:
        return _("Only a recommended nomination can be decided; this one is %(status)s.") % {
            "status": nomination.get_status_display()
        }
    return ""


def _decide(
    *,
    actor: User,
    nomination: Nomination,
    approve: bool,
    opinion: str,
    office: Authority,
    now: datetime,
) -> Nomination:
    before = nomination.status
    after = Status.CANDIDATE if approve else Status.REJECTED
    if before == after and not opinion:
        # Deciding again the same way keeps the opinion written then.
        return nomination
    nomination.status = after
    nomination.decided_at = now
    nomination.save(update_fields=["status", "decided_at", "updated_at"])
    opinion_write(
        actor=actor,
        nomination=nomination,
        level=Opinion.Level.NATIONAL,
        authority=office,
        text=opinion or default_opinion(approve),
    )
    audit_record(
        actor=actor,
        action="awards.nomination.decided",
        obj=nomination,
        changes={"status": [before, nomination.status]},
    )
    return nomination


def _locked(pks: Sequence[object]) -> list[Nomination]:
    """The nominations, their rounds locked first (in id order, as advancing a round locks it
    before its nominations, so the two cannot deadlock): a decision never lands in a round
    that has just moved past its national review."""
    round_ids = set(Nomination.objects.filter(pk__in=pks).values_list("round_id", flat=True))
    rounds = {
        r.pk: r for r in Round.objects.select_for_update().filter(pk__in=round_ids).order_by("pk")
    }
    nominations = list(Nomination.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    for nomination in nominations:
        nomination.round = rounds[nomination.round_id]
    return nominations


@transaction.atomic
def nomination_decide(
    *, actor: User, nomination: Nomination, approve: bool, opinion: str = ""
) -> Nomination:
    """Approve the nomination as a candidate, or not; `opinion` is the national office's text
    (a plain agreement or refusal when empty)."""
    locked = _locked([nomination.pk])
    if not locked:
        raise ValidationError({"nomination": _("The nomination no longer exists.")})
    nomination = locked[0]
    reason = _refusal(nomination)
    if reason:
        raise ValidationError({"status": reason})
    return _decide(
        actor=actor,
        nomination=nomination,
        approve=approve,
        opinion=(opinion or "").strip(),
        office=national_office(),
        now=timezone.now(),
    )


@transaction.atomic
def nominations_decide(
    *, actor: User, nominations: Iterable[Nomination | int], approve: bool, opinion: str = ""
) -> list[Nomination]:
    """The same decision for many nominations at once: all of them, or none when any cannot be
    decided (each such one named with its reason)."""
    pks = [getattr(n, "pk", n) for n in nominations]
    locked = _locked(pks)
    refusals = []
    for nomination in locked:
        reason = _refusal(nomination)
        if reason:
            refusals.append(
                _("%(nomination)s: %(reason)s") % {"nomination": nomination, "reason": reason}
            )
    if refusals:
        raise ValidationError(
            {
                "status": [
                    ngettext(
                        "%(count)d nomination cannot be decided; nothing was changed.",
                        "%(count)d nominations cannot be decided; nothing was changed.",
                        len(refusals),
                    )
                    % {"count": len(refusals)},
                    *refusals,
                ]
            }
        )
    office, now = national_office(), timezone.now()
    text = (opinion or "").strip()
    return [
        _decide(actor=actor, nomination=n, approve=approve, opinion=text, office=office, now=now)
        for n in locked
    ]
