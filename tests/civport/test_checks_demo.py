"""The demo data fails the deploy check in production: the check's list of demo user names is
exactly the accounts `seed_demo` creates (civport keeps its own list, as it never imports
seeding)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from civport.checks import DEMO_USERNAMES, demo_accounts_check


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo data once for the module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def production(settings):
    settings.CIVPORT_ENV = "production"
    settings.PRODUCTION = True


def test_the_list_is_every_account_the_demo_creates(seeded, db):
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert usernames == DEMO_USERNAMES


def test_the_demo_data_fails_the_check_in_production(seeded, db, production):
    [error] = demo_accounts_check()
    assert error.id == "civport.E001"
    assert error.is_serious()
    assert "audit_admin, gd_officer" in error.msg


def test_the_demo_data_passes_outside_production(seeded, db):
    assert demo_accounts_check() == []
