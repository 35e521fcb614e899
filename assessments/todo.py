"""The assessments' part of the home page's to-do list: a reviewer's subjects left to score, by
review; a unit contact's self-assessments due."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.models import Cycle, Review
from assessments.selectors import QueueStatus, cycle_list_for, queue_for
from campaigns.models import Membership
from civport.todo import Todo


def assessments_todo(user: Any, roles: frozenset[str], today: datetime.date) -> list[Todo]:
    items = reviewer_todo(user, roles, today)
    if Membership.Role.UNIT_CONTACT in roles:
        items += self_assessment_todo(user)
    return items


def self_assessment_todo(user: Any) -> list[Todo]:
    """Each cycle taking self-assessments in which the user's units have not all assessed
    themselves, with its due date (one query, the cycle list's own)."""
    # Annotated with n_subjects and n_self_assessed, which the model does not declare.
    cycles: Iterable[Any] = cycle_list_for(user).filter(status=Cycle.Status.SELF_ASSESSMENT)
    return [
        Todo(
            label=_("Self-assessment due"),
            detail=cycle.name,
            url=reverse("assessments:cycle-detail", args=[cycle.pk]),
            count=cycle.n_subjects - cycle.n_self_assessed,
            due_on=cycle.self_assessment_due_on,
            done=cycle.n_self_assessed,
            total=cycle.n_subjects,
        )
        for cycle in cycles
        if cycle.n_self_assessed < cycle.n_subjects
    ]


def reviewer_todo(user: Any, roles: frozenset[str], today: datetime.date) -> list[Todo]:
    """One item per open review in which the user has subjects left to score, with the review's
    due date and how many of their sheets are submitted: one query (the queue, grouped). Read
    for every user, since a panel seat needs no reviewer role."""
    rows = (
        queue_for(user)
        .filter(subject__review__phase=Review.Phase.OPEN)
        .order_by()
        .values("subject__review", "subject__review__name", "subject__review__due_on")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(sheet_status=QueueStatus.SUBMITTED)),
        )
        .order_by("subject__review__due_on", "subject__review")
    )
    url = reverse("assessments:queue")
    return [
        Todo(
            label=_("Subjects to score"),
            detail=row["subject__review__name"],
            url=url,
            count=row["total"] - row["done"],
            due_on=row["subject__review__due_on"],
            done=row["done"],
            total=row["total"],
        )
        for row in rows
        if row["done"] < row["total"]
    ]
