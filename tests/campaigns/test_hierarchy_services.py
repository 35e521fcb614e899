"""Writes to the hierarchy: validation in the database and in the services, with audit entries."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaigns import services
from campaigns.models import Agency, Authority, Membership, Port, Unit
from civport.models import AuditEntry


def test_authority_paths_follow_the_codes(world):
    assert world.national.path == "CN/"
    assert world.gd.path == "CN/GD/"
    assert world.sz.authority.path == "CN/GD/GD-SZ/"
    assert world.sz.authority.is_within(world.gd)
    assert not world.nb.authority.is_within(world.gd)


def test_authority_create_refuses_a_wrong_level(world):
    with pytest.raises(ValidationError) as exc:
        services.authority_create(
            actor=None, code="GD-XX", name="错层级", level="provincial", parent=world.gd
        )
    assert "level" in exc.value.message_dict
    assert not Authority.objects.filter(code="GD-XX").exists()


def test_only_the_national_office_is_a_root(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Authority.objects.create(code="X", name="x", level="provincial", path="X/")


def test_authority_update_keeps_code_and_writes_audit(national_admin, world):
    before = AuditEntry.objects.count()
    services.authority_update(actor=national_admin, authority=world.gd, name="广东省口岸办")
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "campaigns.authority.updated"
    assert entry.actor == national_admin
    assert entry.changes == {"name": ["广东省人民政府口岸办公室", "广东省口岸办"]}
    with pytest.raises(ValidationError):
        services.authority_update(actor=national_admin, authority=world.gd, code="GDX")


def test_update_without_changes_writes_nothing(national_admin, world):
    before = AuditEntry.objects.count()
    services.authority_update(actor=national_admin, authority=world.gd, name=world.gd.name)
    assert AuditEntry.objects.count() == before


def test_port_subtype_must_match_type(national_admin, world):
    with pytest.raises(ValidationError) as exc:
        services.port_create(
            actor=national_admin,
            code="GD-9999",
            name="错误口岸",
            port_type="air",
            subtype="sea",
            authority=world.sz.authority,
        )
    assert "__all__" in exc.value.message_dict
    assert not Port.objects.filter(code="GD-9999").exists()


def test_port_subtype_constraint_holds_in_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Port.objects.filter(pk=world.sz.port.pk).update(port_type="water", subtype="air")


def test_seasonal_port_needs_months(national_admin, world):
    with pytest.raises(ValidationError):
        services.port_update(actor=national_admin, port=world.sz.port, status="seasonal")
    port = services.port_update(
        actor=national_admin,
        port=world.sz.port,
        status="seasonal",
        seasonal_months=Port.months_to_mask([5, 6, 7, 8, 9, 10]),
    )
    assert port.months == [5, 6, 7, 8, 9, 10]


def test_port_belongs_to_a_local_authority(national_admin, world):
    with pytest.raises(ValidationError) as exc:
        services.port_update(actor=national_admin, port=world.sz.port, authority=world.national)
    assert "authority" in exc.value.message_dict


def test_unit_port_must_be_in_its_authority_area(national_admin, world):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            actor=national_admin,
            code="GD-SZ-U9",
            name="越界单位",
            category="other",
            authority=world.sz.authority,
            port=world.nb.port,
        )
    assert "port" in exc.value.message_dict
    assert not Unit.objects.filter(code="GD-SZ-U9").exists()


def test_sub_unit_shares_the_parent_authority(national_admin, world):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            actor=national_admin,
            code="GD-GZ-S1",
            name="执勤队",
            category="inspection",
            authority=world.gz.authority,
            parent=world.sz.units[0],
        )
    assert "parent" in exc.value.message_dict


def test_unit_cannot_be_its_own_parent(national_admin, world):
    unit = world.sz.units[0]
    with pytest.raises(ValidationError):
        services.unit_update(actor=national_admin, unit=unit, parent=unit)


def test_person_must_start_work_after_birth(national_admin, world):
    import datetime

    with pytest.raises(ValidationError):
        services.person_update(
            actor=national_admin,
            person=world.sz.people[0],
            birth_on=datetime.date(1990, 1, 1),
            joined_work_on=datetime.date(1980, 1, 1),
        )


def test_agency_succession_is_reference_data(db):
    ciq = Agency.objects.get(code="CIQ")
    assert ciq.successor.code == "CUSTOMS"
    assert ciq.valid_until.year == 2018
    assert not ciq.is_valid_on(ciq.valid_until.replace(year=2019))


def test_nine_areas_are_seeded(db):
    from campaigns.models import ConstructionArea

    areas = list(ConstructionArea.objects.values_list("code", "name"))
    assert len(areas) == 9
    assert areas[0] == ("coordination", "协作建设")
    assert areas[-1] == ("long_term", "长效机制建设")


def test_membership_role_must_match_the_authority_level(world, outsider):
    with pytest.raises(ValidationError):
        services.membership_grant(
            actor=None,
            user=outsider,
            role=Membership.Role.PROVINCIAL_OFFICER,
            authority=world.sz.authority,
        )
    assert not Membership.objects.filter(user=outsider).exists()


def test_membership_grant_is_idempotent_and_audited(world, outsider):
    before = AuditEntry.objects.filter(action="campaigns.membership.granted").count()
    for _ in range(2):
        services.membership_grant(
            actor=None,
            user=outsider,
            role=Membership.Role.PORT_OFFICER,
            authority=world.nb.authority,
        )
    assert Membership.objects.filter(user=outsider).count() == 1
    assert AuditEntry.objects.filter(action="campaigns.membership.granted").count() == before + 1
    assert outsider.has_perm("campaigns.manage_authority", world.nb.authority)


def test_leading_group_ensure_adds_missing_members_once(world):
    from campaigns.models import LeadingGroupMember

    customs = Agency.objects.get(code="CUSTOMS")
    maritime = Agency.objects.get(code="MARITIME")
    members = [(customs, LeadingGroupMember.Role.LEAD, None, None)]
    group, created = services.leading_group_ensure(
        actor=None, authority=world.gd, name="广东省共建文明口岸活动领导小组", members=members
    )
    assert created
    again, created_again = services.leading_group_ensure(
        actor=None,
        authority=world.gd,
        name="广东省共建文明口岸活动领导小组",
        members=[*members, (maritime, LeadingGroupMember.Role.MEMBER, None, None)],
    )
    assert again == group and not created_again
    assert sorted(group.members.values_list("agency__code", flat=True)) == ["CUSTOMS", "MARITIME"]
    assert AuditEntry.objects.filter(action="campaigns.leading_group.member_added").count() == 2


def test_rejected_update_leaves_the_object_as_stored(national_admin, world):
    port = world.sz.port
    with pytest.raises(ValidationError):
        services.port_update(actor=national_admin, port=port, port_type="air", subtype="sea")
    assert (port.port_type, port.subtype) == ("land", "road")
    port.refresh_from_db()
    assert (port.port_type, port.subtype) == ("land", "road")
