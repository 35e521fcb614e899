"""Writes for account management (分级管理): accounts, their roles and duty, their state and their
one-time password links. Every function takes an explicit `actor` (None: the system, which may
do anything) and re-checks that the actor's duty covers what it changes; the views check first
with the access helpers, so a refusal here means a stale form, not a normal path."""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from campaigns.access.accounts import can_grant_role, can_manage_membership, can_set_duty
from campaigns.models import AccountProfile, AccountToken, Authority, Membership, Unit
from campaigns.scope import MANAGE_ACCOUNTS, forget_scope, scope_for
from campaigns.selectors.accounts import DUTY_ROLES
from campaigns.services import membership_grant, membership_revoke
from civport.audit import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

LINK_DAYS_DEFAULT = 7
PROFILE_FIELDS = ("username", "first_name", "email")


@dataclass(frozen=True)
class IssuedLink:
    """A one-time link just made: its address is known only now (the token is stored hashed)."""

    user: User
    url: str
    expires_at: datetime.datetime
    emailed: bool


def link_days() -> int:
    return int(getattr(settings, "CIVPORT_ACCOUNT_LINK_DAYS", LINK_DAYS_DEFAULT))


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _check_grant(
    actor: User | None, *, role: str, authority: Authority | None, unit: Unit | None
) -> None:
    if actor is None:
        return
    if not can_grant_role(scope_for(actor), role=role, authority=authority, unit=unit):
        raise _refuse("role", _("You may not grant this role at this place."))


def _check_account(actor: User | None, user: User) -> None:
    """Refuse an account beyond the actor's duty (a role it holds that the actor does not
    administer, or the actor's own account)."""
    if actor is None:
        return
    scope = scope_for(actor)
    if actor.pk == user.pk or user.is_superuser:
        raise _refuse("__all__", _("You may not change this account."))
    for membership in user.memberships.select_related("authority", "unit", "unit__authority"):
        if not can_manage_membership(scope, membership):
            raise _refuse("__all__", _("You may not change this account."))


def _managed_by(role: str, authority: Authority | None, unit: Unit | None) -> Authority | None:
    """The authority whose managers administer an account created with this role."""
    if unit is not None:
        return unit.authority
    if authority is None:
        return None
    if role == Membership.Role.REVIEWER:
        return authority
    return authority.parent


def _email_configured() -> bool:
    return not settings.EMAIL_BACKEND.endswith(("console.EmailBackend", "dummy.EmailBackend"))


def _send_link(user: User, url: str, purpose: str, expires_at: datetime.datetime) -> None:
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"user": user, "url": url, "purpose": purpose, "expires_at": expires_at}
        subject = render_to_string("campaigns/accounts/link_email_subject.txt", context)
        body = render_to_string("campaigns/accounts/link_email.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except OSError:
        # The manager still has the link on screen to hand over.
        logger.exception("account link e-mail to user %s failed", user.pk)


def _link_issue(*, actor: User | None, user: User, purpose: str) -> IssuedLink:
    """A new one-time link for `user`; the user's earlier unused links stop working."""
    now = timezone.now()
    AccountToken.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    expires_at = now + datetime.timedelta(days=link_days())
    AccountToken.objects.create(
        user=user,
        purpose=purpose,
        token_hash=AccountToken.hash(token),
        expires_at=expires_at,
        created_by=actor,
    )
    url = settings.CIVPORT_PUBLIC_URL.rstrip("/") + reverse(
        "campaigns:account-activate", args=[token]
    )
    emailed = bool(user.email) and _email_configured()
    if emailed:
        transaction.on_commit(lambda: _send_link(user, url, purpose, expires_at))
    return IssuedLink(user=user, url=url, expires_at=expires_at, emailed=emailed)


def _profile(user: User) -> AccountProfile:
    profile, _created = AccountProfile.objects.get_or_create(user=user)
    return profile


# --- accounts --------------------------------------------------------------------------------


@transaction.atomic
def account_create(
    *,
    actor: User | None,
    username: str,
    name: str,
    role: str,
    authority: Authority | None = None,
    unit: Unit | None = None,
    email: str = "",
    phone: str = "",
) -> IssuedLink:
    """A new account with one role, no password yet and an activation link."""
    _check_grant(actor, role=role, authority=authority, unit=unit)
    user = get_user_model()(username=username.strip(), first_name=name.strip(), email=email.strip())
    user.set_unusable_password()
    user.full_clean()
    user.save()
    profile = AccountProfile(
        user=user,
        phone=phone.strip(),
        managed_by=_managed_by(role, authority, unit),
        created_by=actor,
    )
    profile.full_clean()
    profile.save()
    membership_grant(actor=actor, user=user, role=role, authority=authority, unit=unit)
    audit_record(
        actor=actor,
        action="campaigns.account.created",
        obj=user,
        changes={
            "username": user.username,
            "name": user.first_name,
            "email": user.email,
            "phone": profile.phone,
            "role": role,
            "authority": authority,
            "unit": unit,
        },
    )
    return _link_issue(actor=actor, user=user, purpose=AccountToken.Purpose.ACTIVATION)


@transaction.atomic
def account_update(*, actor: User | None, user: User, name: str, email: str, phone: str) -> User:
    """Change an account's name, e-mail and work phone."""
    _check_account(actor, user)
    profile = _profile(user)
    before = {"name": user.first_name, "email": user.email, "phone": profile.phone}
    after = {"name": name.strip(), "email": email.strip(), "phone": phone.strip()}
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if not changes:
        return user
    user.first_name, user.email = after["name"], after["email"]
    profile.phone = after["phone"]
    user.full_clean()
    profile.full_clean()
    user.save(update_fields=["first_name", "email"])
    profile.save(update_fields=["phone", "updated_at"])
    audit_record(actor=actor, action="campaigns.account.updated", obj=user, changes=changes)
    return user


@transaction.atomic
def account_disable(*, actor: User | None, user: User) -> User:
    """Disable an account: it can no longer log in, and its sessions end (Django refuses an
    inactive user's session) and its open links stop working."""
    _check_account(actor, user)
    if not user.is_active:
        raise _refuse("__all__", _("This account is disabled already."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    profile = _profile(user)
    profile.disabled_at = timezone.now()
    profile.disabled_by = actor
    profile.save(update_fields=["disabled_at", "disabled_by", "updated_at"])
    AccountToken.objects.filter(user=user, used_at__isnull=True).update(expires_at=timezone.now())
    audit_record(actor=actor, action="campaigns.account.disabled", obj=user, changes={})
    return user


@transaction.atomic
def account_enable(*, actor: User | None, user: User) -> User:
    _check_account(actor, user)
    if user.is_active:
        raise _refuse("__all__", _("This account is active already."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    profile = _profile(user)
    profile.disabled_at = None
    profile.disabled_by = None
    profile.save(update_fields=["disabled_at", "disabled_by", "updated_at"])
    audit_record(actor=actor, action="campaigns.account.enabled", obj=user, changes={})
    return user


@transaction.atomic
def account_password_reset(*, actor: User | None, user: User) -> IssuedLink:
    """A new link to set the password, and a forced change at the next login for as long as the
    person has not set one through it. An account never activated gets a new activation link."""
    _check_account(actor, user)
    if not user.is_active:
        raise _refuse("__all__", _("Enable the account before resetting its password."))
    activated = user.has_usable_password()
    profile = _profile(user)
    if activated and not profile.must_change_password:
        profile.must_change_password = True
        profile.save(update_fields=["must_change_password", "updated_at"])
    purpose = AccountToken.Purpose.RESET if activated else AccountToken.Purpose.ACTIVATION
    link = _link_issue(actor=actor, user=user, purpose=purpose)
    audit_record(
        actor=actor,
        action="campaigns.account.password_reset",
        obj=user,
        changes={"purpose": purpose, "expires_at": link.expires_at.isoformat()},
    )
    return link


@transaction.atomic
def account_activate(*, token: AccountToken, password: str) -> User:
    """Set the password through a one-time link; the link is used up whatever happens next."""
    user = token.user
    if not user.is_active:
        raise _refuse("__all__", _("This account is disabled; ask your account manager."))
    validate_password(password, user)
    # The conditional update makes the link single-use even with two submissions at once.
    claimed = AccountToken.objects.filter(
        pk=token.pk, used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now())
    if not claimed:
        raise _refuse("__all__", _("This link has been used or has expired."))
    user.set_password(password)
    user.save(update_fields=["password"])
    profile = _profile(user)
    profile.must_change_password = False
    profile.password_changed_at = timezone.now()
    profile.save(update_fields=["must_change_password", "password_changed_at", "updated_at"])
    action = (
        "campaigns.account.activated"
        if token.purpose == AccountToken.Purpose.ACTIVATION
        else "campaigns.account.password_set"
    )
    audit_record(actor=user, action=action, obj=user, changes={})
    return user


@transaction.atomic
def account_password_changed(*, actor: User) -> None:
    """Record that `actor` changed their own password: the forced change is done."""
    profile = _profile(actor)
    profile.must_change_password = False
    profile.password_changed_at = timezone.now()
    profile.save(update_fields=["must_change_password", "password_changed_at", "updated_at"])
    audit_record(actor=actor, action="campaigns.account.password_changed", obj=actor, changes={})


# --- roles -----------------------------------------------------------------------------------


@transaction.atomic
def account_role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    authority: Authority | None = None,
    unit: Unit | None = None,
) -> Membership:
    _check_account(actor, user)
    _check_grant(actor, role=role, authority=authority, unit=unit)
    if Membership.objects.filter(user=user, role=role, authority=authority, unit=unit).exists():
        raise _refuse("role", _("The account holds this role here already."))
    if not hasattr(user, "account_profile"):
        AccountProfile.objects.create(user=user, managed_by=_managed_by(role, authority, unit))
    return membership_grant(actor=actor, user=user, role=role, authority=authority, unit=unit)


@transaction.atomic
def account_role_revoke(*, actor: User | None, membership: Membership) -> None:
    if actor is not None and not can_manage_membership(scope_for(actor), membership):
        raise _refuse("role", _("You may not revoke this role."))
    membership_revoke(actor=actor, membership=membership)


@transaction.atomic
def account_duty_set(
    *, actor: User | None, membership: Membership, manages_accounts: bool
) -> Membership:
    """Give or take the account-manager duty on an officer's role."""
    if membership.role not in DUTY_ROLES:
        raise _refuse("manages_accounts", _("Only an officer of an authority manages accounts."))
    if actor is not None and not can_set_duty(scope_for(actor), membership):
        raise _refuse("manages_accounts", _("You may not change this duty."))
    if membership.manages_accounts == manages_accounts:
        return membership
    membership.manages_accounts = manages_accounts
    membership.full_clean()
    membership.save(update_fields=["manages_accounts"])
    perm = f"campaigns.{MANAGE_ACCOUNTS}"
    if manages_accounts:
        assign_perm(perm, membership.user, membership.authority)
    elif not Membership.objects.filter(
        user=membership.user, authority=membership.authority, manages_accounts=True
    ).exists():
        remove_perm(perm, membership.user, membership.authority)
    forget_scope(membership.user)
    audit_record(
        actor=actor,
        action="campaigns.account.duty_granted"
        if manages_accounts
        else "campaigns.account.duty_revoked",
        obj=membership,
        changes={"user": membership.user_id, "role": membership.role},
    )
    return membership


# --- imports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    """One validated row of an account import."""

    username: str
    name: str
    role: str
    authority: Authority | None
    unit: Unit | None
    phone: str
    email: str


@transaction.atomic
def accounts_import_apply(*, actor: User | None, rows: Sequence[AccountRow]) -> list[IssuedLink]:
    """Create every account of a validated file, or none."""
    return [
        account_create(
            actor=actor,
            username=row.username,
            name=row.name,
            role=row.role,
            authority=row.authority,
            unit=row.unit,
            email=row.email,
            phone=row.phone,
        )
        for row in rows
    ]
