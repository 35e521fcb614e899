"""The role × hierarchy matrix for every access helper (DESIGN §6).

Each persona is asked for each object, to view and to edit. A refusal is then re-checked after
granting the missing permission, so that it is known to have failed for the stated reason.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404
from guardian.shortcuts import assign_perm

from campaigns import services
from campaigns.access import access_authority, access_person, access_port, access_unit
from campaigns.models import Membership
from campaigns.scope import forget_scope, scope_for

HELPERS = {
    "authority": access_authority,
    "port": access_port,
    "unit": access_unit,
    "person": access_person,
}


def _objects(world):
    return {
        ("authority", "CN"): world.national,
        ("authority", "GD"): world.gd,
        ("authority", "ZJ"): world.zj,
        ("authority", "SZ"): world.sz.authority,
        ("authority", "GZ"): world.gz.authority,
        ("authority", "NB"): world.nb.authority,
        ("port", "SZ"): world.sz.port,
        ("port", "GZ"): world.gz.port,
        ("port", "NB"): world.nb.port,
        ("unit", "SZ0"): world.sz.units[0],
        ("unit", "SZ1"): world.sz.units[1],
        ("unit", "GZ0"): world.gz.units[0],
        ("unit", "NB0"): world.nb.units[0],
        # people[0] and people[2] work in units[0]; people[1] in units[1].
        ("person", "SZ0"): world.sz.people[0],
        ("person", "SZ1"): world.sz.people[1],
        ("person", "GZ0"): world.gz.people[0],
        ("person", "NB0"): world.nb.people[0],
    }


ALL = (
    {("authority", k) for k in ("CN", "GD", "ZJ", "SZ", "GZ", "NB")}
    | {("port", k) for k in ("SZ", "GZ", "NB")}
    | {("unit", k) for k in ("SZ0", "SZ1", "GZ0", "NB0")}
    | {("person", k) for k in ("SZ0", "SZ1", "GZ0", "NB0")}
)

GD_AREA = {
    ("authority", "GD"),
    ("authority", "SZ"),
    ("authority", "GZ"),
    ("port", "SZ"),
    ("port", "GZ"),
    ("unit", "SZ0"),
    ("unit", "SZ1"),
    ("unit", "GZ0"),
    ("person", "SZ0"),
    ("person", "SZ1"),
    ("person", "GZ0"),
}
ZJ_AREA = {
    ("authority", "ZJ"),
    ("authority", "NB"),
    ("port", "NB"),
    ("unit", "NB0"),
    ("person", "NB0"),
}
SZ_AREA = {
    ("authority", "SZ"),
    ("port", "SZ"),
    ("unit", "SZ0"),
    ("unit", "SZ1"),
    ("person", "SZ0"),
    ("person", "SZ1"),
}
NB_AREA = {("authority", "NB"), ("port", "NB"), ("unit", "NB0"), ("person", "NB0")}
UNIT_CONTACT_SEES = {("unit", "SZ0"), ("person", "SZ0")}

# What each persona may see, and what it may change. An authority itself is changed from the
# level above it, so nobody edits their own authority (the national root is the admin's).
VISIBLE = {
    "national_admin": ALL,
    "gd_officer": GD_AREA,
    "zj_officer": ZJ_AREA,
    "port_officer": SZ_AREA,
    "nb_officer": NB_AREA,
    "unit_contact": UNIT_CONTACT_SEES,
    "outsider": set(),
}
EDITABLE = {
    "national_admin": ALL - {("authority", "CN")},
    "gd_officer": GD_AREA - {("authority", "GD")},
    "zj_officer": ZJ_AREA - {("authority", "ZJ")},
    "port_officer": SZ_AREA - {("authority", "SZ")},
    "nb_officer": NB_AREA - {("authority", "NB")},
    "unit_contact": {("person", "SZ0")},
    "outsider": set(),
}

CASES = [
    (persona, kind, key, edit)
    for persona in VISIBLE
    for kind, key in sorted(ALL)
    for edit in (False, True)
]


def _expected(persona, target, edit):
    if target not in VISIBLE[persona]:
        return Http404
    if edit and target not in EDITABLE[persona]:
        return PermissionDenied
    return "ok"


def _call(user, kind, obj, edit):
    try:
        got = HELPERS[kind](user, obj.pk, edit=edit)
    except (Http404, PermissionDenied) as exc:
        return type(exc)
    assert got == obj
    return "ok"


def _grant_for(user, kind, obj):
    """Grant exactly what the refused case lacked: manage rights above the object."""
    if kind == "authority":
        target = obj.parent or obj
    elif kind == "person":
        target = obj.unit.authority
    else:
        target = obj.authority
    assign_perm("campaigns.manage_authority", user, target)
    if user.is_superuser is False and target.parent is None:
        # The root can only be changed by a superuser.
        user.is_superuser = True
    forget_scope(user)


@pytest.mark.parametrize(("persona_name", "kind", "key", "edit"), CASES)
def test_access_matrix(persona, world, persona_name, kind, key, edit):
    user = persona(persona_name)
    obj = _objects(world)[(kind, key)]
    expected = _expected(persona_name, (kind, key), edit)

    assert _call(user, kind, obj, edit) == expected

    if expected != "ok":
        _grant_for(user, kind, obj)
        assert _call(user, kind, obj, edit) == "ok"


def test_missing_object_is_the_same_404(gd_officer):
    with pytest.raises(Http404):
        access_unit(gd_officer, 999_999)
    with pytest.raises(Http404):
        access_unit(gd_officer, "not-a-number")


def test_scope_is_one_query_and_cached(gd_officer, django_assert_num_queries):
    forget_scope(gd_officer)
    # One UNION over user and group grants on authorities and units.
    with django_assert_num_queries(1):
        scope_for(gd_officer)
    with django_assert_num_queries(0):
        scope_for(gd_officer)


def test_group_grant_on_authority_applies_below(outsider, world):
    with pytest.raises(Http404):
        access_unit(outsider, world.nb.units[0].pk)
    group = Group.objects.create(name="zj-office")
    assign_perm("campaigns.manage_authority", group, world.zj)
    outsider.groups.add(group)
    forget_scope(outsider)
    assert access_unit(outsider, world.nb.units[0].pk) == world.nb.units[0]
    assert access_unit(outsider, world.nb.units[0].pk, edit=True) == world.nb.units[0]


def test_view_permission_allows_reading_only(outsider, world):
    assign_perm("campaigns.view_authority", outsider, world.gd)
    forget_scope(outsider)
    assert access_port(outsider, world.sz.port.pk) == world.sz.port
    with pytest.raises(PermissionDenied):
        access_port(outsider, world.sz.port.pk, edit=True)


def test_revoking_membership_removes_access(gd_officer, world):
    membership = Membership.objects.get(user=gd_officer)
    services.membership_revoke(actor=None, membership=membership)
    with pytest.raises(Http404):
        access_unit(gd_officer, world.sz.units[0].pk)
    assert scope_for(gd_officer).is_empty


def test_inactive_user_sees_nothing(gd_officer, world):
    gd_officer.is_active = False
    forget_scope(gd_officer)
    with pytest.raises(Http404):
        access_unit(gd_officer, world.sz.units[0].pk)


def test_unit_contact_sees_sub_units_of_their_unit(unit_contact, world):
    sub = services.unit_create(
        actor=None,
        code="GD-SZ-U1-A",
        name="旅检科",
        category="inspection",
        authority=world.sz.authority,
        port=world.sz.port,
        parent=world.sz.units[0],
    )
    assert access_unit(unit_contact, sub.pk) == sub
    with pytest.raises(Http404):
        access_unit(unit_contact, world.sz.units[1].pk)
