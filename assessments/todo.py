"""The reviewer's part of the home page's to-do list: the subjects left to score, by review."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.models import Review
from assessments.selectors import QueueStatus, queue_for
from civport.todo import Todo


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
