"""Reads of rounds and of the assessments reviews that score them."""

from assessments.models import Review
from campaigns.models import Authority


def round_reviews(round):
    """The round's reviews (one per province that scores, one national), by authority id."""
    return {
        review.authority_id: review
        for review in Review.objects.filter(round_key=round.review_key).select_related(
            "authority", "scheme"
        )
    }


def round_review(round, authority):
    """The review of `authority` (a province or the national office) for the round, or None."""
    return (
        Review.objects.filter(round_key=round.review_key, authority=authority)
        .select_related("authority", "scheme")
        .first()
    )


def provinces():
    return Authority.objects.filter(level=Authority.Level.PROVINCIAL, is_active=True).order_by(
        "path"
    )


def national_office():
    return Authority.objects.get(level=Authority.Level.NATIONAL)
