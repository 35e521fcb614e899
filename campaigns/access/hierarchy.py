"""Access to the hierarchy: authorities, ports, units and people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from campaigns.scope import scope_for
from campaigns.selectors import (
    authority_list_for,
    person_list_for,
    port_list_for,
    unit_list_for,
)
from civport.queries import get_or_404

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from campaigns.models import Authority, Person, Port, Unit


def access_authority(user: User, pk: int | str, *, edit: bool = False) -> Authority:
    """The authority if the user may see it (or, with `edit`, change it); else 404/403."""
    authority = get_or_404(authority_list_for(user), pk)
    if edit and not scope_for(user).edits_below(authority.path):
        raise PermissionDenied
    return authority


def access_port(user: User, pk: int | str, *, edit: bool = False) -> Port:
    port = get_or_404(port_list_for(user), pk)
    if edit and not scope_for(user).edits_path(port.authority.path):
        raise PermissionDenied
    return port


def access_unit(user: User, pk: int | str, *, edit: bool = False) -> Unit:
    unit = get_or_404(unit_list_for(user), pk)
    if edit and not scope_for(user).edits_path(unit.authority.path):
        raise PermissionDenied
    return unit


def access_person(user: User, pk: int | str, *, edit: bool = False) -> Person:
    person = get_or_404(person_list_for(user), pk)
    if edit and not scope_for(user).unit_allows_people_edit(person.unit):
        raise PermissionDenied
    return person
