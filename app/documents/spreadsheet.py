"""Streamed .xlsx: a header and an iterable of plain rows, written with bounded memory.

openpyxl's write-only workbook sends each row to a temporary file as it arrives (strings go
inline, so there is no table of every string in memory); the finished workbook goes to a
SpooledTemporaryFile, which stays in memory while small and moves to disk when it grows.
Text is always text: a value such as ``=HYPERLINK(...)`` is never written as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import date, datetime
from tempfile import SpooledTemporaryFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

#: the finished file stays in memory up to this size, then spills to disk
SPOOL_MAX_BYTES = 4 * 2**20
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH = 6
MAX_WIDTH = 60
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEADER_FONT = Font(bold=True)


def write_xlsx(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    widths: Sequence[float] | None = None,
    caption: str | None = None,
    spool_max: int = SPOOL_MAX_BYTES,
) -> SpooledTemporaryFile:
    """One sheet named ``title``: the header (bold, frozen) then ``rows``, consumed one at a time;
    a ``caption`` line above the header for lists that are printed and posted.

    Values are str, int, float, bool, date, datetime (naive, shown as it is) or None. Returns the
    file positioned at 0; the caller closes it.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    # column widths and the frozen header must be set before the first row is written
    for index, width in enumerate(widths or header_widths(header), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3" if caption else "A2"
    out = SpooledTemporaryFile(max_size=spool_max)  # noqa: SIM115 (returned open: the caller closes it)
    try:
        if caption:
            sheet.append([_header_cell(sheet, caption)])
        sheet.append([_header_cell(sheet, text) for text in header])
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
        book.save(out)
    except BaseException:
        _discard(sheet)
        out.close()
        raise
    out.seek(0)
    return out


def sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, not empty."""
    cleaned = _SHEET_TITLE_FORBIDDEN.sub("_", ILLEGAL_CHARACTERS_RE.sub("", title)).strip("' ")
    return cleaned[:31] or "Sheet1"


def display_width(text: str) -> int:
    """Columns a text takes in Excel: a CJK (wide) character counts two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def header_widths(header: Sequence[str]) -> list[float]:
    return [min(MAX_WIDTH, max(MIN_WIDTH, display_width(text) + 2)) for text in header]


def _header_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = _text_cell(sheet, text)
    cell.font = _HEADER_FONT
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if isinstance(value, str):
        cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)
        if cleaned.startswith("=") or cleaned in ERROR_CODES:
            return _text_cell(sheet, cleaned)
        return cleaned
    if isinstance(value, datetime):
        return _formatted(sheet, value, DATETIME_FORMAT)
    if isinstance(value, date):
        return _formatted(sheet, value, DATE_FORMAT)
    return value


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"  # never a formula or an error value
    return cell


def _formatted(sheet: WriteOnlyWorksheet, value: date, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Remove the sheet's temporary file when the rows failed half-way (openpyxl would keep
    it until the process exits)."""
    with suppress(Exception):  # the sheet may be broken already: removing the file is the point
        sheet.close()
    writer = getattr(sheet, "_writer", None)
    if writer is not None:
        with suppress(OSError, ValueError):
            writer.cleanup()
