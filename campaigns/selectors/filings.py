"""Reads of filings and consultations, scoped to the user.

Filings are seen by whoever sees the province's path: its provincial officers and the national
office (a port officer's path lies below the province, so a province's filings are not theirs).
Consultations are seen by whoever sees the answering authority, and by the unit's contact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q

from campaigns.models import (
    PATH_SEPARATOR,
    Authority,
    Consultation,
    Filing,
    FilingAttachment,
    FilingVersion,
    Membership,
    Unit,
)
from campaigns.scope import scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

    from campaigns.scope import Scope

# --- filings ----------------------------------------------------------------------------------


def province_list_for(user: User | AnonymousUser) -> QuerySet[Authority]:
    """The provincial authorities whose filings the user sees, in path order."""
    return Authority.objects.filter(
        scope_for(user).paths_q("path"), level=Authority.Level.PROVINCIAL
    ).order_by("path")


def filing_list_for(user: User | AnonymousUser) -> QuerySet[Filing]:
    return (
        Filing.objects.filter(scope_for(user).paths_q("authority__path"))
        .select_related("authority")
        .order_by("authority__path", "kind")
    )


def filing_matrix_for(
    user: User | AnonymousUser, *, status: str | None = None
) -> list[dict[str, Any]]:
    """One row per province the user sees: the province and its filing of each kind (or None).
    Two queries whatever the number of provinces."""
    provinces = list(province_list_for(user).only("pk", "code", "name", "path"))
    filings = Filing.objects.filter(scope_for(user).paths_q("authority__path")).only(
        "pk", "kind", "status", "version_count", "submitted_at", "answered_at", "authority"
    )
    by_key = {(f.authority_id, f.kind): f for f in filings}
    kinds = [kind for kind, _label in Filing.Kind.choices]
    rows = []
    for province in provinces:
        cells = [by_key.get((province.pk, kind)) for kind in kinds]
        if status and not any(c is not None and c.status == status for c in cells):
            continue
        rows.append({"province": province, "cells": list(zip(kinds, cells, strict=True))})
    return rows


def filing_versions(filing: Filing) -> QuerySet[FilingVersion]:
    """The filing's versions, newest first, each with its attachments read."""
    return (
        FilingVersion.objects.filter(filing=filing)
        .select_related("submitted_by", "answered_by")
        .prefetch_related(
            Prefetch("attachments", queryset=FilingAttachment.objects.order_by("uploaded_at", "id"))
        )
        .order_by("-number")
    )


def filing_current_attachments(filing: Filing) -> QuerySet[FilingAttachment]:
    return filing.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "id")


# --- consultations ----------------------------------------------------------------------------


def _consultation_q(scope: Scope) -> Q:
    q = scope.paths_q("authority__path")
    if scope.is_superuser:
        return q
    if scope.view_unit_ids:
        q |= Q(unit_id__in=scope.view_unit_ids) | Q(unit__parent_id__in=scope.view_unit_ids)
    return q


def consultation_list_for(user: User | AnonymousUser) -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(_consultation_q(scope_for(user)))
        .select_related("unit", "authority", "unit__port")
        .order_by("-asked_at", "-id")
    )


def consultation_units_for(user: User | AnonymousUser) -> QuerySet[Unit]:
    """The units the user may ask for: a contact's own unit and its sub-units, and every unit
    of the areas they edit."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Unit.objects.filter(is_active=True).order_by("code")
    q = scope.unit_q(edit=True)
    if scope.edit_unit_ids:
        q |= Q(pk__in=scope.edit_unit_ids) | Q(parent_id__in=scope.edit_unit_ids)
    return Unit.objects.filter(q, is_active=True).select_related("authority").order_by("code")


# --- recipients of notices ---------------------------------------------------------------------


def national_office_users() -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Membership.Role.NATIONAL_OFFICE,
            memberships__authority__level=Authority.Level.NATIONAL,
        )
        .distinct()
        .order_by("pk")
    )


def authority_office_users(authority: Authority) -> list[User]:
    """The users who hold a role at the authority; where nobody does, those of the nearest
    authority above it that has someone (its office answers in its place)."""
    parts = authority.path.split(PATH_SEPARATOR)[:-1]
    paths = [PATH_SEPARATOR.join(parts[: i + 1]) + PATH_SEPARATOR for i in range(len(parts))]
    rows = list(
        Membership.objects.filter(
            authority__path__in=paths, user__is_active=True, authority__isnull=False
        ).values_list("authority__path", "user")
    )
    if not rows:
        return []
    deepest = max(path for path, _user in rows)
    user_ids = {user for path, user in rows if path == deepest}
    return list(get_user_model().objects.filter(pk__in=user_ids).order_by("pk"))


def unit_contact_users(unit: Unit) -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Membership.Role.UNIT_CONTACT,
            memberships__unit=unit,
        )
        .distinct()
        .order_by("pk")
    )


# --- access helpers ---------------------------------------------------------------------------
