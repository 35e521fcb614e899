"""Permission-scoped reads. Each returns a queryset with the joins its pages need already made."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Count, Q

from campaigns.models import Agency, Authority, ConstructionArea, Person, Port, Unit
from campaigns.scope import scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import Model, QuerySet
_M = TypeVar("_M", bound="Model")


def authority_list_for(user: User | AnonymousUser, *, edit: bool = False) -> QuerySet[Authority]:
    return (
        Authority.objects.filter(scope_for(user).authority_q(edit=edit))
        .select_related("parent")
        .order_by("path")
    )


def authority_descendants(
    authority: Authority, *, include_self: bool = False
) -> QuerySet[Authority]:
    qs = Authority.objects.filter(path__startswith=authority.path).select_related("parent")
    if not include_self:
        qs = qs.exclude(pk=authority.pk)
    return qs.order_by("path")


def authority_children_with_counts(authority: Authority) -> QuerySet[Authority]:
    """The direct children of an authority, each with how many ports and units lie below it."""
    return (
        Authority.objects.filter(parent=authority)
        .annotate(
            port_count=Count("ports", distinct=True),
            unit_count=Count("units", distinct=True),
        )
        .order_by("code")
    )


def port_list_for(user: User | AnonymousUser, *, edit: bool = False) -> QuerySet[Port]:
    return (
        Port.objects.filter(scope_for(user).port_q(edit=edit))
        .select_related("authority")
        .order_by("code")
    )


def unit_list_for(user: User | AnonymousUser, *, edit: bool = False) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(scope_for(user).unit_q(edit=edit))
        .select_related("authority", "port", "agency", "parent")
        .order_by("code")
    )


def person_list_for(user: User | AnonymousUser, *, edit: bool = False) -> QuerySet[Person]:
    return (
        Person.objects.filter(scope_for(user).person_q(edit=edit))
        .select_related("unit", "unit__authority", "unit__port")
        .order_by("code")
    )


def below(queryset: QuerySet[_M], authority: Authority, *, lookup: str) -> QuerySet[_M]:
    """Narrow a scoped queryset to what lies at or below `authority`."""
    return queryset.filter(**{f"{lookup}__startswith": authority.path})


def search(queryset: QuerySet[_M], text: str | None, fields: Iterable[str]) -> QuerySet[_M]:
    text = (text or "").strip()
    if not text:
        return queryset
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}__icontains": text})
    return queryset.filter(q)


def agency_list_current(on: date | None = None) -> QuerySet[Agency]:
    qs = Agency.objects.all()
    if on is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )
    return qs.order_by("code")


def construction_area_list() -> QuerySet[ConstructionArea]:
    return ConstructionArea.objects.order_by("order")
