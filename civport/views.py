"""The notification screens (the list, marking read, and the unread count for the navigation)
and the user's own open sessions.

The count is fetched by htmx after the page has loaded, so no page gains a query for it; without
JavaScript the navigation shows a plain link to the list."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civport.notifications import (
    notification_list_for,
    notification_mark_all_read,
    notification_mark_read,
    notification_unread_count,
)
from civport.pagination import paginate
from civport.queries import get_or_404
from civport.sessions import open_sessions, session_end_other


@require_GET
def notification_list(request):
    queryset = notification_list_for(request.user)
    if request.GET.get("show") == "unread":
        queryset = queryset.filter(read_at__isnull=True)
    paged = paginate(request, queryset)
    context = {
        **paged,
        "show_unread": request.GET.get("show") == "unread",
        "has_unread": any(n.read_at is None for n in paged["page"].object_list),
    }
    return render(request, "civport/notification_list.html", context)


@require_POST
def notification_read(request, pk):
    """Mark a notice read; with `open`, go on to what it is about."""
    notification = notification_mark_read(actor=request.user, notification_id=pk)
    if notification is None:
        raise Http404
    target = notification.url
    if (
        request.POST.get("open")
        and target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(target)
    return redirect(_back(request))


@require_POST
def notification_read_all(request):
    count = notification_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications were marked as read."))
    return redirect(_back(request))


@require_GET
def notification_unread(request):
    """The unread count as a small fragment for the navigation (htmx)."""
    return render(
        request,
        "civport/_unread_count.html",
        {"unread_count": notification_unread_count(request.user)},
    )


def _back(request):
    """The list page the form was on (its page and filter), never another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("civport:notification-list")


# --- the user's own sessions ---------------------------------------------------------------


@require_GET
def session_list(request):
    sessions = list(open_sessions(request.user))
    current = request.session.session_key
    return render(
        request,
        "civport/session_list.html",
        {"sessions": sessions, "current_key": current},
    )


@require_POST
def session_end(request, pk):
    """End one of the user's other sessions (their own only: anyone else's is a 404)."""
    event = get_or_404(open_sessions(request.user), pk)
    if event.session_key == request.session.session_key:
        messages.error(request, _("To end this session, log out."))
    else:
        session_end_other(user=request.user, event=event)
        messages.success(request, _("The session was ended."))
    return redirect("session_list")
