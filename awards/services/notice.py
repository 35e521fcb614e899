"""The public notice: objections filed by the public and resolved by the national office.

An objection is filed without an account, about one candidate of the round on notice, while the
notice period runs (Asia/Shanghai). Every text is reduced to plain text before it is stored.
The office resolves each objection once: upheld, the nomination is withdrawn with the
resolution as its reason and leaves the public list; dismissed, nothing else changes.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Nomination, Objection, Round
from awards.selectors.notice import notice_is_open
from awards.services.nominations import nomination_withdraw
from civport.audit import audit_record
from civport.notifications import local_today
from civport.text import plain_text

if TYPE_CHECKING:
    from django.contrib.auth.models import User

NAME_MAX = cast(int, Objection._meta.get_field("name").max_length)
PHONE_MAX = cast(int, Objection._meta.get_field("phone").max_length)
ORGANISATION_MAX = cast(int, Objection._meta.get_field("organisation").max_length)
TEXT_MIN = 10
TEXT_MAX = 3000
RESOLUTION_MAX = 2000
# Loose on purpose: mobile, landline with area code and extension, or an international number.
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 \-]*$")
PHONE_DIGITS_MIN = 7
PHONE_DIGITS_MAX = 20


def phone_problem(phone: str) -> str | None:
    """Why `phone` is not a telephone number one could call, or None."""
    digits = sum(ch.isdigit() for ch in phone)
    if not PHONE_PATTERN.match(phone) or not PHONE_DIGITS_MIN <= digits <= PHONE_DIGITS_MAX:
        return _(
            "Enter a telephone number: digits, with spaces, “-” or a leading “+” if you like "
            "(7 to 20 digits)."
        )
    return None


def notice_refusal(round: Round | None, today: date) -> str | None:
    """Why no objection can be filed on `today` (a message for the public), or None."""
    if notice_is_open(round, today):
        return None
    if round is not None and round.notice_starts_on and today < round.notice_starts_on:
        return _("The public notice opens on %(date)s; objections are taken from then on.") % {
            "date": round.notice_starts_on.isoformat()
        }
    if round is not None and round.notice_ends_on and today > round.notice_ends_on:
        return _("The public notice ended on %(date)s; objections are no longer taken.") % {
            "date": round.notice_ends_on.isoformat()
        }
    return _("No public notice is open now, so no objection can be filed.")


def _contact(name: str, phone: str, email: str, organisation: str, text: str) -> dict[str, str]:
    """The cleaned fields, or a ValidationError naming every bad one."""
    values = {
        "name": plain_text(name),
        "phone": " ".join(plain_text(phone).split()),
        "email": plain_text(email),
        "organisation": plain_text(organisation),
        "text": plain_text(text),
    }
    errors = {}
    if not values["name"]:
        errors["name"] = _("Please give your name, so that the office can reach you.")
    elif len(values["name"]) > NAME_MAX:
        errors["name"] = _("Please keep the name under %(max)s characters.") % {"max": NAME_MAX}
    if not values["phone"]:
        errors["phone"] = _("Please give a telephone number, so that the office can reach you.")
    elif len(values["phone"]) > PHONE_MAX or phone_problem(values["phone"]):
        errors["phone"] = phone_problem(values["phone"]) or _("This telephone number is too long.")
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address, or leave it empty.")
    if len(values["organisation"]) > ORGANISATION_MAX:
        errors["organisation"] = _("Please keep the work unit under %(max)s characters.") % {
            "max": ORGANISATION_MAX
        }
    if len(values["text"]) < TEXT_MIN:
        errors["text"] = _(
            "Please describe the objection and the facts it rests on (at least %(min)s characters)."
        ) % {"min": TEXT_MIN}
    elif len(values["text"]) > TEXT_MAX:
        errors["text"] = _("Please keep the objection under %(max)s characters.") % {
            "max": TEXT_MAX
        }
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def objection_file(
    *,
    nomination: Nomination,
    name: str,
    phone: str,
    email: str = "",
    organisation: str = "",
    text: str,
    today: date | None = None,
) -> Objection:
    """Store an objection from the public to a candidate of the open notice; returns it.

    Refused (ValidationError with code "refused") outside the notice period; a nomination that
    is not a candidate on notice is refused on the `nomination` field."""
    today = today or local_today()
    # Locked so that an objection and the withdrawal of its candidate are decided in turn.
    nomination = (
        Nomination.objects.select_for_update(of=("self",))  # type: ignore[assignment]
        .select_related("round")
        .filter(pk=nomination.pk)
        .first()
    )
    round = nomination.round if nomination is not None else None
    if (
        nomination is None
        or nomination.status != Nomination.Status.CANDIDATE
        or round.phase != Round.Phase.PUBLIC_NOTICE
    ):
        raise ValidationError(
            {"nomination": _("Choose one of the candidates of the public notice.")}
        )
    refusal = notice_refusal(round, today)
    if refusal:
        raise ValidationError(refusal, code="refused")
    values = _contact(name, phone, email, organisation, text)
    objection = Objection(nomination=nomination, **values)
    objection.full_clean()
    objection.save()
    # The filer's contact details stay on the objection; the log says only what was filed.
    audit_record(
        actor=None,
        action="awards.objection.filed",
        obj=objection,
        changes={"nomination": nomination.pk, "round": round.pk, "length": len(values["text"])},
    )
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: User | None, objection: Objection, uphold: bool, resolution: str
) -> Objection:
    """Uphold or dismiss an open objection with the office's resolution; returns it.

    Upheld, the nomination is withdrawn with the resolution as its reason (a nomination already
    withdrawn, by an earlier objection, stays as it is). An objection is resolved once."""
    # Locked so that two officers resolving the same objection at once are decided in turn.
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("nomination")
        .get(pk=objection.pk)
    )
    if objection.status != Objection.Status.OPEN:
        raise ValidationError(
            _("This objection was already %(status)s on %(date)s.")
            % {
                "status": objection.get_status_display(),
                "date": timezone.localdate(objection.resolved_at).isoformat()
                if objection.resolved_at
                else "—",
            },
            code="resolved",
        )
    resolution = plain_text(resolution)
    if not resolution:
        raise ValidationError({"resolution": _("Write the resolution of the objection.")})
    if len(resolution) > RESOLUTION_MAX:
        raise ValidationError(
            {
                "resolution": _("Please keep the resolution under %(max)s characters.")
                % {"max": RESOLUTION_MAX}
            }
        )
    nomination = objection.nomination
    withdrawn = False
    if uphold and nomination.status != Nomination.Status.WITHDRAWN:
        nomination_withdraw(
            actor=actor,
            nomination=nomination,
            reason=_("Objection upheld during the public notice: %(resolution)s")
            % {"resolution": resolution},
            by_office=True,
        )
        withdrawn = True
    objection.status = Objection.Status.UPHELD if uphold else Objection.Status.DISMISSED
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action="awards.objection.resolved",
        obj=objection,
        changes={
            "status": [Objection.Status.OPEN, objection.status],
            "resolution": resolution,
            "nomination": nomination.pk,
            "withdrawn": withdrawn,
        },
    )
    return objection
