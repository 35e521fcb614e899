"""The awards part of `seed_scale`: the scored national review becomes a round of nominations in
national review, each province's list within its quota and submitted."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count

from assessments.models import Subject
from awards.models import Nomination, Quota, Recommendation, Round
from seeding import scale_assessments, scale_awards
from seeding.scale_campaigns import seed_scale as campaigns_seed_scale

SUBJECTS = 20


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        campaigns_seed_scale(units=60, people=100)
        scale_assessments.seed_scale(subjects=SUBJECTS, sheets_per_subject=5)
        result = scale_awards.seed_scale()
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def round_(seeded, db):
    return scale_awards.scale_round()


def test_the_round_adopts_the_scored_review(round_):
    review = scale_assessments.scale_review()
    assert review.round_key == round_.review_key
    assert round_.phase == Round.Phase.NATIONAL_REVIEW
    nomination_type = ContentType.objects.get_for_model(Nomination)
    subjects = Subject.objects.filter(review=review)
    assert subjects.count() == SUBJECTS
    assert set(subjects.values_list("content_type", flat=True)) == {nomination_type.pk}
    by_id = {n.pk: n for n in Nomination.objects.filter(round=round_)}
    for subject in subjects:
        nomination = by_id[subject.object_id]
        assert (nomination.title, nomination.nominee_name, nomination.province_id) == (
            subject.category,
            subject.title,
            subject.province_id,
        )
        assert nomination.status == Nomination.Status.RECOMMENDED


def test_every_list_is_within_its_quota_and_submitted(round_):
    quotas = {(q.province_id, q.title): q.quota for q in Quota.objects.filter(round=round_)}
    used = (
        Nomination.objects.filter(round=round_)
        .values("province_id", "title")
        .annotate(n=Count("pk"))
    )
    assert used
    for row in used:
        assert row["n"] <= quotas[(row["province_id"], row["title"])]
    provinces = {row["province_id"] for row in used}
    submitted = Recommendation.objects.filter(
        round=round_, status=Recommendation.Status.SUBMITTED
    ).values_list("province_id", flat=True)
    assert provinces == set(submitted)


def test_a_second_run_adds_nothing_and_delete_removes_the_round(round_):
    again = scale_awards.seed_scale()
    assert again.skipped
    scale_awards.delete_synthetic()
    assert not Round.objects.filter(code=scale_awards.ROUND_CODE).exists()
    assert not Nomination.objects.filter(round__code=scale_awards.ROUND_CODE).exists()
