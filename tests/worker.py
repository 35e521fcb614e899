"""Fixtures for tests that need a real Celery worker on Redis.

`celery_worker_process` starts one `celery -A civport worker` subprocess per test session,
connected to the broker in REDIS_URL and to the test database pytest-django created. A test asks
for `real_worker`: it gets a transactional database (the worker only sees committed rows) and the
Celery app switched from eager to real delivery for the duration of the test.

Without Redis the fixtures skip the test (a failure in CI, where CIVPORT_REQUIRE_SERVICES=1).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest

WORKER_START_SECONDS = 60
BASE_DIR = Path(__file__).resolve().parent.parent


def _redis_answers(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError:
        return False


def database_url(settings_dict):
    """A DATABASE_URL for the database described by a Django connection's settings_dict."""
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def _log_tail(log_path, lines=40):
    text = Path(log_path).read_text(errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def _wait_for_ping(app, process, log_path, hostname):
    deadline = time.monotonic() + WORKER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the Celery worker exited with {process.returncode}:\n{_log_tail(log_path)}"
            )
        # ping() itself waits up to `timeout` for replies, so this loop is not a busy wait.
        if app.control.ping(destination=[hostname], timeout=0.5):
            return
    pytest.fail(
        f"the Celery worker did not answer a ping within {WORKER_START_SECONDS}s:\n"
        f"{_log_tail(log_path)}"
    )


def _stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker on all the project's queues, using the test database."""
    from django.conf import settings
    from django.db import connection

    from civport.celery import app
    from tests.conftest import require_service

    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        require_service("REDIS_URL is not set: no broker for a real Celery worker")
    if not _redis_answers(redis_url):
        require_service(f"Redis does not answer at {redis_url}")

    with django_db_blocker.unblock():
        db_url = database_url(connection.settings_dict)
    queues = ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES)
    hostname = f"civport-test-{os.getpid()}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civport.settings_test",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CIVPORT_TEST_WORKER": "1",
        "PYTHONUNBUFFERED": "1",
    }
    with tempfile.NamedTemporaryFile(prefix="civport-worker-", suffix=".log", delete=False) as log:
        log_path = log.name
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "civport",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-Q",
                queues,
                "-n",
                hostname,
                "-l",
                "info",
            ],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_ping(app, process, log_path, hostname)
        yield process
    finally:
        _stop(process)
        Path(log_path).unlink(missing_ok=True)


@pytest.fixture
def real_worker(celery_worker_process, transactional_db, settings):
    """Send tasks to the real worker for one test; eager execution is restored afterwards.

    The database is transactional so the worker sees committed rows (the reference data of the
    migrations is put back by the autouse fixture in tests/conftest.py).
    """
    from civport.celery import app

    was_eager = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        yield app
    finally:
        app.conf.task_always_eager = was_eager
