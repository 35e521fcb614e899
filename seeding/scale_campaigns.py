"""The national-scale data set of DESIGN §9, for the benchmark suite (`manage.py seed_scale`).

The real hierarchy and ports come from the demo seed (through the services, audited). On top of
them come synthetic port authorities, ports, units and people, written with `bulk_create` and
paths computed here: this is benchmark filler, so it bypasses the services and writes **no audit
entries**. Every synthetic row's code starts with `SYN-`, which is how `--reset` finds them. Run it
on a dedicated benchmark database.

Each step is a small function taking the `ScaleRun`; later data (rounds, nominations, scores)
is added as further steps.
"""

import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from campaigns import services
from campaigns.models import Agency, Authority, Membership, Person, Port, Unit
from seeding import scale_work
from seeding.campaigns import Stats, fictional_person, seed_hierarchy
from seeding.regions import PROVINCES
from seeding.synthetic import PREFIX, analyze, run_steps

BATCH = 1000
SCALE_SEED = 20250311
TOTAL_PORTS = 311
AUTHORITIES_PER_PROVINCE = 2
SUB_UNIT_SHARE = 0.2

# Benchmark personas: a national office user (not a superuser, so the scope filter is
# measured) and a Guangdong provincial officer.
BENCH_NATIONAL = "bench_national"
BENCH_PROVINCIAL = "bench_gd"
BENCH_PROVINCE = "GD"

PORT_KINDS = (
    # (type, subtype, weight, label)
    (Port.Type.LAND, Port.Subtype.ROAD, 35, "公路口岸"),
    (Port.Type.LAND, Port.Subtype.RAIL, 10, "铁路口岸"),
    (Port.Type.WATER, Port.Subtype.SEA, 25, "水运口岸"),
    (Port.Type.WATER, Port.Subtype.RIVER, 15, "内河口岸"),
    (Port.Type.AIR, Port.Subtype.AIR, 15, "航空口岸"),
)
UNIT_KINDS = (
    # (label, category, agency code, weight, water ports only)
    ("海关", Unit.Category.INSPECTION, "CUSTOMS", 20, False),
    ("出入境边防检查站", Unit.Category.INSPECTION, "IMMIGRATION", 20, False),
    ("海事处", Unit.Category.INSPECTION, "MARITIME", 10, True),
    ("口岸运营管理有限公司", Unit.Category.FACILITY, None, 10, False),
    ("国际物流有限公司", Unit.Category.OPERATION, None, 20, False),
    ("报关服务有限公司", Unit.Category.OPERATION, None, 10, False),
    ("口岸综合服务中心", Unit.Category.OTHER, None, 10, False),
)
POSITIONS = ("科长", "副科长", "科员", "主任", "经理", "主管", "检查员", "业务员", "关员")


@dataclass
class ScaleRun:
    units: int
    people: int
    ports: int
    rng: random.Random
    stats: Stats = field(default_factory=Stats)
    hierarchy: object = None
    authorities: list = field(default_factory=list)  # synthetic port authorities
    all_ports: list = field(default_factory=list)  # real and synthetic
    unit_rows: list = field(default_factory=list)  # (pk, province code) of synthetic units
    counts: dict = field(default_factory=dict)


def synthetic_present():
    return Unit.objects.filter(code__startswith=PREFIX).exists()


def synthetic_counts():
    return {
        "authorities": Authority.objects.filter(code__startswith=PREFIX).count(),
        "ports": Port.objects.filter(code__startswith=PREFIX).count(),
        "units": Unit.objects.filter(code__startswith=PREFIX).count(),
        "people": Person.objects.filter(code__startswith=PREFIX).count(),
    }


@transaction.atomic
def delete_synthetic():
    """Remove every synthetic row, children first (the foreign keys protect their parents)."""
    scale_work.delete_synthetic()
    Person.objects.filter(code__startswith=PREFIX).delete()
    Unit.objects.filter(code__startswith=PREFIX, parent__isnull=False).delete()
    Unit.objects.filter(code__startswith=PREFIX).delete()
    Port.objects.filter(code__startswith=PREFIX).delete()
    Authority.objects.filter(code__startswith=PREFIX).delete()


# --- steps --------------------------------------------------------------------------------------


def step_hierarchy(run):
    run.hierarchy = seed_hierarchy(run.stats)


def step_port_authorities(run):
    rows = []
    for province in PROVINCES:
        parent = run.hierarchy.provinces[province.code]
        for k in range(1, AUTHORITIES_PER_PROVINCE + 1):
            code = f"{PREFIX}{province.code}-{k}"
            rows.append(
                Authority(
                    code=code,
                    name=f"{province.short}基准测试市{k}口岸办公室",
                    name_en=f"Benchmark city {k} port office, {province.name_en}",
                    short_name=f"{province.short}基准{k}",
                    level=Authority.Level.PORT,
                    parent=parent,
                    path=parent.child_path(code),
                )
            )
    run.authorities = Authority.objects.bulk_create(rows, batch_size=BATCH)


def step_ports(run):
    """Synthetic ports to bring the total to `run.ports`, spread over the synthetic authorities."""
    real = list(run.hierarchy.ports.values())
    wanted = max(0, run.ports - len(real))
    weights = [kind[2] for kind in PORT_KINDS]
    rows = []
    for n in range(1, wanted + 1):
        authority = run.authorities[(n - 1) % len(run.authorities)]
        port_type, subtype, _weight, label = run.rng.choices(PORT_KINDS, weights=weights)[0]
        rows.append(
            Port(
                code=f"{PREFIX}P{n:04d}",
                name=f"{authority.short_name}{label}{n:04d}",
                port_type=port_type,
                subtype=subtype,
                authority=authority,
            )
        )
    created = Port.objects.bulk_create(rows, batch_size=BATCH)
    run.all_ports = real + created


def _unit(run, n, port, kind, agencies, parent=None):
    label, category, agency, _weight, _water = kind
    return Unit(
        code=f"{PREFIX}U{n:06d}",
        name=f"{port.name}{label}{n:06d}" if parent is None else f"{parent.name}第{n % 9 + 1}科",
        category=category,
        agency=agencies.get(agency),
        port=port,
        authority=port.authority,
        parent=parent,
    )


def step_units(run):
    """Units spread over every port; a share of them are sub-units of another unit."""
    agencies = {a.code: a for a in Agency.objects.all()}
    sub_count = int(run.units * SUB_UNIT_SHARE)
    top_count = run.units - sub_count
    top = []
    for n in range(1, top_count + 1):
        port = run.rng.choice(run.all_ports)
        kinds = [k for k in UNIT_KINDS if not k[4] or port.port_type == Port.Type.WATER]
        kind = run.rng.choices(kinds, weights=[k[3] for k in kinds])[0]
        top.append(_unit(run, n, port, kind, agencies))
    top = Unit.objects.bulk_create(top, batch_size=BATCH)
    subs = []
    for n in range(top_count + 1, run.units + 1):
        parent = run.rng.choice(top)
        kind = next(k for k in UNIT_KINDS if k[1] == parent.category)
        subs.append(_unit(run, n, parent.port, kind, agencies, parent=parent))
    subs = Unit.objects.bulk_create(subs, batch_size=BATCH)
    province_of = {a.pk: a.path.split("/")[1] for a in Authority.objects.only("pk", "path")}
    run.unit_rows = [(u.pk, province_of[u.authority_id]) for u in top + subs]


def step_people(run):
    rows = []
    for n in range(1, run.people + 1):
        unit_id, province = run.rng.choice(run.unit_rows)
        data = fictional_person(run.rng, province)
        rows.append(
            Person(
                code=f"{PREFIX}P{n:07d}",
                unit_id=unit_id,
                position=run.rng.choice(POSITIONS),
                **data,
            )
        )
        if len(rows) == BATCH:
            Person.objects.bulk_create(rows)
            rows = []
    Person.objects.bulk_create(rows)


def _bench_user(username):
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def step_bench_users(run):
    """The benchmark personas, granted through the membership service like any user."""
    services.membership_grant(
        actor=None,
        user=_bench_user(BENCH_NATIONAL),
        role=Membership.Role.NATIONAL_OFFICE,
        authority=run.hierarchy.national,
    )
    services.membership_grant(
        actor=None,
        user=_bench_user(BENCH_PROVINCIAL),
        role=Membership.Role.PROVINCIAL_OFFICER,
        authority=run.hierarchy.provinces[BENCH_PROVINCE],
    )


def step_analyze(run):
    analyze((Authority, Port, Unit, Person))


STEPS = (
    step_hierarchy,
    step_port_authorities,
    step_ports,
    step_units,
    step_people,
    step_bench_users,
    step_analyze,
)


@dataclass
class ScaleResult:
    skipped: bool
    seconds: float
    counts: dict
    timings: dict


def seed_scale(*, units=6000, people=20000, ports=TOTAL_PORTS, reset=False, seed=SCALE_SEED):
    """Build the data set; with existing synthetic data and no `reset`, do nothing."""
    started = time.monotonic()
    if reset:
        delete_synthetic()
    elif synthetic_present():
        # The campaign's work is built on existing units when it is missing, else skipped too.
        work = scale_work.seed_work()
        counts = {**synthetic_counts(), **work.counts}
        return ScaleResult(work.skipped, time.monotonic() - started, counts, work.timings)
    run = ScaleRun(units=units, people=people, ports=ports, rng=random.Random(seed))
    with transaction.atomic():
        timings = run_steps(STEPS, run)
        # The campaign's work on the units just made (seeding.scale_work).
        timings.update(scale_work.seed_work().timings)
    counts = {**synthetic_counts(), **scale_work.synthetic_counts()}
    return ScaleResult(False, time.monotonic() - started, counts, timings)
