"""The activity summary: how many activities each authority logged in a year, by status, in all
and per construction area (`ActivitySummary`). The dashboards read it instead of counting the
activities.

The activity services keep it in the same transaction as the change to the activity: each one
takes the activity's contribution out as it was and puts it back as it is (`summary_change`).
Counts move by `count = count + n` on rows locked in key order, so two activities logged at once
for the same authority and year both count, and two transactions never wait on each other's rows
in opposite orders. A bulk insert or delete (the national-scale data set) rebuilds it instead
(`activity_summary_rebuild`), as `manage.py activity_summary_rebuild` does.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear

from campaigns.models import Activity, ActivitySummary

if TYPE_CHECKING:
    from typing import TypeAlias

    # A summary row's key, and one activity's part of the summary: {(key, column): n}.
    Key: TypeAlias = tuple[int, int, int | None]
    Contribution: TypeAlias = Counter[tuple[Key, str]]

# A summary row's key: (authority id, year, area id or None for the activities themselves).
COLUMNS = tuple(ActivitySummary.COUNTS.values())
BATCH = 1000


def contribution(
    *, authority_id: int, occurred_on: date, status: str, area_ids: Iterable[int]
) -> Contribution:
    """What one activity adds to the summary: one in its status's column of the authority's
    year, and of each of its areas in that year. {(key, column): 1}."""
    column = ActivitySummary.COUNTS[status]  # type: ignore[index]
    year = occurred_on.year
    keys = [(authority_id, year, None), *((authority_id, year, a) for a in set(area_ids))]
    return Counter({(key, column): 1 for key in keys})


def activity_contribution(activity: Activity, area_ids: Iterable[int]) -> Contribution:
    return contribution(
        authority_id=activity.authority_id,
        occurred_on=activity.occurred_on,
        status=activity.status,
        area_ids=area_ids,
    )


def _order(key: Key) -> tuple[int, int, bool, int]:
    authority_id, year, area_id = key
    return (authority_id, year, area_id is not None, area_id or 0)


def _key_filter(keys: Iterable[Key]) -> Q:
    condition = Q()
    for authority_id, year, area_id in keys:
        if area_id is None:
            condition |= Q(authority_id=authority_id, year=year, area__isnull=True)
        else:
            condition |= Q(authority_id=authority_id, year=year, area_id=area_id)
    return condition


def summary_change(
    *, before: Contribution | None = None, after: Contribution | None = None
) -> None:
    """Move the summary from an activity's contribution `before` to its contribution `after`
    (either may be missing: a new activity has no before). Three queries when anything changes:
    create the rows that are missing, lock the rows, and one UPDATE per distinct change."""
    delta = Counter(after or {})
    delta.subtract(before or {})
    by_key: defaultdict[Key, dict[str, int]] = defaultdict(dict)
    for (key, column), n in delta.items():
        if n:
            by_key[key][column] = n
    if not by_key:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("The activity summary changes inside the activity's transaction.")
    keys = sorted(by_key, key=_order)
    # Rows appear once per authority, year and area; creating them in key order means two
    # transactions creating the same rows wait in the same order.
    ActivitySummary.objects.bulk_create(
        [ActivitySummary(authority_id=a, year=y, area_id=area) for a, y, area in keys],
        ignore_conflicts=True,
    )
    # Locked in one order (the primary key's) so that two changes on overlapping rows queue up
    # rather than deadlock; the increments below are relative, so nothing is lost either way.
    list(
        ActivitySummary.objects.select_for_update()
        .filter(_key_filter(keys))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    by_change = defaultdict(list)
    for key in keys:
        by_change[tuple(sorted(by_key[key].items()))].append(key)
    for change, same in by_change.items():
        ActivitySummary.objects.filter(_key_filter(same)).update(
            **{column: F(column) + n for column, n in change}
        )


# --- rebuilding from the activities -------------------------------------------------------------


def _status_counts(prefix: str = "") -> dict[str, Count]:
    return {
        column: Count("pk", filter=Q(**{f"{prefix}status": status}))
        for status, column in ActivitySummary.COUNTS.items()
    }


def summary_from_activities() -> dict[Key, dict[str, int]]:
    """The summary as the activities make it: {key: {column: count}}. Two GROUP BY queries (the
    activities, and their areas)."""
    expected: dict[Key, dict[str, int]] = {}
    totals = (
        Activity.objects.annotate(year=ExtractYear("occurred_on"))
        .values_list("authority_id", "year")
        .annotate(**_status_counts())
        .order_by()
    )
    for authority_id, year, *values in totals:
        expected[(authority_id, year, None)] = dict(zip(COLUMNS, values, strict=True))
    per_area = (
        Activity.areas.through.objects.annotate(year=ExtractYear("activity__occurred_on"))
        .values_list("activity__authority_id", "year", "constructionarea_id")  # type: ignore[misc]
        .annotate(**_status_counts("activity__"))
        .order_by()
    )
    for authority_id, year, area_id, *values in per_area:
        expected[(authority_id, year, area_id)] = dict(zip(COLUMNS, values, strict=True))
    return expected


def summary_rows() -> dict[Key, dict[str, int]]:
    """The summary as stored, in the same form, leaving out rows without any count (a row
    whose activities moved to another year or area stays, with zeros)."""
    return {
        (authority_id, year, area_id): dict(zip(COLUMNS, values, strict=True))
        for authority_id, year, area_id, *values in ActivitySummary.objects.values_list(
            "authority_id", "year", "area_id", *COLUMNS
        )
        if any(values)
    }


@dataclasses.dataclass
class RebuildResult:
    rows: int  # rows of the rebuilt summary (with a count)
    created: int
    corrected: int
    removed: int  # rows without any count left, or without an activity behind them
    dry_run: bool

    @property
    def changed(self) -> int:
        return self.created + self.corrected + self.removed


def _lock_summary() -> None:
    """Keep the activity services off the summary until the rebuild commits: a service that
    wrote to it first is waited for (and its activity is then counted here), one that comes
    after waits and applies its change to the rebuilt rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(ActivitySummary._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")


@transaction.atomic
def activity_summary_rebuild(*, dry_run: bool = False) -> RebuildResult:
    """Make the summary what the activities say: rows created, corrected or removed where they
    differ; nothing written with `dry_run`. Safe to run again (the second run changes
    nothing). One transaction."""
    _lock_summary()
    expected = summary_from_activities()
    existing = {
        (row.authority_id, row.year, row.area_id): row for row in ActivitySummary.objects.all()
    }
    create, correct = [], []
    for key, values in expected.items():
        row = existing.get(key)
        if row is None:
            authority_id, year, area_id = key
            create.append(
                ActivitySummary(authority_id=authority_id, year=year, area_id=area_id, **values)
            )
        elif any(getattr(row, column) != n for column, n in values.items()):
            for column, n in values.items():
                setattr(row, column, n)
            correct.append(row)
    remove = [row.pk for key, row in existing.items() if key not in expected]
    if not dry_run:
        for start in range(0, len(remove), BATCH):
            ActivitySummary.objects.filter(pk__in=remove[start : start + BATCH]).delete()
        ActivitySummary.objects.bulk_update(correct, COLUMNS, batch_size=BATCH)
        ActivitySummary.objects.bulk_create(create, batch_size=BATCH)
    return RebuildResult(
        rows=len(expected),
        created=len(create),
        corrected=len(correct),
        removed=len(remove),
        dry_run=dry_run,
    )
