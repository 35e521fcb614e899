"""Reads of the public notice: the round on notice, its candidates as the public sees them, and
the objections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Value, When

from awards.models import Nomination, Objection, Round, Title

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

# Only these columns of a candidate ever reach a public page.
PUBLIC_FIELDS = ("pk", "title", "nominee_name", "nominee_unit_name", "summary", "province__name")


def notice_round() -> Round | None:
    """The round now in its public notice (the latest, should two be), or None."""
    return (
        Round.objects.filter(phase=Round.Phase.PUBLIC_NOTICE).order_by("-start_year", "pk").first()
    )


def notice_is_open(round: Round | None, today: date) -> bool:
    """Whether objections are taken on `today`: the round is on notice and the day lies within
    its notice period."""
    return (
        round is not None
        and round.phase == Round.Phase.PUBLIC_NOTICE
        and round.notice_starts_on is not None
        and round.notice_ends_on is not None
        and round.notice_starts_on <= today <= round.notice_ends_on
    )


def _title_order() -> Case:
    return Case(
        *(When(title=value, then=Value(i)) for i, value in enumerate(Title.values)),
        output_field=IntegerField(),
    )


def notice_candidates(round: Round) -> QuerySet[Nomination]:
    """The round's candidates, in the order of the titles, then province, then name."""
    return (
        Nomination.objects.filter(round=round, status=Nomination.Status.CANDIDATE)
        .annotate(title_order=_title_order())
        .order_by("title_order", "province__path", "nominee_name", "pk")
    )


@dataclass
class Candidate:
    pk: int
    name: str
    unit: str
    summary: str


@dataclass
class ProvinceGroup:
    name: str
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class TitleGroup:
    title: str
    label: StrOrPromise
    provinces: list[ProvinceGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.candidates) for group in self.provinces)


def notice_candidate_groups(round: Round) -> list[TitleGroup]:
    """The candidates grouped by title and province, in one query, as plain records holding
    only what the notice publishes."""
    groups: list[TitleGroup] = []
    for row in notice_candidates(round).values(*PUBLIC_FIELDS):
        if not groups or groups[-1].title != row["title"]:
            groups.append(TitleGroup(title=row["title"], label=Title(row["title"]).label))
        provinces = groups[-1].provinces
        if not provinces or provinces[-1].name != row["province__name"]:
            provinces.append(ProvinceGroup(name=row["province__name"]))
        unit = row["nominee_unit_name"]
        provinces[-1].candidates.append(
            Candidate(
                pk=row["pk"],
                name=row["nominee_name"],
                # A unit nominated in its own name has no separate unit to show.
                unit="" if unit == row["nominee_name"] else unit,
                summary=row["summary"],
            )
        )
    return groups


def open_objections(round: Round) -> QuerySet[Objection]:
    """The round's objections still waiting for the office's decision."""
    return Objection.objects.filter(nomination__round=round, status=Objection.Status.OPEN)
