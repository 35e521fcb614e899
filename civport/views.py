"""The notification screens (the list, marking read, and the unread count for the navigation)
the user's own open sessions, and the two factors' pages.

The count is fetched by htmx after the page has loaded, so no page gains a query for it; without
JavaScript the navigation shows a plain link to the list."""

from base64 import b32encode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civport import twofactor
from civport.forms import TwoFactorCodeForm
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


# --- two factors -----------------------------------------------------------------------------


def _safe_next(request, default="campaigns:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def two_factor_setup(request):
    """Set up the authenticator (a QR code and the secret to type), or, once it is set up, its
    state, new recovery codes, and turning it off for those who need not use it."""
    device = twofactor.confirmed_device(request.user)
    required = twofactor.required_for(request.user)
    if device is not None:
        return render(
            request,
            "civport/two_factor_status.html",
            {"device": device, "required": required},
        )
    pending = twofactor.pending_device(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.two_factor_confirm(
            actor=request.user, device=pending, code=form.cleaned_data["code"]
        )
        if codes is not None:
            twofactor.passed(request, pending)
            messages.success(request, _("Two-factor authentication is on."))
            return render(
                request,
                "civport/two_factor_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
        form.add_error("code", _("The code is wrong or has expired. Enter the current code."))
    return render(
        request,
        "civport/two_factor_setup.html",
        {
            "form": form,
            "secret": b32encode(pending.bin_key).decode(),
            "required": required,
            "next": request.GET.get("next", ""),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def two_factor_qr(request):
    response = HttpResponse(
        twofactor.qr_svg(twofactor.pending_device(request.user)), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def two_factor_verify(request):
    if request.session.get(twofactor.SESSION_KEY) != twofactor.VERIFY:
        return redirect(_safe_next(request))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_code(request.user, form.cleaned_data["code"])
        if device is not None:
            twofactor.passed(request, device)
            return redirect(_safe_next(request))
        form.add_error(
            "code",
            _("The code is wrong or has expired. Enter the current code or a recovery code."),
        )
    return render(
        request,
        "civport/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


@require_POST
def two_factor_recovery_codes(request):
    if twofactor.confirmed_device(request.user) is None:
        raise Http404
    codes = twofactor.recovery_codes_renew(actor=request.user)
    return render(
        request,
        "civport/two_factor_codes.html",
        {"codes": codes, "next": reverse("two_factor_setup")},
    )


@require_POST
def two_factor_remove(request):
    if twofactor.required_for(request.user):
        messages.error(request, _("Your account must use two-factor authentication."))
    else:
        twofactor.two_factor_remove(actor=request.user)
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("two_factor_setup")
