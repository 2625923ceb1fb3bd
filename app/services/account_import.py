"""Batch creation of applicant accounts from an .xlsx or .csv file (单位系统管理员).

The file has a header row with 身份证号 and 姓名 (the template has exactly those two columns).
Every row is checked like a single creation; the good rows are created, the others refused, and
the report tells per row what happened and why. Rows are validated completely before their first
write, so a refused row leaves nothing behind. A file that cannot be read at all is refused as a
whole with a message.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from app.documents.tabular import UnreadableTable, cell_text, table_rows
from app.models import Account, Unit
from app.services import audit
from app.services.accounts import AccountError, create_applicant
from app.validators.identity import normalize_id_number

HEADERS = ("身份证号", "姓名")
TEMPLATE_NOTES = (
    "每行一名申报人：身份证号（18位，末位X大小写均可）和姓名。",
    "身份证号一列须为文本格式（模板已设好），否则Excel会把号码改成科学计数法并丢失末位。",
    "账号建在导入人所在的单位；初始密码为身份证号后8位，申报人首次登录须修改。",
    "已有账号的身份证号不会重复创建；导入后页面逐行列出创建结果和未创建的原因。",
)
#: an .xlsx is a zip: refuse archives that would inflate past this (zip bombs)
_MAX_UNZIPPED = 50 * 1024 * 1024

MSG_UNREADABLE = "文件无法读取：请上传用模板填写的 Excel（.xlsx）或 CSV（.csv）文件"
MSG_EMPTY = "文件中没有数据"
MSG_HEADERS = "文件第一行应为表头“身份证号”“姓名”，请下载模板填写"
MSG_NUMERIC_ID = "身份证号单元格是数字格式，会丢失末位数字：请把该列设为文本格式后重新填写"


class ImportFileError(Exception):
    """The file as a whole cannot be used; the message is shown as it is."""


@dataclass(frozen=True)
class ImportRow:
    line: int  # row number in the file, as a spreadsheet shows it
    id_number: object
    name: object


@dataclass(frozen=True)
class RowResult:
    line: int
    id_number: str
    name: str
    created: bool
    message: str


# -- reading -------------------------------------------------------------------------------


def _rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    try:
        yield from table_rows(data, max_unzipped=_MAX_UNZIPPED)
    except UnreadableTable:
        raise ImportFileError(MSG_UNREADABLE) from None


def _header_positions(values: tuple) -> tuple[int, int]:
    texts = [cell_text(v).replace(" ", "") for v in values]
    try:
        return texts.index(HEADERS[0]), texts.index(HEADERS[1])
    except ValueError:
        raise ImportFileError(MSG_HEADERS) from None


def read_rows(data: bytes, max_rows: int) -> list[ImportRow]:
    """The data rows of an uploaded file (type told by content, not by name)."""
    if not data:
        raise ImportFileError(MSG_EMPTY)
    source = _rows(data)
    positions = None
    rows: list[ImportRow] = []
    for line, values in source:
        if not any(cell_text(v) for v in values):
            continue
        if positions is None:
            positions = _header_positions(values)
            continue
        id_number, name = (values[i] if i < len(values) else None for i in positions)
        rows.append(ImportRow(line=line, id_number=id_number, name=name))
        if len(rows) > max_rows:
            raise ImportFileError(f"一次最多导入{max_rows}行，请分成几个文件导入")
    if not rows:
        raise ImportFileError(MSG_EMPTY)
    return rows


# -- creating ------------------------------------------------------------------------------


def _create_one(session, by, unit, row: ImportRow, today, seen: dict) -> RowResult:
    raw_id, name = row.id_number, cell_text(row.name)
    if isinstance(raw_id, int | float):
        return RowResult(row.line, cell_text(raw_id), name, False, MSG_NUMERIC_ID)
    number = cell_text(raw_id)
    key = normalize_id_number(number)
    if key in seen:
        message = f"与第{seen[key]}行的身份证号重复"
        return RowResult(row.line, number, name, False, message)
    seen[key] = row.line
    try:
        # every check runs before the row's first write, so a refused row writes nothing
        account = create_applicant(session, by, unit=unit, id_number=number, name=name, today=today)
    except AccountError as exc:
        return RowResult(row.line, number, name, False, str(exc))
    return RowResult(row.line, account.id_number, account.name, True, "已创建")


def import_applicants(
    session: Session, by: Account, *, unit: Unit, rows: list[ImportRow], today: date
) -> list[RowResult]:
    """Create an account for every good row; the report lists each row's outcome."""
    seen: dict[str, int] = {}
    results = [_create_one(session, by, unit, row, today, seen) for row in rows]
    created = sum(r.created for r in results)
    audit.record(
        session,
        "accounts_imported",
        actor=by,
        target=unit.name,
        detail=f"共{len(results)}行，创建{created}个，未创建{len(results) - created}个",
    )
    session.flush()
    return results


# -- templates -----------------------------------------------------------------------------


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "申报人账号"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    # text format for the ID column, so Excel keeps all 18 characters
    for row in range(1, 1002):
        sheet.cell(row=row, column=1).number_format = "@"
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 16
    notes = book.create_sheet("填写说明")
    for note in TEMPLATE_NOTES:
        notes.append([note])
    notes.column_dimensions["A"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    return out.getvalue().encode("utf-8-sig")
