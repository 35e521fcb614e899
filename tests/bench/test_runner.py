"""The benchmark runner's pieces on a tiny data set (no timing is asserted)."""

import io
import json
import sys
import types

import pytest
from django.core.management import call_command
from django.urls import reverse

from bench import run as runner
from bench.bench_pages import pages
from bench.common import BenchContext, budget_for, measure_get

ENTRY_KEYS = {"name", "value", "unit"}


@pytest.fixture
def tiny_scale(db):
    call_command("seed_scale", units=40, people=80, stdout=io.StringIO())


def test_pages_module_writes_every_entry_as_json(tiny_scale, tmp_path):
    ctx = BenchContext(repeat=1)

    results = runner.run_benchmarks(ctx, runner.discover("pages"))
    written = runner.write_results(results, tmp_path / "results.json")

    assert ctx.failures == []
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data == written
    assert isinstance(data, list)
    for entry in data:
        assert set(entry) == ENTRY_KEYS
        assert isinstance(entry["value"], (int, float))
        assert entry["unit"] in ("ms", "queries")
    names = {entry["name"] for entry in data}
    page_names = [name for name, _client, _url in pages(None, None)]
    assert "authority_detail_children" in page_names
    for name in page_names:
        assert {f"pages.{name}.queries", f"pages.{name}.median_ms"} <= names
    assert "sql.count_units.median_ms" in names
    assert len(data) == 2 * len(page_names) + 1


def test_a_page_that_does_not_answer_200_is_a_failure(tiny_scale):
    ctx = BenchContext(repeat=1)
    client = ctx.client_for("bench_gd")
    url = reverse("campaigns:unit-detail", args=[999999999])

    measure_get(ctx, "pages.missing", client, url)

    assert ctx.results == []
    assert ctx.failures == [{"name": "pages.missing", "reason": f"GET {url} answered 404"}]


def test_a_broken_module_is_reported_and_the_others_still_run(monkeypatch):
    package = types.ModuleType("fakebench")
    package.__path__ = []
    broken = types.ModuleType("fakebench.bench_broken")
    broken.run = lambda ctx: 1 / 0
    good = types.ModuleType("fakebench.bench_good")
    good.run = lambda ctx: [("good.thing.seconds", 1.5, "s")]
    monkeypatch.setitem(sys.modules, "fakebench", package)
    monkeypatch.setitem(sys.modules, "fakebench.bench_broken", broken)
    monkeypatch.setitem(sys.modules, "fakebench.bench_good", good)
    ctx = BenchContext(repeat=1)

    results = runner.run_benchmarks(ctx, ["bench_broken", "bench_good"], package="fakebench")

    assert results == [{"name": "good.thing.seconds", "value": 1.5, "unit": "s"}]
    assert [f["name"] for f in ctx.failures] == ["bench_broken"]
    assert "ZeroDivisionError" in ctx.failures[0]["reason"]


def test_discover_filters_by_pattern():
    assert "bench_pages" in runner.discover()
    assert runner.discover("pages") == ["bench_pages"]
    assert runner.discover("pag*") == ["bench_pages"]
    assert runner.discover("no-such-bench") == []


def test_partial_run_merges_with_earlier_results(tmp_path):
    path = tmp_path / "results.json"
    runner.write_results(
        [
            {"name": "a.x.ms", "value": 1, "unit": "ms"},
            {"name": "b.y.ms", "value": 2, "unit": "ms"},
        ],
        path,
    )

    runner.write_results([{"name": "b.y.ms", "value": 3, "unit": "ms"}], path, merge=True)

    assert json.loads(path.read_text()) == [
        {"name": "a.x.ms", "value": 1, "unit": "ms"},
        {"name": "b.y.ms", "value": 3, "unit": "ms"},
    ]
    runner.write_results([{"name": "b.y.ms", "value": 4, "unit": "ms"}], path)
    assert json.loads(path.read_text()) == [{"name": "b.y.ms", "value": 4, "unit": "ms"}]


def test_environment_is_production_like_with_the_test_host():
    environ = {"DJANGO_ALLOWED_HOSTS": "portal.example"}

    runner.configure_environment(environ, "sqlite:///x.sqlite3")

    assert environ["DATABASE_URL"] == "sqlite:///x.sqlite3"
    assert environ["DJANGO_SETTINGS_MODULE"] == "civport.settings"
    assert environ["DJANGO_DEBUG"] == "False"
    assert environ["DJANGO_ALLOWED_HOSTS"] == "portal.example,testserver"


def test_database_url_from_the_environment_wins():
    url, note = runner.choose_database({"DATABASE_URL": "postgres://u@h:5432/mine"})
    assert url == "postgres://u@h:5432/mine"
    assert "DATABASE_URL" in note


def test_table_shows_budgets():
    table = runner.format_table(
        [
            {"name": "pages.x.median_ms", "value": 12.5, "unit": "ms"},
            {"name": "pages.y.median_ms", "value": 200, "unit": "ms"},
            {"name": "pages.x.queries", "value": 5, "unit": "queries"},
        ],
        [{"name": "pages.z", "reason": "GET /z answered 500"}],
    )
    assert budget_for("pages.x.median_ms") == 150
    assert budget_for("pages.x.queries") is None
    # The dashboards that read the activity summary have their own, tighter budget.
    assert budget_for("pages.national_dashboard.median_ms") == 75
    assert budget_for("pages.port_dashboard.median_ms") == 75
    assert budget_for("pages.national_dashboard.queries") is None
    lines = table.splitlines()
    assert lines[2].endswith("≤ 150 ok")
    assert lines[3].endswith("≤ 150 OVER")
    assert lines[-1] == "FAILED pages.z: GET /z answered 500"


def test_unreachable_postgresql_falls_back_to_sqlite_with_a_note(monkeypatch):
    monkeypatch.setattr(runner, "DEFAULT_DATABASE_URL", "postgres://postgres@127.0.0.1:1/nothing")

    url, note = runner.choose_database({})

    assert url == f"sqlite:///{runner.SQLITE_FALLBACK}"
    assert "PostgreSQL not reachable" in note
    assert "SQLite" in note
