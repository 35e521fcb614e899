"""Demo data: the real hierarchy and ports with plausible units, fictional people and the demo
accounts. Used by `manage.py seed_demo`; `seed_scale` reuses the hierarchy part.

Everything is keyed by code and written through `campaigns.services`, so a second run changes
nothing (and audits nothing) unless the data here changed. People are drawn from fixed name lists
with a seeded random generator, so every run yields the same fictional staff.
"""

import csv
import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from campaigns import services
from campaigns.models import (
    Agency,
    Authority,
    LeadingGroupMember,
    Membership,
    Person,
    Port,
    Unit,
)
from civport.adminroles import AUDIT, SECURITY, SYSTEM, admin_roles_install
from civport.audit import audit_record
from seeding.campaigns_work import seed_work
from seeding.regions import (
    CITIES,
    CITY_BY_PORT,
    GIVEN_FEMALE,
    GIVEN_MALE,
    NATIONAL,
    PROVINCE_BY_CODE,
    PROVINCE_BY_SHORT,
    PROVINCES,
    REGIONAL_ETHNICITY,
    SEASONAL_MONTHS,
    SECOND_CLASS,
    SURNAMES,
    SUSPENDED,
)

PORTS_CSV = Path(__file__).resolve().parent / "data" / "ports.csv"
DEMO_SEED = 20080101

# The demo accounts: username → (role, authority code or None, is national admin).
# `unit_contact` is the contact of the customs unit at Shenzhen's first port (罗湖口岸).
SHENZHEN = "GD-SZ"
NINGBO = "ZJ-NB"
CONTACT_UNIT = "GD-P001-C"
ACCOUNTS = (
    ("national", Membership.Role.NATIONAL_OFFICE, NATIONAL["code"]),
    ("gd_officer", Membership.Role.PROVINCIAL_OFFICER, "GD"),
    ("zj_officer", Membership.Role.PROVINCIAL_OFFICER, "ZJ"),
    ("sz_officer", Membership.Role.PORT_OFFICER, SHENZHEN),
    ("nb_officer", Membership.Role.PORT_OFFICER, NINGBO),
    ("unit_contact", Membership.Role.UNIT_CONTACT, None),
)

# The three administrators (三员分立): staff accounts in their groups, with no membership.
ADMIN_ACCOUNTS = (("sys_admin", SYSTEM), ("sec_admin", SECURITY), ("audit_admin", AUDIT))

PORT_SUFFIXES = ("公路口岸", "铁路口岸", "水运口岸", "航空口岸", "口岸")


@dataclass(frozen=True)
class PortRow:
    code: str
    name: str
    province: str  # province code
    port_type: str
    subtype: str

    @property
    def base(self):
        """The place name of the port: 绥芬河 for 绥芬河公路口岸."""
        for suffix in PORT_SUFFIXES:
            if self.name.endswith(suffix):
                return self.name[: -len(suffix)]
        return self.name

    @property
    def city(self):
        return CITY_BY_PORT[self.name]


def read_ports(path=PORTS_CSV):
    """The real ports, each with a code `<province>-P<nnn>` numbered in file order."""
    numbers = Counter()
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            province = PROVINCE_BY_SHORT[row["province_zh"].strip()]
            numbers[province.code] += 1
            rows.append(
                PortRow(
                    code=f"{province.code}-P{numbers[province.code]:03d}",
                    name=row["name_zh"].strip(),
                    province=province.code,
                    port_type=row["port_type"].strip(),
                    subtype=row["subtype"].strip(),
                )
            )
    return rows


@dataclass
class Stats:
    created: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)

    def count(self, kind, created):
        (self.created if created else self.kept)[kind] += 1

    def summary(self):
        kinds = sorted(set(self.created) | set(self.kept))
        return ", ".join(f"{k} {self.created[k]} new/{self.kept[k]} kept" for k in kinds)


@dataclass
class Hierarchy:
    national: Authority
    provinces: dict  # code → Authority
    cities: dict  # code → Authority
    ports: dict  # code → Port
    port_rows: list


def _upsert(existing, code, *, create, update, kind, stats, **data):
    obj = existing.get(code)
    if obj is None:
        obj = create(actor=None, code=code, **data)
        existing[code] = obj
        stats.count(kind, True)
    else:
        update(actor=None, **{kind: obj}, **data)
        stats.count(kind, False)
    return obj


def _upsert_authority(existing, stats, *, code, parent, level, name, name_en, short_name):
    return _upsert(
        existing,
        code,
        create=services.authority_create,
        update=services.authority_update,
        kind="authority",
        stats=stats,
        parent=parent,
        level=level,
        name=name,
        name_en=name_en,
        short_name=short_name,
    )


def port_attributes(row):
    months = SEASONAL_MONTHS.get(row.name)
    if row.name in SUSPENDED:
        status = Port.Status.SUSPENDED
    elif months:
        status = Port.Status.SEASONAL
    else:
        status = Port.Status.OPEN
    return {
        "name": row.name,
        "port_type": row.port_type,
        "subtype": row.subtype,
        "port_class": Port.PortClass.SECOND if row.name in SECOND_CLASS else Port.PortClass.FIRST,
        "status": status,
        "seasonal_months": Port.months_to_mask(months) if months else 0,
    }


def seed_hierarchy(stats):
    """The national office, the 31 provincial authorities, the port authorities of the cities
    with real ports, and the 120 real ports."""
    existing = {a.code: a for a in Authority.objects.all()}
    national = _upsert_authority(
        existing,
        stats,
        code=NATIONAL["code"],
        parent=None,
        level=Authority.Level.NATIONAL,
        name=NATIONAL["name"],
        name_en=NATIONAL["name_en"],
        short_name=NATIONAL["short_name"],
    )
    provinces = {
        p.code: _upsert_authority(
            existing,
            stats,
            code=p.code,
            parent=national,
            level=Authority.Level.PROVINCIAL,
            name=p.authority_name,
            name_en=p.authority_name_en,
            short_name=p.short_name,
        )
        for p in PROVINCES
    }
    cities = {
        c.code: _upsert_authority(
            existing,
            stats,
            code=c.code,
            parent=provinces[c.province],
            level=Authority.Level.PORT,
            name=c.authority_name,
            name_en=c.authority_name_en,
            short_name=c.short_name,
        )
        for c in CITIES
    }
    rows = read_ports()
    existing_ports = {p.code: p for p in Port.objects.select_related("authority")}
    ports = {
        row.code: _upsert(
            existing_ports,
            row.code,
            create=services.port_create,
            update=services.port_update,
            kind="port",
            stats=stats,
            authority=cities[row.city.code],
            **port_attributes(row),
        )
        for row in rows
    }
    return Hierarchy(national, provinces, cities, ports, rows)


# --- leading groups -----------------------------------------------------------------------

REFORM_2018 = {
    # The 2018 reform moved inspection and quarantine into customs and border inspection into
    # the national immigration administration.
    "CIQ": (None, datetime.date(2018, 4, 19)),
    "BORDER_DEFENCE": (None, datetime.date(2018, 4, 1)),
    "IMMIGRATION": (datetime.date(2018, 4, 2), None),
}
AGENCIES_BY_SUBTYPE = {
    "sea": ("MARITIME", "TRANSPORT"),
    "river": ("MARITIME", "TRANSPORT"),
    "rail": ("RAILWAY",),
    "road": ("TRANSPORT",),
    "air": ("CIVIL_AVIATION",),
}
NATIONAL_MEMBERS = (
    "CUSTOMS",
    "CIQ",
    "BORDER_DEFENCE",
    "IMMIGRATION",
    "MARITIME",
    "RAILWAY",
    "CIVIL_AVIATION",
    "TRANSPORT",
)


def seed_leading_groups(hierarchy, stats):
    agencies = {a.code: a for a in Agency.objects.all()}
    current = [c for c in NATIONAL_MEMBERS if c not in ("CIQ", "BORDER_DEFENCE")]
    subtypes_by_city = {}
    subtypes_by_province = {}
    for row in hierarchy.port_rows:
        subtypes_by_city.setdefault(row.city.code, set()).add(row.subtype)
        subtypes_by_province.setdefault(row.province, set()).add(row.subtype)

    def members(subtypes):
        codes = ["CUSTOMS", "IMMIGRATION"]
        for subtype in sorted(subtypes):
            codes += [c for c in AGENCIES_BY_SUBTYPE[subtype] if c not in codes]
        return codes

    groups = [(hierarchy.national, "全国共建文明口岸活动领导小组", NATIONAL_MEMBERS)]
    for code, authority in hierarchy.provinces.items():
        province = PROVINCE_BY_CODE[code]
        subtypes = subtypes_by_province.get(code)
        groups.append(
            (
                authority,
                f"{province.short}共建文明口岸活动领导小组",
                members(subtypes) if subtypes else current,
            )
        )
    for city in CITIES:
        groups.append(
            (
                hierarchy.cities[city.code],
                f"{city.short}共建文明口岸活动领导小组",
                members(subtypes_by_city[city.code]),
            )
        )
    for authority, name, codes in groups:
        wanted = [("PORT_OFFICE", LeadingGroupMember.Role.LEAD)] + [
            (code, LeadingGroupMember.Role.MEMBER) for code in codes
        ]
        _group, created = services.leading_group_ensure(
            actor=None,
            authority=authority,
            name=name,
            members=[
                (agencies[code], role, *REFORM_2018.get(code, (None, None)))
                for code, role in wanted
            ],
        )
        stats.count("leading_group", created)


# --- units and people -----------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    tag: str
    make_name: object  # callable(place) → name
    category: str
    agency: str | None
    positions: tuple
    parent_tag: str = ""


def _air_stem(place):
    return place if place.endswith("机场") else f"{place}机场"


CUSTOMS_POSITIONS = ("关长", "副关长", "办公室主任")
BORDER_POSITIONS = ("站长", "政治委员", "副站长")
COMPANY_POSITIONS = ("总经理", "副总经理", "安全质量部经理")
SERVICE_POSITIONS = ("总经理", "业务部经理", "客户服务主管")


def unit_specs(row):
    """The units working at a port: customs and border inspection with a sub-unit each, the
    maritime bureau at water ports, the facility operator and an operation/service company."""
    water = row.port_type == Port.Type.WATER
    air = row.port_type == Port.Type.AIR
    inspection, facility, operation = (
        Unit.Category.INSPECTION,
        Unit.Category.FACILITY,
        Unit.Category.OPERATION,
    )

    def at(place):
        return _air_stem(place) if air else place

    specs = [
        UnitSpec("C", lambda p: f"{at(p)}海关", inspection, "CUSTOMS", CUSTOMS_POSITIONS),
        UnitSpec(
            "C1",
            lambda p: f"{at(p)}海关{'监管科' if water else '旅检科'}",
            inspection,
            "CUSTOMS",
            ("科长", "副科长", "一级主任科员"),
            parent_tag="C",
        ),
        UnitSpec(
            "B", lambda p: f"{at(p)}出入境边防检查站", inspection, "IMMIGRATION", BORDER_POSITIONS
        ),
        UnitSpec(
            "B1",
            lambda p: f"{at(p)}出入境边防检查站执勤一队",
            inspection,
            "IMMIGRATION",
            ("队长", "教导员", "检查员"),
            parent_tag="B",
        ),
    ]
    if water:
        specs.append(
            UnitSpec(
                "M",
                lambda p: f"{p}海事局",
                inspection,
                "MARITIME",
                ("局长", "副局长", "执法大队长"),
            )
        )
    facilities = {
        Port.Subtype.AIR: (lambda p: f"{_air_stem(p)}管理有限公司", "AIRPORT_OPERATOR"),
        Port.Subtype.SEA: (lambda p: f"{p}港务集团有限公司", "PORT_OPERATOR"),
        Port.Subtype.RIVER: (lambda p: f"{p}港务有限公司", "PORT_OPERATOR"),
        Port.Subtype.RAIL: (lambda p: f"{p}站", "STATION_OPERATOR"),
        Port.Subtype.ROAD: (lambda p: f"{p}口岸联检楼管理中心", None),
    }
    services_by_type = {
        Port.Type.AIR: lambda p: f"{_air_stem(p)}货运服务有限公司",
        Port.Type.WATER: lambda p: f"{p}外轮代理有限公司",
        Port.Type.LAND: (
            (lambda p: f"{p}国际货运代理有限公司")
            if row.subtype == Port.Subtype.RAIL
            else (lambda p: f"{p}国际物流园有限公司")
        ),
    }
    make, agency = facilities[row.subtype]
    specs.append(UnitSpec("F", make, facility, agency, COMPANY_POSITIONS))
    specs.append(UnitSpec("S", services_by_type[row.port_type], operation, None, SERVICE_POSITIONS))
    return specs


def fictional_person(rng, province_code, *, senior=False):
    """A fictional person's personal data, drawn from the fixed name lists. Heads of units are
    older and mostly party members."""
    surname, surname_en = rng.choice(SURNAMES)
    gender = rng.choice((Person.Gender.MALE, Person.Gender.FEMALE))
    pool = GIVEN_MALE if gender == Person.Gender.MALE else GIVEN_FEMALE
    given = [rng.choice(pool) for _ in range(rng.choice((1, 2, 2)))]
    years = 15 if senior else 35
    birth_on = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(years * 365))
    joined_work_on = birth_on.replace(day=1) + datetime.timedelta(days=rng.randrange(21, 26) * 365)
    minority = REGIONAL_ETHNICITY.get(province_code)
    ethnicity = minority if minority and rng.random() < 0.15 else "汉族"
    political = rng.choices(
        [c for c, _ in Person.PoliticalStatus.choices],
        weights=(90, 0, 5, 5) if senior else (55, 15, 5, 25),
    )[0]
    return {
        "name": surname + "".join(c for c, _ in given),
        "name_en": f"{surname_en} {''.join(p for _, p in given).capitalize()}",
        "gender": gender,
        "birth_on": birth_on,
        "ethnicity": ethnicity,
        "political_status": political,
        "joined_work_on": joined_work_on,
    }


def seed_units_and_people(hierarchy, stats, *, seed=DEMO_SEED):
    rng = random.Random(seed)
    agencies = {a.code: a for a in Agency.objects.all()}
    existing_units = {
        u.code: u for u in Unit.objects.select_related("authority", "port__authority", "parent")
    }
    existing_people = {p.code: p for p in Person.objects.all()}
    used_names = set()
    for row in hierarchy.port_rows:
        port = hierarchy.ports[row.code]
        made = {}
        for spec in unit_specs(row):
            name = spec.make_name(row.base)
            if name in used_names:
                # Two ports of one place (绥芬河公路口岸, 绥芬河铁路口岸): name by the port.
                name = spec.make_name(row.name)
            used_names.add(name)
            unit = _upsert(
                existing_units,
                f"{row.code}-{spec.tag}",
                create=services.unit_create,
                update=services.unit_update,
                kind="unit",
                stats=stats,
                name=name,
                category=spec.category,
                agency=agencies[spec.agency] if spec.agency else None,
                port=port,
                authority=port.authority,
                parent=made.get(spec.parent_tag),
            )
            made[spec.tag] = unit
            staff = 1 if spec.parent_tag else 2
            for i in range(staff):
                position = spec.positions[i if not spec.parent_tag else rng.randrange(3)]
                _upsert(
                    existing_people,
                    f"{unit.code}-{i + 1:02d}",
                    create=services.person_create,
                    update=services.person_update,
                    kind="person",
                    stats=stats,
                    unit=unit,
                    position=position,
                    **fictional_person(rng, row.province, senior=i == 0 and not spec.parent_tag),
                )


# --- accounts ---------------------------------------------------------------------------------


@transaction.atomic
def demo_account_reset(*, actor, username, password, is_admin=False):
    """Create the demo account or reset it to the demo password (and active). `is_admin` opens
    the admin to it; no demo account is a superuser."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    user.set_password(password)
    user.is_active = True
    user.is_staff = is_admin
    user.is_superuser = False
    user.save()
    audit_record(
        actor=actor,
        action="campaigns.demo_account.created" if created else "campaigns.demo_account.reset",
        obj=user,
        changes={"is_staff": is_admin, "is_superuser": False},
    )
    return user, created


def seed_accounts(hierarchy, stats, *, password):
    authorities = {
        hierarchy.national.code: hierarchy.national,
        **hierarchy.provinces,
        **hierarchy.cities,
    }
    users = {}
    for username, role, authority_code in ACCOUNTS:
        user, created = demo_account_reset(
            actor=None,
            username=username,
            password=password,
            is_admin=role == Membership.Role.NATIONAL_OFFICE,
        )
        stats.count("account", created)
        if role == Membership.Role.UNIT_CONTACT:
            services.membership_grant(
                actor=None, user=user, role=role, unit=Unit.objects.get(code=CONTACT_UNIT)
            )
        else:
            services.membership_grant(
                actor=None, user=user, role=role, authority=authorities[authority_code]
            )
        users[username] = user
    admin_roles_install()
    for username, group in ADMIN_ACCOUNTS:
        user, created = demo_account_reset(
            actor=None, username=username, password=password, is_admin=True
        )
        stats.count("account", created)
        user.groups.set([Group.objects.get(name=group)])
        users[username] = user
    return users


@transaction.atomic
def seed_demo(*, password):
    """Load or refresh the whole demo data set; returns the Stats of what was created or kept."""
    stats = Stats()
    hierarchy = seed_hierarchy(stats)
    seed_leading_groups(hierarchy, stats)
    seed_units_and_people(hierarchy, stats)
    seed_accounts(hierarchy, stats, password=password)
    seed_work(stats)
    return stats
