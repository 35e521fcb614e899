"""Reads for public feedback and satisfaction surveys: the office lists, the survey results
(aggregate queries only), the port's yearly satisfaction, and at the end the access helpers.

Who handles what: the officers of the authority that owns the port (or of an authority above it
at port or county level) handle its feedback and build its surveys; provincial and national
officers see them read-only. Only where a port belongs directly to a provincial authority do that
authority's officers handle it, as nobody else could.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum
from django.http import Http404

from campaigns.models import (
    Authority,
    Feedback,
    Port,
    Survey,
    SurveyInvitation,
    SurveyRating,
    SurveyResponse,
)
from campaigns.models.public import SCALE_MAX
from campaigns.scope import scope_for
from campaigns.services.public import normalise_code, tracking_hash

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

    from campaigns.models import Agency, SurveyDimension, SurveyGroup
    from campaigns.scope import Grant, Scope

HANDLING_LEVELS = (Authority.Level.PORT, Authority.Level.COUNTY)
TWO_PLACES = Decimal("0.01")


# --- who handles a port -----------------------------------------------------------------------


def _handling_grants(scope: Scope) -> list[Grant]:
    return [g for g in scope.authority_grants() if g.can_edit]


def _handling_q(scope: Scope, lookup: str) -> Q:
    """Rows whose port's owning authority (its path at `lookup`) the user handles."""
    parts = []
    for grant in _handling_grants(scope):
        if grant.level in HANDLING_LEVELS:
            parts.append(Q(**{f"{lookup}__startswith": grant.path}))
        else:
            parts.append(Q(**{lookup: grant.path}))
    return reduce(or_, parts) if parts else Q(pk__in=[])


def ports_handled_by(user: User | AnonymousUser) -> QuerySet[Port]:
    """The ports whose feedback and surveys the user handles."""
    return (
        Port.objects.filter(_handling_q(scope_for(user), "authority__path"))
        .select_related("authority")
        .order_by("code")
    )


def ports_seen_by(user: User | AnonymousUser) -> QuerySet[Port]:
    return (
        Port.objects.filter(scope_for(user).port_q()).select_related("authority").order_by("code")
    )


# --- feedback ---------------------------------------------------------------------------------


def feedback_list_for(user: User | AnonymousUser) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(scope_for(user).paths_q("port__authority__path"))
        .select_related("port", "port__authority")
        .order_by("-created_at", "-pk")
    )


def feedback_get_by_code(code: str | None) -> Feedback | None:
    """The item a tracking code belongs to (with its port), or None."""
    if len(normalise_code(code)) < 12:
        return None
    return (
        Feedback.objects.filter(tracking_hash=tracking_hash(code))
        .select_related("port")
        .only(
            "kind",
            "text",
            "status",
            "answer",
            "answered_at",
            "close_reason",
            "closed_at",
            "created_at",
            "updated_at",
            "port__name",
            "port__code",
        )
        .first()
    )


def public_port_list() -> QuerySet[Port]:
    """The ports the public may send feedback about."""
    return Port.objects.exclude(status=Port.Status.CLOSED).order_by("code").only("code", "name")


def public_port_get(code: str) -> Port:
    try:
        return public_port_list().get(code=code)
    except Port.DoesNotExist:
        raise Http404 from None


# --- surveys ----------------------------------------------------------------------------------


def survey_list_for(user: User | AnonymousUser) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(scope_for(user).paths_q("port__authority__path"))
        .select_related("port", "port__authority")
        .annotate(n_responses=Count("responses"))
        .order_by("-period_start", "-pk")
    )


def survey_structure(
    survey: Survey,
) -> tuple[list[SurveyGroup], list[SurveyDimension], list[Agency]]:
    """The survey's groups, dimensions and agencies (three queries)."""
    return (
        list(survey.groups.order_by("order")),
        list(survey.dimensions.order_by("order")),
        list(survey.agencies.order_by("code")),
    )


def survey_invitation_counts(survey: Survey) -> dict[str, int]:
    return SurveyInvitation.objects.filter(survey=survey).aggregate(
        total=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False))
    )


def survey_for_link(code: str | None) -> tuple[Survey, SurveyInvitation | None]:
    """(survey, invitation) for a public link code: a survey's open link, or a single-use
    invitation. Raises 404 for anything else, including the link of an invitation survey."""
    code = (code or "").strip()
    if not code or len(code) > 64:
        raise Http404
    survey = (
        Survey.objects.filter(public_code=code, mode=Survey.Mode.OPEN_LINK)
        .select_related("port")
        .first()
    )
    if survey is not None:
        return survey, None
    invitation = SurveyInvitation.objects.filter(code=code).select_related("survey__port").first()
    if invitation is None or invitation.survey.mode != Survey.Mode.INVITATION:
        raise Http404
    return invitation.survey, invitation


def _mean(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Cell:
    total: int = 0
    count: int = 0

    def add(self, total: int, count: int) -> None:
        self.total += total
        self.count += count

    @property
    def mean(self) -> Decimal | None:
        return _mean(self.total, self.count)


@dataclass
class ResultTable:
    """Mean and count per agency (rows) × dimension (columns), with row and column totals."""

    title: str
    respondents: int
    rows: list[dict[str, Any]] = field(
        default_factory=list
    )  # [{"agency", "cells": [Cell], "all": Cell}]
    columns: list[Cell] = field(default_factory=list)  # [Cell] per dimension
    all: Cell = field(default_factory=Cell)


@dataclass
class SurveyResults:
    groups: list[SurveyGroup]
    dimensions: list[SurveyDimension]
    agencies: list[Agency]
    overall: ResultTable
    by_group: list[ResultTable]
    respondents: int


def _table(
    title: str,
    respondents: int,
    agencies: Sequence[Agency],
    dimensions: Sequence[SurveyDimension],
    sums: Mapping[tuple[int, int], tuple[int, int]],
) -> ResultTable:
    """`sums` maps (agency id, dimension id) to (total, count)."""
    table = ResultTable(title=title, respondents=respondents)
    table.columns = [Cell() for _d in dimensions]
    for agency in agencies:
        row: dict[str, Any] = {"agency": agency, "cells": [], "all": Cell()}
        for i, dimension in enumerate(dimensions):
            total, count = sums.get((agency.pk, dimension.pk), (0, 0))
            cell = Cell(total, count)
            row["cells"].append(cell)
            row["all"].add(total, count)
            table.columns[i].add(total, count)
            table.all.add(total, count)
        table.rows.append(row)
    return table


def survey_results(
    survey: Survey, *, overall_title: str = "", group_title: str = "{group}"
) -> SurveyResults:
    """Means and counts per agency × dimension, overall and per respondent group, from one
    GROUP BY over the ratings and one over the answers (plus the three structure reads)."""
    groups, dimensions, agencies = survey_structure(survey)
    per_group: dict[int, dict[tuple[int, int], tuple[int, int]]] = {}
    overall: dict[tuple[int, int], tuple[int, int]] = {}
    cells = (
        SurveyRating.objects.filter(response__survey=survey)
        .values_list("response__group_id", "agency_id", "dimension_id")
        .annotate(total=Sum("score"), n=Count("pk"))
        .order_by()
    )
    for group_id, agency_id, dimension_id, total, n in cells:
        per_group.setdefault(group_id, {})[(agency_id, dimension_id)] = (total, n)
        t, c = overall.get((agency_id, dimension_id), (0, 0))
        overall[(agency_id, dimension_id)] = (t + total, c + n)
    respondents = dict(
        SurveyResponse.objects.filter(survey=survey)
        .values_list("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total_respondents = sum(respondents.values())
    return SurveyResults(
        groups=groups,
        dimensions=dimensions,
        agencies=agencies,
        overall=_table(overall_title, total_respondents, agencies, dimensions, overall),
        by_group=[
            _table(
                group_title.format(group=g.name),
                respondents.get(g.pk, 0),
                agencies,
                dimensions,
                per_group.get(g.pk, {}),
            )
            for g in groups
        ],
        respondents=total_respondents,
    )


def survey_satisfaction_for_port(port: Port, year: int) -> Decimal | None:
    """The port's overall satisfaction in `year` as a percentage (Decimal, one decimal place),
    or None when nobody answered: the mean of every score given that year (answers counted by
    the day they were given, in the portal's time zone) to any of the port's surveys, over the
    top of the scale — a mean of 4 out of 5 is 80.0. For a scheme's questionnaire items."""
    agg: dict[str, int] = SurveyRating.objects.filter(
        response__survey__port=port, response__submitted_at__year=year
    ).aggregate(total=Sum("score"), n=Count("pk"))
    if not agg["n"]:
        return None
    return (Decimal(agg["total"]) * 100 / (agg["n"] * SCALE_MAX)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


# --- access helpers ---------------------------------------------------------------------------
