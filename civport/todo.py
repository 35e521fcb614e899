"""A person's to-do list on the home page: what waits for them, by when, and where to do it.

Each app declares `AppConfig.home_todo`, the dotted path of a function
`(user, roles, today) -> list[Todo]` (civport.hooks): `roles` are the role codes the user holds.
A function reads what it lists from the selectors of the pages it links to, with a fixed number
of queries, and reads nothing for a user without the role it serves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from civport.hooks import app_hooks


@dataclass(frozen=True)
class Todo:
    label: str  # what to do, translated: "Activities to verify"
    url: str  # the page where it is done
    count: int = 0  # how many things wait
    due_on: datetime.date | None = None  # the earliest deadline among them
    done: int | None = None  # for work in parts (a review's sheets): how many are done …
    total: int | None = None  # … of how many
    detail: str = ""  # a line under the label: the review, the round
    notes: tuple[str, ...] = ()  # what stands in the way, one message each

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due_on is not None and self.due_on < today


def todo_sorted(items: Iterable[Todo], today: datetime.date) -> list[Todo]:
    """Overdue first, then by deadline, then those without one, each in the apps' order."""
    return sorted(
        items,
        key=lambda t: (
            not t.is_overdue(today),
            t.due_on is None,
            t.due_on or datetime.date.max,
        ),
    )


def todo_for(user: Any, roles: frozenset[str], today: datetime.date) -> list[Todo]:
    """Every installed app's to-do items for the user, overdue first."""
    items: list[Todo] = []
    for _label, function in app_hooks("home_todo"):
        items.extend(function(user, roles, today))
    return todo_sorted(items, today)
