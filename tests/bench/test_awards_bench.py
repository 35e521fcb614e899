"""The awards benchmark writes every entry on a tiny data set (no timing is asserted): the
province's nomination list, the national ranking and the round's admin page all answer 200."""

import io

from django.core.management import call_command

from bench import run as runner
from bench.common import BenchContext


def test_the_module_writes_every_entry(db):
    call_command("seed_scale", units=40, people=60, stdout=io.StringIO())
    ctx = BenchContext(repeat=1)

    results = runner.run_benchmarks(ctx, runner.discover("awards"))

    assert ctx.failures == []
    names = {r["name"] for r in results}
    for page in ("province_nominations", "national_ranking", "round_admin"):
        assert {f"pages.{page}.queries", f"pages.{page}.median_ms"} <= names
    assert runner.discover("awards") == ["bench_awards"]
