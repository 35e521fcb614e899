"""The forced password change: a user whose account profile says `must_change_password` (a
manager reset it, or a later password rule expired it) is sent to the password change page after
login until they have changed it.

The flag is read once, at login, into the session, so that no other request pays a query for it;
so is the password's age (`civport.passwords.password_expired`).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from campaigns.models import AccountProfile
from campaigns.services.accounts import account_password_changed
from civport.passwords import password_expired

SESSION_KEY = "civport_must_change_password"
# The pages a user who must change the password may still open.
ALLOWED = frozenset(
    {
        "password_change",
        "password_change_done",
        "logout",
        "set_language",
        "javascript-catalog",
        # The second factor comes first (civport.twofactor).
        "two_factor_verify",
        "two_factor_setup",
        "two_factor_qr",
    }
)


def remember_forced_change(sender, request, user, **kwargs):
    """At login: note in the session whether the password must be changed first."""
    if request is None or not hasattr(request, "session"):
        return
    if AccountProfile.objects.filter(user=user, must_change_password=True).exists():
        request.session[SESSION_KEY] = "reset"
    elif password_expired(user):
        request.session[SESSION_KEY] = "expired"
    else:
        request.session.pop(SESSION_KEY, None)


def connect():
    user_logged_in.connect(remember_forced_change, dispatch_uid="campaigns-forced-password-change")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forced = request.user.is_authenticated and request.session.get(SESSION_KEY, False)
        watched = request.user.is_authenticated and (forced or request.method == "POST")
        name = self._url_name(request) if watched else None
        if forced and name not in ALLOWED:
            if forced == "expired":
                message = _(
                    "Your password is more than %(days)d days old. Please set a new password "
                    "before you continue."
                ) % {"days": settings.CIVPORT_PASSWORD_MAX_AGE_DAYS}
            else:
                message = _("Please set a new password before you continue.")
            messages.warning(request, message)
            return redirect("password_change")
        response = self.get_response(request)
        if (
            name == "password_change"
            and request.method == "POST"
            and response.status_code == 302
            and request.user.is_authenticated
        ):
            # Django's password change view redirects only once the new password is saved.
            account_password_changed(actor=request.user)
            request.session.pop(SESSION_KEY, None)
        return response

    @staticmethod
    def _url_name(request):
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None
