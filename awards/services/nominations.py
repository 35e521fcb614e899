"""Writes to nominations: the dossier, submission, withdrawal and the chain of opinions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Nomination, Round
from civport.audit import audit_record

# Once the province has chosen, a nomination leaves the nominator's hands; later withdrawals
# (an upheld objection, a decision of the office) pass `by_office=True`.
NOMINATOR_MAY_WITHDRAW_IN = (Round.Phase.NOMINATING, Round.Phase.PROVINCIAL_REVIEW)
FINAL = (Nomination.Status.WITHDRAWN, Nomination.Status.AWARDED)


@transaction.atomic
def nomination_withdraw(*, actor, nomination, reason, by_office=False):
    """Withdraw a nomination with its reason. The nominator may do so while nominations are
    open or the province has not yet submitted its list; the office at any time before the
    decision."""
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=nomination.pk)
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    if nomination.status in FINAL:
        raise ValidationError(
            _("This nomination is %(status)s and cannot be withdrawn.")
            % {"status": nomination.get_status_display()}
        )
    if not by_office and (
        nomination.round.phase not in NOMINATOR_MAY_WITHDRAW_IN
        or nomination.status not in (Nomination.Status.DRAFT, Nomination.Status.SUBMITTED)
    ):
        raise ValidationError(
            _(
                "The province has made its choice; only the national office can withdraw the "
                "nomination now."
            )
        )
    before = nomination.status
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.withdrawn_reason = reason
    nomination.withdrawn_at = timezone.now()
    nomination.recommended_position = None
    nomination.save(
        update_fields=[
            "status",
            "withdrawn_reason",
            "withdrawn_at",
            "recommended_position",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="awards.nomination.withdrawn",
        obj=nomination,
        changes={"status": [before, nomination.status], "reason": reason},
    )
    return nomination
