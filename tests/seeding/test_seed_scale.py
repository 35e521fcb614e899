"""`manage.py seed_scale`: the requested counts, consistent paths, re-runnable."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from campaigns.models import Authority, Person, Port, Unit
from campaigns.scope import scope_for
from civport.models import AuditEntry
from seeding.scale_campaigns import BENCH_NATIONAL, BENCH_PROVINCIAL, PREFIX, TOTAL_PORTS


def _seed_scale(**options):
    out = io.StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Build a small data set once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = _seed_scale(units=200, people=500)
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def scale(seeded, db):
    return seeded


def test_produces_the_requested_counts(scale):
    assert "Scale data built" in scale
    assert Unit.objects.filter(code__startswith=PREFIX).count() == 200
    assert Person.objects.filter(code__startswith=PREFIX).count() == 500
    assert Port.objects.count() == TOTAL_PORTS
    assert Authority.objects.filter(level=Authority.Level.PROVINCIAL).count() == 31
    assert Authority.objects.filter(code__startswith=PREFIX).count() == 62
    # A share of the units are sub-units.
    assert Unit.objects.filter(code__startswith=PREFIX, parent__isnull=False).count() == 40


def test_paths_and_links_are_consistent(scale):
    for authority in Authority.objects.select_related("parent"):
        parent_path = authority.parent.path if authority.parent else ""
        assert authority.path == f"{parent_path}{authority.code}/"
    for unit in Unit.objects.select_related("port", "parent"):
        assert unit.authority_id == unit.port.authority_id
        if unit.parent:
            assert unit.parent.authority_id == unit.authority_id
    for port in Port.objects.filter(code__startswith=PREFIX).select_related("authority"):
        assert port.authority.level == Authority.Level.PORT


def test_synthetic_rows_have_no_audit_entries(scale):
    assert not AuditEntry.objects.filter(object_repr__contains="基准").exists()
    assert not AuditEntry.objects.filter(action="campaigns.person.created").exists()


def test_bench_personas_have_their_scopes(scale):
    users = get_user_model().objects
    assert scope_for(users.get(username=BENCH_NATIONAL)).view_paths == ("CN/",)
    assert not users.get(username=BENCH_NATIONAL).is_superuser
    assert scope_for(users.get(username=BENCH_PROVINCIAL)).edit_paths == ("CN/GD/",)


def test_second_run_skips_and_reset_rebuilds(scale):
    assert "already present" in _seed_scale(units=300, people=10)
    assert Unit.objects.filter(code__startswith=PREFIX).count() == 200

    output = _seed_scale(units=100, people=150, reset=True)

    assert "Scale data built" in output
    assert Unit.objects.filter(code__startswith=PREFIX).count() == 100
    assert Person.objects.filter(code__startswith=PREFIX).count() == 150
    assert Port.objects.count() == TOTAL_PORTS
    assert Authority.objects.filter(code__startswith=PREFIX).count() == 62
