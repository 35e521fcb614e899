"""What a reviewer sees beside the scoring form for a unit in an annual cycle: the unit's
self-assessment. Under each item, the claimed points, explanation, link and evidence files.

Registered for `campaigns.unit` subjects in `AssessmentsConfig.ready()`; a unit scored in a
review that is not a cycle's gets the plain summary. Reads two queries whatever the number of
items and files: the claims with their items, and their evidence (prefetched).
"""

from django.template.loader import render_to_string

from assessments.dossiers import Dossier
from assessments.models import SelfAssessment
from assessments.services.cycles import is_cycle_review
from assessments.services.sheets import running_total

TEMPLATE = "assessments/cycles/_dossier.html"
CLAIM_TEMPLATE = "assessments/cycles/_claim.html"
SUMMARY_TEMPLATE = "assessments/dossiers/_summary.html"


class _ItemView:
    """Just what `running_total` reads of an item."""

    def __init__(self, pk, kind, coefficient):
        self.pk, self.kind, self.coefficient = pk, kind, coefficient


def cycle_dossier(subject):
    if not is_cycle_review(subject.review):
        # A unit can be a subject of other reviews too; those keep the plain summary.
        return Dossier(SUMMARY_TEMPLATE, {"subject": subject})
    claims = list(
        SelfAssessment.objects.filter(subject=subject)
        .select_related("item")
        .prefetch_related("evidence")
        .order_by("item_id")
    )
    items = [_ItemView(c.item_id, c.item.kind, c.item.coefficient) for c in claims]
    points = {c.item_id: c.points for c in claims}
    bonus_cap = subject.review.scheme.bonus_cap
    by_item = {
        claim.item_id: render_to_string(CLAIM_TEMPLATE, {"claim": claim}) for claim in claims
    }
    context = {
        "subject": subject,
        "claimed_total": running_total(items, points, bonus_cap),
        "n_claimed": len(claims),
        "n_evidence": sum(len(c.evidence.all()) for c in claims),
    }
    return Dossier(TEMPLATE, context, by_item)
