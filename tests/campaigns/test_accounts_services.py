"""Account management down the hierarchy: who administers whom, the one-time links, the duty,
disabling, and the audit trail of every change."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from campaigns import services
from campaigns.access.accounts import access_account, can_grant_role
from campaigns.models import AccountProfile, AccountToken, Membership
from campaigns.scope import scope_for
from campaigns.selectors.accounts import account_list_for, reviewer_account_list
from campaigns.services import accounts
from civport.models import AuditEntry

Role = Membership.Role


def _duty(user):
    membership = user.memberships.get()
    accounts.account_duty_set(actor=None, membership=membership, manages_accounts=True)
    return user


@pytest.fixture
def national_manager(national_admin):
    return _duty(national_admin)


@pytest.fixture
def gd_manager(gd_officer):
    return _duty(gd_officer)


@pytest.fixture
def zj_manager(zj_officer):
    return _duty(zj_officer)


@pytest.fixture
def sz_manager(port_officer):
    return _duty(port_officer)


@pytest.fixture
def reviewer(world):
    return accounts.account_create(
        actor=None, username="gd_reviewer1", name="评审专家", role=Role.REVIEWER, authority=world.gd
    ).user


def _token(link):
    return link.url.rstrip("/").rsplit("/", 1)[-1]


# --- who administers whom ------------------------------------------------------------------


# (manager, account, administers)
MATRIX = [
    ("national_manager", "gd_officer", True),
    ("national_manager", "zj_officer", True),
    ("national_manager", "port_officer", False),
    ("national_manager", "unit_contact", False),
    ("gd_manager", "port_officer", True),
    ("gd_manager", "unit_contact", True),
    ("gd_manager", "reviewer", True),
    ("gd_manager", "nb_officer", False),
    ("gd_manager", "zj_officer", False),
    ("gd_manager", "national_admin", False),
    ("sz_manager", "unit_contact", True),
    ("sz_manager", "reviewer", False),
    ("sz_manager", "nb_officer", False),
    ("zj_manager", "nb_officer", True),
    ("zj_manager", "unit_contact", False),
    ("zj_manager", "port_officer", False),
    ("gd_officer", "unit_contact", False),
    ("port_officer", "unit_contact", False),
    ("national_admin", "gd_officer", False),
    ("outsider", "unit_contact", False),
]


@pytest.mark.parametrize(("manager", "account", "administers"), MATRIX)
def test_administer_matrix(persona, request, manager, account, administers):
    manager_user = request.getfixturevalue(manager)
    account_user = request.getfixturevalue(account)
    listed = account_list_for(manager_user).filter(pk=account_user.pk).exists()
    assert listed is administers
    if administers:
        assert access_account(manager_user, account_user.pk) == account_user
    else:
        with pytest.raises(Http404):
            access_account(manager_user, account_user.pk)


def test_matrix_refusal_is_for_the_duty(gd_officer, unit_contact):
    """Without the duty the officer gets 404; with it, the same account is theirs."""
    with pytest.raises(Http404):
        access_account(gd_officer, unit_contact.pk)
    _duty(gd_officer)
    assert access_account(gd_officer, unit_contact.pk) == unit_contact


def test_an_account_with_a_role_beyond_the_manager_is_not_theirs(gd_manager, unit_contact, world):
    services.membership_grant(
        actor=None, user=unit_contact, role=Role.PROVINCIAL_OFFICER, authority=world.gd
    )
    with pytest.raises(Http404):
        access_account(gd_manager, unit_contact.pk)


@pytest.mark.parametrize(
    ("manager", "role", "place", "allowed"),
    [
        ("gd_manager", Role.PORT_OFFICER, "sz", True),
        ("gd_manager", Role.UNIT_CONTACT, "sz_unit", True),
        ("gd_manager", Role.REVIEWER, "gd", True),
        ("gd_manager", Role.PROVINCIAL_OFFICER, "gd", False),
        ("gd_manager", Role.NATIONAL_OFFICE, "national", False),
        ("gd_manager", Role.PORT_OFFICER, "nb", False),
        ("gd_manager", Role.UNIT_CONTACT, "nb_unit", False),
        ("gd_manager", Role.REVIEWER, "zj", False),
        ("sz_manager", Role.UNIT_CONTACT, "sz_unit", True),
        ("sz_manager", Role.UNIT_CONTACT, "gz_unit", False),
        ("sz_manager", Role.PORT_OFFICER, "sz", False),
        ("sz_manager", Role.REVIEWER, "gd", False),
        ("national_manager", Role.PROVINCIAL_OFFICER, "zj", True),
        ("national_manager", Role.PORT_OFFICER, "sz", False),
        ("gd_officer", Role.UNIT_CONTACT, "sz_unit", False),
    ],
)
def test_who_may_grant_which_role_where(request, world, manager, role, place, allowed):
    user = request.getfixturevalue(manager)
    places = {
        "national": (world.national, None),
        "gd": (world.gd, None),
        "zj": (world.zj, None),
        "sz": (world.sz.authority, None),
        "nb": (world.nb.authority, None),
        "sz_unit": (None, world.sz.units[0]),
        "gz_unit": (None, world.gz.units[0]),
        "nb_unit": (None, world.nb.units[0]),
    }
    authority, unit = places[place]
    assert can_grant_role(scope_for(user), role=role, authority=authority, unit=unit) is allowed
    if allowed:
        return
    with pytest.raises(ValidationError):
        accounts.account_create(
            actor=user, username="newcomer", name="新人", role=role, authority=authority, unit=unit
        )
    assert not get_user_model().objects.filter(username="newcomer").exists()


# --- creating and activating -----------------------------------------------------------------


def test_create_makes_an_inactive_password_a_role_and_an_audited_link(gd_manager, world):
    link = accounts.account_create(
        actor=gd_manager,
        username="sz_contact2",
        name="李四",
        role=Role.UNIT_CONTACT,
        unit=world.sz.units[1],
        phone="0755-1234",
    )
    user = link.user
    assert not user.has_usable_password()
    assert user.account_profile.managed_by == world.sz.authority
    assert user.account_profile.phone == "0755-1234"
    assert scope_for(user).view_unit_ids == {world.sz.units[1].pk}
    token = AccountToken.objects.get(user=user)
    assert token.token_hash == AccountToken.hash(_token(link))
    assert _token(link) not in token.token_hash
    assert token.expires_at > timezone.now() + datetime.timedelta(days=6)
    actions = list(AuditEntry.objects.filter(actor=gd_manager).values_list("action", flat=True))
    assert "campaigns.account.created" in actions
    assert "campaigns.membership.granted" in actions


def test_create_emails_the_link_when_the_account_has_an_address(
    gd_manager, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = accounts.account_create(
            actor=gd_manager,
            username="rev2",
            name="王五",
            role=Role.REVIEWER,
            authority=world.gd,
            email="rev2@example.cn",
        )
    assert link.emailed
    assert len(mail.outbox) == 1
    assert link.url in mail.outbox[0].body


def test_activation_link_is_single_use(reviewer):
    link = accounts.account_password_reset(actor=None, user=reviewer)
    token = AccountToken.objects.get(token_hash=AccountToken.hash(_token(link)))
    accounts.account_activate(token=token, password="Harbour-lights-2026")
    reviewer.refresh_from_db()
    assert reviewer.check_password("Harbour-lights-2026")
    assert AuditEntry.objects.filter(action="campaigns.account.activated", actor=reviewer).exists()
    token.refresh_from_db()
    with pytest.raises(ValidationError):
        accounts.account_activate(token=token, password="Another-harbour-2026")
    reviewer.refresh_from_db()
    assert reviewer.check_password("Harbour-lights-2026")


def test_activation_link_expires(reviewer, settings):
    link = accounts.account_password_reset(actor=None, user=reviewer)
    token = AccountToken.objects.get(token_hash=AccountToken.hash(_token(link)))
    token.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    token.save(update_fields=["expires_at"])
    with pytest.raises(ValidationError):
        accounts.account_activate(token=token, password="Harbour-lights-2026")
    assert not token.is_usable


def test_a_new_link_replaces_the_old_one(reviewer):
    first = accounts.account_password_reset(actor=None, user=reviewer)
    accounts.account_password_reset(actor=None, user=reviewer)
    old = AccountToken.objects.get(token_hash=AccountToken.hash(_token(first)))
    assert not old.is_usable


def test_activation_applies_the_password_validators(reviewer):
    link = accounts.account_password_reset(actor=None, user=reviewer)
    token = AccountToken.objects.get(token_hash=AccountToken.hash(_token(link)))
    with pytest.raises(ValidationError):
        accounts.account_activate(token=token, password="123")
    token.refresh_from_db()
    assert token.used_at is None


def test_reset_forces_a_change_and_is_audited(gd_manager, port_officer):
    accounts.account_password_reset(actor=gd_manager, user=port_officer)
    assert AccountProfile.objects.get(user=port_officer).must_change_password
    # The old password still opens the forced change page.
    port_officer.refresh_from_db()
    assert port_officer.check_password("correct-horse-battery")
    entry = AuditEntry.objects.get(action="campaigns.account.password_reset")
    assert entry.actor == gd_manager
    assert entry.changes["purpose"] == "reset"


# --- state, roles and duty ----------------------------------------------------------------


def test_disable_and_enable(gd_manager, port_officer):
    accounts.account_disable(actor=gd_manager, user=port_officer)
    port_officer.refresh_from_db()
    assert not port_officer.is_active
    assert port_officer.account_profile.disabled_by == gd_manager
    with pytest.raises(ValidationError):
        accounts.account_disable(actor=gd_manager, user=port_officer)
    accounts.account_enable(actor=gd_manager, user=port_officer)
    port_officer.refresh_from_db()
    assert port_officer.is_active
    assert list(
        AuditEntry.objects.filter(action__startswith="campaigns.account.")
        .order_by("pk")
        .values_list("action", flat=True)
    )[-2:] == ["campaigns.account.disabled", "campaigns.account.enabled"]


def test_a_manager_cannot_disable_a_colleague_or_themselves(gd_manager, zj_officer):
    with pytest.raises(ValidationError):
        accounts.account_disable(actor=gd_manager, user=gd_manager)
    with pytest.raises(ValidationError):
        accounts.account_disable(actor=gd_manager, user=zj_officer)
    zj_officer.refresh_from_db()
    assert zj_officer.is_active


def test_grant_and_revoke_a_role(gd_manager, unit_contact, world):
    membership = accounts.account_role_grant(
        actor=gd_manager, user=unit_contact, role=Role.UNIT_CONTACT, unit=world.gz.units[0]
    )
    assert world.gz.units[0].pk in scope_for(unit_contact).view_unit_ids
    accounts.account_role_revoke(actor=gd_manager, membership=membership)
    unit_contact.refresh_from_db()
    assert world.gz.units[0].pk not in scope_for(unit_contact).view_unit_ids
    assert AuditEntry.objects.filter(action="campaigns.membership.revoked").exists()


def test_reviewer_role_gives_no_scope(reviewer, world):
    scope = scope_for(reviewer)
    assert scope.is_empty
    assert list(reviewer_account_list(world.gd)) == [reviewer]
    assert list(reviewer_account_list(world.zj)) == []


def test_duty_grant_makes_a_manager_and_revoke_ends_it(gd_manager, port_officer, unit_contact):
    membership = port_officer.memberships.get()
    accounts.account_duty_set(actor=gd_manager, membership=membership, manages_accounts=True)
    assert scope_for(port_officer).manages_accounts
    assert access_account(port_officer, unit_contact.pk) == unit_contact
    accounts.account_duty_set(actor=gd_manager, membership=membership, manages_accounts=False)
    assert not scope_for(port_officer).manages_accounts
    assert AuditEntry.objects.filter(action="campaigns.account.duty_revoked").exists()


def test_a_port_manager_cannot_grant_the_duty(sz_manager, world):
    other = get_user_model().objects.create_user("sz_officer2")
    membership = services.membership_grant(
        actor=None, user=other, role=Role.PORT_OFFICER, authority=world.sz.authority
    )
    with pytest.raises(ValidationError):
        accounts.account_duty_set(actor=sz_manager, membership=membership, manages_accounts=True)


def test_a_revoked_account_stays_with_its_managers(gd_manager, world):
    link = accounts.account_create(
        actor=gd_manager,
        username="gz_c",
        name="赵六",
        role=Role.UNIT_CONTACT,
        unit=world.gz.units[0],
    )
    accounts.account_role_revoke(actor=gd_manager, membership=link.user.memberships.get())
    assert access_account(gd_manager, link.user.pk) == link.user
