"""Reading the spreadsheets officials upload (XLSX and CSV), bounded by what they really hold.

Every importer reads through here: the records import (campaigns), a scheme's workbook
(assessments) and a round's quotas (awards). Workbooks are read with python-calamine (a
6,000-row sheet in 0.02 s where openpyxl took 0.8 s), but calamine trusts the file: opening a
sheet allocates every cell between A1 and the last cell holding a value, so a 5 KB workbook with
values in A1 and XFD1048576 asks for 17 billion cells (512 GB) and the process aborts; and a
zip's parts may inflate far beyond what its directory declares. So, before calamine opens
anything, every part is inflated here once, counting the bytes it really holds (not the sizes
declared), and the sheet about to be read is scanned as an XML stream, counting the rows,
columns and cells that hold a value. A file past a limit is refused with a message naming the
limit, before any memory is spent on it. CSV rows are bounded by the same counts as they are
read.

The limits are settings: `CIVPORT_IMPORT_MAX_BYTES` (the upload), `CIVPORT_IMPORT_MAX_ROWS` (rows
below the header), `CIVPORT_IMPORT_MAX_COLUMNS` and `CIVPORT_IMPORT_MAX_CELLS` (the area from A1
to the last row and column holding a value, which is what is allocated).
"""

import csv
import datetime
import decimal
import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# A workbook whose parts unpack to more than this many times the upload limit is refused.
MAX_UNPACK_RATIO = 20
CHUNK = 64 * 1024
RELATIONSHIP_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# The start tags of a worksheet that place a value: rows, cells and a cell's value, inline string
# or formula, with any namespace prefix; attribute values may hold ">".
START_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|v|is|f)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
REFERENCE_ATTRIBUTE = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
CELL_REFERENCE = re.compile(rb"\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
WHITESPACE = (b"\t", b"\n", b"\r")


def _unusual(buffer):
    """Whether the XML may hold a cell tag with a namespace prefix, or an `r` attribute written
    otherwise than ` r="` (found in text as well, these only send the sheet to the full scan)."""
    if b":c" in buffer or b"r =" in buffer or b"r= " in buffer or b"r='" in buffer:
        return True
    return any(
        space in buffer
        and (b"r" + space in buffer or space + b"r" in buffer or b"=" + space in buffer)
        for space in WHITESPACE
    )


def _cell_tags(buffer):
    tags = buffer.count(b"<c ") + buffer.count(b"<c>") + buffer.count(b"<c/")
    return tags + sum(buffer.count(b"<c" + space) for space in WHITESPACE if space in buffer)


MAX_TAG = 64 * 1024
# A zip's local file header (zipfile.structFileHeader): name and extra lengths are the last two.
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (format, encoding, size, limits, headers)."""


@dataclass
class Table:
    headers: list
    rows: list  # [(spreadsheet row number, [cell, ...])]


# --- the upload -----------------------------------------------------------------------------


def read_upload(fileobj: Any) -> bytes:
    """The bytes of an uploaded file, refusing it once it passes the size limit."""
    limit = settings.CIVPORT_IMPORT_MAX_BYTES
    size = getattr(fileobj, "size", None)
    if size is not None and size > limit:
        raise SpreadsheetError(_too_large())
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise SpreadsheetError(_too_large())
    return data


def _too_large():
    return _("The file is larger than %(limit)s.") % {
        "limit": filesizeformat(settings.CIVPORT_IMPORT_MAX_BYTES)
    }


def _unpack_limit():
    return MAX_UNPACK_RATIO * settings.CIVPORT_IMPORT_MAX_BYTES


def _too_large_unpacked():
    return _("The workbook unpacks to more than %(limit)s; it was not opened.") % {
        "limit": filesizeformat(_unpack_limit())
    }


def _unreadable():
    return _("The Excel workbook could not be read.")


def file_format(data: bytes, filename: str) -> str:
    """ "xlsx" or "csv", decided by the content; the name only picks what we expect."""
    ext = os.path.splitext(filename or "")[1].lower()
    if data[:4] == b"PK\x03\x04" and _is_ooxml(data):
        return "xlsx"
    if ext == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SpreadsheetError(
            _("Old Excel files (.xls) cannot be read; save the file as .xlsx or CSV.")
        )
    if ext in (".xlsx", ".xlsm"):
        raise SpreadsheetError(
            _("The file is not a valid Excel workbook (.xlsx), although its name says so.")
        )
    if ext not in (".csv", ".txt"):
        raise SpreadsheetError(_("Upload an Excel workbook (.xlsx) or a CSV file."))
    return "csv"


def _is_ooxml(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    if unpacked > _unpack_limit():
        raise SpreadsheetError(_too_large_unpacked())
    return all(part in names for part in XLSX_PARTS)


def decode_text(data: bytes) -> str:
    """CSV text: UTF-8 (with or without BOM) when it decodes strictly, else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise SpreadsheetError(
        _(
            "The file's text encoding was not recognised; save it as “CSV UTF-8” or as CSV "
            "from Excel (GB18030)."
        )
    )


def cell(value: Any) -> Any:
    """A cell as the importers compare it: text trimmed, whole numbers without ".0", dates and
    booleans as they are, blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    return str(value).strip()


# --- limits ---------------------------------------------------------------------------------


def column_letters(number: int) -> str:
    """1 → "A", 27 → "AA"."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_number(letters):
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - ord("A") + 1
    return number


class _Bounds:
    """Counts the cells of one sheet that hold a value and refuses the sheet at the first one
    past a limit: its column, its row, or the area from A1 that reading it would allocate."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.max_rows = settings.CIVPORT_IMPORT_MAX_ROWS
        self.max_columns = settings.CIVPORT_IMPORT_MAX_COLUMNS
        self.max_cells = settings.CIVPORT_IMPORT_MAX_CELLS
        self.last_row = 0
        self.last_column = 0
        self.rows_with_content = 0
        self.cells = 0

    def content(self, row, column, count=1):
        if column > self.max_columns:
            raise SpreadsheetError(
                _(
                    "The sheet “%(sheet)s” has content in column %(column)s, beyond the limit "
                    "of %(limit)d columns (A to %(last)s); delete what lies beyond and upload "
                    "the file again."
                )
                % {
                    "sheet": self.sheet,
                    "column": column_letters(column),
                    "limit": self.max_columns,
                    "last": column_letters(self.max_columns),
                }
            )
        if row != self.last_row:
            self.rows_with_content += 1
        # One header row, then the data rows.
        if row > self.max_rows + 1:
            if self.rows_with_content > self.max_rows + 1:
                raise SpreadsheetError(
                    _("The file has more than %(limit)d data rows; split it into smaller files.")
                    % {"limit": self.max_rows}
                )
            raise SpreadsheetError(
                _(
                    "The sheet “%(sheet)s” has content in row %(row)d; a sheet may hold a "
                    "header row and at most %(limit)d rows below it. Delete what lies beyond or "
                    "split the file."
                )
                % {"sheet": self.sheet, "row": row, "limit": self.max_rows}
            )
        # A cell may be written more than once; the reader keeps every copy.
        self.cells += count
        if self.cells > self.max_cells:
            raise SpreadsheetError(
                _(
                    "The sheet “%(sheet)s” holds more than %(limit)d cells with a value; split "
                    "the file."
                )
                % {"sheet": self.sheet, "limit": self.max_cells}
            )
        self.last_row = max(self.last_row, row)
        self.last_column = max(self.last_column, column)
        cells = self.last_row * self.last_column
        if cells > self.max_cells:
            raise SpreadsheetError(
                _(
                    "The sheet “%(sheet)s” spans %(cells)d cells (A1 to %(cell)s), beyond the "
                    "limit of %(limit)d cells; delete what lies beyond or split the file."
                )
                % {
                    "sheet": self.sheet,
                    "cells": cells,
                    "cell": f"{column_letters(self.last_column)}{self.last_row}",
                    "limit": self.max_cells,
                }
            )


# --- XLSX -----------------------------------------------------------------------------------


def _inflate(data, info):
    """The bytes a zip member really holds, chunk by chunk, read from its raw stream: the sizes in
    the zip's directory are what the file claims, not what it unpacks to."""
    if info.flag_bits & 0x1:
        raise SpreadsheetError(_unreadable())  # encrypted
    header = data[info.header_offset : info.header_offset + LOCAL_HEADER.size]
    if len(header) != LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise SpreadsheetError(_unreadable())
    fields = LOCAL_HEADER.unpack(header)
    start = info.header_offset + LOCAL_HEADER.size + fields[-2] + fields[-1]
    raw = memoryview(data)[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(raw), CHUNK):
            yield bytes(raw[offset : offset + CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise SpreadsheetError(_unreadable())
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pending = bytes(raw)
    try:
        while pending and not inflater.eof:
            chunk = inflater.decompress(pending, CHUNK)
            if not chunk and len(inflater.unconsumed_tail) == len(pending):
                break  # no progress: a damaged stream, left for the reader to report
            pending = inflater.unconsumed_tail
            if chunk:
                yield chunk
        tail = inflater.flush()
    except zlib.error as exc:
        raise SpreadsheetError(_unreadable()) from exc
    if tail:
        yield tail


def _parse_part(data, info, start_element):
    """Stream one XML part through expat, calling `start_element(local name, attributes)`."""
    parser = expat.ParserCreate(namespace_separator="}")

    def start(name, attributes):
        start_element(name.rpartition("}")[2], attributes)

    parser.StartElementHandler = start
    try:
        for chunk in _inflate(data, info):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise SpreadsheetError(_unreadable()) from exc


def _tag_chunks(data, info):
    """A part's XML in pieces that never cut a tag in two: each ends before the last "<" seen,
    which may open a tag that goes on in the next chunk."""
    carry = b""
    for chunk in _inflate(data, info):
        buffer = carry + chunk
        end = buffer.rfind(b"<")
        if end < 0:
            end = len(buffer)
        carry = buffer[end:]
        if len(carry) > MAX_TAG:
            raise SpreadsheetError(_unreadable())
        yield buffer[:end]
    yield carry


def _plainly_within_limits(data, info):
    """True when the sheet is, beyond doubt, within the limits, judged with byte counts alone:
    every cell tag carries one plain `r="A1"` reference with a single-letter column and a row
    within the row limit, and there are no more cell tags than the cell limit. What Excel, WPS,
    LibreOffice and openpyxl write for an ordinary import passes in some 20 ms for 6,000 rows;
    anything else is left to `_scan_sheet`, which follows every tag."""
    max_rows = settings.CIVPORT_IMPORT_MAX_ROWS + 1
    max_cells = settings.CIVPORT_IMPORT_MAX_CELLS
    if settings.CIVPORT_IMPORT_MAX_COLUMNS < 26 or 26 * max_rows > max_cells:
        return False
    digits = len(str(max_rows))
    not_plain = re.compile(rb'<c r="(?![A-Z][0-9]{1,%d}")' % digits)
    long_row = re.compile(rb'<c r="[A-Z]([0-9]{%d})"' % digits)
    cells = 0
    for buffer in _tag_chunks(data, info):
        tags = _cell_tags(buffer)
        references = buffer.count(b'<c r="')
        cells += tags
        if (
            tags != references
            or cells > max_cells
            or _unusual(buffer)
            or buffer.count(b' r="') != references + buffer.count(b'<row r="')
            or not_plain.search(buffer)
        ):
            return False
        if any(int(row) > max_rows for row in long_row.findall(buffer)):
            return False
    return True


def _scan_sheet(data, info, bounds):
    """Hand every cell of a worksheet part that holds a value to `bounds`, following its start
    tags (a regular expression: expat calls back into Python for every element and took 0.4 s
    for a 6,000-row sheet calamine reads in 0.1 s). It follows the reader's rules: `r` attributes
    are optional, a cell without one being the next in its row. What it cannot read with
    certainty (a reference written with entities, two references in one tag, a tag longer than
    any a spreadsheet writes) refuses the file; text that only looks like a tag (in a comment)
    can only make it count more cells, never fewer."""
    columns = {}
    row = column = 0
    cell_row = cell_column = 0
    in_cell = has_value = False
    for buffer in _tag_chunks(data, info):
        for name, attributes in START_TAG.findall(buffer):
            if name == b"c" or name == b"row":
                if in_cell and has_value:
                    bounds.content(cell_row, cell_column)
                in_cell = has_value = False
                references = REFERENCE_ATTRIBUTE.findall(attributes)
                if len(references) > 1:
                    raise SpreadsheetError(_unreadable())
                value = (references[0][0] or references[0][1]) if references else None
                if name == b"row":
                    if value is None:
                        row += 1
                    elif value.isdigit():
                        row = int(value)
                    else:
                        raise SpreadsheetError(_unreadable())
                    column = 0
                    continue
                if value is None:
                    column += 1
                else:
                    match = CELL_REFERENCE.match(value)
                    if match is None:
                        raise SpreadsheetError(_unreadable())
                    letters = match.group(1)
                    column = columns.get(letters) or columns.setdefault(
                        letters, _column_number(letters.decode())
                    )
                    row = int(match.group(2))
                cell_row, cell_column = row, column
                in_cell = not attributes.rstrip().endswith(b"/")
            elif in_cell:
                has_value = True
    if in_cell and has_value:
        bounds.content(cell_row, cell_column)


class Workbook:
    """An XLSX whose parts have been measured; `rows(name)` reads one sheet once it has been
    scanned within the limits."""

    def __init__(self, data: bytes):
        self.data = data
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                self.members = {info.filename: info for info in archive.infolist()}
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise SpreadsheetError(_unreadable()) from exc
        self._measure()
        self.parts = self._sheet_parts()
        from python_calamine import CalamineWorkbook

        try:
            self.calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises several types for damaged workbooks
            raise SpreadsheetError(_unreadable()) from exc
        self.sheet_names = list(self.calamine.sheet_names)

    def _measure(self):
        budget = _unpack_limit()
        if sum(info.file_size for info in self.members.values()) > budget:
            raise SpreadsheetError(_too_large_unpacked())
        for info in self.members.values():
            for chunk in _inflate(self.data, info):
                budget -= len(chunk)
                if budget < 0:
                    raise SpreadsheetError(_too_large_unpacked())

    def _sheet_parts(self):
        """{sheet name: the zip member holding it}, from the workbook and its relationships."""
        sheets, targets = [], {}

        def on_sheet(name, attributes):
            if name == "sheet":
                sheets.append((attributes.get("name", ""), attributes.get(RELATIONSHIP_ID, "")))

        def on_relationship(name, attributes):
            if name == "Relationship":
                targets[attributes.get("Id", "")] = attributes.get("Target", "")

        for part, handler in (
            ("xl/workbook.xml", on_sheet),
            ("xl/_rels/workbook.xml.rels", on_relationship),
        ):
            if part not in self.members:
                raise SpreadsheetError(_unreadable())
            _parse_part(self.data, self.members[part], handler)
        parts = {}
        for name, rid in sheets:
            target = targets.get(rid, "")
            target = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            parts[name] = posixpath.normpath(target)
        return parts

    def rows(self, name: str) -> list:
        """The sheet's rows from row 1, each padded to the sheet's width, after the sheet has
        been scanned within the limits."""
        member = self.members.get(self.parts.get(name, ""))
        if member is None:
            raise SpreadsheetError(_unreadable())
        if not _plainly_within_limits(self.data, member):
            _scan_sheet(self.data, member, _Bounds(name))
        try:
            return self.calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises several types for damaged workbooks
            raise SpreadsheetError(_unreadable()) from exc


def open_workbook(data: bytes) -> Workbook:
    """An XLSX, measured: refused when its parts unpack beyond the limit or cannot be read."""
    if len(data) > settings.CIVPORT_IMPORT_MAX_BYTES:
        raise SpreadsheetError(_too_large())
    return Workbook(data)


# --- CSV and the first sheet ----------------------------------------------------------------


def iter_csv(data: bytes, filename: str = "") -> Iterator[list]:
    """The rows of a CSV file (comma or tab separated), refused at the first cell past a limit;
    blank cells beyond the column limit are dropped."""
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    bounds = _Bounds(os.path.basename(filename or ""))
    try:
        for number, raw in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1
        ):
            width = len(raw)
            while width and not raw[width - 1].strip():
                width -= 1
            if width:
                bounds.content(number, width, count=width)
            yield raw[: max(width, min(len(raw), bounds.max_columns))]
    except csv.Error as exc:
        raise SpreadsheetError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def read_rows(data: bytes, filename: str) -> Iterator[list]:
    """The rows of a CSV file or of a workbook's first sheet, from row 1, within the limits."""
    if len(data) > settings.CIVPORT_IMPORT_MAX_BYTES:
        raise SpreadsheetError(_too_large())
    if file_format(data, filename) == "csv":
        return iter_csv(data, filename)
    workbook = open_workbook(data)
    if not workbook.sheet_names:
        raise SpreadsheetError(_unreadable())
    return iter(workbook.rows(workbook.sheet_names[0]))


def read_table(data: bytes, filename: str) -> Table:
    """Headers and the non-blank data rows, each with its spreadsheet row number."""
    limit = settings.CIVPORT_IMPORT_MAX_ROWS
    headers = None
    rows = []
    for number, raw in enumerate(read_rows(data, filename), start=1):
        cells = [cell(v) for v in raw]
        if headers is None:
            if not any(c != "" for c in cells):
                raise SpreadsheetError(_("The first row must hold the column headers."))
            headers = cells
            continue
        if all(c == "" for c in cells):
            continue
        rows.append((number, cells))
        if len(rows) > limit:
            raise SpreadsheetError(
                _("The file has more than %(limit)d data rows; split it into smaller files.")
                % {"limit": limit}
            )
    if headers is None:
        raise SpreadsheetError(_("The file is empty."))
    if not rows:
        raise SpreadsheetError(_("The file has no data rows below the header row."))
    return Table(headers=headers, rows=rows)


def spreadsheet_response(fmt: str, title: str, headers: list[Any], rows: Any, filename: str) -> Any:
    """An XLSX or CSV download of `headers` and `rows` (cells already formula-escaped), named
    `filename.fmt`. CSV carries a BOM so that Excel on Chinese Windows opens it as UTF-8."""
    from django.http import HttpResponse

    if fmt == "xlsx":
        from openpyxl import Workbook  # loaded on export only: openpyxl is large

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers)
        writer.writerows(rows)
        response = HttpResponse(
            text.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
