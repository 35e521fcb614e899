"""Questionnaire results beside the scheme's questionnaire items (问卷调查).

A scoring item collected by questionnaire survey is scored from the satisfaction surveys of the
port the subject works at (campaigns' surveys: respondent groups rate the port's agencies on
each dimension). The reviewer sees the port's overall satisfaction of the year and the points it
corresponds to on the item's scale, as a suggestion beside the item; the reviewer still scores.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Cycle, Item
from campaigns.selectors.public import survey_satisfaction_for_port

CENT = Decimal("0.01")


def subject_year(subject):
    """The year a subject is assessed for: its cycle's, else the review's due date's (read with
    the subject by `access_subject_to_score`, so no query)."""
    try:
        return subject.review.cycle.year
    except Cycle.DoesNotExist:
        pass
    if subject.review.due_on:
        return subject.review.due_on.year
    return timezone.localdate().year


def questionnaire_notes(subject, items, *, year):
    """{item id: text} for the questionnaire items, from the satisfaction of the subject's
    unit's port in `year`; empty when the scheme has no such item or the subject no port.
    One query (the port's ratings), none when there is nothing to show."""
    questionnaire = [i for i in items if i.method == Item.Method.QUESTIONNAIRE]
    unit = subject.unit
    if not questionnaire or unit is None or not unit.port_id:
        return {}
    satisfaction = survey_satisfaction_for_port(unit.port_id, year)
    notes = {}
    for item in questionnaire:
        if satisfaction is None:
            notes[item.pk] = _("No satisfaction survey of the port was answered in %(year)s.") % {
                "year": year
            }
            continue
        points = (item.max_points * satisfaction / 100).quantize(CENT, ROUND_HALF_UP)
        notes[item.pk] = _(
            "Satisfaction surveys of the port in %(year)s: %(percent)s%%, "
            "which is %(points)s of %(max)s points."
        ) % {"year": year, "percent": satisfaction, "points": points, "max": item.max_points}
    return notes
