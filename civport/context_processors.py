from django.conf import settings


def session(request):
    """The idle timeout, for the page's warning a minute before it (no query)."""
    return {"idle_seconds": settings.CIVPORT_IDLE_MINUTES * 60}
