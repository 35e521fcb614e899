"""Reads for account management (分级管理): whose accounts and roles a manager administers.

A manager holds the account-manager duty (`Membership.manages_accounts`, the `manage_accounts`
grant on the authority, read into `Scope.account_grants`) and administers the level directly
below within their authority: the national office the provincial officers; a province its port
officers, unit contacts and reviewers; a port authority its unit contacts. An account is the
manager's when every role it holds is one the manager administers (so nobody touches a colleague
beside or above them), or, holding none, when the manager's authority administers it.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q

from campaigns.models import AccountToken, Authority, Membership
from campaigns.scope import Grant, Scope, scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

Role = Membership.Role

# The roles a manager at an authority of each level administers.
MANAGED_ROLES: dict[str, tuple[str, ...]] = {
    Authority.Level.NATIONAL: (Role.PROVINCIAL_OFFICER,),
    Authority.Level.PROVINCIAL: (Role.PORT_OFFICER, Role.UNIT_CONTACT, Role.REVIEWER),
    Authority.Level.PORT: (Role.UNIT_CONTACT,),
    Authority.Level.COUNTY: (Role.UNIT_CONTACT,),
}
# Roles whose holders may be given the account-manager duty.
DUTY_ROLES = (Role.NATIONAL_OFFICE, Role.PROVINCIAL_OFFICER, Role.PORT_OFFICER)
# The unusable password Django stores for an account nobody has activated yet.
UNUSABLE_PREFIX = "!"


def _grant_membership_q(grant: Grant, prefix: str = "") -> Q:
    """Memberships one duty grant administers (`prefix` for a lookup through a relation)."""
    path = grant.path
    roles = MANAGED_ROLES.get(grant.level, ())
    parts = []
    if Role.PROVINCIAL_OFFICER in roles:
        parts.append(
            Q(
                **{
                    f"{prefix}role": Role.PROVINCIAL_OFFICER,
                    f"{prefix}authority__path__startswith": path,
                }
            )
        )
    if Role.PORT_OFFICER in roles:
        parts.append(
            Q(**{f"{prefix}role": Role.PORT_OFFICER, f"{prefix}authority__path__startswith": path})
        )
    if Role.REVIEWER in roles:
        parts.append(Q(**{f"{prefix}role": Role.REVIEWER, f"{prefix}authority__path": path}))
    if Role.UNIT_CONTACT in roles:
        parts.append(
            Q(
                **{
                    f"{prefix}role": Role.UNIT_CONTACT,
                    f"{prefix}unit__authority__path__startswith": path,
                }
            )
        )
    return reduce(or_, parts) if parts else Q(pk__in=[])


def managed_membership_q(scope: Scope) -> Q:
    """The memberships the scope's duty administers."""
    if scope.is_superuser:
        return Q()
    if not scope.account_grants:
        return Q(pk__in=[])
    return reduce(or_, (_grant_membership_q(g) for g in scope.account_grants))


def _home_q(scope: Scope) -> Q:
    if scope.is_superuser:
        return Q()
    if not scope.account_grants:
        return Q(pk__in=[])
    return reduce(
        or_,
        (Q(account_profile__managed_by__path__startswith=g.path) for g in scope.account_grants),
    )


def account_list_for(user: User | AnonymousUser) -> QuerySet[User]:
    """The accounts the user administers, with their profile, where it sits and their roles."""
    users = get_user_model().objects
    scope = scope_for(user)
    if not user.is_authenticated or not scope.manages_accounts:
        return users.none()
    managed = managed_membership_q(scope)
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    accounts = users.filter(
        Exists(memberships.filter(managed))
        | (~Exists(memberships) & Q(account_profile__isnull=False) & _home_q(scope))
    )
    if not scope.is_superuser:
        # A superuser's `managed` is Q(), and ~Q() matches every row: nothing to exclude.
        accounts = accounts.exclude(Exists(memberships.filter(~managed)))
    return (
        accounts.exclude(is_superuser=True)
        .exclude(pk=user.pk)
        .select_related("account_profile", "account_profile__managed_by")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related(
                    "authority", "unit", "unit__authority"
                ).order_by("pk"),
            )
        )
        .order_by("username")
    )


def account_state_q(state: str) -> Q:
    """Accounts in a state: active, not activated (no password yet) or disabled."""
    if state == "disabled":
        return Q(is_active=False)
    if state == "not_activated":
        return Q(is_active=True, password__startswith=UNUSABLE_PREFIX)
    return Q(is_active=True) & ~Q(password__startswith=UNUSABLE_PREFIX)


def account_token_get(token: str) -> AccountToken | None:
    """The link of a raw token, with its user; None when there is no such link."""
    if not token:
        return None
    return (
        AccountToken.objects.select_related("user", "user__account_profile")
        .filter(token_hash=AccountToken.hash(token))
        .first()
    )


def reviewer_account_list(authority: Authority) -> QuerySet[User]:
    """The active reviewer accounts of an authority (for a review panel's candidates)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Role.REVIEWER,
            memberships__authority=authority,
        )
        .order_by("username")
        .distinct()
    )
