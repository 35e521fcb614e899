"""Writes for the contact directory (通讯录): an authority's or a unit's office telephone,
address and e-mail, changed by whoever manages it (the views check with
`campaigns.access.contacts`), audited like every other change of the hierarchy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from civport.audit import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from campaigns.models import Authority, Unit

CONTACT_FIELDS = ("office_phone", "office_address", "office_email")


def _contact_update(
    *, actor: User | None, office: Authority | Unit, data: dict[str, str], action: str
) -> bool:
    after = {name: (data.get(name) or "").strip() for name in CONTACT_FIELDS}
    changes = {
        name: [getattr(office, name), value]
        for name, value in after.items()
        if getattr(office, name) != value
    }
    if not changes:
        return False
    for name in changes:
        setattr(office, name, after[name])
    office.full_clean()
    office.save(update_fields=[*changes, "updated_at"])
    audit_record(actor=actor, action=action, obj=office, changes=changes)
    return True


@transaction.atomic
def authority_contact_update(
    *,
    actor: User | None,
    authority: Authority,
    office_phone: str,
    office_address: str,
    office_email: str,
) -> Authority:
    """Change an authority's office telephone, address and e-mail."""
    _contact_update(
        actor=actor,
        office=authority,
        data={
            "office_phone": office_phone,
            "office_address": office_address,
            "office_email": office_email,
        },
        action="campaigns.authority.contact_updated",
    )
    return authority


@transaction.atomic
def unit_contact_update(
    *,
    actor: User | None,
    unit: Unit,
    office_phone: str,
    office_address: str,
    office_email: str,
) -> Unit:
    """Change a unit's office telephone, address and e-mail."""
    _contact_update(
        actor=actor,
        office=unit,
        data={
            "office_phone": office_phone,
            "office_address": office_address,
            "office_email": office_email,
        },
        action="campaigns.unit.contact_updated",
    )
    return unit
