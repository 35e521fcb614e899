#!/usr/bin/env python
"""Run the benchmark suite: `python bench/run.py [--only PATTERN] [--repeat N]`.

Picks the database (DATABASE_URL, else a dedicated PostgreSQL database `civport_bench`, created
if missing, else a SQLite file with a warning), migrates, builds the national-scale data set when
it is missing, runs every `bench/bench_*.py` module's `run(ctx)`, prints a table and writes
`bench/results.json` (a list of {"name", "value", "unit"}).
"""

import argparse
import fnmatch
import importlib
import json
import os
import sys
import time
import traceback
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_PATH = BENCH_DIR / "results.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/civport_bench"
SQLITE_FALLBACK = BENCH_DIR / "bench.sqlite3"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- database -----------------------------------------------------------------------------------


def ensure_postgres_database(url, *, timeout=3):
    """Create the database named in `url` if the server does not have it yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    conn = psycopg2.connect(
        dbname="postgres",
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or "") or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        connect_timeout=timeout,
    )
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                return True
    finally:
        conn.close()
    return False


def choose_database(environ):
    """(DATABASE_URL to use, a note for the output)."""
    url = environ.get("DATABASE_URL")
    if url:
        return url, "database from DATABASE_URL"
    try:
        import psycopg2

        created = ensure_postgres_database(DEFAULT_DATABASE_URL)
    except (ImportError, psycopg2.Error) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"sqlite:///{SQLITE_FALLBACK}",
            f"PostgreSQL not reachable ({reason}): using SQLite {SQLITE_FALLBACK.name}; "
            "national-scale numbers on SQLite mean little",
        )
    return DEFAULT_DATABASE_URL, (
        "PostgreSQL civport_bench (created)" if created else "PostgreSQL civport_bench"
    )


def configure_environment(environ, database_url):
    """Production-like settings for measuring: DEBUG off, plain static storage (no manifest
    needed), the test client's host allowed."""
    environ["DATABASE_URL"] = database_url
    environ.setdefault("DJANGO_SETTINGS_MODULE", "civport.settings")
    environ["DJANGO_DEBUG"] = "False"
    hosts = [h for h in environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
    if "testserver" not in hosts:
        hosts.append("testserver")
    environ["DJANGO_ALLOWED_HOSTS"] = ",".join(hosts)
    environ.setdefault(
        "CIVPORT_STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


# --- data ---------------------------------------------------------------------------------------


def prepare_data(*, units=6000, people=20000, log=print):
    """Migrate and build the scale data set unless it is already there."""
    from django.core.management import call_command

    from seeding import scale_assessments, scale_awards
    from seeding.scale_campaigns import seed_scale

    call_command("migrate", verbosity=0)
    result = seed_scale(units=units, people=people)
    counts = ", ".join(f"{name} {n}" for name, n in result.counts.items())
    if result.skipped:
        log(f"scale data present: {counts} synthetic")
    else:
        log(f"scale data built in {result.seconds:.1f}s: {counts} synthetic")
    # The parts built on campaigns' data add theirs (a round of score sheets …) before any
    # timing starts.
    for label, build in (
        ("assessments", scale_assessments.seed_scale),
        ("awards", scale_awards.seed_scale),
    ):
        part = build()
        if not part.skipped:
            log(f"{label} scale data built in {part.seconds:.1f}s")
    return result


def tidy_database(log=print):
    """On PostgreSQL, rewrite tables left mostly dead by an earlier module (an import measured
    and rolled back leaves every row it wrote behind as a dead tuple) and refresh statistics, so
    that each module measures a clean database rather than its predecessor's leftovers."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables "
            "WHERE n_dead_tup > 1000 AND n_dead_tup > n_live_tup"
        )
        bloated = [row[0] for row in cursor.fetchall()]
        for table in bloated:
            cursor.execute(f"VACUUM FULL ANALYZE {connection.ops.quote_name(table)}")
        cursor.execute("VACUUM ANALYZE")
    if bloated:
        log(f"  rewrote {', '.join(sorted(bloated))}")


# --- modules ------------------------------------------------------------------------------------


def discover(only=None, directory=BENCH_DIR):
    """Names of the benchmark modules (`bench_*.py`), those matching `only` when given: a glob
    or a substring of the name without its `bench_` prefix (`pages`, `imp*`)."""
    names = sorted(p.stem for p in directory.glob("bench_*.py"))
    if not only:
        return names
    short = {name: name.removeprefix("bench_") for name in names}
    return [
        name
        for name in names
        if only in short[name] or fnmatch.fnmatchcase(short[name], only) or only == name
    ]


def run_benchmarks(ctx, names, *, package="bench", tidy=False):
    """Run each module's `run(ctx)`; a module that raises is reported, the others still run.
    A module may also return results as (name, value, unit) tuples or dicts. With `tidy`, the
    database is vacuumed before each module."""
    for name in names:
        if tidy:
            tidy_database(ctx.log)
        started = time.monotonic()
        ctx.log(f"running {name} …")
        try:
            module = importlib.import_module(f"{package}.{name}")
            returned = module.run(ctx)
        except Exception:  # noqa: BLE001 -- one broken module must not hide the others' results
            ctx.fail(name, traceback.format_exc().strip().splitlines()[-1])
            ctx.log(traceback.format_exc())
            continue
        for item in returned or ():
            if isinstance(item, dict):
                ctx.record(item["name"], item["value"], item["unit"])
            else:
                ctx.record(*item)
        ctx.log(f"  {name} done in {time.monotonic() - started:.1f}s")
    return ctx.results


# --- output -------------------------------------------------------------------------------------


def format_table(results, failures=()):
    from bench.common import budget_for

    rows = [("name", "value", "unit", "budget")]
    for r in results:
        limit = budget_for(r["name"])
        verdict = ""
        if limit is not None:
            verdict = f"≤ {limit} {'ok' if r['value'] <= limit else 'OVER'}"
        rows.append((r["name"], f"{r['value']:g}", r["unit"], verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i == 1 else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    for failure in failures:
        lines.append(f"FAILED {failure['name']}: {failure['reason']}")
    return "\n".join(lines)


def write_results(results, path=RESULTS_PATH, *, merge=False):
    """Write the results as JSON. With `merge` (a partial run), entries of an earlier run that
    were not measured again are kept."""
    path = Path(path)
    entries = [{"name": r["name"], "value": r["value"], "unit": r["unit"]} for r in results]
    if merge and path.exists():
        fresh = {e["name"] for e in entries}
        previous = json.loads(path.read_text(encoding="utf-8"))
        entries = [e for e in previous if e["name"] not in fresh] + entries
    entries.sort(key=lambda e: e["name"])
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return entries


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run the civport benchmark suite.")
    parser.add_argument("--only", metavar="PATTERN", help="run only the matching bench modules")
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions (median)")
    parser.add_argument("--units", type=int, default=6000)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--output", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)

    database_url, note = choose_database(os.environ)
    configure_environment(os.environ, database_url)
    print(f"database: {note}")

    import django

    # No collected static files are needed to render pages; whitenoise's notice about it is noise.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from bench.common import BenchContext

    prepare_data(units=args.units, people=args.people)
    names = discover(args.only)
    if not names:
        parser.error(f"no benchmark module matches {args.only!r}")
    ctx = BenchContext(repeat=args.repeat, stdout=sys.stdout)
    results = run_benchmarks(ctx, names, tidy=True)
    print()
    print(format_table(results, ctx.failures))
    write_results(results, args.output, merge=bool(args.only))
    print(f"\nwrote {args.output}")
    return 1 if ctx.failures else 0


if __name__ == "__main__":
    sys.exit(main())
