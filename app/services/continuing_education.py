"""继续教育 hours from 甘肃省专业技术人员继续教育工作平台 (manual §1.4 (二) 4, §4.2.4).

The province admin imports the platform's export (.xlsx or .csv, type told by content) with the
columns 身份证号, 年度, 公需科目学时, 专业科目学时 (other columns are ignored; a title line or two
above the header is allowed). Every row is checked (the ID number with the same rule as
accounts); good rows are upserted by (身份证号, 年度), refused rows are reported with the reason,
and importing the same file again changes nothing. A file that cannot be read as a whole is
refused with a message and nothing is imported.

The dossier side (``platform_data``) gives the rules of app/workflow/evidence.py what the
platform supplied for one applicant, in two queries whatever the data size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from app.clock import to_naive_utc
from app.documents.tabular import (
    NOT_A_TABLE,
    XLS_MAGIC,
    UnreadableTable,
    cell_text,
    table_rows,
)
from app.models import Account, Application, ContinuingEducationRecord, DossierItem, ItemKind
from app.services import audit
from app.validators.identity import IdNumberError, check_id_number, normalize_id_number
from app.workflow import evidence
from app.workflow.evidence import HoursRule, PlatformData, PlatformHours

HEADERS = ("身份证号", "年度", "公需科目学时", "专业科目学时")
#: lines above the header a platform export may carry (a title, the export date ...)
MAX_LEADING_LINES = 5
#: more 学时 than this in one year is a typing or export error
MAX_HOURS = Decimal(1000)
#: the web page's limits; the command line takes any size
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000
#: an .xlsx is a zip: refuse archives that would inflate past this (zip bombs)
_MAX_UNZIPPED = 200 * 1024 * 1024
#: ID numbers per IN (...) when looking up existing rows
_CHUNK = 500
AUDIT_EVENT = "continuing_education_imported"

MSG_UNREADABLE = (
    "文件无法读取：请上传从继续教育平台导出的 Excel（.xlsx）或 CSV（.csv）文件，未导入任何数据"
)
MSG_EMPTY = "文件中没有数据，未导入任何数据"
MSG_OLD_XLS = (
    "不支持旧版 Excel（.xls）文件：请在 Excel 中“另存为” .xlsx 或 .csv 后再导入，未导入任何数据"
)
MSG_HEADERS = (
    "文件中找不到表头：须有“身份证号”“年度”“公需科目学时”“专业科目学时”四列，未导入任何数据"
)
MSG_NUMERIC_ID = "身份证号单元格是数字格式，会丢失末位数字：请把该列设为文本格式后重新导出"
MSG_YEAR = "年度应为四位数字的年份，如2023"
MSG_OLD_YEAR = (
    f"平台数据只导入{evidence.PLATFORM_FROM_YEAR}年及以后的年度"
    f"（{evidence.PLATFORM_FROM_YEAR - 1}年及之前的继续教育由申报人上传证明材料）"
)
MSG_FUTURE_YEAR = "年度晚于今年"

ADDED, UPDATED, UNCHANGED, REFUSED = "新增", "已更新", "无变化", "未导入"


class ImportFileError(Exception):
    """The file as a whole cannot be used; nothing was imported. ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SourceRow:
    line: int  # row number in the file, as a spreadsheet shows it
    id_number: object
    year: object
    public_hours: object
    professional_hours: object


@dataclass(frozen=True)
class RowResult:
    line: int
    id_number: str
    year: str
    public_hours: str
    professional_hours: str
    outcome: str  # ADDED / UPDATED / UNCHANGED / REFUSED
    message: str = ""

    @property
    def imported(self) -> bool:
        return self.outcome != REFUSED


@dataclass
class ImportReport:
    source: str
    rows: list[RowResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def refused(self) -> list[RowResult]:
        return [row for row in self.rows if row.outcome == REFUSED]

    @property
    def summary(self) -> str:
        return (
            f"共{len(self.rows)}行：新增{self.count(ADDED)}条，更新{self.count(UPDATED)}条，"
            f"无变化{self.count(UNCHANGED)}条，未导入{self.count(REFUSED)}行"
        )


# -- reading the file ----------------------------------------------------------------------


def _rows(data: bytes) -> Iterator[tuple[int, tuple]]:
    try:
        yield from table_rows(data, max_unzipped=_MAX_UNZIPPED)
    except UnreadableTable:
        raise ImportFileError(MSG_UNREADABLE) from None


def _header_positions(values: tuple) -> tuple[int, ...] | None:
    texts = [cell_text(v).replace(" ", "").replace("\u3000", "") for v in values]
    if not all(name in texts for name in HEADERS):
        return None
    return tuple(texts.index(name) for name in HEADERS)


def read_rows(data: bytes, max_rows: int | None = None) -> list[SourceRow]:
    """The data rows of a platform export; ImportFileError if the file is unusable."""
    if not data:
        raise ImportFileError(MSG_EMPTY)
    if data.startswith(XLS_MAGIC):
        raise ImportFileError(MSG_OLD_XLS)
    if data.startswith(NOT_A_TABLE):
        raise ImportFileError(MSG_UNREADABLE)
    source = _rows(data)
    positions, leading, rows = None, 0, []
    for line, values in source:
        if not any(cell_text(v) for v in values):
            continue
        if positions is None:
            positions = _header_positions(values)
            leading += 1
            if positions is None and leading > MAX_LEADING_LINES:
                raise ImportFileError(MSG_HEADERS)
            continue
        cells = [values[i] if i < len(values) else None for i in positions]
        rows.append(SourceRow(line, *cells))
        if max_rows is not None and len(rows) > max_rows:
            raise ImportFileError(f"一次最多导入{max_rows}行，请分成几个文件导入，未导入任何数据")
    if positions is None:
        raise ImportFileError(MSG_HEADERS if leading else MSG_EMPTY)
    if not rows:
        raise ImportFileError(MSG_EMPTY)
    return rows


# -- checking one row ----------------------------------------------------------------------


class _RowError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _id_number(value: object, today: date) -> str:
    if isinstance(value, int | float):
        raise _RowError(MSG_NUMERIC_ID)
    try:
        return check_id_number(cell_text(value), today).number
    except IdNumberError as exc:
        raise _RowError(exc.message) from None


def _year(value: object, today: date) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = cell_text(value).removesuffix("年度").removesuffix("年")
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise _RowError(MSG_YEAR)
    year = int(text)
    if year < evidence.PLATFORM_FROM_YEAR:
        raise _RowError(MSG_OLD_YEAR)
    if year > today.year:
        raise _RowError(MSG_FUTURE_YEAR)
    return year


def _hours(value: object, label: str) -> Decimal:
    text = cell_text(value)
    if not text:
        raise _RowError(f"{label}不能为空")
    wrong = _RowError(f"{label}应为0-{MAX_HOURS}之间的数字，最多一位小数")
    if isinstance(value, bool):
        raise wrong
    try:
        hours = Decimal(repr(value) if isinstance(value, float) else text)
    except InvalidOperation:
        raise wrong from None
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS:
        raise wrong
    if hours != hours.quantize(Decimal("0.1")):
        raise wrong
    return hours.quantize(Decimal("0.1")) + 0  # + 0 turns -0 into 0


@dataclass(frozen=True)
class _Checked:
    row: SourceRow
    id_number: str
    year: int
    public: Decimal
    professional: Decimal


def _check(row: SourceRow, today: date) -> _Checked:
    return _Checked(
        row,
        _id_number(row.id_number, today),
        _year(row.year, today),
        _hours(row.public_hours, "公需科目学时"),
        _hours(row.professional_hours, "专业科目学时"),
    )


def _shown(row: SourceRow) -> tuple[str, str, str, str]:
    id_text = cell_text(row.id_number)
    return (
        normalize_id_number(id_text) if isinstance(row.id_number, str) else id_text,
        cell_text(row.year),
        cell_text(row.public_hours),
        cell_text(row.professional_hours),
    )


# -- importing -----------------------------------------------------------------------------


def _existing(
    session: Session, keys: Sequence[tuple[str, int]]
) -> dict[tuple[str, int], ContinuingEducationRecord]:
    found: dict[tuple[str, int], ContinuingEducationRecord] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        stmt = select(ContinuingEducationRecord).where(
            tuple_(ContinuingEducationRecord.id_number, ContinuingEducationRecord.year).in_(chunk)
        )
        for record in session.scalars(stmt):
            found[(record.id_number, record.year)] = record
    return found


def _format(hours: Decimal) -> str:
    return evidence.format_hours(hours)


def _upsert(
    session: Session,
    item: _Checked,
    existing: dict[tuple[str, int], ContinuingEducationRecord],
    source: str,
    at,
) -> RowResult:
    shown = (item.id_number, str(item.year), _format(item.public), _format(item.professional))
    record = existing.get((item.id_number, item.year))
    if record is None:
        record = ContinuingEducationRecord(
            id_number=item.id_number,
            year=item.year,
            public_hours=item.public,
            professional_hours=item.professional,
            source=source,
            imported_at=at,
        )
        session.add(record)
        existing[(item.id_number, item.year)] = record
        return RowResult(item.row.line, *shown, ADDED)
    if (record.public_hours, record.professional_hours) == (item.public, item.professional):
        return RowResult(item.row.line, *shown, UNCHANGED)
    before = (
        f"原公需科目{_format(record.public_hours)}、专业科目{_format(record.professional_hours)}"
    )
    record.public_hours, record.professional_hours = item.public, item.professional
    record.source, record.imported_at = source, at
    return RowResult(item.row.line, *shown, UPDATED, before)


def import_records(
    session: Session,
    rows: Sequence[SourceRow],
    *,
    source: str,
    today: date,
    now,
    by: Account | None = None,
    by_name: str | None = None,
) -> ImportReport:
    """Upsert every good row by (身份证号, 年度); the report says per row what happened.

    Idempotent: rows whose numbers are already stored are left as they are. A row repeating
    an earlier row's person and year is refused (the file contradicts itself or repeats).
    """
    source = (source or "")[:200]
    report = ImportReport(source)
    checked: list[_Checked | RowResult] = []
    first_line: dict[tuple[str, int], int] = {}
    for row in rows:
        try:
            item = _check(row, today)
        except _RowError as exc:
            checked.append(RowResult(row.line, *_shown(row), REFUSED, exc.message))
            continue
        key = (item.id_number, item.year)
        if key in first_line:
            message = f"与第{first_line[key]}行的身份证号和年度重复"
            checked.append(RowResult(row.line, *_shown(row), REFUSED, message))
            continue
        first_line[key] = row.line
        checked.append(item)
    existing = _existing(session, list(first_line))
    at = to_naive_utc(now)
    for item in checked:
        if isinstance(item, RowResult):
            report.rows.append(item)
        else:
            report.rows.append(_upsert(session, item, existing, source, at))
    audit.record(
        session, AUDIT_EVENT, actor=by, actor_name=by_name, target=source, detail=report.summary
    )
    session.flush()
    return report


def import_file(
    session: Session,
    data: bytes,
    *,
    source: str,
    today: date,
    now,
    max_rows: int | None = None,
    by: Account | None = None,
    by_name: str | None = None,
) -> ImportReport:
    """Read and import one platform export; ImportFileError (nothing imported) if unusable."""
    rows = read_rows(data, max_rows)
    return import_records(
        session, rows, source=source, today=today, now=now, by=by, by_name=by_name
    )


def template_csv() -> bytes:
    """An empty file with the header the import expects (UTF-8 with BOM, for Excel)."""
    out = io.StringIO(newline="")
    csv.writer(out).writerow(HEADERS)
    return out.getvalue().encode("utf-8-sig")


# -- looking up ----------------------------------------------------------------------------


def records_for(
    session: Session, id_number: str | None, years: Iterable[int] | None = None
) -> list[ContinuingEducationRecord]:
    """One person's imported years (all of them, or those in ``years``), oldest first."""
    number = normalize_id_number(id_number)
    if not number:
        return []
    stmt = select(ContinuingEducationRecord).where(ContinuingEducationRecord.id_number == number)
    if years is not None:
        stmt = stmt.where(ContinuingEducationRecord.year.in_(list(years)))
    return list(session.scalars(stmt.order_by(ContinuingEducationRecord.year)))


def year_counts(session: Session) -> list[tuple[int, int]]:
    """(年度, number of people) of everything imported, newest year first: one query."""
    stmt = (
        select(ContinuingEducationRecord.year, func.count())
        .group_by(ContinuingEducationRecord.year)
        .order_by(ContinuingEducationRecord.year.desc())
    )
    return [(year, count) for year, count in session.execute(stmt)]


def hours_rule(config: dict | None = None) -> HoursRule:
    """The yearly requirement: settings CONTINUING_EDUCATION_{TOTAL,PUBLIC,PROFESSIONAL}_HOURS,
    defaults 90 / 30 / 60 (reference/rules.md, secondary source; see evidence.HoursRule)."""
    if config is None:
        from flask import current_app, has_app_context

        config = current_app.config if has_app_context() else {}
    default = HoursRule()
    return HoursRule(
        total=Decimal(str(config.get("CONTINUING_EDUCATION_TOTAL_HOURS", default.total))),
        public=Decimal(str(config.get("CONTINUING_EDUCATION_PUBLIC_HOURS", default.public))),
        professional=Decimal(
            str(config.get("CONTINUING_EDUCATION_PROFESSIONAL_HOURS", default.professional))
        ),
    )


def _title_date(session: Session, application: Application) -> date | None:
    """取得时间 of the current title, from 个人信息 (None until it is saved)."""
    stmt = select(DossierItem.data).where(
        DossierItem.application_id == application.id, DossierItem.kind == ItemKind.PERSONAL
    )
    data = session.scalars(stmt.limit(1)).first() or {}
    return evidence.as_date(data.get("title_date"))


def platform_data(session: Session, application: Application) -> PlatformData:
    """What the platform supplied for the applicant (2022 up to the batch year) and which years
    the dossier has to show: two queries."""
    batch_year = application.batch.year
    years = range(evidence.PLATFORM_FROM_YEAR, batch_year + 1)
    records = records_for(session, application.applicant.id_number, years)
    return PlatformData(
        records=tuple(PlatformHours(r.year, r.public_hours, r.professional_hours) for r in records),
        required_years=evidence.platform_required_years(
            batch_year, _title_date(session, application)
        ),
        rule=hours_rule(),
    )
