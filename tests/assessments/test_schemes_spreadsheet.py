"""A scheme as a workbook: export, import with every bad row reported, all or nothing, and a
round trip that gives back the same tree."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.models import Item
from assessments.services import schemes as services
from assessments.spreadsheets import (
    ITEM_COLUMNS,
    parse_scheme_workbook,
    scheme_export_rows,
    scheme_workbook,
)
from civport.imports import ImportFileError
from civport.models import AuditEntry
from tests.conftest import login

pytestmark = pytest.mark.usefixtures("in_english")  # the messages are asserted in English

ZH = [zh for zh, _en in ITEM_COLUMNS.values()]
EN = [en for _zh, en in ITEM_COLUMNS.values()]


def workbook(items, vetoes=None, settings=None, items_title="items"):
    book = Workbook()
    sheet = book.active
    sheet.title = items_title
    for row in items:
        sheet.append(row)
    if vetoes is not None:
        veto_sheet = book.create_sheet("vetoes")
        for row in vetoes:
            veto_sheet.append(row)
    if settings is not None:
        settings_sheet = book.create_sheet("settings")
        for row in settings:
            settings_sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tree(scheme):
    """Everything an import writes, comparable across schemes: the items in their sequence
    (the stored order numbers are positions, so the sequence is what is compared)."""
    areas = list(scheme.areas.order_by("area__order").values_list("area__code", "weight"))
    items = list(
        Item.objects.filter(scheme=scheme)
        .order_by("indicator__scheme_area__area__order", "indicator__order", "order")
        .values_list(
            "indicator__scheme_area__area__code",
            "indicator__name",
            "code",
            "text",
            "kind",
            "max_points",
            "weight",
            "method",
            "deduction_rule",
            "coefficient",
        )
    )
    vetoes = list(scheme.vetoes.values_list("code", "text", "lookback_months"))
    settings = {name: getattr(scheme, name) for name in services.SETTINGS_FIELDS}
    return areas, items, vetoes, settings


@pytest.fixture
def draft(template, national_admin):
    return services.scheme_new_version(actor=national_admin, scheme=template)


def good_row(code="S1", area="safety", **overrides):
    row = dict(
        zip(
            ITEM_COLUMNS,
            [area, "", "14", "安全指标", code, "要求", "标准项", "5", "1", "材料审核", ""],
            strict=True,
        )
    )
    assert set(overrides) <= set(row)
    row.update(overrides)
    return list(row.values())


# --- export ---------------------------------------------------------------------------------


def test_export_has_three_sheets_with_chinese_labels(template):
    book = load_workbook(io.BytesIO(scheme_workbook(template)))
    assert book.sheetnames == ["items", "vetoes", "settings"]
    rows = list(book["items"].values)
    assert list(rows[0]) == ZH
    assert len(rows) == 1 + 29
    first = rows[1]
    assert first[0] == "coordination" and first[1] == "协作建设" and first[4] == "1.1"
    assert first[6] == "标准项目" and first[9] == "材料审核"
    assert {r[6] for r in rows[1:]} == {"标准项目", "加分项目"}
    assert list(book["vetoes"].values)[1] == ("V1", "发生重大安全责任事故", 24)
    settings = {r[0]: r[2] for r in list(book["settings"].values)[1:]}
    assert settings["bonus_cap"] == 5
    assert settings["aggregation"] == "去掉最高最低分后的平均分"


def test_export_escapes_formulas(draft):
    draft.items.filter(code="1.1").update(text='=HYPERLINK("x")', deduction_rule="-2 每次")
    rows = scheme_export_rows(draft)["items"]
    row = next(r for r in rows if r[4] == "1.1")
    assert row[5] == '\'=HYPERLINK("x")'
    assert row[10] == "'-2 每次"


def test_export_view_serves_xlsx(client, gd_officer, template):
    login(client, gd_officer)
    response = client.get(reverse("assessments:scheme-export", args=[template.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('national-template-v1.xlsx"')
    assert response.content[:2] == b"PK"


# --- round trip -----------------------------------------------------------------------------


def test_round_trip_gives_the_same_tree(template, draft, national_admin):
    draft.items.filter(code="1.1").update(text="=SUM(A1)", deduction_rule="+1 加分")
    services.scheme_recompute(draft)
    expected = tree(draft)
    data = scheme_workbook(draft)
    # scramble the draft, then bring it back from the workbook
    services.scheme_tree_replace(
        actor=national_admin,
        scheme=draft,
        area_weights={"safety": Decimal("1")},
        items=[],
        vetoes=[],
        settings={"pass_mark": Decimal("90")},
    )
    parsed = parse_scheme_workbook(data, "scheme.xlsx")
    assert parsed.errors == []
    services.scheme_tree_replace(
        actor=national_admin,
        scheme=draft,
        area_weights=parsed.area_weights,
        items=parsed.items,
        vetoes=parsed.vetoes,
        settings=parsed.settings,
    )
    draft.refresh_from_db()
    assert tree(draft) == expected


def test_round_trip_keeps_an_area_without_items(draft, national_admin):
    draft.items.filter(indicator__scheme_area__area__code="culture").delete()
    draft.areas.filter(area__code="culture").update(weight=Decimal("9.5"))
    services.scheme_recompute(draft)
    expected = tree(draft)
    parsed = parse_scheme_workbook(scheme_workbook(draft), "scheme.xlsx")
    assert parsed.errors == []
    assert parsed.area_weights["culture"] == Decimal("9.5")
    draft.areas.filter(area__code="culture").update(weight=Decimal("1"))
    services.scheme_tree_replace(
        actor=national_admin,
        scheme=draft,
        area_weights=parsed.area_weights,
        items=parsed.items,
        vetoes=parsed.vetoes,
        settings=parsed.settings,
    )
    draft.refresh_from_db()
    assert tree(draft) == expected


# --- parsing --------------------------------------------------------------------------------


def test_english_headers_and_aliases_are_accepted(world):
    data = workbook(
        [
            EN,
            good_row("S1"),
            good_row("S2", area="安全建设", kind="bonus", method="site visit"),
            good_row("S3", area="Culture", area_weight="8", method="questionnaire", weight=""),
        ],
        vetoes=[["code", "condition", "look-back months"], ["V1", "事故", 12]],
        settings=[["setting", "label", "value"], ["pass_mark", "", 70], ["汇总方式", "", "mean"]],
        items_title="评分项目",
    )
    parsed = parse_scheme_workbook(data, "x.xlsx")
    assert parsed.errors == []
    assert parsed.area_weights == {"safety": Decimal("14"), "culture": Decimal("8")}
    assert [(i["code"], i["area"], i["kind"], i["method"]) for i in parsed.items] == [
        ("S1", "safety", "standard", "documents"),
        ("S2", "safety", "bonus", "site_visit"),
        ("S3", "culture", "standard", "questionnaire"),
    ]
    assert parsed.items[2]["weight"] == Decimal("1")
    assert parsed.vetoes == [{"code": "V1", "text": "事故", "lookback_months": 12}]
    assert parsed.settings == {"pass_mark": Decimal("70"), "aggregation": "mean"}


def test_every_bad_row_is_reported_with_its_number(world):
    data = workbook(
        [
            ZH,
            good_row("S1"),
            good_row("S2", area="harbour"),
            good_row("S3", max_points="0"),
            good_row("S4", max_points="abc"),
            good_row("S1"),
            good_row("S5", method="电话调查"),
            good_row("S6", kind="额外"),
            good_row("S7", area_weight="20"),
            good_row("", text=""),
            good_row("S8", max_points="1.234"),
        ],
        vetoes=[["编号", "否决情形", "追溯月数"], ["V1", "事故", 0], ["V1", "", 12]],
    )
    parsed = parse_scheme_workbook(data, "x.xlsx")
    found = [(e.sheet, e.row, e.message) for e in parsed.errors]
    by_row = {}
    for sheet, row, message in found:
        by_row.setdefault((sheet, row), []).append(message)
    assert "not one of the nine construction areas" in by_row[("items", 3)][0]
    assert "harbour" in by_row[("items", 3)][0]
    assert "not a positive number" in by_row[("items", 4)][0]
    assert "not a positive number" in by_row[("items", 5)][0]
    assert by_row[("items", 6)] == ["The item code “S1” appears already on row 2."]
    assert "电话调查" in by_row[("items", 7)][0] and "材料审核" in by_row[("items", 7)][0]
    assert "额外" in by_row[("items", 8)][0]
    assert "14" in by_row[("items", 9)][0] and "row 2" in by_row[("items", 9)][0]
    assert len(by_row[("items", 10)]) == 2  # no code, no requirement
    assert "at most two decimal places" in by_row[("items", 11)][0]
    assert "whole number of months" in by_row[("vetoes", 2)][0]
    assert len(by_row[("vetoes", 3)]) == 2  # repeated code, no condition
    assert ("items", 2) not in by_row


def test_file_level_problems(world):
    with pytest.raises(ImportFileError, match="Excel workbook"):
        parse_scheme_workbook(b"area,code\nsafety,1\n", "scheme.csv")
    with pytest.raises(ImportFileError, match="not a valid Excel workbook"):
        parse_scheme_workbook(b"not a zip at all", "scheme.xlsx")
    with pytest.raises(ImportFileError, match="lacks the columns"):
        parse_scheme_workbook(workbook([["领域代码", "考核指标"], ["safety", "x"]]), "x.xlsx")
    with pytest.raises(ImportFileError, match="no scoring items"):
        parse_scheme_workbook(workbook([ZH]), "x.xlsx")


# --- the import screen ----------------------------------------------------------------------


def upload(data, name="scheme.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_import_view_replaces_the_draft(client, national_admin, template, draft):
    login(client, national_admin)
    data = workbook([ZH, good_row("S1"), good_row("C1", area="culture")])
    response = client.post(
        reverse("assessments:scheme-import", args=[draft.pk]), {"file": upload(data)}
    )
    assert response.status_code == 302
    assert list(draft.items.values_list("code", flat=True)) == ["S1", "C1"]
    # no vetoes sheet: the draft's conditions are replaced by none
    assert draft.vetoes.count() == 0
    assert AuditEntry.objects.filter(action="assessments.scheme.tree_replaced").count() == 1


def test_import_view_lists_row_errors_and_writes_nothing(client, national_admin, draft):
    login(client, national_admin)
    data = workbook([ZH, good_row("S1"), good_row("S2", area="nowhere")])
    response = client.post(
        reverse("assessments:scheme-import", args=[draft.pk]), {"file": upload(data)}
    )
    assert response.status_code == 200
    assert [(e.row, "nowhere" in e.message) for e in response.context["row_errors"]] == [(3, True)]
    assert 'data-testid="row-errors"' in response.content.decode()
    assert draft.items.count() == 29


def test_import_view_saves_weights_out_of_tolerance_with_a_warning(
    client, gd_officer, template, world
):
    # The ±20 % tolerance is a warning to both sides, not a refusal: the sheet is imported and
    # the scheme's page names the area out of tolerance.
    draft = services.scheme_derive(actor=gd_officer, template=template, authority=world.gd)
    login(client, gd_officer)
    data = workbook([ZH, good_row("S1", area_weight="50")])
    response = client.post(
        reverse("assessments:scheme-import", args=[draft.pk]), {"file": upload(data)}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/assessments/schemes/{draft.pk}/"
    assert any("安全建设" in str(warning) for warning in response.context["warnings"])


def test_import_view_checks_the_content(client, national_admin, draft):
    login(client, national_admin)
    response = client.post(
        reverse("assessments:scheme-import", args=[draft.pk]),
        {"file": upload(b"MZ\x90\x00 pretending", "scheme.xlsx")},
    )
    assert response.status_code == 200
    assert "not a valid Excel workbook" in str(response.context["form"].errors["file"])


def test_import_view_refuses_a_large_file(client, national_admin, draft, settings):
    settings.CIVPORT_IMPORT_MAX_BYTES = 100
    login(client, national_admin)
    response = client.post(
        reverse("assessments:scheme-import", args=[draft.pk]),
        {"file": upload(b"PK" + b"x" * 200)},
    )
    assert response.status_code == 200
    assert "larger than" in str(response.context["form"].errors["file"])


def test_import_page_renders(client, gd_officer, template, world, django_assert_num_queries):
    draft = services.scheme_derive(actor=gd_officer, template=template, authority=world.gd)
    login(client, gd_officer)
    # BASE (session, user, scope) + the scheme
    with django_assert_num_queries(3 + 1):
        response = client.get(reverse("assessments:scheme-import", args=[draft.pk]))
    assert response.status_code == 200


def test_import_into_a_published_version_is_refused(client, national_admin, template):
    login(client, national_admin)
    response = client.get(reverse("assessments:scheme-import", args=[template.pk]))
    assert response.status_code == 302
