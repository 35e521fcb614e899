"""Access to the contact directory (通讯录): who may change an office's contact details, and
who sees a person's own telephone and e-mail whole.

An office's telephone, address and e-mail are not personal information: everyone who sees the
authority or unit sees them. A person's work phone and e-mail are (GB/T 35273): whole for the
person, for the people of their own unit and for the officers of their own authority (the
authority where they hold a role, or that owns their unit); masked for everyone else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from campaigns.scope import Scope, scope_for
from campaigns.selectors import authority_list_for, unit_list_for
from civport.queries import get_or_404

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser, User

    from campaigns.models import Authority, Membership, Unit


def can_edit_authority_contact(scope: Scope, authority: Authority) -> bool:
    """An authority's own officers and the levels above it keep its office's details."""
    return scope.edits_path(authority.path)


def can_edit_unit_contact(scope: Scope, unit: Unit) -> bool:
    """A unit's owning authority (and above) and the unit's own contact keep its details."""
    return scope.edits_path(unit.authority.path) or unit.pk in scope.edit_unit_ids


def access_authority_contact(user: User | AnonymousUser, pk: int | str) -> Authority:
    """An authority whose office details the user may change: 404 when the user does not see
    it, 403 when they see it but do not manage it."""
    authority = get_or_404(authority_list_for(user), pk)
    if not can_edit_authority_contact(scope_for(user), authority):
        raise PermissionDenied
    return authority


def access_unit_contact(user: User | AnonymousUser, pk: int | str) -> Unit:
    """A unit whose office details the user may change: 404 when the user does not see it, 403
    when they see it but do not manage it."""
    unit = get_or_404(unit_list_for(user), pk)
    if not can_edit_unit_contact(scope_for(user), unit):
        raise PermissionDenied
    return unit


def sees_personal_contact(
    scope: Scope, viewer_id: int | None, person_id: int, memberships: Iterable[Membership]
) -> bool:
    """Whether the viewer sees a person's own telephone and e-mail whole: the person themself,
    the people of the person's unit, and the officers of the person's authority (read from the
    person's roles, already loaded with their authority and unit)."""
    if viewer_id is not None and viewer_id == person_id:
        return True
    authority_paths = {g.path for g in scope.grants if g.kind == "authority"}
    unit_ids = {g.object_id for g in scope.grants if g.kind == "unit"}
    for membership in memberships:
        if membership.unit_id is not None:
            if membership.unit_id in unit_ids:
                return True
            if membership.unit is not None and membership.unit.authority.path in authority_paths:
                return True
        elif membership.authority is not None and membership.authority.path in authority_paths:
            return True
    return False
