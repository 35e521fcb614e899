"""XLSX exports of a review: the score matrix and the ranking.

Headers are translated msgids rendered in Chinese, whatever the interface language, as the
hierarchy's spreadsheets are: they are what officials file and compare. Every text cell goes
through the campaigns' formula escaping, so a title such as "=HYPERLINK(…)" stays text; numbers
are written as numbers. The workbook is written in openpyxl's write-only mode (a round's
3,000 subjects × 5 sheets fit in memory comfortably), reading the scores a chunk of sheets at a
time so the memory used does not grow with the scheme's size × the round's.
"""

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.dossiers import category_label
from assessments.models import Assignment, ScoreSheet, Subject
from assessments.selectors import (
    normalised_scores,
    ranking_details,
    review_ranking,
    review_sheets,
    review_unstarted_assignments,
    scheme_items,
    sheet_points,
    sheet_veto_codes,
)
from civport.jobs import counted
from civport.people import display_name
from civport.resources import escape_formula

EXPORT_LANGUAGE = "zh-hans"
SHEETS_PER_CHUNK = 500


def _cell(value):
    if isinstance(value, str):
        return escape_formula(value)
    return value


def _yes_no(flag):
    return _("yes") if flag else _("no")


def _workbook(title, headers, rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([_cell(h) for h in headers])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _reviewer_name(user):
    return display_name(user)


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- the score matrix --------------------------------------------------------------------------
def score_matrix_headers(items):
    return [
        _("name"),
        _("category"),
        _("province"),
        _("reviewer"),
        _("status"),
        *[item.code for item in items],
        _("bonus"),
        _("total"),
        _("veto"),
        _("veto conditions"),
        _("submitted at"),
    ]


def score_matrix_rows(review, items):
    """One row per subject × reviewer: every sheet, then every assigned reviewer without one."""
    statuses = dict(ScoreSheet.Status.choices)
    sheets = list(review_sheets(review))
    for chunk in _chunks(sheets, SHEETS_PER_CHUNK):
        ids = [sheet.pk for sheet in chunk]
        points = sheet_points(ids)
        vetoes = sheet_veto_codes(ids)
        for sheet in chunk:
            subject = sheet.subject
            given = points.get(sheet.pk, {})
            codes = vetoes.get(sheet.pk, [])
            yield [
                subject.title,
                category_label(subject.category),
                subject.province.name if subject.province else "",
                _reviewer_name(sheet.reviewer),
                str(statuses[sheet.status]),
                *[given.get(item.pk) for item in items],
                sheet.bonus,
                sheet.total,
                _yes_no(sheet.has_veto or bool(codes)),
                ", ".join(codes),
                _when(sheet.submitted_at),
            ]
    not_started = _("not started")
    for assignment in review_unstarted_assignments(review):
        subject = assignment.subject
        yield [
            subject.title,
            category_label(subject.category),
            subject.province.name if subject.province else "",
            _reviewer_name(assignment.member.user),
            not_started,
            *[None for _item in items],
            None,
            None,
            _yes_no(False),
            "",
            "",
        ]


def score_matrix_size(review):
    """About how many rows the matrix has: one per assignment (a reviewer of a subject)."""
    return Assignment.objects.filter(subject__review=review).count()


def score_matrix_xlsx(review, progress=None):
    """The matrix as a workbook; `progress(done, total, step)` hears of every row written."""
    step = _("Writing the score sheets' rows")
    with translation.override(EXPORT_LANGUAGE):
        items = list(scheme_items(review.scheme))
        rows = score_matrix_rows(review, items)
        if progress is not None:
            rows = counted(rows, score_matrix_size(review), progress, step)
        return _workbook(_("score matrix"), score_matrix_headers(items), rows)


# -- the ranking -------------------------------------------------------------------------------
def ranking_headers():
    return [
        _("rank"),
        _("name"),
        _("category"),
        _("province"),
        _("sheets submitted"),
        _("score"),
        _("highest"),
        _("lowest"),
        _("spread"),
        _("disputed"),
        _("disqualified by veto"),
        _("normalised score"),
    ]


def ranking_rows(review):
    normalised = normalised_scores(review, Subject.objects.filter(review=review).values("pk"))
    rows = list(review_ranking(review))
    details = ranking_details(rows)
    for row in rows:
        yield [
            # A vetoed subject is disqualified: it keeps its place at the end, without a rank.
            None if row.is_vetoed else row.rank,
            row.title,
            category_label(row.category),
            details[row.pk]["province"],
            row.sheets_submitted,
            row.score,
            row.high,
            row.low,
            row.spread,
            _yes_no(row.is_disputed),
            _yes_no(row.is_vetoed),
            normalised.get(row.pk),
        ]


def ranking_xlsx(review):
    with translation.override(EXPORT_LANGUAGE):
        return _workbook(_("ranking"), ranking_headers(), ranking_rows(review))
