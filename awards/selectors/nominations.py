"""Reads of nominations, scoped to the user."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Q

from assessments.models import VetoCondition
from awards.models import (
    Honour,
    Nomination,
    NominationEvidence,
    Opinion,
    Round,
    Title,
    VetoDeclaration,
)
from campaigns.models import Authority, Person, Port, Unit
from campaigns.scope import scope_for
from civport.queries import count_subquery

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

    from campaigns.scope import Scope

# Levels of the authorities that may be nominated as organizers (never the national office).
ORGANIZER_LEVELS = (Authority.Level.PROVINCIAL, Authority.Level.PORT, Authority.Level.COUNTY)
# The nomination's field holding the nominee of each title.
NOMINEE_FIELD: dict[str, str] = {
    Title.CIVILIZED_PORT: "port",
    Title.ADVANCED_UNIT: "unit",
    Title.ADVANCED_INDIVIDUAL: "person",
    Title.ADVANCED_ORGANIZER: "organizer",
}


def nominations_visible_q(scope: Scope, prefix: str = "") -> Q:
    """Nominations whose nominating authority the user sees, or of the unit they are contact of."""
    q = scope.paths_q(f"{prefix}authority__path")
    if scope.view_unit_ids and not scope.is_superuser:
        q |= Q(**{f"{prefix}unit_id__in": scope.view_unit_ids})
    return q


def nomination_list_for(user: User | AnonymousUser) -> QuerySet[Nomination]:
    scope = scope_for(user)
    if scope.is_empty:
        return Nomination.objects.none()
    return Nomination.objects.filter(nominations_visible_q(scope)).select_related(
        "round", "authority", "province", "port", "unit", "person", "organizer"
    )


TABLE_FIELDS = (
    "round__name",
    "authority__name",
    "province__name",
    "title",
    "status",
    "nominee_name",
    "nominee_unit_name",
    "submitted_at",
)


def nomination_table_for(user: User | AnonymousUser) -> QuerySet[Nomination]:
    """The rows of the nomination list: the snapshot of names, the nominating authority, the
    province and the round joined, and the number of evidence files; one query per page."""
    scope = scope_for(user)
    if scope.is_empty:
        return Nomination.objects.none()
    return (
        Nomination.objects.filter(nominations_visible_q(scope))
        .select_related("round", "authority", "province")
        # Only what the list shows: the deeds of a few hundred rows would be sorted for nothing.
        .only(*TABLE_FIELDS)
        .annotate(
            n_evidence=count_subquery(NominationEvidence.objects.filter(nomination=OuterRef("pk")))
        )
        .order_by(
            "-round__start_year", "round_id", "province__path", "title", "authority__path", "pk"
        )
    )


def nomination_filter(
    queryset: QuerySet[Nomination],
    *,
    round: int | None = None,
    title: str = "",
    status: str = "",
    province: int | None = None,
    q: str = "",
) -> QuerySet[Nomination]:
    if round is not None:
        queryset = queryset.filter(round_id=round)
    if title:
        queryset = queryset.filter(title=title)
    if status:
        queryset = queryset.filter(status=status)
    if province is not None:
        queryset = queryset.filter(province_id=province)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(nominee_name__icontains=q) | Q(nominee_unit_name__icontains=q))
    return queryset


def round_choices() -> list[tuple[int, str, str, date | None]]:
    """The rounds a nomination list can be filtered by (every round past its draft)."""
    return list(
        Round.objects.exclude(phase=Round.Phase.DRAFT)
        .order_by("-start_year", "code")
        .values_list("pk", "name", "phase", "nominations_due_on")
    )


def nominating_rounds() -> QuerySet[Round]:
    return Round.objects.filter(phase=Round.Phase.NOMINATING).order_by("-start_year", "code")


# --- one nomination's dossier ---------------------------------------------------------------------


def nomination_evidence(nomination: Nomination) -> list[NominationEvidence]:
    return list(
        NominationEvidence.objects.filter(nomination=nomination).order_by("uploaded_at", "pk")
    )


def nomination_vetoes(nomination: Nomination) -> list[VetoCondition]:
    """The veto conditions of the round's scheme, each with `declaration` (or None): two queries."""
    conditions = list(VetoCondition.objects.filter(scheme_id=nomination.round.scheme_id))
    declared = {d.condition_id: d for d in VetoDeclaration.objects.filter(nomination=nomination)}
    for condition in conditions:
        condition.declaration = declared.get(condition.pk)  # type: ignore[attr-defined]
    return conditions


def nomination_cited_honours(nomination: Nomination) -> list[Honour]:
    """The honours the dossier cites, with their rounds (whose authority names the title)."""
    return list(
        nomination.cited_honours.select_related("round__authority").order_by(
            "-round__start_year", "number"
        )
    )


def nomination_with_parties(pk: int) -> Nomination:
    """A nomination (already access-checked) with its round and the round's authority, its
    nominating authority and its province, as its printed form names them."""
    return Nomination.objects.select_related("round__authority", "authority", "province").get(pk=pk)


def nomination_opinions(nomination: Nomination) -> list[Opinion]:
    """The chain of opinions in order port → province → national, with who and where."""
    order = {level: i for i, level in enumerate(Opinion.Level.values)}
    opinions = list(
        Opinion.objects.filter(nomination=nomination).select_related("author", "authority")
    )
    return sorted(opinions, key=lambda o: (order[o.level], o.created_at, o.pk))


# --- who and what may be nominated ---------------------------------------------------------------


def _under(paths: Iterable[str] | None, lookup: str) -> Q:
    """`lookup` lies below one of `paths`; None means everywhere (a superuser)."""
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


def eligible_nominees(title: str, paths: Iterable[str] | None) -> QuerySet[Any]:
    """Who may be nominated for `title` below `paths` (the nominator's grants for that title;
    None for everywhere): open ports, active units, active people of active units, active
    provincial and port authorities."""
    if title == Title.CIVILIZED_PORT:
        return (
            Port.objects.filter(_under(paths, "authority__path"), status=Port.Status.OPEN)
            .select_related("authority")
            .order_by("authority__path", "code")
        )
    if title == Title.ADVANCED_UNIT:
        return (
            Unit.objects.filter(_under(paths, "authority__path"), is_active=True)
            .select_related("authority")
            .order_by("authority__path", "code")
        )
    if title == Title.ADVANCED_INDIVIDUAL:
        return (
            Person.objects.filter(
                _under(paths, "unit__authority__path"), is_active=True, unit__is_active=True
            )
            .select_related("unit__authority")
            .order_by("unit__authority__path", "unit__code", "code")
        )
    if title == Title.ADVANCED_ORGANIZER:
        return Authority.objects.filter(
            _under(paths, "path"), is_active=True, level__in=ORGANIZER_LEVELS
        ).order_by("path")
    raise ValueError(title)


def nominated_ids(round: Round, title: str) -> set[int]:
    """The ids of the nominees of `title` already nominated in `round` (withdrawn ones aside)."""
    field = NOMINEE_FIELD[title]
    return set(
        Nomination.objects.filter(round=round, title=title)
        .exclude(status=Nomination.Status.WITHDRAWN)
        .values_list(f"{field}_id", flat=True)
    )
