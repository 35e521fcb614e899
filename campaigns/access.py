"""Access helpers: fetch one sensitive object for a user (DESIGN §6).

"Does not exist" and "not yours" give the same 404, so nothing about other provinces leaks. An
object the user may see but not change gives 403 when asked for with `edit=True`.
"""

from django.core.exceptions import PermissionDenied

from campaigns.scope import scope_for
from campaigns.selectors import (
    authority_list_for,
    person_list_for,
    port_list_for,
    unit_list_for,
)
from civport.queries import get_or_404


def access_authority(user, pk, *, edit=False):
    """The authority if the user may see it (or, with `edit`, change it); else 404/403."""
    authority = get_or_404(authority_list_for(user), pk)
    if edit and not scope_for(user).edits_below(authority.path):
        raise PermissionDenied
    return authority


def access_port(user, pk, *, edit=False):
    port = get_or_404(port_list_for(user), pk)
    if edit and not scope_for(user).edits_path(port.authority.path):
        raise PermissionDenied
    return port


def access_unit(user, pk, *, edit=False):
    unit = get_or_404(unit_list_for(user), pk)
    if edit and not scope_for(user).edits_path(unit.authority.path):
        raise PermissionDenied
    return unit


def access_person(user, pk, *, edit=False):
    person = get_or_404(person_list_for(user), pk)
    if edit and not scope_for(user).unit_allows_people_edit(person.unit):
        raise PermissionDenied
    return person
