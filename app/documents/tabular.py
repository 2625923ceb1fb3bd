"""Reading the rows of an uploaded spreadsheet (.xlsx) or CSV, told apart by content.

Shared by the imports (applicant accounts, continuing-education hours). Anything that is not
a readable table raises UnreadableTable; callers turn it into their own message.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator

from openpyxl import load_workbook

XLSX_MAGIC = b"PK\x03\x04"
#: the pre-2007 binary .xls (an OLE container), which openpyxl cannot read
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
NOT_A_TABLE = (b"%PDF", b"\xff\xd8\xff", b"\x89PNG", b"GIF8")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnreadableTable(ValueError):
    """Not a spreadsheet or CSV we can read."""


def cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def table_rows(data: bytes, *, max_unzipped: int) -> Iterator[tuple[int, tuple]]:
    """(line number, cell values) of the first sheet or of the CSV."""
    if data.startswith(XLSX_MAGIC):
        yield from _xlsx_rows(data, max_unzipped)
    else:
        yield from _csv_rows(data)


def _xlsx_rows(data: bytes, max_unzipped: int) -> Iterator[tuple[int, tuple]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > max_unzipped:
                raise UnreadableTable("unzipped size over the limit")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnreadableTable:
        raise
    except Exception:  # openpyxl raises many kinds on a broken or foreign file
        raise UnreadableTable("not a workbook") from None
    try:
        sheet = book.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, tuple(values)
    except Exception:
        raise UnreadableTable("broken sheet") from None
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    # Excel on Chinese Windows saves CSV in GB18030 (GBK); everything else in UTF-8
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableTable("unknown encoding")
    if _CONTROL.search(text):  # a text file has no control characters but tab and newlines
        raise UnreadableTable("binary data")
    try:
        for line, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield line, tuple(values)
    except csv.Error:
        raise UnreadableTable("broken CSV") from None
