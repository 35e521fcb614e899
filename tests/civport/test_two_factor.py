"""Two factors: setting up an authenticator (QR code, key, first code, recovery codes shown
once), the code asked after the password, recovery codes, and who must use them."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from civport.models import AuditEntry
from civport.twofactor import SESSION_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def code_for(device, *, ahead=0):
    """The authenticator app's code now (or `ahead` steps on, as a later login would see)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _log_in(client, username="national"):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _enrol(client):
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user__username=client.session_username, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    assert response.status_code == 200
    return device, response.context["codes"]


@pytest.fixture
def client_factory():
    """Another browser."""
    return Client


@pytest.fixture
def office(client, national_admin):
    _log_in(client)
    client.session_username = "national"
    return client


def test_offered_by_default_a_password_is_enough(office):
    assert SESSION_KEY not in office.session
    assert office.get(reverse("campaigns:home")).status_code == 200


def test_setting_up_shows_a_qr_code_drawn_by_the_portal_and_the_key(office, in_english):
    page = office.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    assert page.context["secret"] and page.context["secret"] in page.content.decode()
    qr = office.get(reverse("two_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<?xml") and b"<svg" in qr.content
    assert qr["Cache-Control"] == "private, no-store"
    # The page and the QR code show the same pending secret.
    assert TOTPDevice.objects.filter(confirmed=False).get() == device


def test_a_wrong_first_code_is_refused(office, in_english):
    office.get(reverse("two_factor_setup"))
    response = office.post(reverse("two_factor_setup"), {"code": "000000"})
    assert response.status_code == 400
    assert "The code is wrong or has expired." in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_the_first_code_confirms_and_the_recovery_codes_are_shown_once(office, national_admin):
    device, codes = _enrol(office)
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    assert AuditEntry.objects.filter(
        action="civport.two_factor.enrolled", object_id=str(national_admin.pk)
    ).exists()
    # Afterwards the page shows the state, not the codes or the key.
    state = office.get(reverse("two_factor_setup"))
    assert "codes" not in state.context and "secret" not in state.context


def test_after_set_up_a_login_asks_for_the_code_before_anything_else(
    office, client_factory, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would delay the right one
    device, _codes = _enrol(office)
    browser = client_factory()
    assert _log_in(browser).status_code == 302
    assert browser.session[SESSION_KEY] == "verify"
    home = browser.get(reverse("campaigns:home"))
    assert home.status_code == 302
    assert home.url == reverse("two_factor_verify") + "?next=%2F"
    assert browser.get(reverse("admin:index")).url.startswith(reverse("two_factor_verify"))
    wrong = browser.post(reverse("two_factor_verify"), {"code": "123456", "next": "/"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    right = browser.post(reverse("two_factor_verify"), {"code": code_for(device, ahead=1)})
    assert right.status_code == 302 and right.url == "/"
    assert SESSION_KEY not in browser.session
    assert browser.get(reverse("campaigns:home")).status_code == 200


def test_a_recovery_code_works_once(office, client_factory):
    _device, codes = _enrol(office)
    first = client_factory()
    _log_in(first)
    assert first.post(reverse("two_factor_verify"), {"code": codes[0].upper()}).status_code == 302
    again = client_factory()
    _log_in(again)
    assert again.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.count() == 9
    assert AuditEntry.objects.filter(action="civport.two_factor.recovery_code_used").count() == 1


def test_roles_make_the_office_set_it_up_at_login(client, national_admin, settings):
    settings.CIVPORT_TWO_FACTOR = "roles"
    _log_in(client)
    assert client.session[SESSION_KEY] == "set_up"
    home = client.get(reverse("campaigns:home"))
    assert home.url.startswith(reverse("two_factor_setup"))
    # The forced password change waits behind the second factor too.
    assert client.get(reverse("password_change")).url.startswith(reverse("two_factor_setup"))
    client.session_username = "national"
    device, _codes = _enrol(client)
    assert SESSION_KEY not in client.session
    assert client.get(reverse("campaigns:home")).status_code == 200
    # It cannot be turned off while the role needs it.
    client.post(reverse("two_factor_remove"))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.parametrize(("mode", "required"), [("roles", False), ("all", True)])
def test_a_port_officer_must_only_when_all_must(client, port_officer, settings, mode, required):
    settings.CIVPORT_TWO_FACTOR = mode
    _log_in(client, "sz_officer")
    assert (SESSION_KEY in client.session) is required


def test_the_admins_users_must_under_roles(client, settings, world):
    settings.CIVPORT_TWO_FACTOR = "roles"
    get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
    _log_in(client, "clerk")
    assert client.session[SESSION_KEY] == "set_up"


def test_who_need_not_may_turn_it_off(office):
    _enrol(office)
    office.post(reverse("two_factor_remove"))
    assert not TOTPDevice.objects.exists()
    assert AuditEntry.objects.filter(action="civport.two_factor.removed").exists()


def test_verify_without_a_pending_code_goes_on(office):
    response = office.get(reverse("two_factor_verify") + "?next=/notifications/")
    assert response.status_code == 302 and response.url == "/notifications/"


def test_an_outside_next_is_not_followed(office, client_factory):
    device, _codes = _enrol(office)
    browser = client_factory()
    _log_in(browser)
    response = browser.post(
        reverse("two_factor_verify"),
        {"code": code_for(device, ahead=1), "next": "https://example.com/"},
    )
    assert response.url == reverse("campaigns:home")


def test_after_a_wrong_code_the_next_try_must_wait(office, client_factory):
    device, _codes = _enrol(office)
    browser = client_factory()
    _log_in(browser)
    browser.post(reverse("two_factor_verify"), {"code": "123456"})
    device.refresh_from_db()
    refused = browser.post(reverse("two_factor_verify"), {"code": code_for(device, ahead=1)})
    assert refused.status_code == 400
    assert browser.session[SESSION_KEY] == "verify"
