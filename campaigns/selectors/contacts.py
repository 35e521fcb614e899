"""Reads for the contact directory (通讯录): the offices of the authorities and units in a user's
area with their telephone, address and e-mail, and the people who hold a role there with their
work phone and e-mail. Whether a person's own numbers are shown whole is
`campaigns.access.contacts.sees_personal_contact`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from campaigns.models import Authority, Membership, Unit
from campaigns.scope import Scope, scope_for
from campaigns.selectors import authority_list_for, unit_list_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet


def directory_membership_q(scope: Scope) -> Q:
    """The roles held at the authorities and units of the scope's area."""
    if scope.is_superuser:
        return Q()
    return scope.paths_q("authority__path") | scope.unit_q(prefix="unit__")


def directory_people_for(user: User | AnonymousUser) -> QuerySet[User]:
    """The active accounts holding a role in the user's area, with their profile and those
    roles (where they sit), in the hierarchy's order."""
    users = get_user_model().objects
    scope = scope_for(user)
    if not user.is_authenticated or scope.is_empty:
        return users.none()
    in_area = Membership.objects.filter(directory_membership_q(scope))
    # Listed by where they sit (the hierarchy's order: a province, then its port authorities
    # and their units), then by name.
    place = (
        in_area.filter(user=OuterRef("pk"))
        .annotate(place=Coalesce("authority__path", "unit__authority__path"))
        .order_by("place")
        .values("place")[:1]
    )
    return (
        users.filter(is_active=True)
        .filter(Exists(in_area.filter(user=OuterRef("pk"))))
        .annotate(place=Subquery(place))
        .select_related("account_profile")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=in_area.select_related("authority", "unit", "unit__authority").order_by(
                    "pk"
                ),
            )
        )
        .order_by("place", "first_name", "username")
    )


def directory_people_search_q(text: str, scope: Scope) -> Q:
    """People whose name, user name, work phone or e-mail, or the name of an authority or unit
    where they hold a role in the area, contains `text`."""
    where = Membership.objects.filter(directory_membership_q(scope), user=OuterRef("pk")).filter(
        Q(authority__name__icontains=text) | Q(unit__name__icontains=text)
    )
    return (
        Q(first_name__icontains=text)
        | Q(username__icontains=text)
        | Q(email__icontains=text)
        | Q(account_profile__phone__icontains=text)
        | Q(Exists(where))
    )


def directory_authorities_for(user: User | AnonymousUser) -> QuerySet[Authority]:
    """The authorities of the user's area with their office's contact details."""
    if not user.is_authenticated:
        return Authority.objects.none()
    return authority_list_for(user)


def directory_units_for(user: User | AnonymousUser) -> QuerySet[Unit]:
    """The participating units of the user's area with their office's contact details."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return unit_list_for(user)
