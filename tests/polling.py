"""Waiting in tests on a condition, never on a fixed delay."""

import time

import pytest

POLL_SECONDS = 0.05


def wait_until(condition, *, seconds, what, explain=lambda: ""):
    """Poll `condition` until it holds; fail (saying what was awaited) after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(POLL_SECONDS)
    pytest.fail(f"gave up waiting for {what} after {seconds}s\n{explain()}")


def wait_until_a_connection_waits_on_a_lock(*, seconds, what):
    """Wait until another connection to the test database (PostgreSQL) is blocked on a lock."""
    from django.db import connection

    with connection.cursor() as cursor:

        def someone_waits():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0

        wait_until(someone_waits, seconds=seconds, what=what)
