"""Demo data for assessments, run by `manage.py seed_demo` after campaigns', so that a
newcomer's `make run` shows scoring at work.

- The published national starting template; the provinces' derived versions with their own
  area weights, each published (so in force and filed as the province's assessment standard):
  Guangdong's and Zhejiang's acknowledged by the national office; Fujian's waiting for its
  answer, with one weight outside the template's tolerance (a warning on both sides);
  Shandong's commented on, and its new version in draft.
- Reviewer accounts `gd_reviewer1…5`, `zj_reviewer1…5` and `national_reviewer1…3` on the
  panels of the 2025-2026 round: Guangdong's and Zhejiang's reviews on their own schemes and the
  national review on the template. Some reviewers work at a subject's unit or port authority,
  so the conflict-of-interest rule has work to do; one has declared a conflict.
- Automatic assignment, then a mix of submitted sheets, drafts and sheets not started.
- Guangdong's 2025 annual assessment of Shenzhen's units, in scoring: most units
  self-assessed, some sheets submitted.

Everything goes through the services with a seeded random generator, and every step looks for
what an earlier run made first, so a second run adds nothing.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from assessments.models import (
    Assignment,
    Conflict,
    Cycle,
    Item,
    PanelMember,
    Review,
    Scheme,
    ScoreSheet,
    SelfAssessment,
    VetoCondition,
)
from assessments.services import reviews as review_services
from assessments.services import schemes as scheme_services
from assessments.services.sheets import SheetInput, score_sheet_save
from assessments.template import FAMILY as template_family
from assessments.template import template_install
from campaigns.models import Authority, Unit
from campaigns.services import filings as filing_services
from civport.audit import audit_record
from seeding.campaigns import CONTACT_UNIT

DEMO_SEED = 20251101
ROUND = "2025-2026"
DUE_ON = datetime.date(2026, 3, 31)
HALF = Decimal("0.5")

# Province → its derived version's area weights and what followed its publication (which filed
# it): the national office's "acknowledge" or "comment", then the province's "new_version".
# Fujian's coordination weight (13) lies outside the template's 10 ± 20 %: published with a
# warning, which the national office reads with the filing.
DERIVED = {
    "GD": (
        {"efficiency": Decimal("16"), "safety": Decimal("16"), "culture": Decimal("7")},
        ("acknowledge",),
    ),
    "ZJ": (
        {"service": Decimal("16"), "transparency": Decimal("12"), "long_term": Decimal("9")},
        ("acknowledge",),
    ),
    "FJ": ({"coordination": Decimal("13"), "integrity": Decimal("13")}, ()),
    "SD": ({"rule_of_law": Decimal("12"), "culture": Decimal("7")}, ("comment", "new_version")),
}
FILING_OFFICERS = {"GD": "gd_officer", "ZJ": "zj_officer"}
RETURN_COMMENT = "“法制建设”权重调整请补充说明依据，并与本省实施意见保持一致，可发布新版本备案。"

# username → (unit code or None, port authority code or None): where the reviewer works.
REVIEWERS = {
    "GD": {
        "gd_reviewer1": ("GD-P001-C", None),  # 罗湖海关: conflicted with its own subject
        "gd_reviewer2": (None, "GD-GZ"),  # Guangzhou's port office: with Guangzhou's subjects
        "gd_reviewer3": (None, None),
        "gd_reviewer4": (None, None),
        "gd_reviewer5": (None, None),
    },
    "ZJ": {
        "zj_reviewer1": ("ZJ-P001-C", None),  # 宁波舟山海关
        "zj_reviewer2": (None, "ZJ-WZ"),  # Wenzhou's port office
        "zj_reviewer3": (None, None),
        "zj_reviewer4": (None, None),
        "zj_reviewer5": (None, None),
    },
    "CN": {
        "national_reviewer1": (None, "GD-SZ"),  # Shenzhen's port office
        "national_reviewer2": (None, None),
        "national_reviewer3": (None, None),
    },
}
REVIEW_NAMES = {
    "GD": "2025—2026年度广东省共建文明口岸评审",
    "ZJ": "2025—2026年度浙江省共建文明口岸评审",
    "CN": "2025—2026年度全国共建文明口岸评审",
}
# Units up for 先进单位 in each review (the national one takes two of each province's).
SUBJECT_UNITS = {
    "GD": (
        "GD-P001-C",
        "GD-P004-B",
        "GD-P006-F",
        "GD-P007-C",
        "GD-P008-C",
        "GD-P010-F",
        "GD-P011-M",
        "GD-P013-C",
    ),
    "ZJ": ("ZJ-P001-B", "ZJ-P001-C", "ZJ-P001-F", "ZJ-P002-C", "ZJ-P002-M", "ZJ-P002-S"),
    "CN": ("GD-P007-C", "GD-P011-M", "ZJ-P001-B", "ZJ-P002-C"),
}
# Besides its units, Guangdong's review has Shenzhen's port office up for 先进组织者.
ORGANIZER = ("GD", "GD-SZ")
DECLARED_CONFLICT = ("ZJ", "zj_reviewer3", "ZJ-P002-M", "本人曾在该单位挂职锻炼，申请回避")
# What share of a review's assignments end up submitted and drafted (the rest not started).
SUBMITTED_SHARE = {"GD": 0.65, "ZJ": 0.55, "CN": 0.3}
DRAFT_SHARE = 0.2
VETO = ("GD", "GD-P013-C", "V1", "2025年3月发生一起装卸作业安全责任事故，已通报")

CYCLE_YEAR = 2025
CYCLE_NAME = "2025年度广东省深圳市口岸参与单位考核"
CYCLE_AUTHORITY = "GD"
CYCLE_PORT_AUTHORITY = "GD-SZ"
CYCLE_UNITS = 12
CYCLE_SELF_ASSESSED_SHARE = 0.75
CYCLE_PANEL = ("gd_reviewer1", "gd_reviewer3", "gd_reviewer4", "gd_reviewer5")
CYCLE_SUBMITTED_SHARE = 0.4

EXPLANATIONS = (
    "已建立相关制度并按要求落实，详见附件材料",
    "全年开展相关工作{n}次，有会议纪要和照片为证",
    "按计划完成，台账齐全",
    "部分完成，下一年度继续推进",
)


def _user(username):
    return get_user_model().objects.get(username=username)


def _rng(*keys):
    """A generator seeded by what is being made (never by row ids or by what an earlier run
    made), so every run draws the same numbers for the same sheet whatever else exists."""
    return random.Random(":".join(str(k) for k in (DEMO_SEED, *keys)))


def _points_for(rng, item, quality):
    """Points in half steps around `quality` × the item's maximum."""
    share = min(1.0, max(0.0, quality + rng.gauss(0, 0.08)))
    value = (item.max_points * Decimal(str(round(share, 3))) / HALF).quantize(Decimal(1)) * HALF
    return min(item.max_points, value)


# --- schemes -------------------------------------------------------------------------------------


def seed_schemes(stats, authorities):
    """The template and the provinces' versions; returns {province code: version in force}."""
    national = _user("national")
    stats.count("scheme", not Scheme.objects.filter(family=template_family).exists())
    template = template_install(actor=national, authority=authorities["CN"])
    schemes = {"CN": template}
    for code, (weights, steps) in DERIVED.items():
        province = authorities[code]
        family = f"{template.family}-{province.code}".lower()
        exists = Scheme.objects.filter(family=family).exists()
        stats.count("scheme", not exists)
        if not exists:
            # Fujian and Shandong have no officer account in the demo: the system acts.
            officer = _user(FILING_OFFICERS[code]) if code in FILING_OFFICERS else None
            _publish_version(officer, national, template, province, weights, steps)
        schemes[code] = (
            Scheme.objects.filter(family=family, status=Scheme.Status.PUBLISHED)
            .select_related("filing_version__filing")
            .order_by("-version")
            .first()
        )
    return schemes


def _publish_version(officer, national, template, province, weights, steps):
    """Derive, weigh and publish a province's version (which files it), then play the steps."""
    scheme = scheme_services.scheme_derive(actor=officer, template=template, authority=province)
    scheme_services.scheme_weights_update(actor=officer, scheme=scheme, area_weights=weights)
    scheme = scheme_services.scheme_publish(actor=officer, scheme=scheme)
    filing = scheme.filing_version.filing
    for step in steps:
        if step == "acknowledge":
            filing_services.filing_acknowledge(actor=national, filing=filing, comments="同意备案。")
        elif step == "comment":
            filing_services.filing_return(actor=national, filing=filing, comments=RETURN_COMMENT)
        elif step == "new_version":
            scheme_services.scheme_new_version(actor=officer, scheme=scheme)


# --- reviews -------------------------------------------------------------------------------------


def _password_hash(usernames, password):
    """One hash of the demo password for all the reviewer accounts: hashing is slow on
    purpose, and thirteen accounts would take seconds. An earlier run's hash is kept when it
    still matches the password."""
    stored = (
        get_user_model().objects.filter(username__in=usernames).values_list("password", flat=True)
    )
    for encoded in set(stored):
        if check_password(password, encoded):
            return encoded
    return make_password(password)


@transaction.atomic
def reviewer_account_ensure(*, actor, username, password_hash):
    """Create the reviewer's demo account, or put it back to the demo password, active and
    without staff rights; audited only when something changed. Returns (user, created)."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"password": password_hash}
    )
    if created:
        audit_record(actor=actor, action="assessments.demo_account.created", obj=user)
        return user, True
    if (user.password, user.is_active, user.is_staff, user.is_superuser) != (
        password_hash,
        True,
        False,
        False,
    ):
        user.password = password_hash
        user.is_active, user.is_staff, user.is_superuser = True, False, False
        user.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
        audit_record(actor=actor, action="assessments.demo_account.reset", obj=user)
    return user, False


def seed_reviewers(stats, password):
    usernames = [name for panel in REVIEWERS.values() for name in panel]
    password_hash = _password_hash(usernames, password)
    for username in usernames:
        _user_obj, created = reviewer_account_ensure(
            actor=None, username=username, password_hash=password_hash
        )
        stats.count("account", created)
    return usernames


def _review(stats, code, authority, scheme):
    review = Review.objects.filter(round_key=ROUND, authority=authority).first()
    stats.count("review", review is None)
    if review is None:
        review = review_services.review_create(
            actor=_user("national" if code == "CN" else FILING_OFFICERS[code]),
            name=REVIEW_NAMES[code],
            round_key=ROUND,
            authority=authority,
            scheme=scheme,
            reviewers_per_subject=3,
            due_on=DUE_ON,
        )
    return review


def seed_panel(review, code, units, authorities):
    """Seat the province's (or the national office's) demo reviewers on a panel, each with the
    unit or authority they work at (`units` and `authorities` by code)."""
    for username, (unit_code, authority_code) in REVIEWERS[code].items():
        review_services.panel_member_add(
            actor=None,
            review=review,
            user=_user(username),
            unit=units.get(unit_code),
            authority=authorities.get(authority_code),
        )


def _subjects(stats, review, code, units, authorities):
    subjects = []
    targets = [(units[c], "advanced_unit") for c in SUBJECT_UNITS[code]]
    if code == ORGANIZER[0]:
        targets.append((authorities[ORGANIZER[1]], "advanced_organizer"))
    for target, category in targets:
        is_unit = isinstance(target, Unit)
        before = review.subjects.count()
        subject = review_services.subject_attach(
            actor=None,
            review=review,
            target=target,
            title=target.name,
            category=category,
            authority=target.authority if is_unit else target,
            unit=target if is_unit else None,
            summary=(
                f"{target.port.name} · {target.get_category_display()}"
                if is_unit
                else "口岸所在地政府口岸管理机构"
            ),
        )
        stats.count("subject", review.subjects.count() > before)
        subjects.append(subject)
    return subjects


def _declare_conflict(review, code, units):
    province, username, unit_code, reason = DECLARED_CONFLICT
    if province != code:
        return
    subject = review.subjects.get(unit=units[unit_code])
    member = PanelMember.objects.get(review=review, user__username=username)
    if not Conflict.objects.filter(subject=subject, member=member).exists():
        review_services.conflict_declare(actor=member.user, subject=subject, reason=reason)


def seed_score_sheets(stats, review, submitted_share, vetoes=()):
    """Sheets for a share of the review's assignments: submitted, draft (half the items) or
    not started, drawn per assignment by a generator seeded with the review, the subject and
    the reviewer. An assignment that has a sheet already is left alone."""
    items = list(Item.objects.filter(scheme=review.scheme).order_by("order", "pk"))
    standard = [i for i in items if i.kind == Item.Kind.STANDARD]
    bonus = [i for i in items if i.kind == Item.Kind.BONUS]
    subjects = list(review.subjects.order_by("pk"))
    key = (review.round_key, review.authority.code)
    quality = {s.pk: _rng(*key, s.title).uniform(0.6, 0.93) for s in subjects}
    assignments = [
        (a.subject, a.member.user)
        for a in Assignment.objects.filter(subject__review=review)
        .select_related("subject__review__scheme", "member__user")
        .order_by("pk")
    ]
    have = set(
        ScoreSheet.objects.filter(subject__review=review).values_list("subject_id", "reviewer_id")
    )
    veto_by_subject = {subject_id: (condition, reason) for subject_id, condition, reason in vetoes}
    for subject, user in assignments:
        rng = _rng(*key, subject.title, user.username)
        roll = rng.random()
        severity = rng.gauss(0, 0.05)
        if (subject.pk, user.pk) in have or roll >= submitted_share + DRAFT_SHARE:
            continue
        submit = roll < submitted_share
        chosen = standard if submit else standard[: len(standard) // 2]
        data = SheetInput(
            points={
                item.pk: _points_for(rng, item, quality[subject.pk] + severity) for item in chosen
            },
            comment="材料齐全，现场考察情况良好" if submit else "",
        )
        if submit and bonus and rng.random() < 0.3:
            data.points[bonus[0].pk] = bonus[0].max_points
        veto = veto_by_subject.pop(subject.pk, None) if submit else None
        if veto is not None:
            data.vetoes = {veto[0].pk: veto[1]}
        score_sheet_save(actor=user, subject=subject, data=data, revision=None, submit=submit)
        stats.count("sheet", True)
    stats.kept["sheet"] += len(have)


def seed_reviews(stats, schemes, authorities, units):
    reviews = {}
    for code in ("GD", "ZJ", "CN"):
        authority = authorities[code]
        review = _review(stats, code, authority, schemes[code])
        seed_panel(review, code, units, authorities)
        _subjects(stats, review, code, units, authorities)
        review_services.review_set_phase(actor=None, review=review, phase=Review.Phase.OPEN)
        created, _short = review_services.assignment_auto(actor=None, review=review)
        _declare_conflict(review, code, units)
        # A declared conflict withdraws an assignment: fill the seat again.
        refilled, _short = review_services.assignment_auto(actor=None, review=review)
        stats.created["assignment"] += len(created) + len(refilled)
        vetoes = []
        if VETO[0] == code:
            subject = review.subjects.get(unit=units[VETO[1]])
            condition = VetoCondition.objects.get(scheme=review.scheme, code=VETO[2])
            vetoes.append((subject.pk, condition, VETO[3]))
        seed_score_sheets(stats, review, SUBMITTED_SHARE[code], vetoes)
        reviews[code] = review
    return reviews


# --- the annual cycle ------------------------------------------------------------------------------


def seed_cycle(stats, schemes, authorities):
    """Guangdong's annual assessment of Shenzhen's units: opened, most units self-assessed,
    scoring started (automatic assignment) and some sheets submitted."""
    from assessments.services import cycles as cycle_services

    authority = authorities[CYCLE_AUTHORITY]
    officer = _user(FILING_OFFICERS[CYCLE_AUTHORITY])
    cycle = Cycle.objects.filter(
        review__authority=authority, review__round_key=cycle_services.round_key_for(CYCLE_YEAR)
    ).first()
    stats.count("cycle", cycle is None)
    if cycle is None:
        units = list(
            Unit.objects.filter(
                authority__code=CYCLE_PORT_AUTHORITY, parent__isnull=True, is_active=True
            )
            .select_related("authority")
            .order_by("code")[:CYCLE_UNITS]
        )
        cycle = cycle_services.cycle_open(
            actor=officer,
            name=CYCLE_NAME,
            year=CYCLE_YEAR,
            authority=authority,
            scheme=schemes[CYCLE_AUTHORITY],
            units=units,
            reviewers_per_subject=2,
            self_assessment_due_on=datetime.date(2026, 1, 15),
            due_on=datetime.date(2026, 2, 28),
        )
    review = cycle.review
    for username in CYCLE_PANEL:
        unit_code, authority_code = REVIEWERS["GD"][username]
        review_services.panel_member_add(
            actor=None,
            review=review,
            user=_user(username),
            unit=Unit.objects.filter(code=unit_code).first() if unit_code else None,
            authority=Authority.objects.filter(code=authority_code).first()
            if authority_code
            else None,
        )
    if cycle.status == Cycle.Status.SELF_ASSESSMENT:
        items = list(Item.objects.filter(scheme=review.scheme).order_by("order", "pk"))
        subjects = list(review.subjects.select_related("unit").order_by("pk"))
        contact, port_officer = _user("unit_contact"), _user("sz_officer")
        done = set(SelfAssessment.objects.filter(subject__review=review).values_list("subject_id"))
        for subject in subjects[: round(len(subjects) * CYCLE_SELF_ASSESSED_SHARE)]:
            if (subject.pk,) in done:
                continue
            rng = _rng(CYCLE_YEAR, subject.title)
            quality = rng.uniform(0.7, 0.95)
            entries = {
                item.pk: (
                    _points_for(rng, item, quality),
                    rng.choice(EXPLANATIONS).format(n=rng.randint(2, 12)),
                    "",
                )
                for item in items
                if item.kind == Item.Kind.STANDARD
            }
            # The unit's contact claims its points; the Shenzhen port officer does it for the
            # units without a demo contact.
            claimant = contact if subject.unit.code == CONTACT_UNIT else port_officer
            cycle_services.self_assessment_save(actor=claimant, subject=subject, entries=entries)
            stats.count("self_assessment", True)
        cycle = cycle_services.cycle_start_scoring(actor=officer, cycle=cycle)
    seed_score_sheets(stats, review, CYCLE_SUBMITTED_SHARE)
    return cycle


def seed_demo(*, password, stats):
    """Load or refresh the assessments demo data; returns the reviewer accounts' usernames."""
    codes = {*DERIVED, "CN", CYCLE_PORT_AUTHORITY}
    codes |= {a for panel in REVIEWERS.values() for _u, a in panel.values() if a}
    codes.add(ORGANIZER[1])
    authorities = {a.code: a for a in Authority.objects.filter(code__in=codes)}
    unit_codes = {c for codes_ in SUBJECT_UNITS.values() for c in codes_}
    unit_codes |= {u for panel in REVIEWERS.values() for u, _a in panel.values() if u}
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in=unit_codes).select_related("authority", "port")
    }
    schemes = seed_schemes(stats, authorities)
    usernames = seed_reviewers(stats, password)
    seed_reviews(stats, schemes, authorities, units)
    seed_cycle(stats, schemes, authorities)
    return usernames
