#!/usr/bin/env python
"""Deadline-day load test: `python bench/load/run.py` (or `make loadtest`).

Needs PostgreSQL and Redis (`DATABASE_URL`, `REDIS_URL`; point them at a dedicated database and
Redis db: the scale data is added, one sheet per reviewer is reopened and autosaved). It
migrates and builds the national data set when it is missing (as `make bench` does), sets up
the load accounts (`bench/load/setup.py`), starts gunicorn (2 workers) and one Celery worker on
a free loopback port, runs Locust headless (`bench/load/locustfile.py`): 300 reviewers
autosaving every 10 s, 60 officers, 20 visitors, spawned over `LOAD_RAMP_SECONDS` (each login
verifies a real password hash), then measured for `LOAD_SECONDS` (default 180) from
`LOAD_SETTLE_SECONDS` (60) after every user is in. Afterwards
it checks that every acknowledged autosave is in the database and writes `bench/load.json`
(a list of {"name", "value", "unit"}, as `bench/results.json`).
"""

import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
RESULTS_PATH = ROOT / "bench" / "load.json"
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://", "psql://")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
# What each user does once, as it starts (mostly while the users are being spawned): these
# kinds' figures cover the whole run; the others' the measured window after the ramp-up.
OPENING_KINDS = {"login_page", "login", "queue", "score_page"}

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class Refused(SystemExit):
    pass


def _int(environ, name, default, minimum=0):
    raw = environ.get(name, "")
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        raise Refused(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise Refused(f"{name} must be at least {minimum}, not {value}")
    return value


def check_services(environ):
    """(DATABASE_URL, REDIS_URL), or refuse: the load test measures the real stack only."""
    database = environ.get("DATABASE_URL", "")
    redis = environ.get("REDIS_URL", "")
    problems = []
    if not database.startswith(POSTGRES_SCHEMES):
        problems.append(
            "DATABASE_URL must name a PostgreSQL database (postgres://…), "
            f"not {database or 'nothing (the embedded SQLite)'}"
        )
    if not redis.startswith(REDIS_SCHEMES):
        problems.append(
            f"REDIS_URL must name a Redis database (redis://…), not {redis or 'nothing'}"
        )
    if problems:
        raise Refused(
            "The load test runs against PostgreSQL and Redis only.\n  "
            + "\n  ".join(problems)
            + "\nExample: DATABASE_URL=postgres://postgres@127.0.0.1:5432/civport_load "
            "REDIS_URL=redis://127.0.0.1:6379/9 make loadtest"
        )
    return database, redis


# --- results ------------------------------------------------------------------------------------


def percentile(values, q):
    """The nearest-rank percentile `q` (0–100) of `values`."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(recorded):
    """Entries for bench/load.json from the Locust users' samples.

    Each kind's rate and percentiles cover the measured window (from the moment every user was
    in to the stop); the opening kinds (login, first queue and sheet) cover the whole run.
    `load.errors` counts every failed request of the whole run.
    """
    started = recorded["started_at"]
    stopped = recorded["stopped_at"] - started
    ready = (recorded["ready_at"] or recorded["stopped_at"]) - started
    windows = {"whole": (0.0, stopped), "measured": (ready, stopped)}
    times = defaultdict(list)
    errors = 0
    for kind, at, ms, ok, _reason in recorded["samples"]:
        if not ok:
            errors += 1
        low, high = windows["whole" if kind in OPENING_KINDS else "measured"]
        if low <= at <= high:
            times[kind].append(ms)
    entries = []
    for kind in sorted(times):
        low, high = windows["whole" if kind in OPENING_KINDS else "measured"]
        seconds = max(high - low, 1e-9)
        entries.append((f"load.{kind}.rps", len(times[kind]) / seconds, "rps"))
        for q in (50, 95, 99):
            entries.append((f"load.{kind}.p{q}_ms", percentile(times[kind], q), "ms"))
    entries.append(("load.errors", errors, "requests"))
    return [{"name": n, "value": round(float(v), 3), "unit": u} for n, v, u in entries]


def server_times(log_lines, *, method="POST", suffix="/autosave/"):
    """Milliseconds gunicorn spent on each matching request, from its access log."""
    times = []
    for line in log_lines:
        parts = line.split()
        if len(parts) == 4 and parts[0] == method and parts[1].endswith(suffix):
            times.append(int(parts[3]) / 1000)
    return times


def failure_reasons(recorded, limit=10):
    """The most frequent failure reasons, for the output."""
    counts = defaultdict(int)
    for kind, _at, _ms, ok, reason in recorded["samples"]:
        if not ok:
            counts[(kind, reason)] += 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])[:limit]
    return [f"{n} × {kind}: {reason}" for (kind, reason), n in ranked]


def autosaves_lost(acks):
    """The acknowledged autosaves whose points are not what the database holds: for each
    (reviewer, subject, item) the last acknowledged points must be the stored score's, or, when
    the reviewer's next save was unanswered at the stop, that save's points."""
    from assessments.models import Score

    wanted = {(a["username"], a["subject"], a["item"]): Decimal(a["points"]) for a in acks}
    unanswered = {
        (a["username"], a["subject"], a["item"]): Decimal(a["unanswered"])
        for a in acks
        if a.get("unanswered") is not None
    }
    stored = {}
    subjects = {subject for _u, subject, _i in wanted}
    rows = Score.objects.filter(sheet__subject_id__in=subjects).values_list(
        "sheet__reviewer__username", "sheet__subject_id", "item_id", "points"
    )
    for username, subject, item, points in rows.iterator(chunk_size=5000):
        key = (username, subject, item)
        if key in wanted:
            stored[key] = points
    return sorted(
        key
        for key, points in wanted.items()
        if stored.get(key) != points
        and (key not in unanswered or stored.get(key) != unanswered[key])
    )


# --- processes ----------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command, env, log_path):
    """A child in its own process group, so that stopping it stops its children too."""
    log = open(log_path, "wb")  # noqa: SIM115 -- kept open for the child's lifetime
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process, timeout=20):
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_serving(url, process, log_path, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout}s; see {log_path}")


def wait_for_worker(process, log_path, timeout=90):
    from civport.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the Celery worker exited ({process.returncode}); see {log_path}")
        if app.control.ping(timeout=1.0):
            return
    raise SystemExit(f"the Celery worker did not answer within {timeout}s; see {log_path}")


# --- output -------------------------------------------------------------------------------------


def print_table(entries):
    from bench.run import format_table

    print(format_table(entries))


def load_average():
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main():
    database_url, redis_url = check_services(os.environ)
    seconds = _int(os.environ, "LOAD_SECONDS", 180, minimum=1)
    ramp = _int(os.environ, "LOAD_RAMP_SECONDS", 120, minimum=1)
    settle = _int(os.environ, "LOAD_SETTLE_SECONDS", 60)
    reviewers = _int(os.environ, "LOAD_REVIEWERS", 300)
    officers = _int(os.environ, "LOAD_OFFICERS", 60)
    visitors = _int(os.environ, "LOAD_VISITORS", 20)
    workers = _int(os.environ, "LOAD_GUNICORN_WORKERS", 2, minimum=1)
    threads = _int(os.environ, "LOAD_GUNICORN_THREADS", 4, minimum=1)
    conn_max_age = _int(os.environ, "LOAD_CONN_MAX_AGE", 60)
    output = Path(os.environ.get("LOAD_OUTPUT", RESULTS_PATH))
    users = reviewers + officers + visitors
    if users == 0:
        raise Refused("no users: LOAD_REVIEWERS, LOAD_OFFICERS and LOAD_VISITORS are all 0")

    from bench.run import configure_environment, prepare_data, tidy_database, write_results

    configure_environment(os.environ, database_url)
    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from bench.load.setup import load_prepare

    print(f"database: {database_url.rsplit('/', 1)[-1]}, redis: {redis_url}")
    prepare_data()
    tidy_database()
    password = secrets.token_urlsafe(16)
    plan = load_prepare(password=password, reviewers=reviewers, officers=max(officers, 1))
    work = Path(tempfile.mkdtemp(prefix="civport-load-"))
    (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        # Persistent connections: each gunicorn thread keeps its own instead of paying a new
        # PostgreSQL connection (a backend fork and authentication) per request.
        "DATABASE_CONN_MAX_AGE": str(conn_max_age),
        "LOAD_PLAN": str(work / "plan.json"),
        "LOAD_PASSWORD": password,
        "LOAD_SAMPLES": str(work / "samples.json"),
        "LOAD_ACKS": str(work / "acks.json"),
        "LOAD_REVIEWERS": str(reviewers),
        "LOAD_OFFICERS": str(officers),
        "LOAD_VISITORS": str(visitors),
        "LOAD_SECONDS": str(seconds),
        "LOAD_SETTLE_SECONDS": str(settle),
    }
    worker = server = None
    try:
        worker = start(
            [
                str(BIN / "celery"),
                *("-A", "civport", "worker", "-Q", "default,imports,pdf", "--concurrency", "1"),
                *("--loglevel", "WARNING", "--without-gossip", "--without-mingle"),
                *("--hostname", f"load-{port}@%h"),
            ],
            env,
            work / "worker.log",
        )
        server = start(
            [
                str(BIN / "gunicorn"),
                *("civport.wsgi", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread"),
                *("--workers", str(workers), "--threads", str(threads)),
                *("--log-level", "warning", "--timeout", "60"),
                # Keep a user's connection open between autosaves, as a browser and the proxy
                # do: with gunicorn's 2 s default the server closes it between two saves, and a
                # save sent just as it closes fails with no answer (a client-side artefact).
                *("--keep-alive", "75"),
                # Each request's own time (%(D)s, µs): what the server spent, without the wait
                # in the listen queue that the users' figures include.
                *("--access-logfile", str(work / "access.log")),
                *("--access-logformat", "%(m)s %(U)s %(s)s %(D)s"),
            ],
            env,
            work / "gunicorn.log",
        )
        wait_until_serving(f"{host}/healthz", server, work / "gunicorn.log")
        wait_for_worker(worker, work / "worker.log")
        print(
            f"gunicorn {workers}×{threads} threads on {host}, one Celery worker; "
            f"{users} users ({reviewers} reviewers, {officers} officers, {visitors} visitors) "
            f"ramped over {ramp}s, then measured for {seconds}s from {settle}s after the last "
            f"user is in; load average {load_average()}"
        )
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                *("-f", str(LOCUSTFILE), "--headless", "--host", host),
                *("--users", str(users), "--spawn-rate", f"{users / ramp:.3f}"),
                # The test stops itself LOAD_SECONDS after every user is in; this is the bound
                # for a run whose logins never catch up.
                *("--run-time", f"{3 * ramp + settle + seconds + 60}s", "--stop-timeout", "15"),
                *("--only-summary", "--loglevel", "WARNING"),
            ],
            cwd=ROOT,
            env=env,
            stdout=open(work / "locust.log", "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            check=False,
        )
        after = load_average()
    finally:
        stop(server)
        stop(worker)
    if not (work / "samples.json").exists():
        raise SystemExit(f"Locust wrote no samples (exit {locust.returncode}); see {work}")

    recorded = json.loads((work / "samples.json").read_text(encoding="utf-8"))
    acks = json.loads((work / "acks.json").read_text(encoding="utf-8"))
    if recorded["ready_at"] is None:
        print(
            "WARNING: not every user got in before the time limit; no measured window "
            "(only the opening kinds have figures)"
        )
    else:
        print(
            f"every user in {recorded['all_in_at'] - recorded['started_at']:.0f}s after the start"
        )
    entries = summarise(recorded)
    lost = autosaves_lost(acks)
    entries.append({"name": "load.autosaves_lost", "value": float(len(lost)), "unit": "scores"})
    served = server_times((work / "access.log").read_text(encoding="utf-8").splitlines())
    for q in (50, 95):
        entries.append(
            {
                "name": f"load.autosave.server_p{q}_ms",
                "value": round(float(percentile(served, q)), 3),
                "unit": "ms",
            }
        )
    print()
    print_table(entries)
    for line in failure_reasons(recorded):
        print(f"  failed: {line}")
    for username, subject, item in lost[:10]:
        print(f"  lost: {username} subject {subject} item {item}")
    print(f"\n{len(acks)} acknowledged scores checked; load average at the end {after}")
    write_results(entries, output)
    print(f"wrote {output} (logs in {work})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
