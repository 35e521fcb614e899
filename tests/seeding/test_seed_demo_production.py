"""`seed_demo` never runs on a production database: its accounts share a known password."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from campaigns.models import Authority


def test_seed_demo_refuses_in_production_and_writes_nothing(db, settings):
    settings.CIVPORT_ENV = "production"
    settings.PRODUCTION = True
    out = io.StringIO()

    with pytest.raises(CommandError, match="CIVPORT_ENV=production"):
        call_command("seed_demo", stdout=out)

    assert not get_user_model().objects.exists()
    assert not Authority.objects.exists()
    assert out.getvalue() == ""


def test_seed_demo_dry_run_refuses_in_production_too(db, settings):
    settings.CIVPORT_ENV = "production"
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="known demo password"):
        call_command("seed_demo", "--dry-run", stdout=io.StringIO())
