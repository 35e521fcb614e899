"""Every security event is an audit entry with its time, user, client address, action, object
and outcome: logins, failed logins, lockouts, logouts, a wrong second factor, two-factor
enrolment, password changes and resets, role grants and revokes, exports."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from campaigns import services
from campaigns.models import Membership
from civport.audit import audit_record
from civport.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _client(address):
    return Client(REMOTE_ADDR=address)


def _log_in(client, password=PASSWORD, username="national"):
    return client.post(reverse("login"), {"username": username, "password": password})


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_a_business_write_succeeds_by_default(db):
    entry = audit_record(actor=None, action="civport.test.done")
    entry.refresh_from_db()
    assert entry.outcome == AuditEntry.Outcome.SUCCESS
    assert entry.chain_seq is None and entry.chain_hash is None


def test_a_login_is_audited_with_user_address_and_success(national_admin):
    response = _log_in(_client("10.1.2.3"))
    assert response.status_code == 302
    (entry,) = _entries("civport.login.succeeded")
    assert (entry.actor, entry.actor_repr, entry.ip_address, entry.outcome) == (
        national_admin,
        "national",
        "10.1.2.3",
        AuditEntry.Outcome.SUCCESS,
    )
    assert entry.object_id == str(national_admin.pk) and entry.at is not None


def test_a_failed_login_is_audited_as_a_failure_naming_the_account_tried(national_admin):
    _log_in(_client("10.1.2.4"), "wrong-password")
    (entry,) = _entries("civport.login.failed")
    assert (entry.actor, entry.actor_repr, entry.ip_address, entry.outcome) == (
        None,
        "national",
        "10.1.2.4",
        AuditEntry.Outcome.FAILURE,
    )
    assert entry.object_id == str(national_admin.pk)


def test_a_failed_login_for_no_account_names_what_was_typed(db):
    _log_in(_client("10.1.2.5"), username="nobody-here")
    (entry,) = _entries("civport.login.failed")
    assert (entry.actor_repr, entry.object_id, entry.outcome) == (
        "nobody-here",
        "",
        AuditEntry.Outcome.FAILURE,
    )


def test_a_lockout_is_audited_as_a_failure(national_admin, settings):
    client = _client("10.1.2.6")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "wrong-password")
    (entry,) = _entries("civport.lockout")
    assert (entry.actor_repr, entry.ip_address, entry.outcome) == (
        "national",
        "10.1.2.6",
        AuditEntry.Outcome.FAILURE,
    )
    assert entry.object_id == str(national_admin.pk)
    # The lockout is in addition to the failed attempts that led to it.
    assert len(_entries("civport.login.failed")) == settings.AXES_FAILURE_LIMIT


def test_a_logout_is_audited(national_admin):
    client = _client("10.1.2.7")
    _log_in(client)
    client.post(reverse("logout"))
    (entry,) = _entries("civport.logout")
    assert (entry.actor, entry.ip_address, entry.outcome, entry.changes) == (
        national_admin,
        "10.1.2.7",
        AuditEntry.Outcome.SUCCESS,
        {"end": "logout"},
    )


def test_a_wrong_second_factor_is_audited_as_a_failure(national_admin):
    from civport import twofactor

    assert twofactor.verify_code(national_admin, "000000") is None
    (entry,) = _entries("civport.two_factor.failed")
    assert (entry.actor, entry.outcome) == (national_admin, AuditEntry.Outcome.FAILURE)


def test_two_factor_enrolment_is_audited(national_admin):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from civport import twofactor

    device = TOTPDevice.objects.create(user=national_admin, name="app", confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert twofactor.two_factor_confirm(
        actor=national_admin, device=device, code=str(totp.token()).zfill(6)
    )
    (entry,) = _entries("civport.two_factor.enrolled")
    assert (entry.actor, entry.object_id) == (national_admin, str(national_admin.pk))


def test_a_password_change_is_audited(national_admin):
    client = _client("10.1.2.8")
    _log_in(client)
    new = "Harbour-lights-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    (entry,) = _entries("campaigns.account.password_changed")
    assert (entry.actor, entry.ip_address, entry.outcome) == (
        national_admin,
        "10.1.2.8",
        AuditEntry.Outcome.SUCCESS,
    )


def test_a_password_reset_request_is_audited_with_the_address(national_admin, settings):
    settings.CIVPORT_PASSWORD_RESET_BY_EMAIL = True
    national_admin.email = "national@example.gov.cn"
    national_admin.save(update_fields=["email"])
    _client("10.1.2.9").post(reverse("password_reset"), {"email": "national@example.gov.cn"})
    (entry,) = _entries("civport.password.reset_requested")
    assert entry.ip_address == "10.1.2.9"


def test_role_grant_and_revoke_are_audited(national_admin, world):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("someone", password=PASSWORD)
    membership = services.membership_grant(
        actor=national_admin, user=user, role=Membership.Role.PROVINCIAL_OFFICER, authority=world.gd
    )
    services.membership_revoke(actor=national_admin, membership=membership)
    granted, revoked = (
        _entries("campaigns.membership.granted")[-1],
        _entries("campaigns.membership.revoked")[-1],
    )
    assert (granted.actor, granted.changes["user"], granted.changes["role"]) == (
        national_admin,
        user.pk,
        Membership.Role.PROVINCIAL_OFFICER,
    )
    assert (revoked.actor, revoked.changes["user"]) == (national_admin, user.pk)


def test_an_export_of_records_is_audited_with_its_format_and_rows(client, national_admin):
    client.force_login(national_admin)
    response = client.get(reverse("campaigns:export", args=["units", "csv"]))
    assert response.status_code == 200
    (entry,) = _entries("campaigns.records.exported")
    assert entry.actor == national_admin
    assert entry.changes["format"] == "csv" and entry.changes["kind"] == "units"
    assert entry.changes["rows"] == len(response.content.decode("utf-8-sig").splitlines()) - 1


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("review-export-matrix", "assessments.review.matrix_exported"),
        ("review-export-ranking", "assessments.review.ranking_exported"),
    ],
)
def test_an_export_of_review_scores_is_audited(client, gd_officer, gd_review, name, action):
    client.force_login(gd_officer)
    response = client.get(reverse(f"assessments:{name}", args=[gd_review.pk]))
    assert response.status_code == 200
    (entry,) = _entries(action)
    assert (entry.actor, entry.object_id, entry.changes) == (
        gd_officer,
        str(gd_review.pk),
        {"format": "xlsx"},
    )


def test_an_export_of_a_scheme_is_audited(client, national_admin, template):
    client.force_login(national_admin)
    response = client.get(reverse("assessments:scheme-export", args=[template.pk]))
    assert response.status_code == 200
    (entry,) = _entries("assessments.scheme.exported")
    assert (entry.actor, entry.object_id) == (national_admin, str(template.pk))


def test_an_admin_export_is_audited(admin_client):
    url = reverse("admin:campaigns_unit_export")
    form = admin_client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial}
    data["format"] = "0"
    response = admin_client.post(url, data)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    (entry,) = _entries("campaigns.unit.exported")
    assert entry.actor.is_superuser and entry.changes["admin"] is True


@pytest.fixture
def security_admin(db):
    from django.contrib.auth.models import Group

    from civport.adminroles import SECURITY, admin_roles_install

    admin_roles_install()
    user = get_user_model().objects.create_user("sec_admin", password=PASSWORD, is_staff=True)
    user.groups.set([Group.objects.get(name=SECURITY)])
    return user


def test_an_administrator_role_granted_and_revoked_in_the_admin_is_audited(client, security_admin):
    from django.contrib.auth.models import Group

    from civport.adminroles import AUDIT

    target = get_user_model().objects.create_user("clerk", password=PASSWORD)
    group = Group.objects.get(name=AUDIT)
    client.force_login(security_admin)
    url = reverse("admin:auth_user_change", args=[target.pk])
    assert client.post(url, {"groups": [group.pk], "is_staff": "on"}).status_code == 302
    assert client.post(url, {"groups": [], "is_staff": "on"}).status_code == 302
    (granted,) = _entries("civport.admin_role.granted")
    (revoked,) = _entries("civport.admin_role.revoked")
    for entry in (granted, revoked):
        assert (entry.actor, entry.object_id, entry.changes) == (
            security_admin,
            str(target.pk),
            {"group": AUDIT},
        )
    (flags,) = _entries("civport.account.admin_flags_changed")
    assert flags.changes == {"is_staff": True}


def test_a_password_set_in_the_admin_is_audited(admin_client):
    target = get_user_model().objects.create_user("clerk", password=PASSWORD)
    new = "Harbour-lights-2026"
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    (entry,) = _entries("civport.password.set_by_admin")
    assert entry.object_id == str(target.pk) and entry.actor.is_superuser
