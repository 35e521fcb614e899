"""The Content-Security-Policy header, and the templates that must keep to it."""

import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/", "/healthz"])
def test_every_response_carries_the_policy(client, db, path):
    directives = _directives(client.get(path))

    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    scripts = directives["script-src"]
    assert "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in scripts


def test_a_page_that_uses_the_nonce_gets_a_fresh_one_in_the_header(admin_client):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval = IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    task = PeriodicTask.objects.create(name="sweep", task="awards.sweep", interval=interval)
    url = f"/admin/django_celery_beat/periodictask/{task.pk}/change/"

    first, second = admin_client.get(url), admin_client.get(url)

    nonces = []
    for response in (first, second):
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'nonce="{nonce}"' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_no_template_has_an_inline_script_without_the_nonce():
    templates = list((BASE_DIR / "templates").rglob("*.html")) + [
        path for path in BASE_DIR.glob("*/templates/**/*.html") if ".venv" not in path.parts
    ]
    offenders = []
    for path in templates:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text, re.I):
            if "src=" in tag or "nonce=" in tag or "application/json" in tag:
                continue
            offenders.append(f"{path.relative_to(BASE_DIR)}: {tag}")
        # Event handler attributes (onclick=…) are inline scripts too.
        offenders += [
            f"{path.relative_to(BASE_DIR)}: {m}"
            for m in re.findall(r"<[^>]*\son[a-z]+\s*=", text, re.I)
        ]
    assert offenders == []
