"""The role × hierarchy matrix of the leading groups' access helpers: a group (by its
authority) and a meeting, to read and to edit. Reading follows the scope (the levels above
read); editing needs the management of the authority itself. A refusal is re-checked after
granting that authority's management, so that it failed for the stated reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from guardian.shortcuts import assign_perm

from campaigns.access import access_group_authority, access_meeting
from campaigns.scope import forget_scope
from campaigns.services import groups as services

AUTHORITIES = ("CN", "GD", "ZJ", "SZ", "NB")
VISIBLE = {
    "national_admin": set(AUTHORITIES),
    "gd_officer": {"GD", "SZ"},
    "zj_officer": {"ZJ", "NB"},
    "port_officer": {"SZ"},
    "nb_officer": {"NB"},
    "unit_contact": set(),
    "outsider": set(),
}
EDITABLE = {
    "national_admin": {"CN"},
    "gd_officer": {"GD"},
    "zj_officer": {"ZJ"},
    "port_officer": {"SZ"},
    "nb_officer": {"NB"},
    "unit_contact": set(),
    "outsider": set(),
}
CASES = [
    (persona, kind, code, edit)
    for persona in VISIBLE
    for kind in ("group", "meeting")
    for code in AUTHORITIES
    for edit in (False, True)
]


def _authorities(world):
    return {
        "CN": world.national,
        "GD": world.gd,
        "ZJ": world.zj,
        "SZ": world.sz.authority,
        "NB": world.nb.authority,
    }


@pytest.fixture
def meetings(world):
    made = {}
    for code, authority in _authorities(world).items():
        group = services.leading_group_save(actor=None, authority=authority, name=f"{code}领导小组")
        made[code] = services.meeting_create(
            actor=None,
            group=group,
            title="第一次会议",
            held_on=datetime.date(2026, 1, 10),
            attendees="组长",
            agenda="议程",
        )
    return made


def _call(user, kind, code, edit, world, meetings):
    if kind == "group":
        return access_group_authority(user, _authorities(world)[code].pk, edit=edit)
    return access_meeting(user, meetings[code].pk, edit=edit)


@pytest.mark.parametrize(("persona_name", "kind", "code", "edit"), CASES)
def test_groups_access_matrix(request, world, meetings, persona_name, kind, code, edit):
    user = request.getfixturevalue(persona_name)
    if code not in VISIBLE[persona_name]:
        expected = Http404
    elif edit and code not in EDITABLE[persona_name]:
        expected = PermissionDenied
    else:
        expected = None
    if expected is None:
        assert _call(user, kind, code, edit, world, meetings) is not None
        return
    with pytest.raises(expected):
        _call(user, kind, code, edit, world, meetings)
    # Managing that authority itself is what was missing.
    assign_perm("campaigns.manage_authority", user, _authorities(world)[code])
    forget_scope(user)
    assert _call(user, kind, code, edit, world, meetings) is not None
