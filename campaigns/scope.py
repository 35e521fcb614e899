"""Who may see and change what in the hierarchy (DESIGN §6).

A role granted at an authority applies to everything below it. Grants are django-guardian object
permissions on `Authority` rows (to a user or to a group the user is in) and on `Unit` rows (a
unit contact's own unit). `scope_for(user)` reads all of a user's grants in one query and keeps
the result on the user object for the rest of the request; every scoped read then filters on the
materialised path, so no tree is ever walked and no `has_perm` runs in a loop.

"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import CharField, Q, Value

from campaigns.models import (
    AuthorityGroupObjectPermission,
    AuthorityUserObjectPermission,
    Membership,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser, User

    from campaigns.models import Unit

MANAGE_AUTHORITY = "manage_authority"
VIEW_AUTHORITY = "view_authority"
MANAGE_UNIT = "manage_unit"
VIEW_UNIT = "view_unit"
# The account-manager duty on an authority (campaigns.access.accounts reads it); it widens
# nothing in the scope.
MANAGE_ACCOUNTS = "manage_accounts"


@dataclass(frozen=True)
class Grant:
    kind: str  # "authority" or "unit"
    object_id: int
    path: str  # the authority's path; for a unit, its owning authority's path
    name: str
    level: str  # the authority's level; "" for a unit
    can_edit: bool


@dataclass(frozen=True)
class Scope:
    """What one user may see and change, resolved from their grants."""

    is_superuser: bool = False
    grants: tuple[Grant, ...] = ()
    view_paths: tuple[str, ...] = ()
    edit_paths: tuple[str, ...] = ()
    view_unit_ids: frozenset[int] = field(default_factory=frozenset)
    edit_unit_ids: frozenset[int] = field(default_factory=frozenset)
    # Authorities where the user holds the account-manager duty.
    account_grants: tuple[Grant, ...] = ()

    @property
    def manages_accounts(self) -> bool:
        return self.is_superuser or bool(self.account_grants)

    @property
    def is_national(self) -> bool:
        return self.is_superuser or any(len(p.split("/")) == 2 for p in self.view_paths)

    @property
    def is_empty(self) -> bool:
        return not (self.is_superuser or self.view_paths or self.view_unit_ids)

    @property
    def can_import(self) -> bool:
        return self.is_superuser or bool(self.edit_paths)

    def authority_grants(self) -> list[Grant]:
        return [g for g in self.grants if g.kind == "authority"]

    def unit_grants(self) -> list[Grant]:
        return [g for g in self.grants if g.kind == "unit"]

    # -- path tests -----------------------------------------------------------------------
    def sees_path(self, path: str) -> bool:
        return self.is_superuser or any(path.startswith(p) for p in self.view_paths)

    def edits_path(self, path: str) -> bool:
        return self.is_superuser or any(path.startswith(p) for p in self.edit_paths)

    def edits_below(self, path: str) -> bool:
        """May change an authority at `path` itself: a grant strictly above it is needed."""
        return self.is_superuser or any(path.startswith(p) and path != p for p in self.edit_paths)

    # -- query filters --------------------------------------------------------------------
    def _path_q(self, lookup: str, paths: Iterable[str]) -> Q:
        if self.is_superuser:
            return Q()
        if not paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in paths))

    def paths_q(self, lookup: str, *, edit: bool = False) -> Q:
        """Rows whose authority path (at `lookup`) lies within the user's scope."""
        return self._path_q(lookup, self.edit_paths if edit else self.view_paths)

    def authority_q(self, *, edit: bool = False) -> Q:
        return self._path_q("path", self.edit_paths if edit else self.view_paths)

    def port_q(self, *, edit: bool = False) -> Q:
        return self._path_q("authority__path", self.edit_paths if edit else self.view_paths)

    def unit_q(self, *, edit: bool = False, prefix: str = "") -> Q:
        paths = self.edit_paths if edit else self.view_paths
        q = self._path_q(f"{prefix}authority__path", paths)
        if self.is_superuser:
            return q
        # A unit contact sees their unit; with `edit`, only for its people (see person_q).
        ids = self.view_unit_ids if not edit else frozenset()
        if ids:
            q |= Q(**{f"{prefix}pk__in": ids}) | Q(**{f"{prefix}parent_id__in": ids})
        return q

    def person_q(self, *, edit: bool = False) -> Q:
        q = self._path_q("unit__authority__path", self.edit_paths if edit else self.view_paths)
        if self.is_superuser:
            return q
        ids = self.edit_unit_ids if edit else self.view_unit_ids
        if ids:
            q |= Q(unit_id__in=ids) | Q(unit__parent_id__in=ids)
        return q

    def unit_allows_people_edit(self, unit: Unit) -> bool:
        return (
            self.edits_path(unit.authority.path)
            or unit.pk in self.edit_unit_ids
            or unit.parent_id in self.edit_unit_ids
        )


EMPTY_SCOPE = Scope()
_CACHE_ATTR = "_civport_scope"


def _grant_rows(user):
    """All of the user's authority and unit grants, as one UNION query."""
    text = CharField()
    authority_cols = ("content_object_id", "content_object__path", "content_object__name")
    by_user = AuthorityUserObjectPermission.objects.filter(user=user).values_list(
        Value("authority", output_field=text),
        *authority_cols,
        "content_object__level",
        "permission__codename",
    )
    by_group = AuthorityGroupObjectPermission.objects.filter(group__user=user).values_list(
        Value("authority", output_field=text),
        *authority_cols,
        "content_object__level",
        "permission__codename",
    )
    unit_cols = ("content_object_id", "content_object__authority__path", "content_object__name")
    unit_by_user = UnitUserObjectPermission.objects.filter(user=user).values_list(
        Value("unit", output_field=text),
        *unit_cols,
        Value("", output_field=text),
        "permission__codename",
    )
    unit_by_group = UnitGroupObjectPermission.objects.filter(group__user=user).values_list(
        Value("unit", output_field=text),
        *unit_cols,
        Value("", output_field=text),
        "permission__codename",
    )
    return by_user.union(by_group, unit_by_user, unit_by_group, all=True)


def scope_for(user: User | AnonymousUser) -> Scope:
    """The user's scope, computed with one query and cached on the user object."""
    if not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(is_superuser=True)
    else:
        grants = {}
        accounts = []
        for kind, object_id, path, name, level, codename in _grant_rows(user):
            if codename == MANAGE_ACCOUNTS and kind == "authority":
                accounts.append(Grant(kind, object_id, path, name, level, True))
                continue
            can_edit = codename in (MANAGE_AUTHORITY, MANAGE_UNIT)
            if codename not in (MANAGE_AUTHORITY, VIEW_AUTHORITY, MANAGE_UNIT, VIEW_UNIT):
                continue
            key = (kind, object_id)
            previous = grants.get(key)
            grants[key] = Grant(
                kind, object_id, path, name, level, can_edit or bool(previous and previous.can_edit)
            )
        ordered = tuple(sorted(grants.values(), key=lambda g: (g.path, g.kind, g.object_id)))
        authority = [g for g in ordered if g.kind == "authority"]
        units = [g for g in ordered if g.kind == "unit"]
        scope = Scope(
            grants=ordered,
            view_paths=_outermost(g.path for g in authority),
            edit_paths=_outermost(g.path for g in authority if g.can_edit),
            view_unit_ids=frozenset(g.object_id for g in units),
            edit_unit_ids=frozenset(g.object_id for g in units if g.can_edit),
            account_grants=tuple(sorted(accounts, key=lambda g: g.path)),
        )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def is_national_user(user: User | AnonymousUser) -> bool:
    """Whether the user's grants reach the national authority (or the user is a superuser)."""
    return scope_for(user).is_national


def holds_office_role(user: User | AnonymousUser) -> bool:
    """Whether the user is in the national office or a provincial officer (one query)."""
    return Membership.objects.filter(
        user_id=user.pk,
        role__in=(Membership.Role.NATIONAL_OFFICE, Membership.Role.PROVINCIAL_OFFICER),
    ).exists()


def forget_scope(user: User | AnonymousUser) -> None:
    """Drop the cached scope after the user's grants changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _outermost(paths):
    """Drop paths that lie below another path in the list."""
    kept = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)
