"""The import engine: reading files, headers, row errors, all-or-nothing writes, scope."""

import csv
import io

import pytest
from openpyxl import Workbook

from campaigns.imports import NATIONAL_SCOPE, import_records
from campaigns.models import Authority, Person, Port, Unit
from campaigns.resources import RESOURCES
from civport.models import AuditEntry

UNIT_HEADERS = ["代码", "名称", "单位类别", "所属部门代码", "所在口岸代码", "所属口岸管理机构代码"]


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
    """Row counts of everything an import may write, to prove nothing changed."""
    return (
        Authority.objects.count(),
        Port.objects.count(),
        Unit.objects.count(),
        Person.objects.count(),
        AuditEntry.objects.count(),
        list(Unit.objects.order_by("code").values_list("code", "name", "authority_id")),
    )


def run(kind, data, filename, *, actor=None, scope=NATIONAL_SCOPE, dry_run=False):
    return import_records(
        kind=kind, data=data, filename=filename, actor=actor, scope=scope, dry_run=dry_run
    )


def messages(result):
    return {row.number: row.messages for row in result.errors}


def test_units_xlsx_creates_and_updates_with_audit(world):
    data = xlsx_bytes(
        [
            UNIT_HEADERS,
            ["GD-SZ-U9", "深圳新单位", "检查检验", "CUSTOMS", "GD-0001", "GD-SZ"],
            ["GD-SZ-U1", "深圳改名单位", "inspection", "CUSTOMS", "GD-0001", "GD-SZ"],
            [None, None, None, None, None, None],
        ]
    )
    before = AuditEntry.objects.count()
    result = run("units", data, "units.xlsx")
    assert result.ok, (result.file_errors, messages(result))
    assert result.applied
    assert result.counts == {"create": 1, "update": 1, "unchanged": 0, "error": 0}
    new = Unit.objects.get(code="GD-SZ-U9")
    assert (new.name, new.category, new.port.code, new.agency.code) == (
        "深圳新单位",
        "inspection",
        "GD-0001",
        "CUSTOMS",
    )
    assert Unit.objects.get(code="GD-SZ-U1").name == "深圳改名单位"
    entries = AuditEntry.objects.filter(action="campaigns.unit.imported")
    assert AuditEntry.objects.count() == before + 2
    assert entries.get(object_id=str(new.pk)).changes["created"]["name"] == "深圳新单位"
    updated = entries.exclude(object_id=str(new.pk)).get()
    assert updated.changes == {"name": ["深圳市口岸办参与单位1", "深圳改名单位"]}
