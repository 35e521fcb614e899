"""The shared spreadsheet reader refuses, before it reads them, sheets whose real content passes
the row, column or cell limits, and workbooks that unpack beyond the limit."""

import csv
import io

import pytest
from django.utils import translation

from civport.spreadsheets import SpreadsheetError, read_table
from tests.civport.spreadsheet_samples import (
    _replace_sheet,
    far_row_xlsx,
    inflating_xlsx,
    memory_ceiling,  # noqa: F401 (a fixture)
    run_limited,
    understate_sizes,
    whole_grid_xlsx,
    wide_xlsx,
    xlsx_bytes,
)

ROWS = [["代码", "名称"], ["GD-1", "一"], ["GD-2", "二"]]

# A reader that regresses to allocating a sheet's declared area aborts at once, not slowly.
pytestmark = pytest.mark.usefixtures("memory_ceiling")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def csv_bytes(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_a_5_kb_sheet_spanning_the_whole_grid_is_refused_before_it_is_read():
    data = whole_grid_xlsx(ROWS)
    assert len(data) < 6000
    # In a child under a memory ceiling: a reader that allocates the declared area aborts there.
    status, out, err = run_limited(
        "import django; django.setup()\n"
        "from django.utils import translation\n"
        "from campaigns.imports import ImportFileError, read_table\n"
        "from tests.civport.spreadsheet_samples import whole_grid_xlsx\n"
        "translation.activate('en')\n"
        f"data = whole_grid_xlsx({ROWS!r})\n"
        "try:\n"
        "    read_table(data, 'units.xlsx')\n"
        "except ImportFileError as exc:\n"
        "    print(exc)\n"
    )
    assert status == 0, err[-2000:]
    assert "has content in column XFD, beyond the limit of 100 columns (A to CV)" in out


def test_the_whole_grid_sheet_is_refused_in_this_process_too():
    with pytest.raises(SpreadsheetError, match="column XFD, beyond the limit of 100 columns"):
        read_table(whole_grid_xlsx(ROWS), "units.xlsx")


def test_a_value_far_below_the_data_is_refused_by_its_row():
    with pytest.raises(SpreadsheetError) as refused:
        read_table(far_row_xlsx(ROWS), "units.xlsx")
    assert str(refused.value) == (
        "The sheet “Sheet” has content in row 1048576; a sheet may hold a header row and at "
        "most 20000 rows below it. Delete what lies beyond or split the file."
    )


def test_more_rows_of_content_than_the_limit_are_refused_as_before(settings):
    settings.CIVPORT_IMPORT_MAX_ROWS = 2
    rows = [*ROWS, ["GD-3", "三"]]
    for data, name in ((xlsx_bytes(rows), "units.xlsx"), (csv_bytes(rows), "units.csv")):
        with pytest.raises(SpreadsheetError, match="more than 2 data rows"):
            read_table(data, name)


def test_a_value_beyond_the_column_limit_is_refused(settings):
    with pytest.raises(SpreadsheetError, match="column GR, beyond the limit of 100 columns"):
        read_table(wide_xlsx(ROWS, column=200), "units.xlsx")
    settings.CIVPORT_IMPORT_MAX_COLUMNS = 150
    assert len(read_table(wide_xlsx(ROWS, column=150), "units.xlsx").headers) == 150


def test_the_area_from_a1_is_bounded_by_the_cell_limit(settings):
    settings.CIVPORT_IMPORT_MAX_CELLS = 50
    rows = [[f"{row}-{column}" for column in range(6)] for row in range(10)]
    with pytest.raises(SpreadsheetError, match=r"spans 54 cells \(A1 to F9\).*limit of 50 cells"):
        read_table(xlsx_bytes(rows), "units.xlsx")
    with pytest.raises(SpreadsheetError, match="holds more than 50 cells with a value"):
        read_table(csv_bytes(rows), "units.csv")


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(settings):
    settings.CIVPORT_IMPORT_MAX_BYTES = 50_000  # unpacked at most 20 times that: 976.6 KB
    data = inflating_xlsx(ROWS, 4 * 1024 * 1024)
    assert len(data) < 50_000
    message = "The workbook unpacks to more than 976.6\xa0KB; it was not opened."
    with pytest.raises(SpreadsheetError, match=message):
        read_table(data, "units.xlsx")
    # Nor is a zip that understates its sizes believed: the parts are measured as they unpack.
    with pytest.raises(SpreadsheetError, match=message):
        read_table(understate_sizes(data), "units.xlsx")


def test_cells_without_references_are_placed_as_the_reader_places_them():
    # No `r` attributes, a namespace prefix: the full scan counts each cell as the next one.
    wide_row = "".join(f"<x:c><x:v>{i}</x:v></x:c>" for i in range(120))
    sheet = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<x:sheetData><x:row><x:c><x:v>1</x:v></x:c></x:row><x:row>{wide_row}</x:row>"
        "</x:sheetData></x:worksheet>"
    ).encode()
    data = _replace_sheet(xlsx_bytes(ROWS), [sheet])
    with pytest.raises(SpreadsheetError, match="column CW, beyond the limit of 100 columns"):
        read_table(data, "units.xlsx")


def test_a_reference_the_scan_cannot_read_is_refused():
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
        b'<c r="&#88;FD1"><v>1</v></c></row></sheetData></worksheet>'
    )
    data = _replace_sheet(xlsx_bytes(ROWS), [sheet])
    with pytest.raises(SpreadsheetError, match="could not be read"):
        read_table(data, "units.xlsx")


def test_csv_blank_cells_beyond_the_column_limit_are_dropped_and_values_refused():
    table = read_table(csv_bytes([ROWS[0] + [""] * 300, ROWS[1] + [""] * 300]), "units.csv")
    assert table.headers == ["代码", "名称"] + [""] * 98
    assert table.rows == [(2, ["GD-1", "一"] + [""] * 98)]
    with pytest.raises(SpreadsheetError, match=r"“units\.csv” has content in column EU"):
        read_table(csv_bytes([ROWS[0], ROWS[1] + [""] * 148 + ["x"]]), "units.csv")


@pytest.mark.parametrize("name", ["units.xlsx", "units.csv"])
def test_an_ordinary_file_is_read_as_before(name):
    data = xlsx_bytes(ROWS) if name.endswith("xlsx") else csv_bytes(ROWS)
    table = read_table(data, name)
    assert table.headers == ["代码", "名称"]
    assert table.rows == [(2, ["GD-1", "一"]), (3, ["GD-2", "二"])]
