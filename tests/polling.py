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
