"""Shared fixtures: a small two-province hierarchy and the persona users of STYLE.md.

Guangdong (GD) with the Shenzhen (GD-SZ) and Guangzhou (GD-GZ) port authorities, Zhejiang (ZJ)
with Ningbo (ZJ-NB). Each port authority has a port, units and people; everything is created
through the services, as a user would.
"""

import importlib
import os
from dataclasses import dataclass

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db.models.signals import post_migrate
from django.utils import translation

from campaigns import services
from campaigns.models import Agency, Authority, Membership, Port, Unit

pytest_plugins = ["tests.worker", "tests.assessments.fixtures", "tests.awards.fixtures"]

REQUIRE_SERVICES = os.environ.get("CIVPORT_REQUIRE_SERVICES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With CIVPORT_REQUIRE_SERVICES=1 (CI), a skipped test is a failed test."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped while CIVPORT_REQUIRE_SERVICES=1: {report.longrepr}"


# A real Celery worker or a browser can take minutes to start on a busy machine.
SLOW_SERVICE_TIMEOUT = 900
SLOW_SERVICE_FIXTURES = {"real_worker", "celery_worker_process", "live_server"}


def pytest_collection_modifyitems(config, items):
    """Worker and browser tests get SLOW_SERVICE_TIMEOUT instead of the default per-test timeout
    of pyproject.toml; an explicit `timeout` mark on a test wins."""
    for item in items:
        if item.get_closest_marker("timeout"):
            continue
        marked = item.get_closest_marker("worker") or item.get_closest_marker("browser")
        if marked or SLOW_SERVICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.timeout(SLOW_SERVICE_TIMEOUT))


def require_service(reason):
    """Skip locally when a real service is missing; CI turns the skip into a failure."""
    pytest.skip(reason)


def require_postgresql(reason):
    """Skip on the embedded SQLite default a test that needs PostgreSQL (row locks, two
    connections writing at once, worker processes sharing the test database); CI runs on
    PostgreSQL, where it must run."""
    from django.db import connection

    if connection.vendor != "postgresql":
        require_service(f"needs PostgreSQL ({reason}); the database is {connection.vendor}")


def _reference_data_after_flush(sender, using="default", **kwargs):
    """The nine areas and the agencies come from a data migration. A transactional test (live
    server, real worker, threads) ends with a flush that empties every table, and with
    pytest-xdist a worker may run other tests, or a module's seeding fixture, on that database
    afterwards. Django sends post_migrate after every flush: put them back then (the migration's
    function is idempotent, and does nothing here when they are there)."""
    from django.apps import apps

    if apps.get_model("campaigns", "Agency").objects.using(using).exists():
        return
    importlib.import_module("campaigns.migrations.0002_reference_data").forwards(apps, None)
    importlib.import_module("campaigns.migrations.0012_port_office_agency").forwards(apps, None)


post_migrate.connect(
    _reference_data_after_flush,
    sender=django_apps.get_app_config("campaigns"),
    dispatch_uid="tests-reference-data-after-flush",
)


@dataclass
class Area:
    authority: Authority
    port: Port
    units: list
    people: list


@dataclass
class World:
    national: Authority
    gd: Authority
    zj: Authority
    sz: Area
    gz: Area
    nb: Area


def _make_area(system, province, code, name, port_code, port_name, subtype):
    authority = services.authority_create(
        actor=system, code=code, name=name, level=Authority.Level.PORT, parent=province
    )
    port_type = {"sea": "water", "river": "water", "road": "land", "rail": "land", "air": "air"}
    port = services.port_create(
        actor=system,
        code=port_code,
        name=port_name,
        port_type=port_type[subtype],
        subtype=subtype,
        authority=authority,
    )
    customs = Agency.objects.get(code="CUSTOMS")
    units = [
        services.unit_create(
            actor=system,
            code=f"{code}-U{i}",
            name=f"{name}参与单位{i}",
            category=Unit.Category.INSPECTION if i == 1 else Unit.Category.OPERATION,
            agency=customs if i == 1 else None,
            port=port,
            authority=authority,
        )
        for i in (1, 2)
    ]
    people = [
        services.person_create(
            actor=system,
            code=f"{code}-P{i}",
            name=f"{name}职员{i}",
            gender="male" if i % 2 else "female",
            unit=units[(i - 1) % 2],
        )
        for i in (1, 2, 3)
    ]
    return Area(authority, port, units, people)


@pytest.fixture
def world(db):
    system = None
    national = services.authority_create(
        actor=system,
        code="CN",
        name="国家口岸管理办公室",
        level=Authority.Level.NATIONAL,
        parent=None,
    )
    gd = services.authority_create(
        actor=system,
        code="GD",
        name="广东省人民政府口岸办公室",
        level="provincial",
        parent=national,
    )
    zj = services.authority_create(
        actor=system,
        code="ZJ",
        name="浙江省人民政府口岸办公室",
        level="provincial",
        parent=national,
    )
    return World(
        national=national,
        gd=gd,
        zj=zj,
        sz=_make_area(system, gd, "GD-SZ", "深圳市口岸办", "GD-0001", "深圳湾公路口岸", "road"),
        gz=_make_area(system, gd, "GD-GZ", "广州市口岸办", "GD-0002", "广州白云机场口岸", "air"),
        nb=_make_area(system, zj, "ZJ-NB", "宁波市口岸办", "ZJ-0001", "宁波舟山港口岸", "sea"),
    )


def _user(username, **extra):
    return get_user_model().objects.create_user(
        username=username, password="correct-horse-battery", **extra
    )


@pytest.fixture
def national_admin(world):
    user = _user("national", is_staff=True)
    services.membership_grant(
        actor=None, user=user, role=Membership.Role.NATIONAL_OFFICE, authority=world.national
    )
    return user


@pytest.fixture
def gd_officer(world):
    user = _user("gd_officer")
    services.membership_grant(
        actor=None, user=user, role=Membership.Role.PROVINCIAL_OFFICER, authority=world.gd
    )
    return user


@pytest.fixture
def zj_officer(world):
    user = _user("zj_officer")
    services.membership_grant(
        actor=None, user=user, role=Membership.Role.PROVINCIAL_OFFICER, authority=world.zj
    )
    return user


@pytest.fixture
def port_officer(world):
    """The Shenzhen port officer."""
    user = _user("sz_officer")
    services.membership_grant(
        actor=None, user=user, role=Membership.Role.PORT_OFFICER, authority=world.sz.authority
    )
    return user


@pytest.fixture
def nb_officer(world):
    user = _user("nb_officer")
    services.membership_grant(
        actor=None, user=user, role=Membership.Role.PORT_OFFICER, authority=world.nb.authority
    )
    return user


@pytest.fixture
def unit_contact(world):
    """The contact of Shenzhen's first unit."""
    user = _user("unit_contact")
    services.membership_grant(
        actor=None, user=user, role=Membership.Role.UNIT_CONTACT, unit=world.sz.units[0]
    )
    return user


@pytest.fixture
def outsider(world):
    return _user("outsider")


PERSONAS = (
    "national_admin",
    "gd_officer",
    "zj_officer",
    "port_officer",
    "nb_officer",
    "unit_contact",
    "outsider",
)


@pytest.fixture
def persona(request, db):
    """Resolve a persona fixture by name (for parametrised matrices)."""

    def get(name):
        return request.getfixturevalue(name)

    return get


@pytest.fixture
def in_english(client, settings):
    """English messages, in the test's own code and in its client's requests (the portal's
    default language is Chinese); for tests that assert the English text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Notices and e-mails are written in the portal's language, not the request's.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def login(client, user):
    client.force_login(user)
    return client
