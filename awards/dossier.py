"""The nomination's dossier beside the scoring form (registered with assessments.dossiers).

A reviewer scoring a nomination sees the nominee, the title, the unit, the deeds, the evidence
files (downloaded through `awards:evidence-download`, which lets an assigned reviewer in), the
veto declarations and the chain of opinions. Five queries whatever the number of files: the
nomination with its round and authorities, the evidence, the veto conditions, the declarations,
and the opinions with their authors.
"""

from assessments.dossiers import Dossier
from awards.models import Nomination
from awards.selectors.nominations import (
    nomination_evidence,
    nomination_opinions,
    nomination_vetoes,
)

TEMPLATE = "awards/dossiers/_nomination.html"
SUMMARY_TEMPLATE = "assessments/dossiers/_summary.html"


def nomination_dossier(subject):
    nomination = (
        Nomination.objects.select_related("round", "authority", "province")
        .filter(pk=subject.object_id)
        .first()
    )
    if nomination is None:
        return Dossier(SUMMARY_TEMPLATE, {"subject": subject})
    return Dossier(
        TEMPLATE,
        {
            "subject": subject,
            "nomination": nomination,
            "evidence": nomination_evidence(nomination),
            "conditions": nomination_vetoes(nomination),
            "opinions": nomination_opinions(nomination),
        },
    )
