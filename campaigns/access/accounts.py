"""Access to accounts and roles (分级管理): who may administer whom.

A manager (the account-manager duty) administers the level directly below within their
authority; see `campaigns.selectors.accounts`. Accounts outside the manager's area, and every
account page for a user without the duty, give 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from campaigns.models import Authority, Membership
from campaigns.scope import Scope, scope_for
from campaigns.selectors.accounts import DUTY_ROLES, MANAGED_ROLES, account_list_for
from civport.queries import get_or_404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from campaigns.models import Unit

Role = Membership.Role


def require_account_manager(user: User | AnonymousUser) -> Scope:
    """The user's scope when they hold the account-manager duty; else 404."""
    scope = scope_for(user)
    if not scope.manages_accounts:
        raise Http404
    return scope


def grantable_roles(scope: Scope) -> list[str]:
    """The roles the scope's duty grants, in the order of `Membership.Role`."""
    if scope.is_superuser:
        return [role.value for role in Role]
    wanted = {role for g in scope.account_grants for role in MANAGED_ROLES.get(g.level, ())}
    return [role.value for role in Role if role in wanted]


def can_grant_role(
    scope: Scope, *, role: str, authority: Authority | None = None, unit: Unit | None = None
) -> bool:
    """Whether the scope's duty may grant `role` at `authority` (or, to a unit contact, `unit`)."""
    if role == Role.UNIT_CONTACT:
        if unit is None or authority is not None:
            return False
        path = unit.authority.path
    else:
        if authority is None or unit is not None:
            return False
        levels = Membership.AUTHORITY_LEVEL_FOR_ROLE.get(role)  # type: ignore[call-overload]
        if levels is not None and authority.level not in levels:
            return False
        path = authority.path
    if scope.is_superuser:
        return True
    for grant in scope.account_grants:
        if role not in MANAGED_ROLES.get(grant.level, ()):
            continue
        # A province's reviewers sit at the province itself; every other role lies below.
        if path == grant.path if role == Role.REVIEWER else path.startswith(grant.path):
            return True
    return False


def can_manage_membership(scope: Scope, membership: Membership) -> bool:
    return can_grant_role(
        scope, role=membership.role, authority=membership.authority, unit=membership.unit
    )


def can_set_duty(scope: Scope, membership: Membership) -> bool:
    """Whether the scope may give or take the account-manager duty on this membership: an
    officer's role it administers (the national office its provinces', a province its ports')."""
    return membership.role in DUTY_ROLES and can_manage_membership(scope, membership)


def access_account(user: User | AnonymousUser, pk: int | str) -> User:
    """An account the user administers; 404 for any other (or for a user without the duty)."""
    require_account_manager(user)
    return get_or_404(account_list_for(user), pk)


def access_account_membership(user: User | AnonymousUser, pk: int | str) -> Membership:
    """A role of an account the user administers, itself one the user administers; else 404."""
    scope = require_account_manager(user)
    membership = get_or_404(
        Membership.objects.select_related("user", "authority", "unit", "unit__authority"), pk
    )
    if not can_manage_membership(scope, membership):
        raise Http404
    access_account(user, membership.user_id)
    return membership
