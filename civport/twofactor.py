"""Two factors (GB/T 22239-2019 level 3, 身份鉴别): a password and a code from an authenticator
app (TOTP, django-otp), with single-use recovery codes for a lost phone.

`CIVPORT_TWO_FACTOR` says who must use them: "all"; "roles" (the national office, provincial
officers and every account that can reach /admin/: the apps' `two_factor_user` hook and
`is_staff`); or "offered" (nobody must, everybody may; the embedded default, so that the demo
works with a password). In production it is at least "roles".

At login the user's state is noted in the session (one query): a user with an authenticator must
enter a code before anything else; a user who must use two factors and has none is sent to set
one up. No other request pays a query for it.
"""

from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from civport.audit import audit_record
from civport.hooks import app_hooks
from civport.models import AuditEntry

SESSION_KEY = "civport_two_factor"
VERIFY, SET_UP = "verify", "set_up"
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"
RECOVERY_CODES = 10
# The pages a user who still owes the second factor may open.
ALLOWED = frozenset(
    {
        "two_factor_verify",
        "two_factor_setup",
        "two_factor_qr",
        "logout",
        "set_language",
        "javascript-catalog",
    }
)
MODES = ("offered", "roles", "all")


def required_for(user) -> bool:
    """Must this user use two factors (whether or not they have set them up)?"""
    mode = settings.CIVPORT_TWO_FACTOR
    if mode == "all":
        return True
    if mode == "roles":
        return (
            user.is_staff
            or user.is_superuser
            or any(hook(user) for _label, hook in app_hooks("two_factor_user"))
        )
    return False


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up (a new secret until one is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> bytes:
    """The set-up link as a QR code, drawn here (nothing is loaded from outside the portal)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def two_factor_confirm(*, actor, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with its first code; returns the new recovery codes (shown
    once), or None when the code is wrong. Any earlier authenticator and codes are replaced."""
    if not device.verify_token(code.strip()):
        return None
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(actor=actor, audit=False)
    audit_record(actor=actor, action="civport.two_factor.enrolled", obj=actor)
    return codes


@transaction.atomic
def recovery_codes_renew(*, actor, audit=True) -> list[str]:
    StaticDevice.objects.filter(user=actor).delete()
    static = StaticDevice.objects.create(user=actor, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    if audit:
        audit_record(actor=actor, action="civport.two_factor.recovery_codes_renewed", obj=actor)
    return codes


@transaction.atomic
def two_factor_remove(*, actor) -> None:
    """Turn two factors off (only for a user who need not use them)."""
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    audit_record(actor=actor, action="civport.two_factor.removed", obj=actor)


def verify_code(user, code: str):
    """The device the code belongs to (the authenticator, or a recovery code, which is used
    up), or None."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    device = confirmed_device(user)
    if device is not None and code.isdigit() and device.verify_token(code):
        return device
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(code):
            audit_record(actor=user, action="civport.two_factor.recovery_code_used", obj=user)
            return static
    # A wrong second factor is a failed login (GB/T 22239-2019 8.1.4.3 b).
    audit_record(
        actor=user, action="civport.two_factor.failed", obj=user, outcome=AuditEntry.Outcome.FAILURE
    )
    return None


def passed(request, device) -> None:
    """The second factor is done for this session."""
    otp_login(request, device)
    request.session.pop(SESSION_KEY, None)


def on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if confirmed_device(user) is not None:
        request.session[SESSION_KEY] = VERIFY
    elif required_for(user):
        request.session[SESSION_KEY] = SET_UP
    else:
        request.session.pop(SESSION_KEY, None)


def connect():
    user_logged_in.connect(on_login, dispatch_uid="civport-two-factor")


class TwoFactorMiddleware:
    """Until the second factor is done, every page leads to the code (or to setting one up)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owed = request.user.is_authenticated and request.session.get(SESSION_KEY)
        if owed:
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in ALLOWED:
                if request.headers.get("HX-Request"):
                    # A part of a page (the unread count) stays empty until the code is in.
                    return HttpResponse(status=204)
                target = "two_factor_verify" if owed == VERIFY else "two_factor_setup"
                response = redirect(target)
                if request.method == "GET":
                    response["Location"] += "?" + urlencode({"next": request.get_full_path()})
                return response
        return self.get_response(request)
