"""The audit search benchmark runs end to end on a few thousand entries and leaves none behind
(its rows are written and measured inside a transaction rolled back)."""

import pytest

from bench import bench_audit_search
from bench.common import BenchContext, budget_for
from civport.models import AuditEntry
from tests.conftest import require_postgresql

pytestmark = pytest.mark.django_db


def test_the_bench_writes_its_entries_and_leaves_the_log_as_it_was(monkeypatch):
    require_postgresql("the bench writes its rows with PostgreSQL's generate_series")
    monkeypatch.setattr(bench_audit_search, "ENTRIES", 3000)
    before = AuditEntry.objects.count()
    ctx = BenchContext(repeat=1)
    bench_audit_search.run(ctx)
    assert ctx.failures == []
    names = {r["name"] for r in ctx.results}
    for page in ("audit_by_user", "audit_by_action", "audit_by_address", "audit_failures"):
        assert f"pages.{page}.median_ms" in names
        assert budget_for(f"pages.{page}.median_ms") == 150
    assert "sql.audit_by_user.median_ms" in names
    assert AuditEntry.objects.count() == before
