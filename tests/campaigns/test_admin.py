"""The national office's admin: access, service-backed saves, imports through the engine."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import services
from campaigns.models import (
    Agency,
    Authority,
    AuthorityGroupObjectPermission,
    AuthorityUserObjectPermission,
    ConstructionArea,
    LeadingGroup,
    Membership,
    Person,
    Port,
    Unit,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
)
from campaigns.scope import scope_for
from civport.adminroles import SECURITY, admin_roles_install
from civport.models import AuditEntry
from tests.campaigns.test_imports_engine import GOOD_UNIT, UNIT_HEADERS, csv_bytes, state
from tests.conftest import login


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin_client(client, national_admin, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return login(client, national_admin)


def changelist(model):
    return reverse(f"admin:campaigns_{model._meta.model_name}_changelist")


@pytest.mark.parametrize(
    "model",
    [
        Authority,
        Port,
        Unit,
        Person,
        Agency,
        ConstructionArea,
        LeadingGroup,
        AuthorityUserObjectPermission,
        AuthorityGroupObjectPermission,
        UnitUserObjectPermission,
        UnitGroupObjectPermission,
    ],
)
def test_national_office_sees_the_changelists(admin_client, model):
    assert admin_client.get(changelist(model)).status_code == 200


def test_provincial_staff_cannot_use_the_admin(client, gd_officer):
    gd_officer.is_staff = True
    gd_officer.save(update_fields=["is_staff"])
    login(client, gd_officer)
    assert client.get(changelist(Unit)).status_code == 403
    assert client.get(reverse("admin:campaigns_unit_import")).status_code == 403


def test_unit_changelist_query_count_does_not_grow(admin_client, world, django_assert_num_queries):
    for i in range(12):
        services.unit_create(
            actor=None,
            code=f"GD-SZ-X{i}",
            name=f"单位{i}",
            category="other",
            authority=world.sz.authority,
            port=world.sz.port,
        )
    # 1 session + 1 user + 1 scope (national check) + 1 the agency filter's choices + 2 the
    # paginator's counts (filtered and total) + 2 the user's model permissions (user and group,
    # read once for the import/export buttons) + 1 the rows with agency, port and authority
    # joined = 9, for 18 units as for 6.
    with django_assert_num_queries(9):
        response = admin_client.get(changelist(Unit))
    assert response.status_code == 200


def test_admin_edit_goes_through_the_service(admin_client, world, national_admin):
    unit = world.sz.units[1]
    url = reverse("admin:campaigns_unit_change", args=[unit.pk])
    response = admin_client.post(
        url,
        {
            "code": unit.code,
            "name": "改名单位",
            "name_en": "",
            "category": unit.category,
            "agency": "",
            "port": unit.port_id,
            "authority": unit.authority_id,
            "parent": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="campaigns.unit.updated", object_id=str(unit.pk))
    assert entry.changes == {"name": [unit.name, "改名单位"]}
    assert entry.actor == national_admin


def test_admin_add_authority_goes_through_the_service(admin_client, world):
    response = admin_client.post(
        reverse("admin:campaigns_authority_add"),
        {
            "code": "GD-ZH",
            "name": "珠海市口岸办",
            "level": "port",
            "parent": world.gd.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    authority = Authority.objects.get(code="GD-ZH")
    assert authority.path == "CN/GD/GD-ZH/"
    assert AuditEntry.objects.filter(
        action="campaigns.authority.created", object_id=str(authority.pk)
    ).exists()


def test_admin_refuses_an_authority_at_the_wrong_level(admin_client, world):
    response = admin_client.post(
        reverse("admin:campaigns_authority_add"),
        {"code": "GD-ZH", "name": "珠海", "level": "provincial", "parent": world.gd.pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["level"]
    assert not Authority.objects.filter(code="GD-ZH").exists()


@pytest.fixture
def security_client(client, world, settings):
    """The security administrator: roles are theirs to grant, not the national office's."""
    admin_roles_install()
    user = get_user_model().objects.create_user("sec_admin", password="x", is_staff=True)
    user.groups.set([Group.objects.get(name=SECURITY)])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return login(client, user)


def test_the_security_administrator_sees_the_memberships(security_client):
    assert security_client.get(changelist(Membership)).status_code == 200


def test_the_national_office_grants_no_roles_in_the_admin(admin_client):
    assert admin_client.get(changelist(Membership)).status_code == 403
    assert admin_client.get(reverse("admin:campaigns_membership_add")).status_code == 403


def test_membership_admin_grants_and_revokes_through_the_services(security_client, world):
    admin_client = security_client
    user = get_user_model().objects.create_user("newcomer", password="correct-horse-battery")
    response = admin_client.post(
        reverse("admin:campaigns_membership_add"),
        {"user": user.pk, "role": "port_officer", "authority": world.nb.authority.pk, "unit": ""},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    user = get_user_model().objects.get(pk=user.pk)
    assert scope_for(user).edits_path(world.nb.authority.path)
    response = admin_client.post(
        reverse("admin:campaigns_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(pk=user.pk)
    assert scope_for(user).is_empty
    assert AuditEntry.objects.filter(action="campaigns.membership.revoked").exists()


def test_admin_import_previews_then_imports(admin_client, national_admin):
    url = reverse("admin:campaigns_unit_import")
    assert admin_client.get(url).status_code == 200
    rows = [UNIT_HEADERS, GOOD_UNIT, ["ZJ-NB-U9", "宁波单位", "其他", "", "", "ZJ-NB"]]
    before = state()
    response = admin_client.post(url, {"file": SimpleUploadedFile("units.csv", csv_bytes(rows))})
    assert response.status_code == 200
    assert state() == before
    token = response.context["token"]
    assert "Ready to import: 2 to create" in response.content.decode()
    response = admin_client.post(reverse("admin:campaigns_unit_process_import"), {"token": token})
    assert response.status_code == 302
    assert set(
        Unit.objects.filter(code__in=["GD-SZ-U9", "ZJ-NB-U9"]).values_list("code", flat=True)
    ) == {"GD-SZ-U9", "ZJ-NB-U9"}
    entries = AuditEntry.objects.filter(action="campaigns.unit.imported")
    assert [e.actor for e in entries] == [national_admin, national_admin]


def test_admin_import_with_a_bad_row_writes_nothing(admin_client):
    rows = [UNIT_HEADERS, GOOD_UNIT, ["GD-SZ-U9", "again", "其他", "", "", "GD-SZ"]]
    before = state()
    response = admin_client.post(
        reverse("admin:campaigns_unit_import"),
        {"file": SimpleUploadedFile("units.csv", csv_bytes(rows))},
    )
    assert "token" not in response.context
    assert "The code “GD-SZ-U9” already appears in row 2." in response.content.decode()
    assert state() == before


def test_admin_export_escapes_formulas(admin_client, world):
    services.unit_update(actor=None, unit=world.sz.units[0], name="=1+1")
    response = admin_client.post(
        reverse("admin:campaigns_unit_export"),
        {"format": "0", "resource": "0", **{f"unitresource_{f}": "on" for f in ("code", "name")}},
    )
    assert response.status_code == 200
    assert "'=1+1" in response.content.decode("utf-8-sig")
