"""The awards' part of the home page's to-do list: a port officer's draft nominations."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from awards.models import Nomination, Round
from awards.selectors.nominations import nomination_list_for
from campaigns.models import Membership
from civport.todo import Todo


def awards_todo(user: Any, roles: frozenset[str], today: datetime.date) -> list[Todo]:
    """Draft nominations of rounds still nominating, with the earliest round's deadline (one
    query, for port officers)."""
    if Membership.Role.PORT_OFFICER not in roles:
        return []
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
