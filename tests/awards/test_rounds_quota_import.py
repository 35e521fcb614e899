"""Importing a round's quotas from a spreadsheet: XLSX and CSV (UTF-8 with BOM, GB18030),
Chinese or English headers, provinces by code or name, titles by their Chinese names; every bad
row reported with its number and reason, and nothing written unless every row is good."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from awards.models import Quota, Round, Title
from awards.resources import QuotaResource, quota_sheet_rows, quotas_import_file
from civport.models import AuditEntry
from tests.awards.rounds_support import set_phase


def csv_bytes(rows, encoding="utf-8-sig"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def quotas(round):
    return {
        (q.province.code, q.title): q.quota
        for q in Quota.objects.filter(round=round).select_related("province")
    }


GOOD = [
    ["省份", "称号", "名额"],
    ["GD", "全国文明口岸", "3"],
    ["广东省人民政府口岸办公室", "全国共建文明口岸先进单位", "5"],
    ["ZJ", "先进个人", "2"],
    ["浙江省人民政府口岸办公室", "National advanced organizer", "1"],
]


@pytest.mark.parametrize(
    ("encode", "filename"),
    [
        (lambda rows: csv_bytes(rows), "名额.csv"),
        (lambda rows: csv_bytes(rows, "gb18030"), "quotas.csv"),
        (xlsx_bytes, "quotas.xlsx"),
    ],
)
def test_a_good_file_is_applied(national_admin, award_round, encode, filename):
    result = quotas_import_file(
        actor=national_admin, round=award_round, data=encode(GOOD), filename=filename
    )
    assert result.ok and result.applied, (result.file_errors, [r.messages for r in result.rows])
    assert result.counts == {"create": 0, "update": 3, "unchanged": 1, "error": 0}
    assert quotas(award_round) == {
        ("GD", "civilized_port"): 3,
        ("GD", "advanced_unit"): 5,
        ("GD", "advanced_individual"): 2,
        ("GD", "advanced_organizer"): 2,
        ("ZJ", "civilized_port"): 1,
        ("ZJ", "advanced_unit"): 1,
        ("ZJ", "advanced_individual"): 2,
        ("ZJ", "advanced_organizer"): 1,
    }
    entries = AuditEntry.objects.filter(action="awards.quota.set")
    assert entries.count() == 3
    assert all(e.changes["imported"] and e.actor == national_admin for e in entries)


def test_a_dry_run_writes_nothing(national_admin, award_round):
    result = quotas_import_file(
        actor=national_admin,
        round=award_round,
        data=csv_bytes(GOOD),
        filename="q.csv",
        dry_run=True,
    )
    assert result.ok and not result.applied
    assert [row.action for row in result.rows] == ["update", "update", "update", "unchanged"]
    assert quotas(award_round)[("GD", "civilized_port")] == 2


def test_new_quotas_are_created(national_admin, template, world):
    round = Round.objects.create(
        code="2027-2028", name="2027—2028年度", start_year=2027, end_year=2028, scheme=template
    )
    data = csv_bytes([["province", "title", "quota"], ["GD", "civilized_port", "4"]])
    result = quotas_import_file(actor=national_admin, round=round, data=data, filename="q.csv")
    assert result.applied and result.counts["create"] == 1
    assert quotas(round) == {("GD", "civilized_port"): 4}


def test_a_bad_file_reports_every_row_and_writes_nothing(national_admin, award_round, in_english):
    rows = [
        ["省份", "称号", "名额"],
        ["GD", "全国文明口岸", "3"],
        ["XZ", "全国文明口岸", "1"],
        ["ZJ", "最美口岸", "1"],
        ["ZJ", "先进单位", "-2"],
        ["ZJ", "先进个人", "1.5"],
        ["广东省人民政府口岸办公室", "civilized_port", "4"],
        ["", "先进单位", ""],
    ]
    result = quotas_import_file(
        actor=national_admin, round=award_round, data=csv_bytes(rows), filename="q.csv"
    )
    assert not result.applied
    assert {row.number: row.messages for row in result.errors} == {
        3: ["省份: “XZ” is not a province."],
        4: [
            "称号: “最美口岸” is not one of the allowed values: "
            "全国文明口岸、全国共建文明口岸先进单位、全国共建文明口岸先进个人、"
            "全国共建文明口岸活动先进组织者."
        ],
        5: ["名额: “-2” is not a whole number from 0 to 999."],
        6: ["名额: “1.5” is not a whole number from 0 to 999."],
        7: ["Row 2 has the same province and title."],
        8: ["省份: This column cannot be blank.", "名额: This column cannot be blank."],
    }
    assert result.rows[0].action == "valid"
    assert quotas(award_round)[("GD", "civilized_port")] == 2
    assert not AuditEntry.objects.filter(action="awards.quota.set").exists()


def test_headers_are_checked(national_admin, award_round, in_english):
    data = csv_bytes([["省份", "名称", "名额"], ["GD", "x", "1"]])
    result = quotas_import_file(
        actor=national_admin, round=award_round, data=data, filename="q.csv"
    )
    assert result.file_errors == ["Unknown column “名称”. The required column “称号” is missing."]


def test_a_file_is_refused_once_quotas_are_closed(national_admin, award_round, in_english):
    set_phase(award_round, Round.Phase.PROVINCIAL_REVIEW)
    result = quotas_import_file(
        actor=national_admin, round=award_round, data=csv_bytes(GOOD), filename="q.csv"
    )
    assert result.file_errors == [
        "Quotas can be changed while the round is in draft or nominating only; it is in its "
        "provincial review phase."
    ]
    assert quotas(award_round)[("GD", "civilized_port")] == 2


def test_the_quota_sheet_lists_every_province_and_title(award_round, world):
    headers, rows = quota_sheet_rows(award_round)
    assert headers == QuotaResource.headers() == ["省份", "称号", "名额"]
    assert len(rows) == 2 * len(Title.values)
    assert rows[0] == [world.gd.name, "全国文明口岸", 2]
    # The sheet as downloaded imports back unchanged.
    data = xlsx_bytes([headers, *rows])
    assert load_workbook(io.BytesIO(data)).active.max_row == 9
    result = quotas_import_file(actor=None, round=award_round, data=data, filename="sheet.xlsx")
    assert result.applied and result.counts["unchanged"] == 8
