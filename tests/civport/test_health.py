"""GET /healthz, and the promise that pages load nothing from outside the portal."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from civport.celery import app
from tests.conftest import require_service

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_conf():
    """Change the Celery app's configuration for one test and put it back afterwards."""
    keys = ("task_always_eager", "broker_url")
    saved = {key: app.conf[key] for key in keys}
    yield app.conf
    for key, value in saved.items():
        app.conf[key] = value


@pytest.fixture
def staff_client(client, national_admin):
    """A client logged in as the national office's staff: it is shown every check."""
    client.force_login(national_admin)
    return client


def test_healthz_answers_anonymously_with_the_status_alone(client, db):
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {"status": "ok"}


def test_healthz_shows_no_details_to_a_provincial_officer(client, gd_officer):
    client.force_login(gd_officer)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_shows_details_to_the_trusted_proxy_itself(client, db, settings):
    settings.CIVPORT_TRUSTED_PROXIES = ["10.0.0.0/8"]

    response = client.get("/healthz", REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 200
    assert response.json()["checks"]["database"]["vendor"] == connection.vendor


def test_healthz_shows_no_details_to_a_visitor_behind_the_trusted_proxy(client, db, settings):
    settings.CIVPORT_TRUSTED_PROXIES = ["10.0.0.0/8"]

    response = client.get("/healthz", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_shows_every_check_to_national_staff(staff_client):
    response = staff_client.get("/healthz", REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "broker": True,
    }
    assert body["checks"]["database"]["vendor"] == connection.vendor
    assert body["checks"]["broker"]["mode"] == "eager"


def test_healthz_is_503_when_the_broker_is_down(client, staff_client, settings, celery_conf):
    # Port 1 on the loopback refuses connections at once: a broker that is down.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    celery_conf.task_always_eager = False
    celery_conf.broker_url = "redis://127.0.0.1:1/0"

    response = staff_client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"] == "OperationalError"
    assert body["checks"]["database"]["ok"] is True
    # The load balancer, anonymous, sees the same status code and nothing else.
    staff_client.logout()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}


def test_healthz_checks_the_real_redis_cache_and_broker(staff_client, celery_conf):
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        require_service("REDIS_URL is not set: no Redis to check")
    celery_conf.task_always_eager = False

    response = staff_client.get("/healthz")

    assert response.status_code == 200, response.content
    checks = response.json()["checks"]
    assert checks["cache"] == {"ok": True, "backend": "RedisCache", "ms": checks["cache"]["ms"]}
    assert checks["broker"]["mode"] == "worker"
    assert checks["broker"]["transport"] == "redis"


def test_healthz_answers_head_for_load_balancers_and_refuses_post(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


# --- Nothing from outside the portal --------------------------------------------------------

ASSET_ATTRIBUTE = re.compile(
    r"""\b(?:src|href|action|srcset|poster)\s*=\s*["']([^"']*)["']""", re.I
)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^"')\s]+)""", re.I)


def _off_site(reference):
    return reference.startswith("//") or re.match(r"^[a-z][a-z0-9+.-]*://", reference, re.I)


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_public_pages_reference_only_local_assets(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    references = ASSET_ATTRIBUTE.findall(html)
    assert any(ref.startswith(django_settings.STATIC_URL) for ref in references)
    assert [ref for ref in references if _off_site(ref)] == []
    assert [ref for ref in CSS_URL.findall(html) if _off_site(ref)] == []


def test_no_template_points_an_asset_or_link_off_site():
    templates = [
        path for path in BASE_DIR.glob("*/templates/**/*.html") if ".venv" not in path.parts
    ] + list((BASE_DIR / "templates").rglob("*.html"))
    assert templates
    offenders = [
        f"{path.relative_to(BASE_DIR)}: {ref}"
        for path in templates
        for ref in ASSET_ATTRIBUTE.findall(path.read_text()) + CSS_URL.findall(path.read_text())
        if _off_site(ref)
    ]
    assert offenders == []


def test_static_stylesheets_and_scripts_load_nothing_from_outside():
    offenders = []
    for path in (BASE_DIR / "static").rglob("*"):
        if path.suffix not in (".css", ".js", ".html"):
            continue
        text = path.read_text(errors="replace")
        # Source map comments are only read by developer tools; anything else would be fetched.
        offenders += [
            f"{path.relative_to(BASE_DIR)}: {ref}"
            for ref in CSS_URL.findall(text)
            if _off_site(ref) and not ref.startswith("http://www.w3.org/")
        ]
    assert offenders == []


def test_login_page_is_simplified_chinese_by_default(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_login_page_stays_chinese_for_an_english_browser(client, db):
    response = client.get("/accounts/login/", headers={"accept-language": "en"})

    assert '<html lang="zh-CN">' in response.content.decode()


def test_language_switch_turns_the_portal_english_and_back(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert '<html lang="zh-CN">' in client.get("/accounts/login/").content.decode()
