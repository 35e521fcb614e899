"""`manage.py seed_demo`: the real hierarchy and ports, idempotent, with working demo accounts."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from campaigns.models import (
    Authority,
    AuthorityUserObjectPermission,
    LeadingGroup,
    LeadingGroupMember,
    Membership,
    Person,
    Port,
    Unit,
    UnitUserObjectPermission,
)
from campaigns.scope import scope_for
from civport.models import AuditEntry

PORTS_CSV = Path(settings.BASE_DIR) / "seeding" / "data" / "ports.csv"
PASSWORD = settings.CIVPORT_DEMO_PASSWORD


def _seed():
    call_command("seed_demo", stdout=io.StringIO())


def _counts():
    models = (
        Authority,
        Port,
        Unit,
        Person,
        LeadingGroup,
        LeadingGroupMember,
        Membership,
        AuthorityUserObjectPermission,
        UnitUserObjectPermission,
        get_user_model(),
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes seconds) inside a transaction rolled back at the end;
    each test runs in its own savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


def test_seed_demo_twice_duplicates_nothing_and_resets_passwords(demo):
    first = _counts()
    audited = AuditEntry.objects.count()
    officer = get_user_model().objects.get(username="gd_officer")
    officer.set_password("changed-by-the-officer")
    officer.save()

    _seed()

    assert _counts() == first
    assert first["Authority"] == 1 + 31 + 78
    assert first["Port"] == 120
    # The second run only reset the nine accounts (six in the hierarchy, the three
    # administrators); no row was created or changed.
    actions = set(AuditEntry.objects.order_by("pk")[audited:].values_list("action", flat=True))
    assert actions == {"campaigns.demo_account.reset"}
    assert AuditEntry.objects.count() == audited + 9
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_31_provincial_authorities_with_real_names(demo):
    provinces = Authority.objects.filter(level=Authority.Level.PROVINCIAL)
    national = Authority.objects.get(level=Authority.Level.NATIONAL)
    assert national.code == "CN"
    assert national.name == "国家口岸管理办公室"
    assert provinces.count() == 31
    assert set(provinces.values_list("parent", flat=True)) == {national.pk}
    names = set(provinces.values_list("name", flat=True))
    for name in (
        "北京市人民政府口岸办公室",
        "广东省人民政府口岸办公室",
        "浙江省人民政府口岸办公室",
        "内蒙古自治区人民政府口岸办公室",
        "广西壮族自治区人民政府口岸办公室",
        "新疆维吾尔自治区人民政府口岸办公室",
        "宁夏回族自治区人民政府口岸办公室",
    ):
        assert name in names
    # 4 municipalities, 22 provinces, 5 autonomous regions.
    kinds = [name.removesuffix("人民政府口岸办公室")[-1] for name in names]
    assert (kinds.count("市"), kinds.count("省"), kinds.count("区")) == (4, 22, 5)
    assert all(provinces.values_list("name_en", flat=True))


def test_every_csv_port_exists_with_its_type_and_province(demo):
    with open(PORTS_CSV, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 120
    provinces = list(Authority.objects.filter(level=Authority.Level.PROVINCIAL))
    ports = {p.name: p for p in Port.objects.select_related("authority")}
    assert len(ports) == 120
    for row in rows:
        port = ports[row["name_zh"]]
        (province,) = [p for p in provinces if p.name.startswith(row["province_zh"])]
        assert (port.port_type, port.subtype) == (row["port_type"], row["subtype"])
        assert port.authority.level == Authority.Level.PORT
        assert port.authority.path.startswith(province.path), row
        assert port.code.startswith(f"{province.code}-P")


def test_every_path_is_parent_path_plus_code(demo):
    for authority in Authority.objects.select_related("parent"):
        parent_path = authority.parent.path if authority.parent else ""
        assert authority.path == f"{parent_path}{authority.code}/"


def test_port_authorities_and_units_are_plausible(demo):
    shenzhen = Authority.objects.get(code="GD-SZ")
    assert shenzhen.name == "深圳市人民政府口岸办公室"
    assert Authority.objects.get(code="ZJ-NB").name == "宁波市人民政府口岸办公室"
    assert shenzhen.ports.count() == 7
    for port in Port.objects.prefetch_related("units__agency"):
        agencies = {u.agency.code for u in port.units.all() if u.agency}
        assert {"CUSTOMS", "IMMIGRATION"} <= agencies, port.name
        assert ("MARITIME" in agencies) == (port.port_type == Port.Type.WATER), port.name
    for unit in Unit.objects.filter(parent__isnull=False).select_related("parent"):
        assert unit.parent.authority_id == unit.authority_id
    assert not Unit.objects.filter(people__isnull=True).exists()
    assert Port.objects.filter(status=Port.Status.SEASONAL, seasonal_months=0).count() == 0
    assert Port.objects.filter(status=Port.Status.SEASONAL).exists()
    assert LeadingGroup.objects.count() == Authority.objects.count()


@pytest.mark.parametrize(
    "username",
    ["national", "gd_officer", "zj_officer", "sz_officer", "nb_officer", "unit_contact"],
)
def test_demo_account_logs_in_with_the_demo_password(demo, client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(
        get_user_model().objects.get(username=username).pk
    )


def test_demo_accounts_have_their_scopes(demo):
    users = {u.username: u for u in get_user_model().objects.all()}
    national = users["national"]
    # The admin is open to the national office, but no demo account is a superuser.
    assert national.is_staff and not national.is_superuser
    assert not any(user.is_superuser for user in users.values())
    for username, group in (
        ("sys_admin", "系统管理员"),
        ("sec_admin", "安全管理员"),
        ("audit_admin", "审计管理员"),
    ):
        assert users[username].is_staff
        assert list(users[username].groups.values_list("name", flat=True)) == [group]
        assert not users[username].memberships.exists()
    assert scope_for(national).is_national
    assert Membership.objects.filter(
        user=national, role=Membership.Role.NATIONAL_OFFICE, authority__code="CN"
    ).exists()
    assert scope_for(users["gd_officer"]).edit_paths == ("CN/GD/",)
    assert scope_for(users["zj_officer"]).edit_paths == ("CN/ZJ/",)
    assert scope_for(users["sz_officer"]).edit_paths == ("CN/GD/GD-SZ/",)
    assert scope_for(users["nb_officer"]).edit_paths == ("CN/ZJ/ZJ-NB/",)
    for username in ("gd_officer", "zj_officer", "sz_officer", "nb_officer", "unit_contact"):
        assert not users[username].is_staff
        assert not scope_for(users[username]).is_national
    contact = scope_for(users["unit_contact"])
    assert contact.view_paths == ()
    (unit_id,) = contact.view_unit_ids
    unit = Unit.objects.select_related("authority").get(pk=unit_id)
    assert unit.authority.code == "GD-SZ"
