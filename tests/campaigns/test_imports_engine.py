"""The import engine: reading files, headers, row errors, all-or-nothing writes, scope."""

import csv
import datetime
import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from campaigns.imports import NATIONAL_SCOPE, import_records
from campaigns.models import Authority, Person, Port, Unit
from campaigns.resources import RESOURCES, UnitResource
from campaigns.scope import scope_for
from civport.models import AuditEntry

UNIT_HEADERS = ["代码", "名称", "单位类别", "所属部门代码", "所在口岸代码", "所属口岸管理机构代码"]
GOOD_UNIT = ["GD-SZ-U9", "深圳新单位", "检查检验", "CUSTOMS", "GD-0001", "GD-SZ"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def state():
    """Everything an import may write, to prove that nothing changed."""
    return {
        "authorities": list(Authority.objects.order_by("code").values_list("code", "name")),
        "ports": list(Port.objects.order_by("code").values_list("code", "name", "status")),
        "units": list(Unit.objects.order_by("code").values_list("code", "name", "authority")),
        "people": list(Person.objects.order_by("code").values_list("code", "name", "unit")),
        "audit": AuditEntry.objects.count(),
    }


def run(kind, data, filename, *, actor=None, scope=NATIONAL_SCOPE, dry_run=False):
    return import_records(
        kind=kind, data=data, filename=filename, actor=actor, scope=scope, dry_run=dry_run
    )


def errors(result):
    return {row.number: row.messages for row in result.errors}


def assert_rejected(before, result):
    assert not result.ok
    assert not result.applied
    assert state() == before


# --- successful imports ---------------------------------------------------------------------


def test_units_xlsx_creates_and_updates_with_one_audit_entry_per_row(world):
    data = xlsx_bytes(
        [
            UNIT_HEADERS,
            GOOD_UNIT,
            ["GD-SZ-U1", "深圳改名单位", "inspection", "CUSTOMS", "GD-0001", "GD-SZ"],
            ["GD-SZ-U2", "深圳市口岸办参与单位2", "运营服务", "", "GD-0001", "GD-SZ"],
            [None] * 6,
        ]
    )
    before = AuditEntry.objects.count()
    result = run("units", data, "units.xlsx")
    assert result.ok, (result.file_errors, errors(result))
    assert result.applied
    assert result.counts == {"create": 1, "update": 1, "unchanged": 1, "error": 0}
    new = Unit.objects.get(code="GD-SZ-U9")
    assert (new.name, new.category, new.port.code, new.agency.code, new.authority.code) == (
        "深圳新单位",
        "inspection",
        "GD-0001",
        "CUSTOMS",
        "GD-SZ",
    )
    assert Unit.objects.get(code="GD-SZ-U1").name == "深圳改名单位"
    assert AuditEntry.objects.count() == before + 2
    entries = AuditEntry.objects.filter(action="campaigns.unit.imported")
    assert entries.get(object_id=str(new.pk)).changes["name"] == "深圳新单位"
    updated = entries.exclude(object_id=str(new.pk)).get()
    assert updated.changes == {"name": ["深圳市口岸办参与单位1", "深圳改名单位"]}


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b"")],
    ids=["utf-8", "utf-8-bom", "gb18030"],
)
def test_units_csv_in_every_accepted_encoding(world, encoding, prefix):
    data = prefix + csv_bytes([UNIT_HEADERS, GOOD_UNIT], encoding)
    result = run("units", data, "units.csv")
    assert result.applied, (result.file_errors, errors(result))
    assert Unit.objects.get(code="GD-SZ-U9").name == "深圳新单位"


def test_english_headers_and_labels_are_accepted(world):
    data = csv_bytes(
        [
            ["code", "Name", "category", "agency", "port", "authority", "parent", "is_active"],
            ["GD-SZ-U9", "Sub unit", "Inspection", "CUSTOMS", "GD-0001", "GD-SZ", "GD-SZ-U1", "no"],
        ]
    )
    result = run("units", data, "units.csv")
    assert result.applied, (result.file_errors, errors(result))
    unit = Unit.objects.get(code="GD-SZ-U9")
    assert (unit.parent.code, unit.is_active) == ("GD-SZ-U1", False)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_round_trip_changes_nothing(world, fmt):
    dataset = UnitResource().export(Unit.objects.all())
    rows = [dataset.headers, *[list(row) for row in dataset]]
    data = xlsx_bytes(rows) if fmt == "xlsx" else csv_bytes(rows, "gb18030")
    before = state()
    result = run("units", data, f"units.{fmt}")
    assert result.applied, (result.file_errors, errors(result))
    assert result.counts["unchanged"] == Unit.objects.count() == 6
    assert state() == before


def test_sub_units_with_parents_created_in_the_same_file(world):
    rows = [
        ["代码", "名称", "单位类别", "所属口岸管理机构代码", "上级单位代码"],
        ["GD-SZ-U9-2", "二科", "检查检验", "GD-SZ", "GD-SZ-U9-1"],
        ["GD-SZ-U9-1", "一科", "检查检验", "GD-SZ", "GD-SZ-U9"],
        ["GD-SZ-U9", "新海关", "检查检验", "GD-SZ", ""],
        ["GD-SZ-U2", "深圳市口岸办参与单位2", "运营服务", "GD-SZ", "GD-SZ-U9"],
    ]
    result = run("units", csv_bytes(rows), "units.csv")
    assert result.applied, (result.file_errors, errors(result))
    assert Unit.objects.get(code="GD-SZ-U9-2").parent.parent.code == "GD-SZ-U9"
    moved = Unit.objects.get(code="GD-SZ-U2")
    assert moved.parent.code == "GD-SZ-U9"
    entry = AuditEntry.objects.get(action="campaigns.unit.imported", object_id=str(moved.pk))
    assert entry.changes == {"parent": [None, moved.parent_id]}


def test_ports_with_chinese_choices_and_seasonal_months(world):
    headers = RESOURCES["ports"].headers()
    rows = [
        headers,
        [
            "GD-0010",
            "珠海港口岸",
            "",
            "水运",
            "海港",
            "一类",
            "季节性开放",
            "5-10",
            "1985-07-01",
            "GD-SZ",
        ],
        [
            "GD-0011",
            "横琴口岸",
            "Hengqin",
            "陆路",
            "公路",
            "二类",
            "开放",
            "",
            "2020/8/18",
            "GD-SZ",
        ],
        ["GD-0012", "东莞港口岸", "", "water", "river", "class II", "seasonal", "5,6,7", "", "GD"],
    ]
    result = run("ports", xlsx_bytes(rows), "ports.xlsx")
    assert result.applied, (result.file_errors, errors(result))
    zhuhai = Port.objects.get(code="GD-0010")
    assert (zhuhai.port_type, zhuhai.subtype, zhuhai.status, zhuhai.months) == (
        "water",
        "sea",
        "seasonal",
        [5, 6, 7, 8, 9, 10],
    )
    assert zhuhai.opened_on == datetime.date(1985, 7, 1)
    assert Port.objects.get(code="GD-0011").opened_on == datetime.date(2020, 8, 18)
    assert Port.objects.get(code="GD-0012").months == [5, 6, 7]
    assert Port.objects.get(code="GD-0012").port_class == "second"


def test_authorities_with_parents_created_in_the_same_file(world):
    rows = [
        ["代码", "名称", "级别", "上级机构代码"],
        ["GD-ZH-XZ", "香洲区口岸办", "县级", "GD-ZH"],  # its parent comes later in the file
        ["GD-ZH", "珠海市口岸办", "口岸级", "GD"],
    ]
    result = run("authorities", csv_bytes(rows), "authorities.csv")
    assert result.applied, (result.file_errors, errors(result))
    assert Authority.objects.get(code="GD-ZH-XZ").path == "CN/GD/GD-ZH/GD-ZH-XZ/"
    assert AuditEntry.objects.filter(action="campaigns.authority.imported").count() == 2


def test_people_with_dates_in_chinese_format(world):
    rows = [
        RESOURCES["people"].headers(),
        [
            "GD-SZ-P9",
            "李四",
            "Li Si",
            "女",
            "1990年3月5日",
            "汉族",
            "群众",
            "科员",
            "2012-07-01",
            "GD-SZ-U1",
            "是",
        ],
    ]
    result = run("people", xlsx_bytes(rows), "people.xlsx")
    assert result.applied, (result.file_errors, errors(result))
    person = Person.objects.get(code="GD-SZ-P9")
    assert (person.gender, person.birth_on, person.political_status) == (
        "female",
        datetime.date(1990, 3, 5),
        "masses",
    )


def test_dry_run_validates_without_writing(world):
    before = state()
    result = run("units", csv_bytes([UNIT_HEADERS, GOOD_UNIT]), "units.csv", dry_run=True)
    assert result.ok
    assert not result.applied
    assert result.counts["create"] == 1
    assert state() == before


# --- file-level errors ------------------------------------------------------------------------


def test_text_in_an_unknown_encoding_is_refused(world):
    before = state()
    data = "\ufeff代码,名称\n".encode("utf-16-le")
    result = run("units", data, "units.csv")
    assert_rejected(before, result)
    assert "encoding was not recognised" in result.file_errors[0]


def test_a_renamed_file_is_not_an_xlsx(world):
    before = state()
    result = run("units", csv_bytes([UNIT_HEADERS, GOOD_UNIT]), "units.xlsx")
    assert_rejected(before, result)
    assert "not a valid Excel workbook" in result.file_errors[0]


def test_a_zip_without_the_workbook_parts_is_not_an_xlsx(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    before = state()
    result = run("units", out.getvalue(), "units.xlsx")
    assert_rejected(before, result)
    assert "not a valid Excel workbook" in result.file_errors[0]


def test_an_oversized_file_is_refused(world, settings):
    settings.CIVPORT_IMPORT_MAX_BYTES = 100
    before = state()
    result = run("units", csv_bytes([UNIT_HEADERS, GOOD_UNIT] * 5), "units.csv")
    assert_rejected(before, result)
    assert "larger than 100" in result.file_errors[0]


def test_too_many_rows_are_refused(world, settings):
    settings.CIVPORT_IMPORT_MAX_ROWS = 2
    rows = [UNIT_HEADERS] + [[f"GD-SZ-X{i}", *GOOD_UNIT[1:]] for i in range(3)]
    before = state()
    result = run("units", csv_bytes(rows), "units.csv")
    assert_rejected(before, result)
    assert "more than 2 data rows" in result.file_errors[0]


def test_missing_and_unknown_headers_are_named(world):
    rows = [["代码", "名称", "单位类别", "颜色"], ["GD-SZ-U9", "x", "其他", "红"]]
    before = state()
    result = run("units", csv_bytes(rows), "units.csv")
    assert_rejected(before, result)
    assert "Unknown column “颜色”." in result.file_errors[0]
    assert "The required column “所属口岸管理机构代码” is missing." in result.file_errors[0]


# --- row errors: every bad row named, nothing written ------------------------------------------


def test_duplicate_code_in_the_file(world):
    rows = [UNIT_HEADERS, GOOD_UNIT, ["GD-SZ-U8", *GOOD_UNIT[1:]], GOOD_UNIT]
    before = state()
    result = run("units", csv_bytes(rows), "units.csv")
    assert_rejected(before, result)
    assert errors(result) == {4: ["The code “GD-SZ-U9” already appears in row 2."]}


def test_unknown_foreign_key_codes(world):
    rows = [
        UNIT_HEADERS,
        GOOD_UNIT,  # a good row is not written either
        ["GD-SZ-U8", "x", "其他", "NOPE", "GD-0001", "GD-SZ"],
        ["GD-SZ-U7", "x", "其他", "", "GD-9999", "GD-SZ"],
        ["GD-SZ-U6", "x", "其他", "", "", "XX"],
    ]
    before = state()
    result = run("units", xlsx_bytes(rows), "units.xlsx")
    assert_rejected(before, result)
    assert errors(result) == {
        3: ["所属部门代码: no record has the code “NOPE”."],
        4: ["所在口岸代码: no record has the code “GD-9999”."],
        5: ["所属口岸管理机构代码: no record has the code “XX”."],
    }


def test_bad_choice_names_the_allowed_values(world):
    rows = [UNIT_HEADERS, ["GD-SZ-U9", "x", "海关", "", "", "GD-SZ"]]
    before = state()
    result = run("units", csv_bytes(rows), "units.csv")
    assert_rejected(before, result)
    assert errors(result) == {
        2: [
            "单位类别: “海关” is not one of the allowed values: 设施管理、检查检验、运营服务、其他."
        ]
    }


def test_invalid_date(world):
    rows = [
        ["代码", "姓名", "性别", "所在单位代码", "出生日期"],
        ["GD-SZ-P9", "李四", "女", "GD-SZ-U1", "1990-02-30"],
    ]
    before = state()
    result = run("people", csv_bytes(rows), "people.csv")
    assert_rejected(before, result)
    assert errors(result) == {2: ["出生日期: “1990-02-30” is not a valid date (e.g. 2024-05-01)."]}


def test_blank_required_cell_and_bad_code(world):
    rows = [UNIT_HEADERS, ["GD SZ", "", "其他", "", "", "GD-SZ"]]
    before = state()
    result = run("units", csv_bytes(rows), "units.csv")
    assert_rejected(before, result)
    [messages] = errors(result).values()
    assert messages[0].startswith("代码: Use letters, digits")
    assert messages[1] == "名称: This field cannot be blank."


def test_port_constraints_are_row_errors(world):
    headers = [
        "代码",
        "名称",
        "口岸类型",
        "口岸子类型",
        "开放状态",
        "季节性开放月份",
        "所属口岸管理机构代码",
    ]
    rows = [
        headers,
        ["GD-0010", "a", "水运", "公路", "开放", "", "GD-SZ"],
        ["GD-0011", "b", "水运", "海港", "季节性开放", "", "GD-SZ"],
        ["GD-0012", "深圳湾公路口岸", "陆路", "公路", "开放", "", "GD-SZ"],
        ["GD-0013", "c", "水运", "海港", "季节性开放", "13-14", "GD-SZ"],
        ["GD-0014", "d", "航空", "航空", "开放", "", "CN"],
        ["GD-0015", "d", "航空", "航空", "开放", "", "GD-SZ"],
    ]
    before = state()
    result = run("ports", csv_bytes(rows), "ports.csv")
    assert_rejected(before, result)
    assert errors(result) == {
        2: ["口岸子类型: The subtype does not belong to the port type."],
        3: ["季节性开放月份: A seasonal port needs the months it is open."],
        4: ["名称: Another port already has this name."],
        5: ["季节性开放月份: “13-14” is not a list of months such as 5-10 or 5,6,7."],
        6: ["所属口岸管理机构代码: A port belongs to a provincial, port or county authority."],
        7: ["名称: Row 6 has the same port name."],
    }


def test_unit_links_are_checked(world):
    rows = [
        ["代码", "名称", "单位类别", "所在口岸代码", "所属口岸管理机构代码", "上级单位代码"],
        ["GD-GZ-U9", "x", "其他", "GD-0001", "GD-GZ", ""],
        ["GD-GZ-U8", "y", "其他", "", "GD-GZ", "GD-SZ-U1"],
        ["GD-SZ-U1", "z", "其他", "", "GD-SZ", "GD-SZ-U1"],
    ]
    before = state()
    result = run("units", csv_bytes(rows), "units.csv")
    assert_rejected(before, result)
    assert errors(result) == {
        2: ["所在口岸代码: The port is not in the owning authority's area."],
        3: ["上级单位代码: A sub-unit belongs to the same authority as its parent unit."],
        4: ["上级单位代码: A unit cannot be its own parent."],
    }


def test_authority_level_and_fixed_fields(world):
    rows = [
        ["代码", "名称", "级别", "上级机构代码"],
        ["GD-ZH", "珠海", "省级", "GD"],
        ["GD-SZ", "深圳", "口岸级", "GD-GZ"],
    ]
    before = state()
    result = run("authorities", csv_bytes(rows), "authorities.csv")
    assert_rejected(before, result)
    assert errors(result) == {
        2: ["级别: A provincial authority cannot have a provincial authority below it."],
        3: ["上级机构代码: This cannot be changed by an import."],
    }


# --- scope ---------------------------------------------------------------------------------


def test_rows_outside_the_users_area_are_rejected(world, gd_officer):
    rows = [
        UNIT_HEADERS,
        GOOD_UNIT,
        ["ZJ-NB-U9", "宁波新单位", "其他", "", "", "ZJ-NB"],  # a new unit in Zhejiang
        ["ZJ-NB-U1", "改名", "其他", "", "", "GD-SZ"],  # moving Zhejiang's unit to Guangdong
    ]
    before = state()
    result = run("units", csv_bytes(rows), "units.csv", actor=gd_officer, scope=None)
    assert_rejected(before, result)
    assert errors(result) == {
        # Zhejiang's authority reads as unknown: the import does not say it exists.
        3: ["所属口岸管理机构代码: no record has the code “ZJ-NB”."],
        4: ["This row is outside your area."],
    }
    # The same file without the Zhejiang rows goes through, so the rows failed for their area.
    result = run("units", csv_bytes(rows[:2]), "units.csv", actor=gd_officer, scope=None)
    assert result.applied
    assert AuditEntry.objects.filter(action="campaigns.unit.imported").get().actor == gd_officer


def test_port_officer_cannot_import_into_another_port_authority(world, port_officer):
    rows = [
        [*RESOURCES["people"].headers()[:4], "所在单位代码"],
        ["GD-GZ-P9", "王五", "", "男", "GD-GZ-U1"],
    ]
    before = state()
    result = run("people", csv_bytes(rows), "people.csv", actor=port_officer, scope=None)
    assert_rejected(before, result)
    # Guangzhou's unit reads as unknown to Shenzhen's officer: the import does not say it exists.
    assert errors(result) == {2: ["所在单位代码: no record has the code “GD-GZ-U1”."]}
    rows[1][-1] = "GD-SZ-U1"
    result = run("people", csv_bytes(rows), "people.csv", scope=scope_for(port_officer))
    assert result.applied


def test_authorities_outside_the_users_area_are_rejected(world, gd_officer):
    rows = [
        ["代码", "名称", "级别", "上级机构代码"],
        ["GD-ZH", "珠海市口岸办", "口岸级", "GD"],  # below Guangdong: allowed
        ["GD", "广东省口岸办（改名）", "省级", "CN"],  # Guangdong itself: only from above
        ["ZJ-WZ", "温州市口岸办", "口岸级", "ZJ"],  # Zhejiang
        ["HN", "海南省口岸办", "省级", "CN"],  # a new province
    ]
    before = state()
    result = run("authorities", csv_bytes(rows), "authorities.csv", actor=gd_officer, scope=None)
    assert_rejected(before, result)
    assert errors(result) == {
        3: ["This row is outside your area."],
        4: ["上级机构代码: no record has the code “ZJ”."],  # another province: as if unknown
        5: ["This row is outside your area."],  # the national office, above the officer
    }
    result = run("authorities", csv_bytes(rows[:2]), "a.csv", actor=gd_officer, scope=None)
    assert result.applied
    assert Authority.objects.get(code="GD-ZH").path == "CN/GD/GD-ZH/"
