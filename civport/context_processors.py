from django.conf import settings

from civport.twofactor import SESSION_KEY


def session(request):
    """The idle timeout, for the page's warning a minute before it, and whether the second
    factor is still owed (the menus wait for it). No query."""
    session = getattr(request, "session", None)
    return {
        "idle_seconds": settings.CIVPORT_IDLE_MINUTES * 60,
        "two_factor_owed": bool(session and session.get(SESSION_KEY)),
        "password_reset_by_email": settings.CIVPORT_PASSWORD_RESET_BY_EMAIL,
    }
