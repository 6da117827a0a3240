"""Tables from uploaded CSV and Excel files, for every importer: one reader, streamed.

What a sales office's tools produce is read the same way everywhere:
- Excel .xlsx / .xlsm: the active sheet, read-only and streamed; formulas give their cached value
  (what Excel last showed), date cells become ISO dates ("2026-02-03"), whole numbers lose ".0".
- CSV (or .txt / .tsv): UTF-8 with or without a BOM, else GB18030 (a superset of GBK, what Chinese
  Windows saves), or UTF-16 with a BOM (Excel's "Unicode text"); fields separated by `,` `;` or tab,
  told from the header line (a one-column header means `,`).
- Blank rows anywhere (a trailing `,,,,` included) are skipped; every value is text, stripped.
Anything else is refused with an ApplicationError naming the `file` field.

Memory stays proportional to one row, not to the file: the encoding is checked chunk by chunk
before any row is handed out, and each pass over a `Table` re-reads the file, so an importer that
needs two passes (collect the codes, then check each row) holds no copy of the rows.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import IO, Any

from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv", "")
DELIMITERS = (",", ";", "\t")  # in order of preference when the header splits equally
CHUNK = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx is a zip
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls
MAX_HEADER_CHARS = 64 * 1024

RawRows = Iterator[tuple[int, list[str]]]


def _plain_header(name: str) -> str:
    return name.strip()


class Table:
    """The header of an uploaded sheet, and its rows read lazily.

    Iterating gives (line number, {column: text}) for each non-blank row after the header; the
    line number is the spreadsheet's row (header = 1 when it is on the first line). Each iteration
    reads the file again from the start: make passes one after another, not interleaved.
    Columns with an empty name are dropped; a short row gets "" for its missing columns.
    """

    def __init__(self, open_rows: Callable[[], RawRows], normalise: Callable[[str], str]) -> None:
        self._open_rows = open_rows
        rows = open_rows()
        try:
            first = next(rows, None)
        finally:
            rows.close()
        if first is None:
            raise ApplicationError(_("The file is empty."), fields={"file": [_("The file has no header row.")]})
        self.header_line = first[0]
        self.header: list[str] = [normalise(value.lstrip("\ufeff")) for value in first[1]]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        rows = self._open_rows()
        columns = [(index, name) for index, name in enumerate(self.header) if name]
        try:
            next(rows, None)  # the header
            for line, values in rows:
                width = len(values)
                yield line, {name: values[index] if index < width else "" for index, name in columns}
        finally:
            rows.close()


def read_table(*, name: str, content: bytes | IO[bytes], normalise: Callable[[str], str] = _plain_header) -> Table:
    """The table in an uploaded file (bytes, or a binary file object such as an UploadedFile).

    `normalise` maps each header cell to a column name (an importer's aliases, lower-casing).
    Raises ApplicationError (field `file`) for an empty file, an unreadable workbook, an old .xls,
    an unknown extension or a text encoding that is none of UTF-8, GB18030 or UTF-16 with a BOM.
    """
    stream = _binary_stream(content)
    magic = stream.read(8)
    stream.seek(0)
    if not magic:
        raise ApplicationError(_("The file is empty."), fields={"file": [_("The file is empty.")]})
    suffix = os.path.splitext(name or "")[1].lower()
    if suffix in EXCEL_SUFFIXES or magic.startswith(ZIP_MAGIC):
        return Table(lambda: _excel_rows(stream), normalise)
    if suffix == ".xls" or magic.startswith(OLE_MAGIC):
        raise ApplicationError(
            _("Old .xls workbooks cannot be read."), fields={"file": [_("Save the workbook as .xlsx or as CSV.")]}
        )
    if suffix not in TEXT_SUFFIXES:
        raise ApplicationError(_("Upload a .csv or .xlsx file."), fields={"file": [_("Upload a .csv or .xlsx file.")]})
    encoding = _encoding(stream, magic)
    delimiter = _delimiter(stream, encoding)
    return Table(lambda: _csv_rows(stream, encoding, delimiter), normalise)


def _binary_stream(content: bytes | IO[bytes]) -> IO[bytes]:
    if isinstance(content, bytes | bytearray | memoryview):
        return io.BytesIO(content)  # shares the bytes' buffer: no copy
    stream = getattr(content, "file", content)  # Django's UploadedFile wraps the real file
    if not stream.seekable():
        return io.BytesIO(stream.read())
    stream.seek(0)
    return stream


# --- CSV ------------------------------------------------------------------------------------------


def _encoding(stream: IO[bytes], magic: bytes) -> str:
    """The first codec that decodes the whole file, checked a chunk at a time (nothing is kept)."""
    candidates = ("utf-16",) if magic.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else ()
    for encoding in (*candidates, "utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        stream.seek(0)
        try:
            while chunk := stream.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            stream.seek(0)
        return encoding
    raise ApplicationError(
        _("The file's text encoding is not recognised."),
        fields={"file": [_("Save the file as CSV in UTF-8 (or GBK), or as .xlsx.")]},
    )


def _open_text(stream: IO[bytes], encoding: str) -> io.TextIOWrapper:
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding=encoding, newline="")


def _release(text: io.TextIOWrapper) -> None:
    # Detach rather than close: closing the wrapper would close the caller's file.
    with contextlib.suppress(ValueError):
        text.detach()


def _delimiter(stream: IO[bytes], encoding: str) -> str:
    """The separator that splits the header line into the most columns (`,` for one column).

    The header alone decides: csv.Sniffer, fed data rows, mistakes a one-column file or quoted
    values holding commas or semicolons for some other separator.
    """
    text = _open_text(stream, encoding)
    try:
        line = ""
        while not line.strip():
            line = text.readline(MAX_HEADER_CHARS)
            if not line:
                return ","
    finally:
        _release(text)
    widths = {d: len(next(csv.reader([line], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (widths[d], -DELIMITERS.index(d)))
    return best if widths[best] > 1 else ","


def _csv_rows(stream: IO[bytes], encoding: str, delimiter: str) -> RawRows:
    text = _open_text(stream, encoding)
    reader = csv.reader(text, delimiter=delimiter)
    line = 1  # where the next record starts (a quoted value may span lines)
    try:
        for values in reader:
            cells = [value.strip() for value in values]
            if any(cells):
                yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ApplicationError(
            _("The file is not a well-formed CSV file (line %(line)s).") % {"line": reader.line_num},
            fields={"file": [_("Line %(line)s: %(error)s") % {"line": reader.line_num, "error": exc}]},
        ) from None
    finally:
        _release(text)


# --- Excel ----------------------------------------------------------------------------------------


def _excel_rows(stream: IO[bytes]) -> RawRows:
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken file
        raise _not_excel() from None
    try:
        sheet = workbook.active
        if not isinstance(sheet, ReadOnlyWorksheet):
            sheet = next(iter(workbook.worksheets), None)
        if sheet is None:
            return
        # The stored dimensions may be wrong (some tools write "A1"): read the cells that are there.
        sheet.reset_dimensions()
        try:
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [cell_text(value) for value in values]
                if any(cells):
                    yield line, cells
        except Exception:  # a damaged sheet inside a readable zip
            raise _not_excel() from None
    finally:
        workbook.close()


def _not_excel() -> ApplicationError:
    return ApplicationError(
        _("Not a readable Excel file."), fields={"file": [_("The file is damaged or not an .xlsx workbook.")]}
    )


def cell_text(value: Any) -> str:
    """An Excel cell as the text a CSV of the same sheet would hold, in the form the parsers read."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()
