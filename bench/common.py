"""What the benchmark modules share: the context handed to each module's `run(ctx)`, timing
and query-counting helpers, and the budgets of DESIGN §9."""

import fnmatch
import statistics
import time
import traceback

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

DEFAULT_REPEAT = 7

# Result name pattern → the largest acceptable value (DESIGN §9). Shown in the table; the first
# pattern that matches a name applies.
BUDGETS = {
    # The national and port dashboards read the activity summary, not the year's activities.
    "pages.national_dashboard.median_ms": 75,
    "pages.port_dashboard.median_ms": 75,
    "pages.*.median_ms": 150,
    "import.*.ratio_vs_bulk": 3,
    "ranking.*.ratio_vs_sql": 2,
    "certificates.per_pdf.ratio_vs_weasyprint": 1.3,
    # The deadline-day load test (bench/load/run.py).
    "load.autosave.p95_ms": 300,
    "load.errors": 0,
    "load.autosaves_lost": 0,
}


def median_ms(fn, *, repeat=DEFAULT_REPEAT, warmup=1):
    """Call `fn` `warmup` times, then `repeat` times; the median wall time in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def count_queries(fn, *, using=None):
    """How many SQL queries one call of `fn` runs (works with DEBUG off)."""
    conn = connection if using is None else using
    with CaptureQueriesContext(conn) as captured:
        fn()
    return len(captured.captured_queries)


def budget_for(name):
    for pattern, limit in BUDGETS.items():
        if fnmatch.fnmatchcase(name, pattern):
            return limit
    return None


class BenchContext:
    """Handed to every module's `run(ctx)`.

    `ctx.record(name, value, unit)` adds a result; `ctx.fail(name, reason)` notes a benchmark
    that could not run (the runner then exits non-zero); `ctx.client_for(username)` gives a
    logged-in test client; `ctx.median_ms(fn)` times with `ctx.repeat` repetitions.
    """

    def __init__(self, *, repeat=DEFAULT_REPEAT, stdout=None):
        self.repeat = repeat
        self.results = []
        self.failures = []
        self.stdout = stdout
        self._clients = {}

    def record(self, name, value, unit):
        self.results.append({"name": name, "value": round(float(value), 3), "unit": unit})

    def fail(self, name, reason):
        self.failures.append({"name": name, "reason": reason})

    def log(self, text):
        if self.stdout is not None:
            self.stdout.write(text + "\n")
            self.stdout.flush()

    def client_for(self, username):
        if username not in self._clients:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.get(username=username)
            client = Client()
            client.force_login(user)
            self._clients[username] = client
        return self._clients[username]

    def median_ms(self, fn):
        return median_ms(fn, repeat=self.repeat)


def measure_get(ctx, name, client, url):
    """Record `<name>.queries` and `<name>.median_ms` for a GET of `url`; the page must answer
    200, otherwise the benchmark is reported as failed and nothing is recorded."""
    try:
        response = client.get(url)
    except Exception:  # noqa: BLE001 -- a broken page is reported, the other pages still run
        ctx.fail(name, traceback.format_exc(limit=3).strip().splitlines()[-1])
        return
    if response.status_code != 200:
        ctx.fail(name, f"GET {url} answered {response.status_code}")
        return
    ctx.record(f"{name}.queries", count_queries(lambda: client.get(url)), "queries")
    ctx.record(f"{name}.median_ms", ctx.median_ms(lambda: client.get(url)), "ms")
