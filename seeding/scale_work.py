"""The campaign's work in the national-scale data set (DESIGN §9): a year of activities,
inspections with rectification items, public feedback and the port authorities' plans, spread
over the synthetic units and every port. Built by `seeding.scale_campaigns.seed_scale` after its units
exist, or on its own (`seed_work`) on a data set made before it.

Sized by the synthetic units there are: with the default 6,000 units, 100,000 activities (one or
two construction areas each, some with a participating unit), 10,000 rectification items (five
findings per inspection visit) and 20,000 feedback items. Like the rest of the scale data this is
benchmark filler: rows are written with `bulk_create`, timestamps included, bypassing the
services, and get **no audit entries**. What marks a row as synthetic: an activity's or a
rectification item's unit (code `SYN-…`), an inspection's visited units, a plan's committed
units, and a feedback item's tracking hash, which starts with `SYN-` (a real one is a SHA-256
in hex, so no tracking code ever finds a synthetic item).

Benchmark persona: `bench_port`, port officer of Shenzhen's (real) port authority: with seven
ports it has the most synthetic units and so the fullest port officer's pages.
"""

import contextlib
import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns import services
from campaigns.models import (
    Activity,
    ActivitySummary,
    Authority,
    Commitment,
    ConstructionArea,
    Feedback,
    Finding,
    Inspection,
    Membership,
    Plan,
    Port,
    Rectification,
    Unit,
)
from campaigns.services.summaries import activity_summary_rebuild
from seeding.synthetic import PREFIX, analyze, steps_timed

WORK_SEED = 20260401
BATCH = 5000
REFERENCE_UNITS = 6000
ACTIVITIES_PER_REFERENCE = 100_000
RECTIFICATIONS_PER_REFERENCE = 10_000
FEEDBACK_PER_REFERENCE = 20_000
FINDINGS_PER_INSPECTION = 5
YEAR_DAYS = 365

BENCH_PORT = "bench_port"
BENCH_PORT_AUTHORITY = "GD-SZ"

ACTIVITY_TITLES = {
    Activity.Form.MEDIA: ("通关便利化措施宣传", "共建文明口岸主题宣传", "口岸通关指南短视频发布"),
    Activity.Form.VISIT: ("走访进出口企业了解通关需求", "赴共建单位结对交流"),
    Activity.Form.SYMPOSIUM: ("口岸营商环境企业座谈会", "进出口政策答疑会"),
    Activity.Form.SURVEY: ("通关服务满意度问卷调查",),
    Activity.Form.SPECIAL_CAMPAIGN: ("营商环境提升专项共建",),
    Activity.Form.AGREEMENT: ("签订廉政共建承诺书", "签订通关服务共建协议"),
    Activity.Form.TRAINING: ("口岸安全生产专题培训", "廉政警示教育讲座", "联合应急演练"),
    Activity.Form.CULTURE_SPORTS: ("职工气排球联谊赛", "主题读书分享会", "志愿服务进旅检大厅"),
    Activity.Form.OTHER: ("共建活动台账季度报送", "服务窗口公示内容更新"),
}
FINDINGS = (
    "公示栏收费标准未及时更新",
    "通道引导标识不清",
    "安全巡查记录不完整",
    "座谈会会议纪要未归档",
    "共建活动台账未按季度报送",
    "应急物资储备不足",
    "投诉电话无人值守",
)
FEEDBACK_TEXTS = (
    "高峰时段排队时间较长，建议增开通道。",
    "收费标准没有公示，希望公开。",
    "工作人员服务热情，点赞。",
    "指示牌不够清楚，容易走错。",
    "建议增加自助通关设备。",
    "投诉电话无人接听。",
)
FEEDBACK_NAMES = ("张先生", "李女士", "王先生", "某贸易有限公司")
# What became of a row, drawn by `_drawn`: (bound, state), each state taking the share of the
# draws between the bound before it and its own.
ACTIVITY_STATES = (
    (0.6, Activity.Status.VERIFIED),
    (0.65, Activity.Status.MORE_REQUESTED),
    (1, Activity.Status.SUBMITTED),
)
ITEM_STATES_DUE = ((0.6, "open"), (0.9, "answered"), (1, "closed"))
ITEM_STATES_OVERDUE = ((0.7, "closed"), (0.78, "answered"), (0.85, "sent_back"), (1, "open"))
FEEDBACK_STATES_OLD = (
    (0.55, Feedback.Status.CLOSED),
    (0.9, Feedback.Status.ANSWERED),
    (0.95, Feedback.Status.IN_PROGRESS),
    (1, Feedback.Status.RECEIVED),
)
FEEDBACK_STATES_RECENT = (
    (0.35, Feedback.Status.RECEIVED),
    (0.6, Feedback.Status.IN_PROGRESS),
    (0.9, Feedback.Status.ANSWERED),
    (1, Feedback.Status.CLOSED),
)


@dataclass
class WorkResult:
    skipped: bool
    seconds: float
    counts: dict
    timings: dict


def synthetic_present():
    return Activity.objects.filter(unit__code__startswith=PREFIX).exists()


def synthetic_counts():
    return {
        "activities": Activity.objects.filter(unit__code__startswith=PREFIX).count(),
        "rectifications": Rectification.objects.filter(owner_unit__code__startswith=PREFIX).count(),
        "feedback": Feedback.objects.filter(tracking_hash__startswith=PREFIX).count(),
    }


def _synthetic_inspections():
    visited = Inspection.units.through.objects.filter(unit__code__startswith=PREFIX)
    return Inspection.objects.filter(pk__in=visited.values("inspection_id"))


@transaction.atomic
def delete_synthetic():
    """Remove the synthetic work (it points at the synthetic units and port authorities, so it
    goes before them) and the `bench_port` persona."""
    units = Unit.objects.filter(code__startswith=PREFIX)
    activities = Activity.objects.filter(unit__in=units)
    Activity.areas.through.objects.filter(activity__in=activities).delete()
    Activity.participant_units.through.objects.filter(activity__in=activities).delete()
    activities.delete()
    activity_summary_rebuild()  # the dashboards' counts without the activities just removed
    inspections = _synthetic_inspections()
    Rectification.objects.filter(inspection__in=inspections).delete()
    Finding.objects.filter(inspection__in=inspections).delete()
    inspections.delete()
    Plan.objects.filter(pk__in=Commitment.objects.filter(unit__in=units).values("plan_id")).delete()
    Feedback.objects.filter(tracking_hash__startswith=PREFIX).delete()
    get_user_model().objects.filter(username=BENCH_PORT).delete()


@contextlib.contextmanager
def _explicit_times(*models):
    """Let bulk_create keep the `auto_now`/`auto_now_add` timestamps set on the rows (spread
    over the year) instead of stamping them all with now."""
    changed = []
    for model in models:
        for field in model._meta.concrete_fields:
            for flag in ("auto_now", "auto_now_add"):
                if getattr(field, flag, False):
                    setattr(field, flag, False)
                    changed.append((field, flag))
    try:
        yield
    finally:
        for field, flag in changed:
            setattr(field, flag, True)


def _drawn(rng, states):
    """One of `(bound, state)` states: the first whose bound the draw is under."""
    r = rng.random()
    return next(state for bound, state in states if r < bound)


def _moment(day, rng):
    moment = datetime.datetime.combine(
        day,
        datetime.time(rng.randrange(8, 20), rng.randrange(60)),
        tzinfo=timezone.get_current_timezone(),
    )
    return min(moment, timezone.now())


@dataclass
class WorkRun:
    rng: random.Random
    today: datetime.date
    units: list  # (pk, authority id, port id) of the synthetic units
    by_authority: dict  # authority id → [unit rows]
    areas: list  # ConstructionArea pks

    def day_in_year(self):
        return self.today - datetime.timedelta(days=self.rng.randrange(YEAR_DAYS))


def _run(seed, today):
    units = list(
        Unit.objects.filter(code__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", "authority_id", "port_id")
    )
    by_authority = defaultdict(list)
    for row in units:
        by_authority[row[1]].append(row)
    return WorkRun(
        rng=random.Random(seed),
        today=today,
        units=units,
        by_authority=dict(by_authority),
        areas=list(ConstructionArea.objects.order_by("order").values_list("pk", flat=True)),
    )


# --- activities -------------------------------------------------------------------------------


def _activity(run, n, unit):
    rng = run.rng
    form = rng.choice(Activity.Form.values)
    day = run.day_in_year()
    created = _moment(min(run.today, day + datetime.timedelta(days=rng.randrange(3))), rng)
    status = _drawn(rng, ACTIVITY_STATES)
    reviewed = status != Activity.Status.SUBMITTED
    title = rng.choice(ACTIVITY_TITLES[form])
    return Activity(
        authority_id=unit[1],
        unit_id=unit[0],
        occurred_on=day,
        form=form,
        title=f"{title}（{n}）",
        description=f"{title}：围绕共建文明口岸年度计划开展，活动记录、照片和签到表已归档。",
        participant_count=rng.randint(5, 150),
        status=status,
        review_comment="请补充活动现场照片和签到表。"
        if status == Activity.Status.MORE_REQUESTED
        else "",
        reviewed_at=min(timezone.now(), created + datetime.timedelta(days=3)) if reviewed else None,
        created_at=created,
        updated_at=created,
    )


def build_activities(run, count):
    """`count` activities over the last year, each in one or two construction areas; one in
    five with a participating unit of the same port authority."""
    areas_through = Activity.areas.through
    participants_through = Activity.participant_units.through
    made = 0
    with _explicit_times(Activity):
        while made < count:
            size = min(BATCH, count - made)
            units = [run.rng.choice(run.units) for _i in range(size)]
            rows = Activity.objects.bulk_create(
                [_activity(run, made + i + 1, unit) for i, unit in enumerate(units)]
            )
            links, partners = [], []
            for activity, unit in zip(rows, units, strict=True):
                for area in run.rng.sample(run.areas, k=run.rng.choice((1, 1, 2))):
                    links.append(areas_through(activity_id=activity.pk, constructionarea_id=area))
                if run.rng.random() < 0.2:
                    other = run.rng.choice(run.by_authority[unit[1]])
                    if other[0] != unit[0]:
                        partners.append(
                            participants_through(activity_id=activity.pk, unit_id=other[0])
                        )
            areas_through.objects.bulk_create(links, batch_size=BATCH)
            participants_through.objects.bulk_create(partners, batch_size=BATCH)
            made += size
    return made


# --- inspections and rectification items ------------------------------------------------------


def _rectification_state(run, due_on):
    """What became of an item: most past their due date are closed, some overdue."""
    return _drawn(run.rng, ITEM_STATES_DUE if due_on >= run.today else ITEM_STATES_OVERDUE)


def build_rectifications(run, count):
    """Inspection visits by a unit's port authority (or its province) to a port, with five
    findings each, every one a rectification item of a unit there."""
    parents = dict(Authority.objects.values_list("pk", "parent_id"))
    candidates = [rows for rows in run.by_authority.values() if rows]
    inspections_wanted = -(-count // FINDINGS_PER_INSPECTION)
    visits = []
    for _i in range(inspections_wanted):
        rows = run.rng.choice(candidates)
        authority_id = rows[0][1]
        if run.rng.random() < 0.3 and parents.get(authority_id):
            authority_id = parents[authority_id]
        visited_on = run.today - datetime.timedelta(days=run.rng.randrange(15, YEAR_DAYS))
        owners = [run.rng.choice(rows) for _f in range(FINDINGS_PER_INSPECTION)]
        visits.append((authority_id, visited_on, owners))
    made = 0
    with _explicit_times(Inspection, Finding, Rectification):
        for start in range(0, len(visits), BATCH // FINDINGS_PER_INSPECTION):
            chunk = visits[start : start + BATCH // FINDINGS_PER_INSPECTION]
            inspections = Inspection.objects.bulk_create(
                [
                    Inspection(
                        authority_id=authority_id,
                        visited_on=visited_on,
                        inspectors="基准测试巡查组",
                        summary="实地查看口岸现场，查阅共建活动台账，听取工作汇报。",
                        created_at=_moment(visited_on, run.rng),
                        updated_at=_moment(visited_on, run.rng),
                    )
                    for authority_id, visited_on, _owners in chunk
                ]
            )
            findings, planned, ports, units = [], [], [], []
            for inspection, (_a, visited_on, owners) in zip(inspections, chunk, strict=True):
                for port in {o[2] for o in owners}:
                    ports.append(
                        Inspection.ports.through(inspection_id=inspection.pk, port_id=port)
                    )
                for unit in {o[0] for o in owners}:
                    units.append(
                        Inspection.units.through(inspection_id=inspection.pk, unit_id=unit)
                    )
                for owner in owners[: count - made]:
                    findings.append(
                        Finding(
                            inspection_id=inspection.pk,
                            text=run.rng.choice(FINDINGS),
                            created_at=inspection.created_at,
                        )
                    )
                    planned.append((inspection, visited_on, owner))
                    made += 1
            Inspection.ports.through.objects.bulk_create(ports)
            Inspection.units.through.objects.bulk_create(units)
            findings = Finding.objects.bulk_create(findings)
            items = []
            for finding, (inspection, visited_on, owner) in zip(findings, planned, strict=True):
                due_on = visited_on + datetime.timedelta(days=run.rng.randrange(15, 61))
                state = _rectification_state(run, due_on)
                answered = None
                if state != "open":
                    answered = _moment(
                        min(run.today, visited_on + datetime.timedelta(days=10)), run.rng
                    )
                items.append(
                    Rectification(
                        finding_id=finding.pk,
                        inspection_id=inspection.pk,
                        owner_unit_id=owner[0],
                        due_on=due_on,
                        status=state,
                        answer="已完成整改并建立长效机制。" if answered else "",
                        answered_at=answered,
                        review_comment="整改措施不够具体，请补充。" if state == "sent_back" else "",
                        closed_at=min(timezone.now(), answered + datetime.timedelta(days=2))
                        if state == "closed"
                        else None,
                        created_at=inspection.created_at,
                        updated_at=answered or inspection.created_at,
                    )
                )
            Rectification.objects.bulk_create(items)
    return made


# --- feedback ----------------------------------------------------------------------------------


def _feedback_state(run, age):
    return _drawn(run.rng, FEEDBACK_STATES_OLD if age > 60 else FEEDBACK_STATES_RECENT)


def build_feedback(run, count):
    ports = list(Port.objects.order_by("pk").values_list("pk", flat=True))
    rows = []
    for n in range(1, count + 1):
        day = run.day_in_year()
        created = _moment(day, run.rng)
        state = _feedback_state(run, (run.today - day).days)
        answered = state in (Feedback.Status.ANSWERED, Feedback.Status.CLOSED)
        answered_at = (
            min(timezone.now(), created + datetime.timedelta(days=3)) if answered else None
        )
        rows.append(
            Feedback(
                port_id=run.rng.choice(ports),
                kind=run.rng.choice(Feedback.Kind.values),
                text=run.rng.choice(FEEDBACK_TEXTS),
                name=run.rng.choice(FEEDBACK_NAMES) if run.rng.random() < 0.3 else "",
                tracking_hash=f"{PREFIX}{n:012d}",
                status=state,
                answer="感谢您的反映，我们已核实并改进。" if answered else "",
                answered_at=answered_at,
                closed_at=answered_at if state == Feedback.Status.CLOSED else None,
                created_at=created,
                updated_at=answered_at or created,
            )
        )
    with _explicit_times(Feedback):
        Feedback.objects.bulk_create(rows, batch_size=BATCH)
    return count


# --- plans and the persona ------------------------------------------------------------------------


def build_plans(run):
    """A published plan for this year for every synthetic port authority and the bench port
    officer's, where it has synthetic units and no plan yet: commitments of up to nine of its
    synthetic units, one construction area each. Its commitments' units mark such a plan as
    synthetic."""
    year = run.today.year
    authorities = list(
        Authority.objects.filter(
            Q(code__startswith=PREFIX) | Q(code=BENCH_PORT_AUTHORITY),
            level=Authority.Level.PORT,
            pk__in=list(run.by_authority),
        )
        .exclude(plans__year=year)
        .order_by("pk")
        .values_list("pk", "name")
    )
    now = timezone.now()
    with _explicit_times(Plan):
        plans = Plan.objects.bulk_create(
            Plan(
                authority_id=pk,
                year=year,
                title=f"{name}{year}年度共建文明口岸活动计划",
                status=Plan.Status.PUBLISHED,
                published_at=now,
                created_at=now,
                updated_at=now,
            )
            for pk, name in authorities
        )
    commitments = []
    for plan in plans:
        units = run.by_authority.get(plan.authority_id, [])
        chosen = run.rng.sample(units, k=min(9, len(units)))
        for unit, area in zip(chosen, run.rng.sample(run.areas, k=len(chosen)), strict=True):
            commitments.append(
                Commitment(
                    plan_id=plan.pk,
                    area_id=area,
                    unit_id=unit[0],
                    goal="按年度计划开展共建活动，按季度报送活动台账。",
                    owner_name="共建联络员",
                    due_on=datetime.date(year, 12, 31),
                    target_activities=run.rng.randint(3, 12),
                )
            )
    Commitment.objects.bulk_create(commitments, batch_size=BATCH)
    return len(plans)


def ensure_bench_port_officer():
    """The `bench_port` persona, granted through the membership service like any user."""
    user, created = get_user_model().objects.get_or_create(username=BENCH_PORT)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    services.membership_grant(
        actor=None,
        user=user,
        role=Membership.Role.PORT_OFFICER,
        authority=Authority.objects.get(code=BENCH_PORT_AUTHORITY),
    )
    return user


# The tables the work fills, whose planner statistics are refreshed at the end.
WORK_MODELS = (
    Activity,
    Activity.areas.through,
    Activity.participant_units.through,
    ActivitySummary,
    Inspection,
    Inspection.ports.through,
    Inspection.units.through,
    Finding,
    Rectification,
    Feedback,
    Plan,
    Commitment,
)


def _sized(value, per_reference, units):
    if value is not None:
        return value
    return units * per_reference // REFERENCE_UNITS


def seed_work(*, activities=None, rectifications=None, feedback=None, today=None, seed=WORK_SEED):
    """Build the synthetic work on the synthetic units, unless it exists. Counts left out are
    sized by the units (see the module's docstring)."""
    started = time.monotonic()
    if synthetic_present():
        return WorkResult(True, time.monotonic() - started, synthetic_counts(), {})
    run = _run(seed, today or timezone.localdate())
    if not run.units:
        return WorkResult(True, time.monotonic() - started, synthetic_counts(), {})
    units = len(run.units)
    steps = (
        ("plans", lambda: build_plans(run)),
        ("activities", lambda: build_activities(
            run, _sized(activities, ACTIVITIES_PER_REFERENCE, units))),
        ("rectifications", lambda: build_rectifications(
            run, _sized(rectifications, RECTIFICATIONS_PER_REFERENCE, units))),
        ("feedback", lambda: build_feedback(
            run, _sized(feedback, FEEDBACK_PER_REFERENCE, units))),
        # Bulk-inserted activities are summarised for the dashboards in one pass.
        ("activity_summary", activity_summary_rebuild),
        ("bench_port", ensure_bench_port_officer),
        ("analyze_work", lambda: analyze(WORK_MODELS)),
    )  # fmt: skip
    with transaction.atomic():
        timings = steps_timed(steps)
    return WorkResult(False, time.monotonic() - started, synthetic_counts(), timings)
