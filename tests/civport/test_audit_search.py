"""The audit administrator's search of the audit and login logs: who may open it, what each
filter finds, an entry's before and after, the exports (formula cells escaped, the export
itself audited) and the fixed number of queries of each page."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from civport.adminroles import AUDIT, SECURITY, SYSTEM, admin_roles_install
from civport.audit import audit_record
from civport.models import AuditEntry, LoginEvent
from tests.queries import BASE, EXTRA

pytestmark = pytest.mark.django_db

User = get_user_model()


def _admin(username, role):
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.groups.set([Group.objects.get(name=role)])
    return user


@pytest.fixture
def auditor(db):
    admin_roles_install()
    return _admin("audit_admin", AUDIT)


@pytest.fixture
def entries(auditor):
    alice = User.objects.create_user("alice", password="x")
    bob = User.objects.create_user("bob", password="x")
    made = {
        "rename": audit_record(
            actor=alice,
            action="campaigns.unit.updated",
            obj=bob,
            changes={"name": ["旧名称", '=HYPERLINK("http://x")']},
            ip="10.0.0.1",
        ),
        "login": audit_record(actor=bob, action="civport.login.succeeded", ip="10.0.0.2"),
        "failed": audit_record(
            actor=None,
            action="civport.login.failed",
            actor_repr="mallory",
            outcome=AuditEntry.Outcome.FAILURE,
            ip="10.0.0.3",
        ),
    }
    return made


def _list(client, **params):
    return client.get(reverse("audit:entry-list"), params)


def _found(response):
    return {e.action for e in response.context["rows"]}


def test_only_the_audit_administrator_opens_the_logs(client, auditor, world, national_admin):
    others = [_admin("sys_admin", SYSTEM), _admin("sec_admin", SECURITY), national_admin]
    others.append(User.objects.create_user("outsider", password="x"))
    urls = [
        reverse("audit:entry-list"),
        reverse("audit:login-list"),
        reverse("audit:entry-export", args=["csv"]),
        reverse("audit:login-export", args=["xlsx"]),
    ]
    for user in others:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
    client.force_login(auditor)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_each_filter_narrows_the_audit_log(client, auditor, entries):
    client.force_login(auditor)
    everything = {"campaigns.unit.updated", "civport.login.succeeded", "civport.login.failed"}
    assert _found(_list(client)) >= everything
    assert _found(_list(client, user="alice")) == {"campaigns.unit.updated"}
    assert _found(_list(client, action="civport.login")) == {
        "civport.login.succeeded",
        "civport.login.failed",
    }
    assert _found(_list(client, ip="10.0.0.3")) == {"civport.login.failed"}
    assert _found(_list(client, ip="not an address")) == set()
    assert _found(_list(client, outcome="failure")) == {"civport.login.failed"}
    assert _found(_list(client, object="bob")) == {"campaigns.unit.updated"}
    today = timezone.localdate()
    assert _found(_list(client, since=today.isoformat(), until=today.isoformat())) >= everything
    tomorrow = today + datetime.timedelta(days=1)
    assert _found(_list(client, since=tomorrow.isoformat())) == set()


def test_an_entry_shows_its_before_and_after(client, auditor, entries):
    client.force_login(auditor)
    response = client.get(reverse("audit:entry-detail", args=[entries["rename"].pk]))
    assert response.status_code == 200
    assert response.context["changes"] == [
        {"field": "name", "before": "旧名称", "after": '=HYPERLINK("http://x")'}
    ]
    html = response.content.decode()
    assert "旧名称" in html and "10.0.0.1" in html


def test_the_pages_follow_one_another_without_counting(client, auditor):
    actor = User.objects.create_user("busy", password="x")
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=actor, actor_repr="busy", action="campaigns.unit.viewed")
        for _ in range(55)
    )
    client.force_login(auditor)
    first = _list(client, user="busy")
    assert len(first.context["rows"]) == 50 and first.context["has_next"]
    second = _list(client, user="busy", page=2)
    assert len(second.context["rows"]) == 5 and not second.context["has_next"]
    assert "user=busy&amp;page=1" in second.content.decode()


def test_the_export_escapes_formulas_and_is_audited(client, auditor, entries):
    client.force_login(auditor)
    response = client.get(reverse("audit:entry-export", args=["csv"]), {"user": "alice"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][3] == "campaigns.unit.updated"
    assert "HYPERLINK" in rows[1][8] and not rows[1][8].startswith("=")
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("audit:entry-export", args=["xlsx"])).content)
    )
    cells = [c.value for row in workbook.active.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    exported = AuditEntry.objects.filter(action="civport.audit_log.exported").order_by("pk")
    assert [(e.actor, e.changes["format"]) for e in exported] == [
        (auditor, "csv"),
        (auditor, "xlsx"),
    ]
    assert exported[0].changes["rows"] == 1 and exported[0].changes["filters"] == {"user": "alice"}


def test_the_login_log_is_searched_and_exported(client, auditor):
    LoginEvent.objects.create(username="carol", ip_address="10.1.1.1", outcome="success")
    LoginEvent.objects.create(username="=cmd", ip_address="10.1.1.2", outcome="failure")
    client.force_login(auditor)
    response = client.get(reverse("audit:login-list"), {"outcome": "failure"})
    assert [e.username for e in response.context["rows"]] == ["=cmd"]
    response = client.get(reverse("audit:login-export", args=["csv"]), {"ip": "10.1.1.2"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'=cmd"
    assert AuditEntry.objects.filter(action="civport.login_log.exported").count() == 1


def test_the_audit_administrators_home_page_leads_to_the_search(client, auditor):
    client.force_login(auditor)
    html = client.get(reverse("campaigns:home")).content.decode()
    assert f'href="{reverse("audit:entry-list")}"' in html


def _rows(n):
    actor = User.objects.get_or_create(username="writer")[0]
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=actor, actor_repr="writer", action="campaigns.unit.updated")
        for _ in range(n)
    )


@pytest.mark.parametrize("extra", [0, EXTRA])
def test_the_audit_log_page_reads_a_fixed_number_of_queries(
    client, auditor, extra, django_assert_num_queries
):
    _rows(1 + extra)
    client.force_login(auditor)
    # BASE + the user's permissions (own and through groups: 2) + the page of entries with
    # their object types (one join)
    with django_assert_num_queries(BASE + 3):
        response = _list(client)
    assert len(response.context["rows"]) >= 1 + extra


def test_an_entry_and_the_login_log_read_a_fixed_number_of_queries(
    client, auditor, entries, django_assert_num_queries
):
    for i in range(1 + EXTRA):
        LoginEvent.objects.create(username=f"user{i}", outcome="success")
    client.force_login(auditor)
    # BASE + the user's permissions (2) + the entry with its object type
    with django_assert_num_queries(BASE + 3):
        client.get(reverse("audit:entry-detail", args=[entries["rename"].pk]))
    # BASE + the user's permissions (2) + the page of events
    with django_assert_num_queries(BASE + 3):
        client.get(reverse("audit:login-list"))
