"""`seed_demo --dry-run` reports and rolls back (kept apart from the module-seeded tests)."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from campaigns.models import Authority
from civport.models import AuditEntry


def test_dry_run_writes_nothing(db):
    out = io.StringIO()

    call_command("seed_demo", dry_run=True, stdout=out)

    assert "Dry run, nothing written" in out.getvalue()
    assert "port 120 new" in out.getvalue()
    assert Authority.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert not get_user_model().objects.exists()
