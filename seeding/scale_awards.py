"""One national award round at scale, for the benchmark suite (`manage.py seed_scale`).

Built after assessments' part, which scores 3,000 subjects (synthetic units and people) in a
national review whose round key is this round's review key. This part makes that review the
round's national review: one nomination per subject (先进单位 for a unit, 先进个人 for a person),
recommended by its province within generous quotas, each province's list submitted, and the
subjects re-pointed from the unit or person to the nomination. The round is in national review,
so the national ranking, the province's nomination list and the round's admin page all see
3,000 nominations with five submitted sheets each (DESIGN §9).

Benchmark filler written with `bulk_create`: no audit entries; the round's code starts with
`syn-`, which is how `delete_synthetic` finds it.
"""

import time
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from assessments.models import Subject
from awards.models import (
    DecisionDocument,
    Honour,
    Nomination,
    NominationEvidence,
    Objection,
    Opinion,
    Quota,
    Recommendation,
    Round,
    Title,
    VetoDeclaration,
)
from campaigns.models import Authority
from seeding.scale_assessments import ScaleResult, scale_review
from seeding.synthetic import analyze

ROUND_CODE = "syn-2025-2026"
# The synthetic nominations' author: an inactive account, removed with them.
OFFICE_USERNAME = "syn-awards-office"
BATCH = 5000
DEEDS = (
    "该同志（单位）坚持以共建文明口岸为抓手，推进通关便利化改革，优化口岸营商环境，"
    "在协作、效率、服务、阳光、法制、安全、廉政、文化和长效机制建设中成效显著。"
) * 4
SUMMARY = DEEDS[:120]
OPINION = "经评审，同意推荐。"


def scale_round():
    return Round.objects.filter(code=ROUND_CODE).first()


def synthetic_counts():
    round = scale_round()
    if round is None:
        return {"nominations": 0}
    return {"nominations": round.nominations.count(), "quotas": round.quotas.count()}


@transaction.atomic
def delete_synthetic():
    """Remove the synthetic rounds and everything in them, children first."""
    rounds = Round.objects.filter(code__startswith="syn-")
    nominations = Nomination.objects.filter(round__in=rounds)
    Honour.objects.filter(round__in=rounds).delete()
    DecisionDocument.objects.filter(round__in=rounds).delete()
    Objection.objects.filter(nomination__in=nominations).delete()
    Opinion.objects.filter(nomination__in=nominations).delete()
    VetoDeclaration.objects.filter(nomination__in=nominations).delete()
    NominationEvidence.objects.filter(nomination__in=nominations).delete()
    nominations.delete()
    Recommendation.objects.filter(round__in=rounds).delete()
    Quota.objects.filter(round__in=rounds).delete()
    rounds.delete()
    get_user_model().objects.filter(username=OFFICE_USERNAME).delete()


def _round(review):
    today = timezone.localdate()
    return Round.objects.create(
        code=ROUND_CODE,
        name="2025—2026年度全国共建文明口岸评比（基准测试数据）",
        start_year=2025,
        end_year=2026,
        scheme=review.scheme,
        phase=Round.Phase.NATIONAL_REVIEW,
        nominations_due_on=today.replace(month=1, day=31),
        provincial_review_due_on=today.replace(month=3, day=31),
        national_review_due_on=review.due_on,
        reviewers_per_nomination=review.reviewers_per_subject,
    )


def _nominations(round, subjects, officer):
    now = timezone.now()
    positions = defaultdict(int)
    rows = []
    for subject in subjects:
        key = (subject.province_id, subject.category)
        positions[key] += 1
        is_person = subject.category == Title.ADVANCED_INDIVIDUAL
        rows.append(
            Nomination(
                round=round,
                title=subject.category,
                unit_id=subject.unit_id,
                person_id=subject.object_id if is_person else None,
                authority_id=subject.authority_id,
                province_id=subject.province_id,
                status=Nomination.Status.RECOMMENDED,
                deeds=DEEDS,
                summary=SUMMARY,
                nominee_name=subject.title,
                nominee_unit_name=subject.summary if is_person else subject.title,
                recommended_position=positions[key],
                created_by=officer,
                submitted_by=officer,
                submitted_at=now,
            )
        )
    return Nomination.objects.bulk_create(rows, batch_size=BATCH), positions


def _repoint(subjects, nominations):
    """Each subject now stands for its nomination."""
    nomination_type = ContentType.objects.get_for_model(Nomination)
    for subject, nomination in zip(subjects, nominations, strict=True):
        subject.content_type = nomination_type
        subject.object_id = nomination.pk
    Subject.objects.bulk_update(subjects, ["content_type", "object_id"], batch_size=1000)


def seed_scale(*, reset=False):
    started = time.monotonic()
    if reset:
        delete_synthetic()
    elif scale_round() is not None:
        return ScaleResult(True, time.monotonic() - started, synthetic_counts())
    review = scale_review()
    if review is None:
        return ScaleResult(True, time.monotonic() - started, {"nominations": 0})
    timings = {}
    with transaction.atomic():
        step = time.monotonic()
        round = _round(review)
        officer, _created = get_user_model().objects.get_or_create(
            username=OFFICE_USERNAME, defaults={"is_active": False}
        )
        subjects = list(
            Subject.objects.filter(review=review)
            .order_by("province_id", "category", "pk")
            .only(
                "pk",
                "object_id",
                "title",
                "category",
                "summary",
                "authority_id",
                "province_id",
                "unit_id",
            )
        )
        nominations, positions = _nominations(round, subjects, officer)
        timings["nominations"] = time.monotonic() - step
        step = time.monotonic()
        _repoint(subjects, nominations)
        timings["subjects"] = time.monotonic() - step
        step = time.monotonic()
        provinces = Authority.objects.filter(level=Authority.Level.PROVINCIAL)
        Quota.objects.bulk_create(
            Quota(round=round, province=p, title=t, quota=max(positions.get((p.pk, t), 0), 1))
            for p in provinces
            for t in Title.values
        )
        now = timezone.now()
        Recommendation.objects.bulk_create(
            Recommendation(
                round=round,
                province_id=province_id,
                status=Recommendation.Status.SUBMITTED,
                opinion=OPINION,
                submitted_by=officer,
                submitted_at=now,
            )
            for province_id in sorted({p for p, _t in positions})
        )
        Opinion.objects.bulk_create(
            (
                Opinion(
                    nomination=n,
                    level=level,
                    authority_id=n.authority_id if level == "port" else n.province_id,
                    author=officer,
                    text=OPINION,
                )
                for n in nominations
                for level in (Opinion.Level.PORT, Opinion.Level.PROVINCE)
            ),
            batch_size=BATCH,
        )
        timings["lists"] = time.monotonic() - step
    analyze((Nomination, Opinion, Subject, Recommendation))
    return ScaleResult(False, time.monotonic() - started, synthetic_counts(), timings)
