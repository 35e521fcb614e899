"""Settings come from the environment; a bad value stops the process at start and names itself.

Each case starts a fresh `python -c "import django; django.setup()"` on civport.settings with a
clean environment plus the variables under test, as `manage.py`, gunicorn or a worker would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
SETUP = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'cache': s.CACHES['default']['BACKEND'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG, 'secure_cookies': s.SESSION_COOKIE_SECURE, "
    "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, "
    "'email': s.EMAIL_BACKEND, 'email_host': s.EMAIL_HOST, 'page_size': s.PAGE_SIZE}))"
)
PRODUCTION = {
    "CIVPORT_ENV": "production",
    "DJANGO_SECRET_KEY": "k7#Qv9!mZ2@pL4$wX8%nR1^tB6&yH3*cJ5(fD0)gS-aE_uI+oU=lK?eW.zN,xM;bV:",
    "DJANGO_ALLOWED_HOSTS": "civport.example.gov.cn",
    "DATABASE_URL": "postgres://civport:secret@db.internal:5432/civport",
}
OWN_PREFIXES = ("DJANGO_", "CIVPORT_", "DATABASE_", "CELERY_")
OWN_NAMES = {"REDIS_URL", "EMAIL_URL", "DEFAULT_FROM_EMAIL"}

BAD_VALUES = {
    # id: (environment, the variable the error must name)
    "mysql": ({"DATABASE_URL": "mysql://civport@127.0.0.1/civport"}, "DATABASE_URL"),
    "database-garbage": ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
    "conn-max-age": ({"DATABASE_CONN_MAX_AGE": "forever"}, "DATABASE_CONN_MAX_AGE"),
    "redis-http": ({"REDIS_URL": "http://x"}, "REDIS_URL"),
    "staging": ({"CIVPORT_ENV": "staging"}, "CIVPORT_ENV"),
    "production-no-key": (
        {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"},
        "DJANGO_SECRET_KEY",
    ),
    "production-short-key": ({**PRODUCTION, "DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
    "production-debug": ({**PRODUCTION, "DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
    "production-sqlite": ({**PRODUCTION, "DATABASE_URL": "sqlite:///x.db"}, "DATABASE_URL"),
    "page-size-negative": ({"CIVPORT_PAGE_SIZE": "-1"}, "CIVPORT_PAGE_SIZE"),
    "page-size-garbage": ({"CIVPORT_PAGE_SIZE": "lots"}, "CIVPORT_PAGE_SIZE"),
    "debug-typo": ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
    "cookies-typo": ({"DJANGO_SECURE_COOKIES": "ture"}, "DJANGO_SECURE_COOKIES"),
    "email-scheme": ({"EMAIL_URL": "carrier-pigeon://loft"}, "EMAIL_URL"),
    "log-level": ({"CIVPORT_LOG_LEVEL": "LOUD"}, "CIVPORT_LOG_LEVEL"),
    "lockout-limit": ({"CIVPORT_LOGIN_FAILURE_LIMIT": "0"}, "CIVPORT_LOGIN_FAILURE_LIMIT"),
    "trusted-proxies": (
        {"CIVPORT_TRUSTED_PROXIES": "10.0.0.1, nginx.internal"},
        "CIVPORT_TRUSTED_PROXIES",
    ),
    "request-below-one-upload": (
        {"CIVPORT_REQUEST_MAX_BYTES": "1048576"},
        "CIVPORT_REQUEST_MAX_BYTES",
    ),
}
GOOD_VALUES = {
    "defaults": {},
    "production": PRODUCTION,
    "redis": {"REDIS_URL": "redis://127.0.0.1:6379/3"},
    "smtp": {"EMAIL_URL": "smtp+tls://mailer:pw@mail.internal:587"},
}


def _clean_environment(extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(OWN_PREFIXES) and key not in OWN_NAMES
    }
    return {**env, "DJANGO_SETTINGS_MODULE": "civport.settings", **extra}


@pytest.fixture(scope="module")
def started():
    """Start every case at once (each is a separate interpreter), then collect the results."""
    cases = {name: env for name, (env, _) in BAD_VALUES.items()} | GOOD_VALUES
    processes = {
        name: subprocess.Popen(
            [sys.executable, "-c", SETUP],
            cwd=BASE_DIR,
            env=_clean_environment(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, env in cases.items()
    }
    results = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=120)
        results[name] = (process.returncode, stdout, stderr)
    return results


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_bad_value_stops_start_up_and_names_the_variable(started, case):
    _, variable = BAD_VALUES[case]
    returncode, stdout, stderr = started[case]

    assert returncode != 0, stdout
    last_line = stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured"), stderr
    assert variable in last_line


def test_defaults_are_the_embedded_ones(started):
    returncode, stdout, stderr = started["defaults"]

    assert returncode == 0, stderr
    values = json.loads(stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["cache"].endswith("LocMemCache")
    assert values["eager"] is True
    assert values["broker"] == "memory://localhost/"
    assert values["debug"] is False
    assert values["secure_cookies"] is False
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["page_size"] == 25


def test_production_turns_on_the_secure_defaults(started):
    returncode, stdout, stderr = started["production"]

    assert returncode == 0, stderr
    values = json.loads(stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["secure_cookies"] is True
    assert values["ssl_redirect"] is True
    assert values["hsts"] >= 31536000


def test_redis_url_makes_redis_the_cache_and_the_broker(started):
    returncode, stdout, stderr = started["redis"]

    assert returncode == 0, stderr
    values = json.loads(stdout)
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["broker"] == "redis://127.0.0.1:6379/3"
    assert values["eager"] is False


def test_email_url_configures_smtp(started):
    returncode, stdout, stderr = started["smtp"]

    assert returncode == 0, stderr
    values = json.loads(stdout)
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["email_host"] == "mail.internal"


def test_language_time_zone_and_login_required_by_default():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE


def test_celery_queues_cover_default_imports_and_pdf():
    from civport.celery import app

    assert [queue.name for queue in settings.CELERY_TASK_QUEUES] == ["default", "imports", "pdf"]
    # Background jobs name their queue: a large import goes beside the other imports.
    from civport.jobs import KINDS

    assert KINDS["campaigns.records_import"].queue == "imports"
    assert KINDS["assessments.score_matrix"].queue == "default"
    assert app.amqp.router.route({}, "awards.certificate_render_task")["queue"].name == "pdf"
    assert app.amqp.router.route({}, "civport.healthcheck_roundtrip")["queue"].name == "default"
