"""Helpers of the round's tests: panels, dates moved into the past, a round brought to a phase
with its nominations in the states that phase expects (written directly, so each transition is
tested on its own)."""

import datetime

from django.utils import timezone

from assessments.models import Review
from assessments.services import reviews as review_services
from awards.models import Nomination, Recommendation, Round
from awards.selectors.rounds import round_review
from tests.assessments.fixtures import make_user

Status = Nomination.Status


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def seat_panel(review, count, prefix):
    """`count` active reviewers on the review's panel, working nowhere in particular (so no
    conflict of interest with any nominee)."""
    return [
        review_services.panel_member_add(
            actor=None, review=review, user=make_user(f"{prefix}{i}")
        ).user
        for i in range(count)
    ]


def close_nominations(round):
    """Nominations were due yesterday; the reviews are due later."""
    Round.objects.filter(pk=round.pk).update(
        nominations_due_on=days(-1), provincial_review_due_on=days(20)
    )
    round.refresh_from_db()
    return round


def set_phase(round, phase, **fields):
    Round.objects.filter(pk=round.pk).update(phase=phase, **fields)
    round.refresh_from_db()
    return round


def submit_list(round, province, user):
    return Recommendation.objects.update_or_create(
        round=round,
        province=province,
        defaults={
            "status": Recommendation.Status.SUBMITTED,
            "submitted_by": user,
            "submitted_at": timezone.now(),
            "opinion": "同意推荐",
        },
    )[0]


def national_review(round, world):
    return round_review(round, world.national)


def review_of(round, authority):
    return Review.objects.get(round_key=round.review_key, authority=authority)
