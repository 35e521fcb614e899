"""Writes to rounds: creating one, its quotas, advancing its phases, and the reviews that score
its nominations."""

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Review
from assessments.services import reviews as review_services
from awards.selectors.rounds import national_office, provinces


@transaction.atomic
def round_reviews_ensure(*, actor, round):
    """One review per province and one national, on the round's scheme, so every office can
    set up its panel while nominations come in. Safe to run again."""
    existing = set(
        Review.objects.filter(round_key=round.review_key).values_list("authority_id", flat=True)
    )
    made = []
    for authority in [*provinces(), national_office()]:
        if authority.pk in existing:
            continue
        made.append(
            review_services.review_create(
                actor=actor,
                name=_("%(round)s · %(authority)s")
                % {"round": round.name, "authority": authority.short_name or authority.name},
                round_key=round.review_key,
                authority=authority,
                scheme=round.scheme,
                reviewers_per_subject=round.reviewers_per_nomination,
                due_on=(
                    round.national_review_due_on
                    if authority.level == authority.Level.NATIONAL
                    else round.provincial_review_due_on
                ),
            )
        )
    return made
