"""Reading an uploaded register file (CSV or XLSX) into rows of text, each with the line number a person sees
in the file (the header is line 1, blank lines count).

Nothing here knows what the columns mean; `importing` does. Every way a file can be unreadable becomes a
`RegisterFileError` whose message can be shown to the person who uploaded it.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from samrad.errors import InvalidInput

# A register of every public body in Sweden has a few thousand rows; far more means a wrong file.
MAX_ROWS = 20_000
MAX_COLUMNS = 100
# Blank spreadsheet rows count too: a sheet that claims millions of them is refused rather than walked through.
MAX_LINES = 5 * MAX_ROWS
CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office formats (.xls, .doc)


class RegisterFileError(InvalidInput):
    """The file as a whole cannot be read. The message is meant for the person who uploaded it."""


@dataclass(frozen=True)
class TableRow:
    line: int
    values: list[str]
    # Columns (by position) whose spreadsheet cell held a number, which loses leading zeros (0114 -> 114).
    numeric: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[TableRow]
    kind: str  # "csv" or "xlsx"


def read_table(*, content: bytes, filename: str) -> Table:
    """The header and the non-empty rows of a CSV or XLSX file."""
    max_bytes = settings.IMPORT_MAX_BYTES
    if len(content) > max_bytes:
        raise RegisterFileError(
            _("The file is too large (%(size)s). The largest file that can be imported is %(max)s.")
            % {"size": filesizeformat(len(content)), "max": filesizeformat(max_bytes)}
        )
    if not content.strip():
        raise RegisterFileError(_("The file is empty."))
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(content)
    if suffix in CSV_SUFFIXES:
        return _read_csv(content)
    raise RegisterFileError(
        _("Only CSV (.csv) and Excel (.xlsx) files can be imported, not “%(name)s”.") % {"name": filename}
    )


def _wrong_content_message(content: bytes) -> str | None:
    """A clear message when a file's content is not what its name says."""
    if content.startswith(b"%PDF"):
        return _("The file is a PDF document, not a spreadsheet. Save the register as CSV (UTF-8) or Excel (.xlsx).")
    if content.startswith(OLE_MAGIC):
        return _("The file is in the old Excel format (.xls). Save it as Excel (.xlsx) or CSV (UTF-8).")
    if content.startswith(ZIP_MAGIC):
        return _("The file is an Excel file or another archive, not CSV text. Name it .xlsx or save it as CSV.")
    return None


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in content:
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RegisterFileError(
                _(
                    "The file is not UTF-8 text. In Excel, choose “CSV UTF-8 (comma delimited)” when saving, "
                    "or import the .xlsx file directly."
                )
            ) from None
    raise RegisterFileError(_("The file is not a text file that can be read as CSV."))


def _delimiter(header_line: str) -> str:
    """The delimiter is the one of , ; and tab that the header line uses most (Swedish Excel writes ;)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _read_csv(content: bytes) -> Table:
    wrong = _wrong_content_message(content)
    if wrong:
        raise RegisterFileError(wrong)
    text = _decode(content)
    first_line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    header: list[str] | None = None
    rows: list[TableRow] = []
    previous_end = 0
    try:
        for record in reader:
            start_line, previous_end = previous_end + 1, reader.line_num
            values = [value.strip() for value in record]
            if header is None:
                if any(values):
                    header = values
                continue
            if any(values):
                rows.append(TableRow(line=start_line, values=values))
                if len(rows) > MAX_ROWS:
                    raise RegisterFileError(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    except csv.Error as error:
        raise RegisterFileError(
            _("Line %(line)d cannot be read as CSV: %(error)s") % {"line": reader.line_num, "error": error}
        ) from None
    return _table(header, rows, "csv")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(content: bytes) -> Table:
    if not content.startswith(ZIP_MAGIC):
        raise RegisterFileError(
            _wrong_content_message(content) or _("The file is not an Excel file (.xlsx), although its name says so.")
        )
    from openpyxl import load_workbook

    from samrad.documents.inspection import FileRejected, inspect_file

    try:
        # The same checks as every upload (archive bombs, encryption) before openpyxl unpacks anything.
        kind = inspect_file(io.BytesIO(content)).kind
    except FileRejected as rejected:
        if isinstance(rejected.__cause__, zipfile.BadZipFile):
            raise RegisterFileError(
                _("The Excel file cannot be read. Open it in Excel and save it again as .xlsx.")
            ) from None
        raise RegisterFileError(rejected.message) from None
    if kind != "xlsx":
        raise RegisterFileError(_("The file is not an Excel file (.xlsx), although its name says so."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError):
        raise RegisterFileError(
            _("The Excel file cannot be read. Open it in Excel and save it again as .xlsx.")
        ) from None
    try:
        if not workbook.worksheets:
            raise RegisterFileError(_("The Excel file has no sheets."))
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        rows: list[TableRow] = []
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if line > MAX_LINES:
                raise RegisterFileError(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
            cells = cells[: MAX_COLUMNS + 1]
            values = [_cell_text(cell) for cell in cells]
            if header is None:
                if any(values):
                    header = values
                continue
            if any(values):
                numeric = frozenset(
                    i for i, cell in enumerate(cells) if isinstance(cell, int | float) and not isinstance(cell, bool)
                )
                rows.append(TableRow(line=line, values=values, numeric=numeric))
                if len(rows) > MAX_ROWS:
                    raise RegisterFileError(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError):
        raise RegisterFileError(
            _("The Excel file cannot be read. Open it in Excel and save it again as .xlsx.")
        ) from None
    finally:
        workbook.close()
    return _table(header, rows, "xlsx")


def _table(header: list[str] | None, rows: list[TableRow], kind: str) -> Table:
    if header is None:
        raise RegisterFileError(_("The file is empty."))
    while header and not header[-1]:
        header = header[:-1]
    if len(header) > MAX_COLUMNS:
        raise RegisterFileError(_("The file has more than %(max)d columns.") % {"max": MAX_COLUMNS})
    if not rows:
        raise RegisterFileError(_("The file has a header but no rows below it."))
    return Table(header=header, rows=rows, kind=kind)
