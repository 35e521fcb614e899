"""The awards' part of the home page's to-do list: a port officer's draft nominations, a
provincial officer's recommendation lists, the national office's rounds (their phase and its
deadline) and open objections."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Min, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from awards.models import Nomination, Objection, Recommendation, Round
from awards.selectors.nominations import nomination_list_for
from awards.selectors.recommendations import recommendation_list_for
from awards.services.rounds import round_preconditions
from campaigns.models import Authority, Membership
from civport.queries import count_subquery
from civport.todo import Todo

# The deadline of each phase a round waits in, by the phase.
PHASE_DEADLINES: dict[str, str] = {
    Round.Phase.NOMINATING: "nominations_due_on",
    Round.Phase.PROVINCIAL_REVIEW: "provincial_review_due_on",
    Round.Phase.NATIONAL_REVIEW: "national_review_due_on",
    Round.Phase.PUBLIC_NOTICE: "notice_ends_on",
}


def awards_todo(user: Any, roles: frozenset[str], today: datetime.date) -> list[Todo]:
    items: list[Todo] = []
    if Membership.Role.PORT_OFFICER in roles:
        items += _drafts(user)
    if Membership.Role.PROVINCIAL_OFFICER in roles:
        items += _recommendation_lists(user)
    if Membership.Role.NATIONAL_OFFICE in roles:
        items += _national_rounds(today)
    return items


def _national_rounds(today: datetime.date) -> list[Todo]:
    """Each national round under way: its phase with the phase's deadline, and its objections
    waiting for a decision (one query); for the latest round, what keeps it from its next phase
    (the advance's own checks: a fixed number of queries for each phase)."""
    under_way = (
        Round.objects.exclude(authority__level=Authority.Level.PROVINCIAL)
        .filter(phase__in=PHASE_DEADLINES)
        .annotate(
            open_objections=count_subquery(
                Objection.objects.filter(
                    nomination__round=OuterRef("pk"), status=Objection.Status.OPEN
                )
            )
        )
        .order_by("start_year", "pk")
    )
    rounds = list(under_way)
    items: list[Todo] = []
    for round in rounds:
        is_latest = round is rounds[-1]
        url = reverse("admin:awards_round_change", args=[round.pk])
        items.append(
            Todo(
                label=_("Round in phase: %(phase)s") % {"phase": round.get_phase_display()},
                detail=round.name,
                url=url,
                due_on=getattr(round, PHASE_DEADLINES[round.phase]),
                notes=tuple(round_preconditions(round, on=today)) if is_latest else (),
            )
        )
        if round.open_objections:
            items.append(
                Todo(
                    label=_("Objections to decide"),
                    detail=round.name,
                    url=reverse("admin:awards_objection_changelist")
                    + f"?status={Objection.Status.OPEN}&nomination__round__id__exact={round.pk}",
                    count=round.open_objections,
                )
            )
    return items


def _drafts(user: Any) -> list[Todo]:
    """Draft nominations of rounds still nominating, with the earliest round's deadline (one
    query)."""
    found = (
        nomination_list_for(user)
        .filter(status=Nomination.Status.DRAFT, round__phase=Round.Phase.NOMINATING)
        .aggregate(n=Count("pk"), due=Min("round__nominations_due_on"))
    )
    if not found["n"]:
        return []
    return [
        Todo(
            label=_("Draft nominations to submit"),
            url=reverse("awards:nomination-list") + f"?status={Nomination.Status.DRAFT}",
            count=found["n"],
            due_on=found["due"],
        )
    ]


def _recommendation_lists(user: Any) -> list[Todo]:
    """Each province's recommendation list not yet submitted in a round under provincial
    review, with its due date and how many of the quota's places are chosen (one query, the
    recommendation list's own)."""
    return [
        Todo(
            label=_("Recommendation list to submit"),
            detail=f"{row['round_name']} · {row['province_name']}",
            url=reverse("awards:recommendation-detail", args=[row["round_id"], row["province_id"]]),
            count=row["nominations"],
            due_on=row["due_on"],
            done=row["chosen"],
            total=row["quota"],
        )
        for row in recommendation_list_for(user)
        if row["round_phase"] == Round.Phase.PROVINCIAL_REVIEW
        and row["list_status"] != Recommendation.Status.SUBMITTED
    ]
