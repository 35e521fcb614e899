"""The certificates benchmark runs end to end on a small batch (real workers on a private
broker, the test database) and writes every entry; no timing is asserted."""

import shutil

import pytest
from django.db import connection

from awards.models import DecisionDocument, Honour, Nomination, Round
from bench.bench_certificates import ROUND_CODE, run
from bench.common import BenchContext, budget_for
from tests.conftest import require_postgresql, require_service
from tests.worker import database_url

pytestmark = pytest.mark.worker


def test_the_bench_writes_its_entries_and_removes_its_round(transactional_db, world):
    # The bench starts its own workers on a private broker: they must open the test database.
    require_postgresql("worker processes share the test database")
    if shutil.which("redis-server") is None:
        require_service("redis-server is not installed: the bench starts a private broker")
    ctx = BenchContext(repeat=1)

    run(
        ctx,
        batch=6,
        worker_env={
            "DJANGO_SETTINGS_MODULE": "civport.settings_test",
            "CIVPORT_TEST_WORKER": "1",
            "DATABASE_URL": database_url(connection.settings_dict),
        },
    )

    assert ctx.failures == []
    assert [r["name"] for r in ctx.results] == [
        "certificates.per_pdf.ours_ms",
        "certificates.per_pdf.weasyprint_ms",
        "certificates.per_pdf.ratio_vs_weasyprint",
        "certificates.batch_6.seconds_1_worker",
        "certificates.batch_6.seconds_2_workers",
        "certificates.batch_6.speedup_2_workers",
    ]
    assert all(r["value"] > 0 for r in ctx.results)
    assert budget_for("certificates.per_pdf.ratio_vs_weasyprint") == 1.3
    assert not Round.objects.filter(code=ROUND_CODE).exists()
    assert not Honour.objects.exists()
    assert not DecisionDocument.objects.exists()
    assert not Nomination.objects.exists()
