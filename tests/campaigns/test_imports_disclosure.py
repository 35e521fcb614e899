"""An import never tells an officer whether a code exists outside their area: a code of another
province gets the very message of a code that does not exist."""

import pytest
from django.utils import translation

from campaigns.models import Port
from campaigns.resources import RESOURCES
from campaigns.scope import scope_for
from tests.campaigns.test_imports_engine import UNIT_HEADERS, csv_bytes, errors, run, state


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _messages(kind, rows, actor, code):
    """The preview's messages for `rows`, with the referenced code taken out."""
    before = state()
    result = run(kind, csv_bytes(rows), f"{kind}.csv", actor=actor, scope=scope_for(actor))
    assert not result.applied
    assert state() == before
    return {n: [m.replace(code, "CODE") for m in ms] for n, ms in errors(result).items()}


def test_unit_owner_in_another_province_reads_as_unknown(world, gd_officer):
    elsewhere = [UNIT_HEADERS, ["GD-SZ-U9", "新单位", "其他", "", "", "ZJ-NB"]]
    nowhere = [UNIT_HEADERS, ["GD-SZ-U9", "新单位", "其他", "", "", "XX-NONE"]]

    assert _messages("units", elsewhere, gd_officer, "ZJ-NB") == _messages(
        "units", nowhere, gd_officer, "XX-NONE"
    )
    assert _messages("units", nowhere, gd_officer, "XX-NONE") == {
        2: ["所属口岸管理机构代码: no record has the code “CODE”."]
    }


def test_unit_parent_in_another_province_reads_as_unknown(world, gd_officer):
    headers = [*UNIT_HEADERS, "上级单位代码"]
    elsewhere = [headers, ["GD-SZ-U9", "新单位", "其他", "", "", "GD-SZ", "ZJ-NB-U1"]]
    nowhere = [headers, ["GD-SZ-U9", "新单位", "其他", "", "", "GD-SZ", "ZJ-NB-U7"]]

    assert _messages("units", elsewhere, gd_officer, "ZJ-NB-U1") == _messages(
        "units", nowhere, gd_officer, "ZJ-NB-U7"
    )


def test_person_unit_of_another_port_authority_reads_as_unknown(world, port_officer):
    headers = [*RESOURCES["people"]().headers()[:4], "所在单位代码"]
    elsewhere = [headers, ["GD-SZ-P9", "王五", "", "男", "GD-GZ-U1"]]
    nowhere = [headers, ["GD-SZ-P9", "王五", "", "男", "GD-GZ-U7"]]

    assert _messages("people", elsewhere, port_officer, "GD-GZ-U1") == _messages(
        "people", nowhere, port_officer, "GD-GZ-U7"
    )
    assert _messages("people", nowhere, port_officer, "GD-GZ-U7") == {
        2: ["所在单位代码: no record has the code “CODE”."]
    }


def test_port_owner_in_another_province_reads_as_unknown(world, gd_officer):
    headers = RESOURCES["ports"]().headers()
    sample = Port.objects.get(code="GD-0001")

    def row(owner):
        cells = {
            "代码": "GD-0099",
            "名称": "新口岸",
            "口岸类型": sample.get_port_type_display(),
            "口岸子类型": sample.get_subtype_display(),
        }
        return [cells.get(h, owner if "机构" in h else "") for h in headers]

    elsewhere = [headers, row("ZJ-NB")]
    nowhere = [headers, row("XX-NONE")]

    assert _messages("ports", elsewhere, gd_officer, "ZJ-NB") == _messages(
        "ports", nowhere, gd_officer, "XX-NONE"
    )


def test_authority_parent_in_another_province_reads_as_unknown(world, gd_officer):
    headers = ["代码", "名称", "级别", "上级机构代码"]
    elsewhere = [headers, ["GD-ZH", "珠海市口岸办", "口岸级", "ZJ-NB"]]
    nowhere = [headers, ["GD-ZH", "珠海市口岸办", "口岸级", "XX-NONE"]]

    assert _messages("authorities", elsewhere, gd_officer, "ZJ-NB") == _messages(
        "authorities", nowhere, gd_officer, "XX-NONE"
    )
