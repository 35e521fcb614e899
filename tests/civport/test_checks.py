"""`check --deploy` fails in production while demo accounts exist, passes otherwise, and never
crashes on a database it cannot read (CI and a first deployment run it before `migrate`)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from civport.checks import SYNTHETIC_USERNAME_PREFIX, demo_accounts_check
from seeding.scale_assessments import REVIEWER_PREFIX
from seeding.scale_awards import OFFICE_USERNAME
from tests.civport.databases import database_create, database_drop
from tests.conftest import require_postgresql

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production(settings):
    settings.CIVPORT_ENV = "production"
    settings.PRODUCTION = True


def test_the_synthetic_accounts_share_the_prefix():
    assert REVIEWER_PREFIX.startswith(SYNTHETIC_USERNAME_PREFIX)
    assert OFFICE_USERNAME.startswith(SYNTHETIC_USERNAME_PREFIX)


@pytest.mark.parametrize("username", ["national", "syn-reviewer-001"])
def test_one_demo_or_synthetic_account_is_enough_to_fail(db, production, username):
    get_user_model().objects.create_user(username=username)
    [error] = demo_accounts_check()
    assert username in error.msg


def test_a_production_database_without_demo_accounts_passes(db, production):
    get_user_model().objects.create_user(username="zhang.wei")
    assert demo_accounts_check() == []


def _deploy_check(database_url):
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CIVPORT_"))},
        "CIVPORT_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "civport.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "civport.example.gov.cn",
        "DATABASE_URL": database_url,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unreachable_database_does_not_fail_the_deploy_check():
    # Port 1: nothing listens there, the connection is refused at once.
    result = _deploy_check("postgres://civport@127.0.0.1:1/civport")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_an_unmigrated_database_does_not_fail_the_deploy_check(db):
    require_postgresql("an empty PostgreSQL database to check against")
    name = f"{connection.settings_dict['NAME']}_unmigrated"
    database_create(connection.settings_dict, name)
    try:
        data = connection.settings_dict
        url = f"postgres://{data['USER']}@{data['HOST']}:{data['PORT']}/{name}"
        result = _deploy_check(url)
        assert result.returncode == 0, result.stderr
        assert "no issues" in result.stdout
    finally:
        database_drop(connection.settings_dict, name)
