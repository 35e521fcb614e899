"""The nomination's dossier beside the scoring form (registered with assessments.dossiers)."""

from assessments.dossiers import Dossier


def nomination_dossier(subject):
    return Dossier("assessments/dossiers/_summary.html", {"subject": subject})
