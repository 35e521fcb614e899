"""Names of award rounds where other apps know them only by key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import CharField, OuterRef, Value
from django.db.models.functions import Concat

from assessments.services.reviews import NOMINATIONS_KEY_PREFIX
from awards.models import Round

if TYPE_CHECKING:
    from django.db.models import QuerySet


def round_name_subquery() -> QuerySet[Any]:
    """The name of the round whose review key (`award-<code>`) is the outer row's `round_key`."""
    return (
        Round.objects.annotate(
            key=Concat(Value(NOMINATIONS_KEY_PREFIX), "code", output_field=CharField())
        )
        .filter(key=OuterRef("round_key"))
        .values("name")[:1]
    )
