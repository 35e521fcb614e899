"""Spreadsheets that must be refused before they are read, for the importers' tests.

Never hand one of these to a reader that is not bounded (calamine, openpyxl) in the test
process: `whole_grid_xlsx` makes calamine ask for 512 GB and abort the process.
"""

import io
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
# Enough for Python, Django and a sheet within the limits; far below what an unbounded read of
# the samples asks for, so a regression fails instead of exhausting the machine.
CHILD_MEMORY = 2 * 1024**3


def column_letters(number):
    """1 → "A", 27 → "AA" (written out here, so the samples do not depend on the reader)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def xlsx_bytes(rows, cells=None, title=None):
    """A workbook whose first sheet holds `rows` from A1, then the `cells` ({"B9": value})."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    for reference, value in (cells or {}).items():
        sheet[reference] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def whole_grid_xlsx(rows):
    """About 5 KB: `rows` from A1 and one more value in the grid's last cell, XFD1048576."""
    return xlsx_bytes(rows, {"XFD1048576": "x"})


def far_row_xlsx(rows, row=1048576):
    """`rows` from A1 and one more value in column A of row `row`."""
    return xlsx_bytes(rows, {f"A{row}": "x"})


def wide_xlsx(rows, column=200):
    """`rows` from A1 and one more value in row 2 of the column numbered `column`."""
    return xlsx_bytes(rows, {f"{column_letters(column)}2": "x"})


def _replace_sheet(data, chunks):
    """The workbook `data` with its first sheet's XML replaced by the concatenated `chunks`,
    compressed as it is written (the uncompressed part never sits in memory)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=False) as part:
                    for chunk in chunks:
                        part.write(chunk)
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def _row_xml(number, values):
    cells = "".join(
        f'<c r="{column_letters(index)}{number}" t="inlineStr"><is><t>{escape(str(value))}'
        "</t></is></c>"
        for index, value in enumerate(values, start=1)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def inflating_xlsx(rows, unpacked):
    """A workbook whose first sheet holds `rows` from A1, then about `unpacked` bytes of one more
    row written again and again: a small file that unpacks to far more than it weighs."""
    repeated = _row_xml(len(rows) + 1, ["x"]) * 4096

    def chunks():
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>"
        )
        for number, values in enumerate(rows, start=1):
            yield _row_xml(number, values)
        for _ in range(unpacked // len(repeated) + 1):
            yield repeated
        yield b"</sheetData></worksheet>"

    return _replace_sheet(xlsx_bytes(rows), chunks())


def understate_sizes(data, member=SHEET, claimed=1000):
    """The zip `data` with `member`'s uncompressed size written as `claimed` in both of its
    headers, as a reader trusting the zip's directory would be told."""
    data = bytearray(data)
    name = member.encode()
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == name:
            struct.pack_into("<L", data, position + 24, claimed)
            local = struct.unpack_from("<L", data, position + 42)[0]
            struct.pack_into("<L", data, local + 22, claimed)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def run_limited(code):
    """Run `code` in a child Python under a memory ceiling; (exit status, stdout, stderr)."""

    def ceiling():
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    child = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=ceiling,
        cwd=Path(__file__).resolve().parents[2],
        env={"DJANGO_SETTINGS_MODULE": "civport.settings_test", "PATH": "/usr/bin:/bin"},
    )
    return child.returncode, child.stdout, child.stderr


@pytest.fixture
def memory_ceiling():
    """Lower this process's address-space ceiling for the test: a reader that regresses to
    allocating a sheet's declared area then aborts at once instead of exhausting the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    limit = in_use + CHILD_MEMORY
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
