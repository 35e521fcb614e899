"""`manage.py import_records`: a one-line summary, every row error, non-zero exit, no writes."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from campaigns.models import Unit
from civport.models import AuditEntry
from tests.campaigns.test_imports_engine import (
    GOOD_UNIT,
    UNIT_HEADERS,
    csv_bytes,
    state,
    xlsx_bytes,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_imports_a_file_and_prints_a_summary(world, tmp_path, capsys):
    path = tmp_path / "units.xlsx"
    path.write_bytes(xlsx_bytes([UNIT_HEADERS, GOOD_UNIT]))
    call_command("import_records", "units", str(path))
    out = capsys.readouterr().out
    assert out.strip() == "units: imported 1 rows — 1 new, 0 changed, 0 unchanged, 0 with errors."
    unit = Unit.objects.get(code="GD-SZ-U9")
    entry = AuditEntry.objects.get(action="campaigns.unit.imported")
    assert (entry.object_id, entry.actor) == (str(unit.pk), None)


def test_dry_run_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes([UNIT_HEADERS, GOOD_UNIT], "gb18030"))
    before = state()
    call_command("import_records", "units", str(path), "--dry-run")
    assert "checked (dry run) 1 rows — 1 new" in capsys.readouterr().out
    assert state() == before


def test_bad_rows_exit_non_zero_and_write_nothing(world, tmp_path, capsys):
    path = tmp_path / "units.csv"
    rows = [
        UNIT_HEADERS,
        GOOD_UNIT,
        ["GD-SZ-U8", "x", "bad", "", "", "GD-SZ"],
        ["GD-SZ-U7", "y", "其他", "", "", "NOWHERE"],
    ]
    path.write_bytes(csv_bytes(rows))
    before = state()
    # manage.py turns a CommandError into sys.exit(returncode).
    with pytest.raises(CommandError) as error:
        call_command("import_records", "units", str(path))
    assert error.value.returncode == 1
    err = capsys.readouterr().err
    assert f"{path}: row 3: 单位类别: “bad” is not one of the allowed values" in err
    assert f"{path}: row 4: 所属口岸管理机构代码: no record has the code “NOWHERE”." in err
    assert "rejected 3 rows — 0 new, 0 changed, 0 unchanged, 2 with errors" in str(error.value)
    assert state() == before


def test_a_file_error_exits_non_zero(world, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(b"plain text")
    with pytest.raises(CommandError) as error:
        call_command("import_records", "units", str(path))
    assert error.value.returncode == 1


def test_as_a_user_the_rows_must_be_in_their_area(world, gd_officer, tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes([UNIT_HEADERS, ["ZJ-NB-U9", "x", "其他", "", "", "ZJ-NB"]]))
    before = state()
    with pytest.raises(CommandError):
        call_command("import_records", "units", str(path), "--user", "gd_officer")
    assert "row 2: 所属口岸管理机构代码: no record has the code “ZJ-NB”." in capsys.readouterr().err
    assert state() == before
    # Without --user the command acts for the whole country, and the same row goes in.
    call_command("import_records", "units", str(path))
    assert Unit.objects.filter(code="ZJ-NB-U9").exists()


def test_unknown_user_is_an_error(world, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes([UNIT_HEADERS, GOOD_UNIT]))
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_records", "units", str(path), "--user", "nobody")
