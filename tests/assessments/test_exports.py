"""XLSX exports of a review: the score matrix and the ranking, with formulas escaped."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from assessments import exports
from assessments.models import Assignment, Item, ScoreSheet, VetoCondition
from assessments.selectors import normalised_scores, review_ranking, scheme_items
from assessments.services import reviews as review_services
from assessments.services.sheets import SheetInput, score_sheet_save
from civport.spreadsheets import XLSX_CONTENT_TYPE
from tests.assessments.fixtures import submit_sheet
from tests.conftest import login

FORMULA = '=HYPERLINK("http://example.com/steal","点击")'


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def cells_of(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows())


@pytest.fixture
def exported(world, gd_review, gd_subjects):
    """The four Guangdong subjects, one renamed to a formula; three reviewers each. Every
    sheet is submitted except one left as a draft and one never started; one sheet vetoes."""
    formula_subject = gd_subjects[3]
    formula_subject.title = FORMULA
    formula_subject.save(update_fields=["title"])
    review_services.assignment_auto(actor=None, review=gd_review)
    condition = VetoCondition.objects.filter(scheme=gd_review.scheme).order_by("order").first()
    assignments = list(
        Assignment.objects.filter(subject__review=gd_review)
        .select_related("member__user", "subject__review__scheme")
        .order_by("subject_id", "member__user__username")
    )
    left_draft, not_started = assignments[-2], assignments[-1]
    fractions = [Decimal("0.9"), Decimal("0.8"), Decimal("0.6"), Decimal("0.7")]
    for i, a in enumerate(assignments[:-2]):
        vetoes = {condition.pk: "处罚记录"} if i == 0 else None
        submit_sheet(a.member.user, a.subject, fractions[i % 4], vetoes=vetoes)
    item = Item.objects.filter(scheme=gd_review.scheme, kind="standard").first()
    score_sheet_save(
        actor=left_draft.member.user,
        subject=left_draft.subject,
        data=SheetInput(points={item.pk: Decimal("1")}),
        revision=None,
    )
    return {
        "assignments": assignments,
        "draft": left_draft,
        "not_started": not_started,
        "condition": condition,
        "formula_subject": formula_subject,
    }


def test_score_matrix_has_a_row_per_subject_and_reviewer_and_a_column_per_item(
    client, gd_review, exported, gd_officer
):
    login(client, gd_officer)
    rows = rows_of(client.get(reverse("assessments:review-export-matrix", args=[gd_review.pk])))
    items = list(scheme_items(gd_review.scheme))
    header, body = rows[0], rows[1:]
    with translation.override("zh-hans"):
        assert header == exports.score_matrix_headers(items)
    assert len(header) == 5 + len(items) + 5
    assert len(body) == len(exported["assignments"])
    statuses = [row[4] for row in body]
    with translation.override("zh-hans"):
        submitted = str(ScoreSheet.Status.SUBMITTED.label)
        draft = str(ScoreSheet.Status.DRAFT.label)
        not_started = translation.gettext("not started")
    assert statuses.count(submitted) == len(exported["assignments"]) - 2
    assert statuses.count(draft) == 1
    assert statuses[-1] == not_started  # reviewers without a sheet come last
    # A submitted sheet: every standard item's points, its total and its veto.
    first_item = header.index(items[0].code)
    full = [row for row in body if row[4] == submitted]
    assert all(isinstance(row[first_item], float | int) for row in full)
    vetoed = [row for row in full if row[-2]]
    assert len(vetoed) == 1 and vetoed[0][-2] == exported["condition"].code
    assert all(row[-4] is not None for row in full)  # total


def test_score_matrix_escapes_a_formula_title(client, gd_review, exported, gd_officer):
    login(client, gd_officer)
    response = client.get(reverse("assessments:review-export-matrix", args=[gd_review.pk]))
    titles = [row[0] for row in cells_of(response)[1:]]
    formula_cells = [c for c in titles if FORMULA in str(c.value)]
    assert formula_cells
    for cell in formula_cells:
        assert cell.data_type == "s"
        assert cell.value == "'" + FORMULA


def test_ranking_export_equals_review_ranking(client, gd_review, exported, gd_officer):
    login(client, gd_officer)
    response = client.get(reverse("assessments:review-export-ranking", args=[gd_review.pk]))
    rows = rows_of(response)
    header, body = rows[0], rows[1:]
    with translation.override("zh-hans"):
        assert header == exports.ranking_headers()
    ranking = list(review_ranking(gd_review))
    normalised = normalised_scores(gd_review, [r.pk for r in ranking])
    assert len(body) == len(ranking)

    def number(value):
        return None if value is None else Decimal(str(value))

    for row, expected in zip(body, ranking, strict=True):
        title = row[1][1:] if row[1].startswith("'") else row[1]
        assert title == expected.title
        assert row[0] == (None if expected.is_vetoed else expected.rank)
        assert row[4] == expected.sheets_submitted
        assert number(row[5]) == expected.score
        assert (number(row[6]), number(row[7]), number(row[8])) == (
            expected.high,
            expected.low,
            expected.spread,
        )
        assert number(row[11]) == normalised.get(expected.pk)
    vetoed = [row for row in body if row[0] is None]
    assert len(vetoed) == 1


def test_ranking_export_escapes_a_formula_title(client, gd_review, exported, gd_officer):
    login(client, gd_officer)
    response = client.get(reverse("assessments:review-export-ranking", args=[gd_review.pk]))
    cell = next(row[1] for row in cells_of(response)[1:] if FORMULA in str(row[1].value))
    assert cell.data_type == "s"
    assert cell.value == "'" + FORMULA


@pytest.mark.parametrize("name", ["review-export-matrix", "review-export-ranking"])
def test_exports_are_404_for_another_province(client, gd_review, exported, zj_officer, name):
    login(client, zj_officer)
    assert client.get(reverse(f"assessments:{name}", args=[gd_review.pk])).status_code == 404


def test_the_matrix_reads_scores_a_chunk_of_sheets_at_a_time(
    gd_review, exported, monkeypatch, django_assert_num_queries
):
    items = list(Item.objects.filter(scheme=gd_review.scheme))
    monkeypatch.setattr(exports, "SHEETS_PER_CHUNK", 4)
    sheets = len(exported["assignments"]) - 1  # one never started
    chunks = -(-sheets // 4)
    # sheets + (points + veto marks) per chunk + assignments without a sheet
    with django_assert_num_queries(1 + 2 * chunks + 1):
        rows = list(exports.score_matrix_rows(gd_review, items))
    assert len(rows) == len(exported["assignments"])
