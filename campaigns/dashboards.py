"""The reads behind the dashboards (national, provincial, port authority, unit), and the small
registry through which other apps add a panel to them.

Every figure comes from an aggregate query, and each dashboard reads a fixed number of queries
whatever the amount of data. The national, provincial and port authority dashboards count
activities from the activity summary (`ActivitySummary`: per authority, year and area, by status,
kept by the activity services), a few thousand rows rather than every activity of the year; the
unit's dashboard and the plan's progress, which count a unit's own activities, read the
activities. A breakdown (the national dashboard: one row per province; the
provincial one: one row per port authority) reads the authorities below its node once and groups
each kind of fact by the id of the authority it belongs to; the ids are mapped to their rows in
Python. That keeps every GROUP BY on an indexed key column, and the SQL portable (PostgreSQL, and
the embedded SQLite of `make run`).

What is counted, everywhere the same:
- activities: those that took place in the year, except those sent back for more (the count of
  plan progress); an activity in two areas counts once in each area;
- rectification items: open now, i.e. not closed (open, answered and awaiting verification, or
  sent back); overdue: waiting for the unit's answer (open or sent back) past the due date;
- feedback: received in the year (by the day it came in, in the portal's time zone); handled:
  answered or closed;
- filings: a document counts as filed once submitted, and as acknowledged once acknowledged.

Panels. Dependencies point one way (DESIGN §5), so campaigns never imports the apps above it.
An app with a per-area figure for a port authority or a unit registers a provider with
`register_panel(name, provider)`; the port and unit dashboards then show what it returns.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, Sum
from django.utils import timezone, translation

from campaigns.models import (
    Activity,
    ActivitySummary,
    Authority,
    Commitment,
    ConstructionArea,
    Feedback,
    Filing,
    Plan,
    Port,
    Rectification,
    SurveyRating,
)
from campaigns.models.public import SCALE_MAX
from campaigns.selectors.work import plan_list_for
from civport.queries import count_subquery

FEEDBACK_HANDLED = (Feedback.Status.ANSWERED, Feedback.Status.CLOSED)
RECTIFICATION_LIST_MAX = 20
ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")


# --- panels from other apps --------------------------------------------------------------------


@dataclass(frozen=True)
class AreaPanel:
    """A figure per construction area that a provider adds to a dashboard.

    `values` maps area codes to numbers (Decimals, in percent when `percent`); areas without a
    value are left out. `title` names the figure, `caption` says where it comes from (e.g. the
    assessment cycle and when it was published)."""

    title: str
    caption: str
    values: dict
    percent: bool = True


_providers = {}


def register_panel(name, provider):
    """Add a panel to the port authority and unit dashboards.

    `provider(*, authority=None, unit=None)` is called once per page, with the port (or county)
    authority of a port dashboard or the unit of a unit dashboard; the dashboard has already
    checked that the user may see it. It returns an `AreaPanel`, or None when it has nothing to
    show, and must read with a fixed number of queries (one, ideally). Registering a name again
    replaces its provider (apps' `ready()` may run twice in tests)."""
    _providers[name] = provider


def panels_for(*, authority=None, unit=None):
    """[(name, AreaPanel)] of every registered provider with something to show, by name."""
    panels = []
    for name in sorted(_providers):
        panel = _providers[name](authority=authority, unit=unit)
        if panel is not None:
            panels.append((name, panel))
    return panels


# --- small helpers ----------------------------------------------------------------------------


def year_bounds(year):
    """The year's first and last day, and its start and the next year's start as aware
    datetimes in the portal's time zone (for `created_at`-style columns)."""
    start = datetime.date(year, 1, 1)
    end = datetime.date(year, 12, 31)
    zone = timezone.get_current_timezone()
    begins = datetime.datetime(year, 1, 1, tzinfo=zone)
    ends = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    return start, end, begins, ends


def _english():
    return (translation.get_language() or "").startswith("en")


def area_label(area):
    """A construction area's name in the reader's language."""
    return area.name_en if _english() and area.name_en else area.name


def authority_label(authority, *, short=False):
    """An authority's name in the reader's language; `short` prefers the short name (chart
    axes)."""
    if _english() and authority.name_en:
        return authority.name_en
    if short and authority.short_name:
        return authority.short_name
    return authority.name


def percent(part, whole, places=ONE_PLACE):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


def _satisfaction(total, count):
    """Mean score over the top of the scale, in percent (as `survey_satisfaction_for_port`)."""
    if not count:
        return None
    return (Decimal(total) * 100 / (count * SCALE_MAX)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _below(queryset, lookup, node):
    """Narrow to rows whose authority path (at `lookup`) lies at or below `node`; the root has
    everything below it, so no filter (and no join) is needed there."""
    if node.parent_id is None:
        return queryset
    return queryset.filter(**{f"{lookup}__startswith": node.path})


def _logged(queryset, prefix=""):
    """Activities counted on the dashboards: all but those sent back for more."""
    return queryset.exclude(**{f"{prefix}status": Activity.Status.MORE_REQUESTED})


def _summary(queryset):
    """(authority id, area id or None, activities, verified) of summary rows, counted as
    `_logged` counts: all but those sent back for more."""
    rows = queryset.values_list("authority_id", "area_id", "submitted", "verified").order_by()
    for authority_id, area_id, submitted, verified in rows:
        yield authority_id, area_id, submitted + verified, verified


# --- breakdowns: national (per province) and provincial (per port authority) ------------------


@dataclass
class Counts:
    filings_filed: int = 0
    filings_acknowledged: int = 0
    plans_published: int = 0
    activities: int = 0
    activities_verified: int = 0
    rectifications_open: int = 0
    rectifications_overdue: int = 0
    feedback_received: int = 0
    feedback_handled: int = 0
    by_area: dict = field(default_factory=dict)  # area id → activities
    area_counts: list = field(default_factory=list)  # in area order, filled at the end

    SUMMED = (
        "filings_filed",
        "filings_acknowledged",
        "plans_published",
        "activities",
        "activities_verified",
        "rectifications_open",
        "rectifications_overdue",
        "feedback_received",
        "feedback_handled",
    )

    def add(self, other):
        for name in self.SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for area_id, n in other.by_area.items():
            self.by_area[area_id] = self.by_area.get(area_id, 0) + n

    @property
    def has_work(self):
        """Anything besides filings (which only provinces make)."""
        return any(getattr(self, name) for name in self.SUMMED[2:])


@dataclass
class BreakdownRow:
    authority: Authority
    counts: Counts
    is_node: bool = False  # the facts recorded at the node itself, not below it


@dataclass
class Breakdown:
    node: Authority
    year: int
    today: datetime.date
    areas: list
    rows: list
    total: Counts
    node_counts: Counts  # the node's own row (for a province: its filings)


def _authorities_below(node):
    fields = ("pk", "code", "name", "name_en", "short_name", "level", "path", "parent_id")
    return list(_below(Authority.objects.all(), "path", node).only(*fields).order_by("path", "pk"))


def national_root():
    """The national office, or None before the hierarchy exists (one query)."""
    return Authority.objects.filter(parent__isnull=True, level=Authority.Level.NATIONAL).first()


def breakdown(node, *, year, today):
    """One row per authority directly below `node`, each counting everything at or below it,
    plus the node's own row when something is recorded at the node itself. Seven queries: the
    authorities below, the areas, the activity summary, and one GROUP BY per other kind of
    fact."""
    authorities = _authorities_below(node)
    depth = node.path.count("/")
    own = Counts()
    rows_by_path = {}
    rows = []
    for authority in authorities:
        if authority.parent_id == node.pk:
            row = BreakdownRow(authority, Counts())
            rows_by_path[authority.path] = row
            rows.append(row)
    counts_of = {node.pk: own}
    for authority in authorities:
        if authority.pk == node.pk:
            continue
        top = "/".join(authority.path.split("/")[: depth + 1]) + "/"
        row = rows_by_path.get(top)
        if row is not None:
            counts_of[authority.pk] = row.counts

    def add(authority_id, **values):
        counts = counts_of.get(authority_id)
        if counts is None:  # outside the node (cannot happen with the filters below)
            return
        for name, value in values.items():
            setattr(counts, name, getattr(counts, name) + value)

    _start, _end, begins, ends = year_bounds(year)
    areas = list(ConstructionArea.objects.order_by("order"))

    filings = (
        _below(Filing.objects.exclude(status=Filing.Status.DRAFT), "authority__path", node)
        .values_list("authority_id")
        .annotate(
            filed=Count("pk"),
            acknowledged=Count("pk", filter=Q(status=Filing.Status.ACKNOWLEDGED)),
        )
        .order_by()
    )
    for authority_id, filed, acknowledged in filings:
        add(authority_id, filings_filed=filed, filings_acknowledged=acknowledged)

    plans = (
        _below(
            Plan.objects.filter(year=year, status=Plan.Status.PUBLISHED), "authority__path", node
        )
        .values_list("authority_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for authority_id, n in plans:
        add(authority_id, plans_published=n)

    # Activities in all and per area, from the summary (one row per authority and area).
    summary = _below(ActivitySummary.objects.filter(year=year), "authority__path", node)
    for authority_id, area_id, n, verified in _summary(summary):
        if area_id is None:
            add(authority_id, activities=n, activities_verified=verified)
            continue
        counts = counts_of.get(authority_id)
        if counts is not None and n:
            counts.by_area[area_id] = counts.by_area.get(area_id, 0) + n

    rectifications = (
        _below(
            Rectification.objects.exclude(status=Rectification.Status.CLOSED),
            "owner_unit__authority__path",
            node,
        )
        .values_list("owner_unit__authority_id")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(status__in=Rectification.PENDING, due_on__lt=today)),
        )
        .order_by()
    )
    for authority_id, n, overdue in rectifications:
        add(authority_id, rectifications_open=n, rectifications_overdue=overdue)

    feedback = (
        _below(
            Feedback.objects.filter(created_at__gte=begins, created_at__lt=ends),
            "port__authority__path",
            node,
        )
        .values_list("port__authority_id")
        .annotate(n=Count("pk"), handled=Count("pk", filter=Q(status__in=FEEDBACK_HANDLED)))
        .order_by()
    )
    for authority_id, n, handled in feedback:
        add(authority_id, feedback_received=n, feedback_handled=handled)

    if own.has_work:
        rows.insert(0, BreakdownRow(node, own, is_node=True))
    total = Counts()
    for row in rows:
        total.add(row.counts)
    if not own.has_work:
        total.add(own)  # the node's filings
    for counts in (*(r.counts for r in rows), total, own):
        counts.area_counts = [counts.by_area.get(a.pk, 0) for a in areas]
    return Breakdown(
        node=node, year=year, today=today, areas=areas, rows=rows, total=total, node_counts=own
    )


# --- the port authority's dashboard ----------------------------------------------------------


@dataclass
class AreaRow:
    area: ConstructionArea
    label: str
    activities: int = 0
    verified: int = 0
    target: int = 0  # the plan's target activities in the area
    logged: int = 0  # activities toward the plan, each commitment counted up to its target
    panel_values: list = field(default_factory=list)  # one per panel, None when missing


@dataclass
class UnitRectifications:
    unit_id: int
    name: str
    open: int = 0
    answered: int = 0
    sent_back: int = 0
    overdue: int = 0
    closed: int = 0  # closed in the year

    @property
    def not_closed(self):
        return self.open + self.answered + self.sent_back


@dataclass
class PortRow:
    port: Port
    feedback_received: int = 0
    feedback_handled: int = 0
    ratings: int = 0
    rating_total: int = 0

    @property
    def satisfaction(self):
        return _satisfaction(self.rating_total, self.ratings)


@dataclass
class PortDashboard:
    authority: Authority
    year: int
    today: datetime.date
    areas: list
    area_rows: list
    activities: int
    activities_verified: int
    plan: Plan | None
    commitments: list
    plan_target: int
    plan_logged: int
    plan_verified: int
    rectification_units: list
    rectifications: UnitRectifications  # the totals
    ports: list
    feedback_received: int
    feedback_handled: int
    ratings: int
    satisfaction: Decimal | None  # over every rating given at the authority's ports
    panels: list

    @property
    def plan_percent(self):
        return percent(self.plan_logged, self.plan_target, places=Decimal(1))


def _area_rows(areas, counts):
    """`counts` maps an area id to (activities, verified)."""
    rows = []
    for area in areas:
        n, verified = counts.get(area.pk, (0, 0))
        rows.append(AreaRow(area=area, label=area_label(area), activities=n, verified=verified))
    return rows


def _add_panels(rows, panels):
    for row in rows:
        row.panel_values = [panel.values.get(row.area.code) for _name, panel in panels]


def _with_progress_percent(commitments):
    for c in commitments:
        c.percent = min(100, round(100 * c.logged / c.target_activities))
    return commitments


def port_dashboard(authority, *, year, today):
    """The port (or county) authority's year: activities per area, its plan's progress, its
    units' rectification items, feedback and satisfaction per port, and the registered panels.
    Eight queries with a plan for the year (seven without), plus one per panel provider."""
    _start, _end, begins, ends = year_bounds(year)
    path = authority.path
    areas = list(ConstructionArea.objects.order_by("order"))

    # Activities in all and per area, from the summary rows of the authority and those below.
    totals = {"n": 0, "verified": 0}
    per_area = {}
    summary = ActivitySummary.objects.filter(authority__path__startswith=path, year=year)
    for _authority_id, area_id, n, verified in _summary(summary):
        if area_id is None:
            totals["n"] += n
            totals["verified"] += verified
        else:
            before = per_area.get(area_id, (0, 0))
            per_area[area_id] = (before[0] + n, before[1] + verified)
    area_rows = _area_rows(areas, per_area)

    plan = Plan.objects.filter(authority=authority, year=year).first()
    commitments = _with_progress_percent(list(plan_commitments_with_progress(plan))) if plan else []
    by_area = {row.area.pk: row for row in area_rows}
    for c in commitments:
        row = by_area[c.area_id]
        row.target += c.target_activities
        row.logged += min(c.logged, c.target_activities)

    closed_in_year = Q(
        status=Rectification.Status.CLOSED, closed_at__gte=begins, closed_at__lt=ends
    )
    per_unit = (
        Rectification.objects.filter(owner_unit__authority__path__startswith=path)
        .filter(~Q(status=Rectification.Status.CLOSED) | closed_in_year)
        .values_list("owner_unit_id", "owner_unit__name")
        .annotate(
            open=Count("pk", filter=Q(status=Rectification.Status.OPEN)),
            answered=Count("pk", filter=Q(status=Rectification.Status.ANSWERED)),
            sent_back=Count("pk", filter=Q(status=Rectification.Status.SENT_BACK)),
            overdue=Count("pk", filter=Q(status__in=Rectification.PENDING, due_on__lt=today)),
            closed=Count("pk", filter=closed_in_year),
        )
        .order_by("owner_unit__code")
    )
    units = [UnitRectifications(*row) for row in per_unit]
    rectifications = UnitRectifications(unit_id=0, name="")
    for row in units:
        for name in ("open", "answered", "sent_back", "overdue", "closed"):
            setattr(rectifications, name, getattr(rectifications, name) + getattr(row, name))
    units.sort(key=lambda r: (-r.overdue, -r.not_closed, r.name))

    ports = [
        PortRow(port)
        for port in Port.objects.filter(authority__path__startswith=path)
        .only("pk", "code", "name", "name_en", "status", "authority_id")
        .order_by("code")
    ]
    by_port = {row.port.pk: row for row in ports}
    feedback = (
        Feedback.objects.filter(
            port__authority__path__startswith=path, created_at__gte=begins, created_at__lt=ends
        )
        .values_list("port_id")
        .annotate(n=Count("pk"), handled=Count("pk", filter=Q(status__in=FEEDBACK_HANDLED)))
        .order_by()
    )
    for port_id, n, handled in feedback:
        by_port[port_id].feedback_received, by_port[port_id].feedback_handled = n, handled
    ratings = (
        SurveyRating.objects.filter(
            response__survey__port__authority__path__startswith=path,
            response__submitted_at__gte=begins,
            response__submitted_at__lt=ends,
        )
        .values_list("response__survey__port_id")
        .annotate(total=Sum("score"), n=Count("pk"))
        .order_by()
    )
    for port_id, total, n in ratings:
        by_port[port_id].rating_total, by_port[port_id].ratings = total, n

    panels = panels_for(authority=authority)
    _add_panels(area_rows, panels)
    return PortDashboard(
        authority=authority,
        year=year,
        today=today,
        areas=areas,
        area_rows=area_rows,
        activities=totals["n"],
        activities_verified=totals["verified"],
        plan=plan,
        commitments=commitments,
        plan_target=sum(c.target_activities for c in commitments),
        plan_logged=sum(min(c.logged, c.target_activities) for c in commitments),
        plan_verified=sum(min(c.verified, c.target_activities) for c in commitments),
        rectification_units=units,
        rectifications=rectifications,
        ports=ports,
        feedback_received=sum(p.feedback_received for p in ports),
        feedback_handled=sum(p.feedback_handled for p in ports),
        ratings=sum(p.ratings for p in ports),
        satisfaction=_satisfaction(
            sum(p.rating_total for p in ports), sum(p.ratings for p in ports)
        ),
        panels=[panel for _name, panel in panels],
    )


# --- the unit's dashboard -----------------------------------------------------------------------


@dataclass
class UnitDashboard:
    unit: object
    year: int
    today: datetime.date
    areas: list
    area_rows: list
    activities: int
    activities_verified: int
    rectification_counts: dict
    rectifications: list  # the items not closed, soonest due first (at most RECTIFICATION_LIST_MAX)
    commitments: list
    plan_target: int
    plan_logged: int
    panels: list

    @property
    def plan_percent(self):
        return percent(self.plan_logged, self.plan_target, places=Decimal(1))


def _unit_activities(unit, start, end):
    """The activities of a unit's year: logged by it, or with it among the participants (as
    plan progress counts them). The ids come from a UNION of two indexed reads, not an OR."""
    own = Activity.objects.filter(unit_id=unit.pk).order_by().values("pk")
    joined = (
        Activity.participant_units.through.objects.filter(unit_id=unit.pk)
        .order_by()
        .values("activity_id")
    )
    return _logged(
        Activity.objects.filter(pk__in=own.union(joined), occurred_on__range=(start, end))
    ).order_by()


def _progress(commitments, year):
    """Commitments with the activities logged toward each in `year`: those of the commitment's
    unit (logged by it, or with it among the participants) in the commitment's area, all but
    those sent back for more; `verified` counts the verified ones. As `plan_progress` counts
    them, written as two disjoint counts (logged by the unit; joined by it but logged by another
    or by the authority) so that each subquery runs on an index rather than an OR."""
    start, end, _begins, _ends = year_bounds(year)
    in_year = {"occurred_on__range": (start, end), "areas": OuterRef("area_id")}
    own = _logged(Activity.objects.filter(unit_id=OuterRef("unit_id"), **in_year))
    joined = _logged(
        Activity.objects.filter(participant_units=OuterRef("unit_id"), **in_year).exclude(
            unit_id=OuterRef("unit_id")
        )
    )
    verified = Activity.Status.VERIFIED
    return commitments.annotate(
        logged=count_subquery(own) + count_subquery(joined),
        verified=count_subquery(own.filter(status=verified))
        + count_subquery(joined.filter(status=verified)),
    )


def commitments_with_progress(user, unit, year):
    """The unit's commitments in the year's plans the user sees, with their progress. One
    query."""
    commitments = Commitment.objects.filter(
        unit=unit, plan__year=year, plan__in=plan_list_for(user).order_by().values("pk")
    )
    return _progress(commitments.select_related("plan", "area", "owner_person"), year).order_by(
        "area__order", "plan__authority__path", "pk"
    )


def plan_commitments_with_progress(plan):
    """The plan's commitments with their progress, in the order of the plan's page. One query."""
    commitments = Commitment.objects.filter(plan=plan).select_related(
        "area", "unit", "owner_person"
    )
    return _progress(commitments, plan.year).order_by("area__order", "unit__code", "pk")


def unit_dashboard(user, unit, *, year, today):
    """A unit's year: its activities per area, its rectification items, its commitments with
    their progress, and the registered panels. Six queries, plus one per panel provider."""
    start, end, begins, ends = year_bounds(year)
    areas = list(ConstructionArea.objects.order_by("order"))
    activities = _unit_activities(unit, start, end)
    totals = activities.aggregate(
        n=Count("pk"), verified=Count("pk", filter=Q(status=Activity.Status.VERIFIED))
    )
    per_area = (
        Activity.areas.through.objects.filter(activity__in=activities.values("pk"))
        .values_list("constructionarea_id")
        .annotate(
            n=Count("pk"),
            verified=Count("pk", filter=Q(activity__status=Activity.Status.VERIFIED)),
        )
        .order_by()
    )
    area_rows = _area_rows(areas, {area_id: (n, v) for area_id, n, v in per_area})

    items = Rectification.objects.filter(owner_unit=unit)
    rectification_counts = items.aggregate(
        open=Count("pk", filter=Q(status=Rectification.Status.OPEN)),
        answered=Count("pk", filter=Q(status=Rectification.Status.ANSWERED)),
        sent_back=Count("pk", filter=Q(status=Rectification.Status.SENT_BACK)),
        overdue=Count("pk", filter=Q(status__in=Rectification.PENDING, due_on__lt=today)),
        closed=Count(
            "pk",
            filter=Q(status=Rectification.Status.CLOSED, closed_at__gte=begins, closed_at__lt=ends),
        ),
    )
    pending = list(
        items.exclude(status=Rectification.Status.CLOSED)
        .select_related("finding", "inspection", "inspection__authority")
        .order_by("due_on", "pk")[:RECTIFICATION_LIST_MAX]
    )
    for item in pending:
        item.is_overdue = item.is_overdue_on(today)

    commitments = _with_progress_percent(list(commitments_with_progress(user, unit, year)))
    by_area = {row.area.pk: row for row in area_rows}
    for c in commitments:
        row = by_area[c.area_id]
        row.target += c.target_activities
        row.logged += min(c.logged, c.target_activities)

    panels = panels_for(unit=unit)
    _add_panels(area_rows, panels)
    return UnitDashboard(
        unit=unit,
        year=year,
        today=today,
        areas=areas,
        area_rows=area_rows,
        activities=totals["n"],
        activities_verified=totals["verified"],
        rectification_counts=rectification_counts,
        rectifications=pending,
        commitments=commitments,
        plan_target=sum(c.target_activities for c in commitments),
        plan_logged=sum(min(c.logged, c.target_activities) for c in commitments),
        panels=[panel for _name, panel in panels],
    )
