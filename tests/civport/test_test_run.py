"""The test run itself: a test that hangs fails with a timeout, and the run goes on."""

import subprocess
import sys
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

HANGING = """
import threading


def test_hangs():
    # Waits for an event nobody sets: a test stuck on a condition that never comes.
    threading.Event().wait()


def test_after_it():
    pass
"""


def test_a_hanging_test_fails_with_a_timeout_and_the_run_goes_on(tmp_path):
    (tmp_path / "test_hanging.py").write_text(HANGING)
    # The project's pytest configuration, with its timeout shortened from 300 s for this test.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(PYPROJECT),
            "--rootdir",
            str(tmp_path),
            "-p",
            "no:django",
            "-o",
            "timeout=2",
            str(tmp_path / "test_hanging.py"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Timeout (>2.0s) from pytest-timeout" in result.stdout
    assert "1 failed, 1 passed" in result.stdout
