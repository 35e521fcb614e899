"""Permission-scoped reads of the campaign's work: plans, activities, agreements, special
campaigns, inspections and rectification items; the access helpers are at the end.

Who sees what (DESIGN §6): an authority's officers everything at or below it (by materialised
path), a unit contact their own unit's activities and rectification items (and the published plan
of their unit's authority). Each list is one query with its joins made; many-to-many rows a page
shows come with one prefetch each.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from campaigns.models import (
    Activity,
    ActivityEvidence,
    Agreement,
    Authority,
    Commitment,
    ConstructionArea,
    Finding,
    Inspection,
    Plan,
    Port,
    Rectification,
    SpecialCampaign,
    Unit,
)
from campaigns.scope import scope_for
from civport.queries import count_subquery

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import Model, QuerySet
    from django.db.models.expressions import Combinable

    from campaigns.scope import Scope

# Levels whose officers log activities and make plans for their area.
PLAN_LEVELS = (Authority.Level.PORT, Authority.Level.COUNTY)
ACTIVITY_LEVELS = (Authority.Level.PROVINCIAL, Authority.Level.PORT, Authority.Level.COUNTY)
# "An authority (port level or above) records an inspection visit."
INSPECTION_LEVELS = (Authority.Level.NATIONAL, Authority.Level.PROVINCIAL, Authority.Level.PORT)


def _own_units_q(scope: Scope, lookup: str, *, edit: bool = False) -> Q:
    """Rows whose unit (at `lookup`) is a unit contact's own unit or one of its sub-units."""
    ids = scope.edit_unit_ids if edit else scope.view_unit_ids
    if scope.is_superuser or not ids:
        return Q(pk__in=[])
    return Q(**{f"{lookup}_id__in": ids}) | Q(**{f"{lookup}__parent_id__in": ids})


def _unit_authority_paths(scope: Scope) -> list[str]:
    return [g.path for g in scope.unit_grants()]


def authorities_for_work(
    user: User | AnonymousUser, levels: Collection[str]
) -> QuerySet[Authority]:
    """The authorities of these levels the user edits: where they may record work."""
    scope = scope_for(user)
    return (
        Authority.objects.filter(scope.authority_q(edit=True), level__in=levels)
        .select_related("parent")
        .order_by("path")
    )


def units_within(authority: Authority) -> QuerySet[Unit]:
    """The units at or below an authority: the choices of a record made for it."""
    return (
        Unit.objects.filter(authority__path__startswith=authority.path, is_active=True)
        .select_related("authority")
        .order_by("code")
    )


# --- plans ----------------------------------------------------------------------------------


def plan_list_for(user: User | AnonymousUser, *, edit: bool = False) -> QuerySet[Plan]:
    scope = scope_for(user)
    q = scope.paths_q("authority__path", edit=edit)
    paths = _unit_authority_paths(scope)
    if not edit and paths and not scope.is_superuser:
        q |= Q(status=Plan.Status.PUBLISHED, authority__path__in=paths)
    return Plan.objects.filter(q).select_related("authority").order_by("-year", "authority__path")


def plan_list_with_totals(queryset: QuerySet[Plan]) -> QuerySet[Plan]:
    """Plans with how many commitments they hold and the activities they target."""
    commitments = Commitment.objects.filter(plan=OuterRef("pk"))
    targets = commitments.order_by().values(
        n=Func(F("target_activities"), function="SUM", output_field=IntegerField())
    )
    return queryset.annotate(
        n_commitments=count_subquery(commitments),
        n_target=Coalesce(Subquery(targets, output_field=IntegerField()), 0),
    )


def plan_progress(plan: Plan) -> QuerySet[Commitment]:
    """The plan's commitments, each with the activities logged toward it in the plan's year:
    activities of the commitment's unit (logged by it, or with it among the participants) in
    the commitment's area. One query; `logged` counts all but those sent back for more."""
    start, end = datetime.date(plan.year, 1, 1), datetime.date(plan.year, 12, 31)
    joined = Activity.participant_units.through.objects.filter(
        activity_id=OuterRef("pk"), unit_id=OuterRef(OuterRef("unit_id"))
    )
    activities = Activity.objects.filter(
        Q(unit_id=OuterRef("unit_id")) | Exists(joined),
        occurred_on__range=(start, end),
        areas=OuterRef("area_id"),
    ).exclude(status=Activity.Status.MORE_REQUESTED)
    return (
        Commitment.objects.filter(plan=plan)
        .select_related("area", "unit", "owner_person")
        .annotate(
            logged=count_subquery(activities),
            verified=count_subquery(activities.filter(status=Activity.Status.VERIFIED)),
        )
        .order_by("area__order", "unit__code", "pk")
    )


# --- activities -----------------------------------------------------------------------------


def _own_unit_ids(scope: Scope, *, edit: bool = False) -> Subquery:
    """A unit contact's own units and their sub-units, as a subquery."""
    ids = scope.edit_unit_ids if edit else scope.view_unit_ids
    units = Unit.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids)).values("pk")
    return Subquery(units)


def activity_list_for(user: User | AnonymousUser, *, edit: bool = False) -> QuerySet[Activity]:
    scope = scope_for(user)
    q = scope.paths_q("authority__path", edit=edit)
    if not scope.is_superuser and (scope.edit_unit_ids if edit else scope.view_unit_ids):
        q |= Q(unit_id__in=_own_unit_ids(scope, edit=edit))
    return (
        Activity.objects.filter(q)
        .select_related("authority", "unit")
        .prefetch_related(Prefetch("areas", queryset=ConstructionArea.objects.order_by("order")))
        .annotate(
            n_evidence=count_subquery(ActivityEvidence.objects.filter(activity=OuterRef("pk")))
        )
        .order_by("-occurred_on", "-pk")
    )


def activity_filter(
    queryset: QuerySet[Activity],
    *,
    area: int | None = None,
    form: str | None = None,
    unit: str | None = None,
    authority: int | None = None,
    status: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Activity]:
    """Narrow an activity list; every argument is optional."""
    if area:
        through = Activity.areas.through.objects.filter(
            activity_id=OuterRef("pk"), constructionarea_id=area
        )
        queryset = queryset.filter(Exists(through))
    if form:
        queryset = queryset.filter(form=form)
    if unit:
        # Match the few units first, then use the activities' unit index.
        units = Unit.objects.filter(Q(name__icontains=unit) | Q(code__iexact=unit)).values("pk")
        queryset = queryset.filter(unit_id__in=Subquery(units))
    if authority:
        queryset = queryset.filter(authority_id=authority)
    if status:
        queryset = queryset.filter(status=status)
    if date_from:
        queryset = queryset.filter(occurred_on__gte=date_from)
    if date_to:
        queryset = queryset.filter(occurred_on__lte=date_to)
    return queryset


def activity_detail_related(activity: Activity) -> dict[str, list[Any]]:
    """What the activity page shows beyond the row: evidence files and participating units."""
    return {
        "evidence": list(ActivityEvidence.objects.filter(activity=activity).order_by("pk")),
        "participants": list(activity.participant_units.order_by("code")),
    }


# --- agreements and special campaigns -----------------------------------------------------------


def _member_q(scope: Scope, through: type[Model], owner: str) -> Q | Exists:
    """Exists a member unit (of a many-to-many `through` table) in the user's view."""
    if scope.is_superuser:
        return Q()
    units = scope.paths_q("unit__authority__path")
    ids = scope.view_unit_ids
    if ids:
        units |= Q(unit_id__in=ids) | Q(unit__parent_id__in=ids)
    return Exists(through.objects.filter(units, **{f"{owner}_id": OuterRef("pk")}))  # type: ignore[attr-defined]


def agreement_list_for(user: User | AnonymousUser, *, edit: bool = False) -> QuerySet[Agreement]:
    scope = scope_for(user)
    q: Q | Combinable = scope.paths_q("authority__path", edit=edit)
    if not edit and not scope.is_superuser:
        q |= _member_q(scope, Agreement.parties.through, "agreement")
    return (
        Agreement.objects.filter(q)
        .select_related("authority")
        .prefetch_related(Prefetch("parties", queryset=Unit.objects.order_by("code")))
        .order_by("-signed_on", "-pk")
    )


def special_campaign_list_for(
    user: User | AnonymousUser, *, edit: bool = False
) -> QuerySet[SpecialCampaign]:
    scope = scope_for(user)
    q: Q | Combinable = scope.paths_q("authority__path", edit=edit)
    if not edit and not scope.is_superuser:
        q |= _member_q(scope, SpecialCampaign.members.through, "specialcampaign")
    return (
        SpecialCampaign.objects.filter(q)
        .select_related("authority", "theme_area")
        .annotate(
            n_members=count_subquery(SpecialCampaign.members.through.objects.filter(
                specialcampaign_id=OuterRef("pk")
            )),
            n_activities=count_subquery(Activity.objects.filter(special_campaign=OuterRef("pk"))),
        )
        .order_by("-starts_on", "-pk")
    )  # fmt: skip


# --- inspections and rectifications --------------------------------------------------------------


def inspection_list_for(user: User | AnonymousUser, *, edit: bool = False) -> QuerySet[Inspection]:
    """Inspections made at or below the user's authorities, or that visited their ports or
    units, or that gave their unit a rectification item."""
    scope = scope_for(user)
    q: Q | Combinable = scope.paths_q("authority__path", edit=edit)
    if not edit and not scope.is_superuser:
        ports = Inspection.ports.through.objects.filter(
            scope.paths_q("port__authority__path"), inspection_id=OuterRef("pk")
        )
        q |= _member_q(scope, Inspection.units.through, "inspection") | Exists(ports)
        if scope.view_unit_ids:
            q |= Exists(
                Rectification.objects.filter(
                    _own_units_q(scope, "owner_unit"), inspection_id=OuterRef("pk")
                )
            )
    pending = Rectification.objects.filter(
        inspection=OuterRef("pk"), status__in=Rectification.PENDING
    )
    return (
        Inspection.objects.filter(q)
        .select_related("authority")
        .annotate(
            n_findings=count_subquery(Finding.objects.filter(inspection=OuterRef("pk"))),
            n_pending=count_subquery(pending),
        )
        .order_by("-visited_on", "-pk")
    )


def inspection_detail_related(inspection: Inspection) -> dict[str, list[Any]]:
    return {
        "ports": list(inspection.ports.order_by("code")),
        "units": list(inspection.units.order_by("code")),
        "findings": list(
            Finding.objects.filter(inspection=inspection)
            .select_related("rectification", "rectification__owner_unit")
            .order_by("pk")
        ),
    }


def rectification_list_for(
    user: User | AnonymousUser, *, edit: bool = False
) -> QuerySet[Rectification]:
    """Items owned by units in the user's view (so a province sees every item in it)."""
    scope = scope_for(user)
    if edit:
        q = scope.paths_q("inspection__authority__path", edit=True)
    else:
        q = scope.paths_q("owner_unit__authority__path")
        if not scope.is_superuser:
            # Q() | Q(pk__in=[]) is Q(pk__in=[]): a superuser's "everything" must stay alone.
            q |= _own_units_q(scope, "owner_unit")
    return (
        Rectification.objects.filter(q)
        .select_related(
            "finding", "owner_unit", "owner_unit__authority", "inspection", "inspection__authority"
        )
        .order_by("due_on", "pk")
    )


def rectification_filter(
    queryset: QuerySet[Rectification],
    *,
    status: str | None = None,
    overdue: bool = False,
    today: datetime.date | None = None,
    authority: int | None = None,
) -> QuerySet[Rectification]:
    if status:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.filter(status__in=Rectification.PENDING, due_on__lt=today)
    if authority:
        queryset = queryset.filter(owner_unit__authority_id=authority)
    return queryset


def rectification_overdue(today: datetime.date) -> QuerySet[Rectification]:
    return (
        Rectification.objects.filter(status__in=Rectification.PENDING, due_on__lt=today)
        .select_related("finding", "owner_unit", "inspection", "inspection__authority")
        .order_by("pk")
    )


def ports_within(authority: Authority) -> QuerySet[Port]:
    return Port.objects.filter(authority__path__startswith=authority.path).order_by("code")


# --- what a user may do --------------------------------------------------------------------------


# --- access helpers ---------------------------------------------------------------------------------
# "Does not exist" and "not yours" are the same 404; visible but not changeable is 403.
