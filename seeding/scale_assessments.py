"""One national review round at scale, for the benchmark suite (`manage.py seed_scale`).

On top of campaigns' synthetic units and people: a national review on the published starting
template with 3,000 subjects (four in five are units up for 先进单位, the rest people up for
先进个人), a 310-seat panel, five assignments per subject with their guardian permissions, and
five submitted sheets per subject scoring every standard item (≈405,000 scores) — DESIGN §9.

The published template is installed through its service like real data. Everything else is
benchmark filler written with `bulk_create`: no audit entries, the review's round is `SYN-…` and
the reviewers' usernames start with `syn-reviewer-`, which is how `delete_synthetic` finds them.
Each sheet's total is computed exactly as `services.sheets.score_sheet_save` stores it, so the
ranking and the pages see the numbers real scoring would have produced.
"""

import datetime
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    Assignment,
    Item,
    PanelMember,
    Review,
    Score,
    ScoreSheet,
    Subject,
    SubjectUserObjectPermission,
    VetoCondition,
    VetoMark,
)
from assessments.services.sheets import CENT
from assessments.template import template_install
from campaigns.models import Authority, Person, Unit
from seeding.synthetic import PREFIX, analyze, run_steps

SUBJECTS = 3000
REVIEWERS = 310
SHEETS_PER_SUBJECT = 5
INDIVIDUAL_SHARE = 0.2
VETO_SHARE = 0.01
BONUS_SHARE = 0.15
# Named as the awards part of seed_scale names its round's review (`Round.review_key`), so that
# it can adopt this review as the national review of a round of nominations.
ROUND_KEY = "award-syn-2025-2026"
REVIEWER_PREFIX = "syn-reviewer-"
# The benchmark's reviewer: the first seat of the panel, with an ordinary queue (~48 subjects).
BENCH_REVIEWER = f"{REVIEWER_PREFIX}001"
SCALE_SEED = 20250607
BATCH = 5000
HALF = Decimal("0.5")
DUE_ON = datetime.date(2026, 6, 30)


@dataclass
class ScaleResult:
    skipped: bool
    seconds: float
    counts: dict
    timings: dict = field(default_factory=dict)


@dataclass
class RoundRun:
    subjects: int
    reviewers: int
    sheets_per_subject: int
    rng: random.Random
    review: Review = None
    items: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    subject_rows: list = field(default_factory=list)
    members: list = field(default_factory=list)
    assignments: list = field(default_factory=list)  # (subject, member)
    sheets: list = field(default_factory=list)


def scale_review():
    return Review.objects.filter(round_key=ROUND_KEY).first()


def synthetic_counts():
    review = scale_review()
    if review is None:
        return {"subjects": 0, "reviewers": 0, "sheets": 0, "scores": 0}
    return {
        "subjects": review.subjects.count(),
        "reviewers": review.panel.count(),
        "sheets": ScoreSheet.objects.filter(subject__review=review).count(),
        "scores": Score.objects.filter(sheet__subject__review=review).count(),
    }


@transaction.atomic
def delete_synthetic():
    """Remove the synthetic round and its reviewers, children first (the sheets and seats
    protect the reviewers' accounts; the subjects protect the units)."""
    reviews = Review.objects.filter(round_key=ROUND_KEY)
    Score.objects.filter(sheet__subject__review__in=reviews).delete()
    VetoMark.objects.filter(sheet__subject__review__in=reviews).delete()
    ScoreSheet.objects.filter(subject__review__in=reviews).delete()
    SubjectUserObjectPermission.objects.filter(content_object__review__in=reviews).delete()
    Assignment.objects.filter(subject__review__in=reviews).delete()
    Subject.objects.filter(review__in=reviews).delete()
    PanelMember.objects.filter(review__in=reviews).delete()
    reviews.delete()
    get_user_model().objects.filter(username__startswith=REVIEWER_PREFIX).delete()


# --- steps --------------------------------------------------------------------------------------


def step_review(run):
    national = Authority.objects.get(level=Authority.Level.NATIONAL)
    scheme = template_install(actor=None, authority=national)
    run.items = list(Item.objects.filter(scheme=scheme).order_by("order", "pk"))
    run.conditions = list(VetoCondition.objects.filter(scheme=scheme).order_by("order"))
    run.review = Review.objects.create(
        name="全国共建文明口岸评审（基准测试数据）",
        round_key=ROUND_KEY,
        authority=national,
        scheme=scheme,
        phase=Review.Phase.OPEN,
        reviewers_per_subject=run.sheets_per_subject,
        due_on=DUE_ON,
    )


def _province_ids():
    """Authority id → the id of its province (None for the national office)."""
    by_path = {a.path: a.pk for a in Authority.objects.only("pk", "path")}
    result = {}
    for path, pk in by_path.items():
        codes = path.split("/")
        result[pk] = by_path.get("/".join(codes[:2]) + "/") if len(codes) >= 3 else None
    return result


def step_subjects(run):
    """Synthetic units (先进单位) and people (先进个人) up for the round, in a seeded order."""
    individuals = round(run.subjects * INDIVIDUAL_SHARE)
    units = list(
        Unit.objects.filter(code__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", "name", "authority_id")
    )
    people = list(
        Person.objects.filter(code__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", "name", "position", "unit_id", "unit__name", "unit__authority_id")
    )
    individuals = min(individuals, len(people))
    unit_count = min(run.subjects - individuals, len(units))
    province_of = _province_ids()
    unit_type = ContentType.objects.get_for_model(Unit)
    person_type = ContentType.objects.get_for_model(Person)
    rows = []
    for pk, name, authority_id in run.rng.sample(units, unit_count):
        rows.append(
            Subject(
                review=run.review,
                content_type=unit_type,
                object_id=pk,
                title=name,
                category="advanced_unit",
                authority_id=authority_id,
                province_id=province_of[authority_id],
                unit_id=pk,
            )
        )
    for pk, name, position, unit_id, unit_name, authority_id in run.rng.sample(people, individuals):
        rows.append(
            Subject(
                review=run.review,
                content_type=person_type,
                object_id=pk,
                title=name,
                category="advanced_individual",
                summary=f"{unit_name}{position}",
                authority_id=authority_id,
                province_id=province_of[authority_id],
                unit_id=unit_id,
            )
        )
    run.subject_rows = Subject.objects.bulk_create(rows, batch_size=BATCH)


def step_panel(run):
    """The reviewers' accounts and seats; each works at one of the subjects' port authorities,
    so the conflict-of-interest rule has work to do."""
    if run.reviewers is None:
        run.reviewers = max(
            run.sheets_per_subject + 3, round(REVIEWERS * len(run.subject_rows) / SUBJECTS)
        )
    user_model = get_user_model()
    password = make_password(None)  # unusable: the benchmark logs in with force_login
    users = user_model.objects.bulk_create(
        [
            user_model(username=f"{REVIEWER_PREFIX}{n:03d}", password=password)
            for n in range(1, run.reviewers + 1)
        ]
    )
    authorities = sorted({s.authority_id for s in run.subject_rows})
    run.members = PanelMember.objects.bulk_create(
        [
            PanelMember(review=run.review, user=user, authority_id=run.rng.choice(authorities))
            for user in users
        ]
    )


def step_assignments(run):
    """k reviewers per subject, walking the panel round-robin (so loads differ by at most a
    few) and skipping a reviewer from the subject's own port authority, as the service would."""
    k = run.sheets_per_subject
    members = run.rng.sample(run.members, len(run.members))
    cursor = 0
    rows = []
    for subject in run.subject_rows:
        chosen = []
        tried = 0
        while len(chosen) < k and tried < len(members):
            member = members[cursor % len(members)]
            cursor += 1
            tried += 1
            if member.authority_id != subject.authority_id:
                chosen.append(member)
        for member in chosen:
            run.assignments.append((subject, member))
            rows.append(
                Assignment(subject=subject, member=member, source=Assignment.Source.AUTOMATIC)
            )
    Assignment.objects.bulk_create(rows, batch_size=BATCH)
    permission = Permission.objects.get(
        content_type__app_label="assessments", codename="score_subject"
    )
    SubjectUserObjectPermission.objects.bulk_create(
        [
            SubjectUserObjectPermission(
                permission=permission, user_id=member.user_id, content_object_id=subject.pk
            )
            for subject, member in run.assignments
        ],
        batch_size=BATCH,
    )


def sheet_points(rng, items, quality, severity):
    """Points per item for one sheet: the subject's quality, the reviewer's severity and some
    noise, in half points within [0, max]."""
    points = {}
    for item in items:
        if item.kind == Item.Kind.BONUS:
            if rng.random() < BONUS_SHARE:
                points[item] = item.max_points
            continue
        share = min(1.0, max(0.0, quality + severity + rng.gauss(0, 0.08)))
        value = (item.max_points * Decimal(str(round(share, 3))) / HALF).quantize(Decimal(1))
        points[item] = min(item.max_points, value * HALF)
    return points


def sheet_totals(points, bonus_cap):
    """(total, bonus) exactly as the submit service stores them: SUM(points × coefficient) of
    the standard items rounded to cents, plus the bonus points capped."""
    standard = sum(
        (p * item.coefficient for item, p in points.items() if item.kind == Item.Kind.STANDARD),
        Decimal(0),
    )
    bonus = sum((p for item, p in points.items() if item.kind == Item.Kind.BONUS), Decimal(0))
    bonus = min(bonus, bonus_cap).quantize(CENT)
    return (standard.quantize(CENT) + bonus).quantize(CENT), bonus


def step_sheets(run):
    """One submitted sheet per assignment, its scores and, on a few subjects, a veto."""
    rng = run.rng
    bonus_cap = run.review.scheme.bonus_cap
    quality = {s.pk: rng.uniform(0.55, 0.95) for s in run.subject_rows}
    severity = {m.user_id: rng.gauss(0, 0.05) for m in run.members}
    vetoed = {s.pk for s in run.subject_rows if rng.random() < VETO_SHARE}
    now = timezone.now()
    sheets, entries, veto_of = [], [], {}
    for subject, member in run.assignments:
        points = sheet_points(rng, run.items, quality[subject.pk], severity[member.user_id])
        total, bonus = sheet_totals(points, bonus_cap)
        has_veto = subject.pk in vetoed and subject.pk not in veto_of
        sheet = ScoreSheet(
            subject=subject,
            reviewer_id=member.user_id,
            status=ScoreSheet.Status.SUBMITTED,
            total=total,
            bonus=bonus,
            has_veto=has_veto,
            revision=1,
            submitted_at=now,
        )
        if has_veto:
            veto_of[subject.pk] = sheet
        sheets.append(sheet)
        entries.append(points)
    run.sheets = ScoreSheet.objects.bulk_create(sheets, batch_size=BATCH)
    scores = []
    for sheet, points in zip(run.sheets, entries, strict=True):
        for item, value in points.items():
            scores.append(
                Score(sheet_id=sheet.pk, item_id=item.pk, points=value, max_points=item.max_points)
            )
        if len(scores) >= BATCH:
            Score.objects.bulk_create(scores)
            scores = []
    Score.objects.bulk_create(scores)
    condition = run.conditions[0]
    VetoMark.objects.bulk_create(
        VetoMark(sheet=sheet, condition=condition, reason="基准测试数据：考核期内发生安全责任事故")
        for sheet in veto_of.values()
    )


def step_analyze(run):
    analyze(
        (
            Subject,
            PanelMember,
            Assignment,
            SubjectUserObjectPermission,
            ScoreSheet,
            Score,
            VetoMark,
        )
    )


STEPS = (step_review, step_subjects, step_panel, step_assignments, step_sheets, step_analyze)


def seed_scale(
    *,
    subjects=SUBJECTS,
    reviewers=None,
    sheets_per_subject=SHEETS_PER_SUBJECT,
    reset=False,
    seed=SCALE_SEED,
):
    """Build the round on campaigns' synthetic units and people; with the round present and no
    `reset`, do nothing. `subjects` is capped by the synthetic units and people there are;
    `reviewers` defaults to 310 for 3,000 subjects, in proportion for fewer (never fewer than
    k + 3)."""
    started = time.monotonic()
    if reset:
        delete_synthetic()
    elif scale_review() is not None:
        return ScaleResult(True, time.monotonic() - started, synthetic_counts())
    run = RoundRun(
        subjects=subjects,
        reviewers=reviewers,
        sheets_per_subject=sheets_per_subject,
        rng=random.Random(seed),
    )
    with transaction.atomic():
        timings = run_steps(STEPS, run)
    return ScaleResult(False, time.monotonic() - started, synthetic_counts(), timings)
