"""GET /healthz: the state of the database, the cache and the broker, as JSON.

The status code (200 or 503) and `status` are for anyone, the load balancer first. The checks'
details (database vendor, cache backend, broker mode and transport, error types) describe the
installation to an attacker, so they are shown only to a trusted proxy probing by itself and to the
national office's staff.
"""

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from civport.admin import is_national_staff
from civport.client import from_trusted_proxy


def _timed(check):
    started = time.monotonic()
    try:
        detail = check()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the type is reported
        return {"ok": False, "error": type(exc).__name__, "ms": _ms(started)}
    return {"ok": True, "ms": _ms(started), **(detail or {})}


def _ms(started):
    return round((time.monotonic() - started) * 1000, 1)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache():
    key = "civport:healthz"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value it was given")
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_broker():
    from civport.celery import app

    # The Celery app's own configuration decides whether tasks leave the process.
    if app.conf.task_always_eager:
        return {"mode": "eager"}
    with app.connection_for_write() as conn:
        # One attempt, no back-off: a dead broker must turn into a 503 at once, not a hung probe.
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    return {"mode": "worker", "transport": conn.transport_cls}


def shows_details(request) -> bool:
    """Whether `request` may see the checks' details.

    A trusted proxy (or load balancer) asking by itself comes from a trusted address without
    X-Forwarded-For; a visitor's request through it carries their address there and is not
    trusted. Logged-in users are shown them by the admin's rule (`is_national_staff`)."""
    if from_trusted_proxy(request) and not request.META.get("HTTP_X_FORWARDED_FOR", "").strip():
        return True
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return is_national_staff(request)


@never_cache
@login_not_required
@require_safe
def healthz(request):
    checks = {
        "database": _timed(check_database),
        "cache": _timed(check_cache),
        "broker": _timed(check_broker),
    }
    healthy = all(c["ok"] for c in checks.values())
    body = {"status": "ok" if healthy else "error"}
    if shows_details(request):
        body["checks"] = checks
    return JsonResponse(body, status=200 if healthy else 503)
