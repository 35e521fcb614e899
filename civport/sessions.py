"""Sessions (GB/T 22239-2019 level 3, 身份鉴别): the login log, the idle timeout, a user's view of
their own open sessions, and the note after login of the previous login and the failed attempts
since.

Every login, failed attempt and lockout is a `LoginEvent` (written from the auth and axes signals).
A successful login's event also stands for its session until it ends: logout, the idle timeout
(`CIVPORT_IDLE_MINUTES`, checked by `IdleTimeoutMiddleware` against the time of the session's last
request), or its owner ending it from another session.

The last request's time is written to the session (and the event's `last_seen_at`) at most once
a minute, so that an ordinary page view costs no extra query.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.utils import formats, timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civport.client import client_address
from civport.models import LoginEvent

SEEN_KEY = "civport_seen"
# The last request's time is written back at most this often (seconds).
SEEN_EVERY = 60
USER_AGENT_MAX = 255


def _agent(request):
    return (request.META.get("HTTP_USER_AGENT") or "")[:USER_AGENT_MAX] if request else ""


def _address(request):
    return client_address(request) if request is not None else None


def previous_login(user, *, before: LoginEvent) -> LoginEvent | None:
    return (
        LoginEvent.objects.filter(user=user, outcome=LoginEvent.Outcome.SUCCESS, pk__lt=before.pk)
        .order_by("-pk")
        .first()
    )


def failures_since(username: str, since) -> int:
    events = LoginEvent.objects.filter(
        username=username,
        outcome__in=(LoginEvent.Outcome.FAILURE, LoginEvent.Outcome.LOCKED_OUT),
    )
    if since is not None:
        events = events.filter(at__gt=since)
    return events.count()


def login_note(user, event: LoginEvent) -> str:
    """What the user is told after logging in: when and from where they last did, and how many
    attempts failed since."""
    previous = previous_login(user, before=event)
    failed = failures_since(user.get_username(), previous.at if previous else None)
    if previous is None:
        note = _("Welcome: this is your first login.")
    else:
        note = _("Your previous login was at %(time)s from %(address)s.") % {
            "time": formats.date_format(timezone.localtime(previous.at), "DATETIME_FORMAT"),
            "address": previous.ip_address or _("an unknown address"),
        }
    if failed:
        note += " " + ngettext(
            "%(count)d failed login attempt since.",
            "%(count)d failed login attempts since.",
            failed,
        ) % {"count": failed}
    return note


def on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now()
    event = LoginEvent.objects.create(
        user=user,
        username=user.get_username(),
        ip_address=_address(request),
        user_agent=_agent(request),
        outcome=LoginEvent.Outcome.SUCCESS,
        session_key=request.session.session_key or "",
        last_seen_at=now,
    )
    request.session[SEEN_KEY] = int(time.time())
    messages.info(request, login_note(user, event), fail_silently=True)


def end_session(session_key: str, end: str) -> None:
    """Mark the session's login as ended (its session data is removed by the caller)."""
    if session_key:
        LoginEvent.objects.filter(
            session_key=session_key, outcome=LoginEvent.Outcome.SUCCESS, ended_at__isnull=True
        ).update(ended_at=timezone.now(), end=end)


def on_logout(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    end = getattr(request, "_civport_session_end", LoginEvent.End.LOGOUT)
    end_session(request.session.session_key or "", end)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:150]
    LoginEvent.objects.create(
        username=username,
        ip_address=_address(request),
        user_agent=_agent(request),
        outcome=LoginEvent.Outcome.FAILURE,
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    LoginEvent.objects.create(
        username=str(username or "")[:150],
        ip_address=ip_address or _address(request),
        user_agent=_agent(request),
        outcome=LoginEvent.Outcome.LOCKED_OUT,
    )


def connect():
    user_logged_in.connect(on_login, dispatch_uid="civport-login-event")
    user_logged_out.connect(on_logout, dispatch_uid="civport-logout-event")
    user_login_failed.connect(on_login_failed, dispatch_uid="civport-login-failed-event")
    from axes.signals import user_locked_out

    user_locked_out.connect(on_locked_out, dispatch_uid="civport-locked-out-event")


def idle_seconds() -> int:
    return settings.CIVPORT_IDLE_MINUTES * 60


class IdleTimeoutMiddleware:
    """Log out a session whose last request is older than the idle timeout; note the time of
    each request (at most once a minute)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(SEEN_KEY)
            if seen is not None and now - seen > idle_seconds():
                request._civport_session_end = LoginEvent.End.IDLE
                logout(request)
                messages.warning(
                    request,
                    _(
                        "You were logged out after %(minutes)d minutes without activity. "
                        "Please log in again."
                    )
                    % {"minutes": settings.CIVPORT_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            elif seen is None or now - seen >= SEEN_EVERY:
                request.session[SEEN_KEY] = now
                if seen is not None:
                    LoginEvent.objects.filter(
                        session_key=request.session.session_key or "",
                        outcome=LoginEvent.Outcome.SUCCESS,
                    ).update(last_seen_at=timezone.now())
        return self.get_response(request)


def open_sessions(user):
    """The user's sessions that have not ended (newest first)."""
    return LoginEvent.objects.filter(
        user=user, outcome=LoginEvent.Outcome.SUCCESS, ended_at__isnull=True
    ).order_by("-at", "-pk")


def session_store(session_key: str) -> SessionBase:
    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return store_class(session_key)


def session_end_other(*, user, event: LoginEvent) -> None:
    """End one of the user's other sessions: its data is deleted, so its next request finds no
    login."""
    session_store(event.session_key).delete()
    end_session(event.session_key, LoginEvent.End.ENDED)
