"""Every write to the campaign's organisation goes through here: one transaction, validation,
an audit entry. Callers pass an explicit `actor`; scope checks are the callers' (access helpers
and forms) except where a service takes a `scope` to re-check what a form could not."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from campaigns.models import (
    Authority,
    LeadingGroup,
    LeadingGroupMember,
    Membership,
    Person,
    Port,
    Unit,
)
from campaigns.scope import MANAGE_ACCOUNTS, MANAGE_AUTHORITY, MANAGE_UNIT, forget_scope
from civport.audit import audit_record, audit_record_many, diff, snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Field, Model

    from campaigns.models import Agency

_M = TypeVar("_M", bound="Model")

AUTHORITY_FIELDS = ("code", "name", "name_en", "short_name", "level", "parent", "is_active")
PORT_FIELDS = (
    "code",
    "name",
    "name_en",
    "port_type",
    "subtype",
    "port_class",
    "status",
    "seasonal_months",
    "opened_on",
    "authority",
)
UNIT_FIELDS = (
    "code",
    "name",
    "name_en",
    "category",
    "agency",
    "port",
    "authority",
    "parent",
    "is_active",
)
PERSON_FIELDS = (
    "code",
    "name",
    "name_en",
    "gender",
    "birth_on",
    "ethnicity",
    "political_status",
    "position",
    "joined_work_on",
    "unit",
    "is_active",
)

# Which level an authority may have below a parent of a given level.
CHILD_LEVELS = {
    Authority.Level.NATIONAL: (Authority.Level.PROVINCIAL,),
    Authority.Level.PROVINCIAL: (Authority.Level.PORT,),
    Authority.Level.PORT: (Authority.Level.COUNTY,),
    Authority.Level.COUNTY: (),
}
PORT_OWNER_LEVELS = (Authority.Level.PORT, Authority.Level.COUNTY, Authority.Level.PROVINCIAL)


def _create(*, actor: User | None, instance: _M, fields: Sequence[str], action: str) -> _M:
    instance.full_clean()
    instance.save()
    audit_record(actor=actor, action=action, obj=instance, changes=snapshot(instance, fields))
    return instance


def _update(
    *,
    actor: User | None,
    instance: _M,
    data: Mapping[str, Any],
    fields: Sequence[str],
    action: str,
    check: Callable[[_M], None] | None = None,
) -> _M:
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"{', '.join(sorted(unknown))} cannot be changed here")
    before = snapshot(instance, fields)
    # Field values (and cached related objects) as they were, to put back if validation fails,
    # so that a caller redisplaying a rejected form still holds the stored object.
    saved = {name: getattr(instance, name) for name in data}
    for name, value in data.items():
        setattr(instance, name, value)
    try:
        if check is not None:
            check(instance)
        changes = diff(before, instance, fields)
        if changes:
            instance.full_clean()
    except ValidationError:
        for name, value in saved.items():
            setattr(instance, name, value)
        raise
    if not changes:
        return instance
    changed = [name for name in fields if name in changes]
    instance.save(update_fields=[*changed, "updated_at"])
    audit_record(actor=actor, action=action, obj=instance, changes=changes)
    return instance


# --- authorities -------------------------------------------------------------------------


def check_authority_parent(level: str, parent: Authority | None) -> None:
    if parent is None:
        if level != Authority.Level.NATIONAL:
            raise ValidationError(
                {"parent": _("Every authority but the national office needs a parent.")}
            )
        return
    if level not in CHILD_LEVELS[parent.level]:  # type: ignore[index]
        raise ValidationError(
            {
                "level": _("A %(parent)s cannot have a %(child)s below it.")
                % {
                    "parent": Authority.Level(parent.level).label,
                    "child": Authority.Level(level).label,
                }
            }
        )


@transaction.atomic
def authority_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    level: str,
    parent: Authority | None,
    name_en: str = "",
    short_name: str = "",
    is_active: bool = True,
) -> Authority:
    check_authority_parent(level, parent)
    authority = Authority(
        code=code,
        name=name,
        name_en=name_en,
        short_name=short_name,
        level=level,
        parent=parent,
        is_active=is_active,
        path=(parent.child_path(code) if parent else f"{code}/"),
    )
    return _create(
        actor=actor,
        instance=authority,
        fields=AUTHORITY_FIELDS,
        action="campaigns.authority.created",
    )


@transaction.atomic
def authority_update(*, actor: User | None, authority: Authority, **data: Any) -> Authority:
    """Change an authority's names or activity. Its code, level and parent make up the paths
    below it and are fixed once created."""
    fixed = {"code", "level", "parent"} & data.keys()
    for name in fixed:
        if data[name] != getattr(authority, name):
            raise ValidationError({name: _("This field cannot be changed after creation.")})
        data.pop(name)
    return _update(
        actor=actor,
        instance=authority,
        data=data,
        fields=AUTHORITY_FIELDS,
        action="campaigns.authority.updated",
    )


# --- ports ----------------------------------------------------------------------------------


def check_port_authority(authority: Authority) -> None:
    if authority.level not in PORT_OWNER_LEVELS:
        raise ValidationError(
            {"authority": _("A port belongs to a provincial, port or county authority.")}
        )


@transaction.atomic
def port_create(*, actor: User | None, **data: Any) -> Port:
    port = Port(**data)
    check_port_authority(port.authority)
    return _create(actor=actor, instance=port, fields=PORT_FIELDS, action="campaigns.port.created")


@transaction.atomic
def port_update(*, actor: User | None, port: Port, **data: Any) -> Port:
    return _update(
        actor=actor,
        instance=port,
        data=data,
        fields=PORT_FIELDS,
        action="campaigns.port.updated",
        check=lambda p: check_port_authority(p.authority),
    )


# --- units ----------------------------------------------------------------------------------


def check_unit_links(unit: Unit) -> None:
    errors = {}
    if unit.authority.level == Authority.Level.NATIONAL:
        errors["authority"] = _("A participating unit belongs to a local authority.")
    # The port lies in the unit's area, or the unit sits above the port's own authority.
    if unit.port_id and not (
        unit.port.authority.path.startswith(unit.authority.path)  # type: ignore[union-attr]
        or unit.authority.path.startswith(unit.port.authority.path)  # type: ignore[union-attr]
    ):
        errors["port"] = _("The port is not in the owning authority's area.")
    if unit.parent_id:
        if unit.pk and unit.parent_id == unit.pk:
            errors["parent"] = _("A unit cannot be its own parent.")
        elif unit.parent.parent_id and unit.pk and unit.parent.parent_id == unit.pk:  # type: ignore[union-attr]
            errors["parent"] = _("Units cannot be each other's parent.")
        elif unit.parent.authority_id != unit.authority_id:  # type: ignore[union-attr]
            errors["parent"] = _("A sub-unit belongs to the same authority as its parent unit.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unit_create(*, actor: User | None, **data: Any) -> Unit:
    unit = Unit(**data)
    check_unit_links(unit)
    return _create(actor=actor, instance=unit, fields=UNIT_FIELDS, action="campaigns.unit.created")


@transaction.atomic
def unit_update(*, actor: User | None, unit: Unit, **data: Any) -> Unit:
    return _update(
        actor=actor,
        instance=unit,
        data=data,
        fields=UNIT_FIELDS,
        action="campaigns.unit.updated",
        check=check_unit_links,
    )


# --- people ---------------------------------------------------------------------------------


@transaction.atomic
def person_create(*, actor: User | None, **data: Any) -> Person:
    person = Person(**data)
    return _create(
        actor=actor, instance=person, fields=PERSON_FIELDS, action="campaigns.person.created"
    )


@transaction.atomic
def person_update(*, actor: User | None, person: Person, **data: Any) -> Person:
    return _update(
        actor=actor,
        instance=person,
        data=data,
        fields=PERSON_FIELDS,
        action="campaigns.person.updated",
    )


# --- leading groups ---------------------------------------------------------------------------


@transaction.atomic
def leading_group_ensure(
    *,
    actor: User | None,
    authority: Authority,
    name: str,
    members: Iterable[tuple[Agency, str, datetime.date | None, datetime.date | None]],
) -> tuple[LeadingGroup, bool]:
    """The authority's leading group with at least these members, given as
    (agency, role, joined_on, left_on). Members already in the group are left as they are."""
    group, created = LeadingGroup.objects.get_or_create(
        authority=authority, defaults={"name": name}
    )
    if created:
        audit_record(
            actor=actor,
            action="campaigns.leading_group.created",
            obj=group,
            changes={"authority": authority.pk, "name": name},
        )
    present = set(group.members.values_list("agency_id", flat=True))
    for agency, role, joined_on, left_on in members:
        if agency.pk in present:
            continue
        member = LeadingGroupMember(
            group=group, agency=agency, role=role, joined_on=joined_on, left_on=left_on
        )
        member.full_clean()
        member.save()
        present.add(agency.pk)
        audit_record(
            actor=actor,
            action="campaigns.leading_group.member_added",
            obj=member,
            changes={"group": group.pk, "agency": agency.code, "role": role},
        )
    return group, created


# --- memberships ----------------------------------------------------------------------------


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    authority: Authority | None = None,
    unit: Unit | None = None,
) -> Membership:
    """Give `user` a role; the guardian permission behind it is granted in the same transaction."""
    levels = Membership.AUTHORITY_LEVEL_FOR_ROLE.get(role)  # type: ignore[call-overload]
    if levels is not None and (authority is None or authority.level not in levels):
        raise ValidationError(
            {"authority": _("This role is granted at an authority of another level.")}
        )
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, authority=authority, unit=unit
    )
    if role in Membership.ROLES_WITHOUT_PERMISSION:
        pass
    elif authority is not None:
        assign_perm(f"campaigns.{MANAGE_AUTHORITY}", user, authority)
    else:
        assign_perm(f"campaigns.{MANAGE_UNIT}", user, unit)
    forget_scope(user)
    if created:
        audit_record(
            actor=actor,
            action="campaigns.membership.granted",
            obj=membership,
            changes={"user": user.pk, "role": role, "authority": authority, "unit": unit},
        )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    user = membership.user
    target = membership.authority or membership.unit
    others = Membership.objects.filter(
        user=user, authority=membership.authority, unit=membership.unit
    )
    others = others.exclude(role__in=Membership.ROLES_WITHOUT_PERMISSION)
    if membership.role in Membership.ROLES_WITHOUT_PERMISSION:
        pass
    elif not others.exclude(pk=membership.pk).exists():
        perm = MANAGE_AUTHORITY if membership.authority_id else MANAGE_UNIT
        remove_perm(f"campaigns.{perm}", user, target)
    if (
        membership.manages_accounts
        and not others.filter(manages_accounts=True).exclude(pk=membership.pk).exists()
    ):
        remove_perm(f"campaigns.{MANAGE_ACCOUNTS}", user, target)
    audit_record(
        actor=actor,
        action="campaigns.membership.revoked",
        obj=membership,
        changes={"user": user.pk, "role": membership.role},
    )
    membership.delete()
    forget_scope(user)


# --- imports ---------------------------------------------------------------------------------
# The import engine (campaigns.imports) validates a whole file first; this writes its plan.

IMPORT_ACTIONS = {
    Authority: "campaigns.authority.imported",
    Port: "campaigns.port.imported",
    Unit: "campaigns.unit.imported",
    Person: "campaigns.person.imported",
}


@transaction.atomic
def personal_data_exported(
    *, actor: User | None, kind: str, purpose: str, rows: int, fmt: str
) -> None:
    """Record an export of personal information with the purpose the exporter stated."""
    audit_record(
        actor=actor,
        action="campaigns.personal_data.exported",
        changes={"kind": kind, "purpose": purpose, "rows": rows, "format": fmt},
    )


def records_import_apply(
    *,
    actor: User | None,
    model: type[Model],
    creates: Iterable[Sequence[Model]],
    updates: Sequence[tuple[Model, dict[str, Any]]],
    fields: Sequence[str],
) -> tuple[int, int]:
    """Insert and update the rows of a validated import, with one audit entry per row.

    `creates` is a list of batches of new instances, parents before children (a batch's foreign
    keys may point at instances of an earlier batch); `updates` is [(instance, changes)] with
    the changes already computed. Everything happens in this one transaction."""
    created = []
    for batch in creates:
        created += model.objects.bulk_create(batch, batch_size=1000)  # type: ignore[attr-defined]
    if updates:
        now = timezone.now()
        changed: set[str] = set()
        links = [f for f in model._meta.concrete_fields if f.is_relation]
        for instance, changes in updates:
            instance.updated_at = now  # type: ignore[attr-defined]
            changed.update(changes)
            for link in links:
                # A link to an instance created above: record the id it now has.
                if link.name in changes and link.is_cached(instance):  # type: ignore[attr-defined]
                    target = link.get_cached_value(instance)  # type: ignore[attr-defined]
                    changes[link.name][1] = target.pk if target is not None else None
        update_fields = [name for name in fields if name in changed] + ["updated_at"]
        model.objects.bulk_update(  # type: ignore[attr-defined]
            [instance for instance, _changes in updates], update_fields, batch_size=500
        )
    action = IMPORT_ACTIONS[model]
    if created:
        audit_record_many(
            actor=actor,
            action=action,
            objects=created,
            changes_for=_import_snapshot(model, fields),
        )
    if updates:
        changes_by_id = {id(instance): changes for instance, changes in updates}
        audit_record_many(
            actor=actor,
            action=action,
            objects=[instance for instance, _changes in updates],
            changes_for=lambda obj: changes_by_id[id(obj)],
        )
    return len(created), len(updates)


def _import_snapshot(
    model: type[Model], fields: Sequence[str]
) -> Callable[[Model], dict[str, Any]]:
    """`snapshot` for thousands of new rows: attribute names and date fields looked up once."""
    columns = [
        (name, cast("Field[Any, Any]", model._meta.get_field(name)).attname) for name in fields
    ]

    def values(obj: Model) -> dict[str, Any]:
        data = {name: getattr(obj, attname) for name, attname in columns}
        for name, value in data.items():
            if isinstance(value, datetime.date):
                data[name] = value.isoformat()
        return data

    return values
