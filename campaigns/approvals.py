"""What a leading group's resolution may approve, offered by the apps above campaigns.

Dependencies point one way (DESIGN §5), so campaigns does not know the award rounds whose lists
of candidates a leading group reviews. An app registers a provider with `register(provider)`:
given an authority, it returns the subjects that authority's leading group may approve now,
each with a key the app looks the approval up by later and a label for the resolution. The
resolution form offers them, and `services.groups.resolution_add` accepts no other key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from campaigns.models import Authority


@dataclass(frozen=True)
class ApprovalSubject:
    key: str
    label: str


Provider = Callable[["Authority"], list[ApprovalSubject]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace, when `name` is taken) a provider of approvable subjects."""
    _providers[name] = provider


def approval_subjects(authority: Authority) -> list[ApprovalSubject]:
    """What `authority`'s leading group may approve now, from every registered provider."""
    subjects: list[ApprovalSubject] = []
    for provider in _providers.values():
        subjects.extend(provider(authority))
    return subjects
