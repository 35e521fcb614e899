"""`make run ADDRESS=host:port` serves the portal there, and the links it prints (certificates'
QR codes, e-mails) point there too unless CIVPORT_PUBLIC_URL is set.

make runs with -n (nothing is executed) from a directory of its own (no .venv, no .env of the
checkout); one extra prerequisite of `run`, marked `+` so that -n runs it, prints the
environment the recipes of `run` get."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"
SHOW = "show-public-url"


def public_url_of_make_run(directory, *args, environment=None):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    (directory / "requirements.txt").touch()  # `run` depends on it
    result = subprocess.run(
        [
            "make",
            "-n",
            "-f",
            str(MAKEFILE),
            "run",
            *args,
            "--eval",
            f"run: {SHOW}",
            "--eval",
            f'{SHOW}: ; +@echo "public url: [$${{CIVPORT_PUBLIC_URL:-}}]"',
        ],
        cwd=directory,
        env={"PATH": os.environ["PATH"], "HOME": str(directory), **(environment or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    [line] = [line for line in result.stdout.splitlines() if line.startswith("public url: ")]
    return line.removeprefix("public url: ").strip("[]")


def test_the_address_served_is_the_public_url(tmp_path):
    assert public_url_of_make_run(tmp_path, "ADDRESS=10.0.0.5:9000") == "http://10.0.0.5:9000"


def test_the_default_address_and_a_bare_port(tmp_path):
    assert public_url_of_make_run(tmp_path) == "http://127.0.0.1:8000"
    assert public_url_of_make_run(tmp_path, "ADDRESS=9000") == "http://127.0.0.1:9000"


def test_an_explicit_public_url_wins(tmp_path):
    explicit = {"CIVPORT_PUBLIC_URL": "https://civport.example.gov.cn"}
    url = public_url_of_make_run(tmp_path, "ADDRESS=10.0.0.5:9000", environment=explicit)
    assert url == "https://civport.example.gov.cn"


def test_a_public_url_in_dot_env_is_left_for_the_settings_to_read(tmp_path):
    (tmp_path / ".env").write_text("CIVPORT_PUBLIC_URL=https://civport.example.gov.cn\n")
    assert public_url_of_make_run(tmp_path, "ADDRESS=10.0.0.5:9000") == ""
