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


def second_waits_for_first(first, second, *, what, seconds=30):
    """Race two writers on two connections (PostgreSQL): `first` runs in a transaction that is
    held open once it has written; `second` starts then, and must be seen blocked on a lock
    before the first commits. Returns the exception each raised, or None."""
    import threading

    from django.db import connection, transaction

    written, release = threading.Event(), threading.Event()
    raised = {"first": None, "second": None}

    def run_first():
        try:
            with transaction.atomic():
                first()
                written.set()
                release.wait(seconds)
        except Exception as error:  # noqa: BLE001 -- handed to the caller
            raised["first"] = error
        finally:
            written.set()
            connection.close()

    def run_second():
        written.wait(seconds)
        try:
            second()
        except Exception as error:  # noqa: BLE001 -- handed to the caller
            raised["second"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    written.wait(seconds)
    try:
        wait_until_a_connection_waits_on_a_lock(seconds=seconds, what=what)
    finally:
        release.set()
        for thread in threads:
            thread.join(seconds)
    return raised
