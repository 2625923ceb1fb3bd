"""Importing the platform's export: good, bad and mixed files, idempotency, the lookup."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import select

from app.models import AuditEvent, ContinuingEducationRecord
from app.services import continuing_education as ce
from tests.conftest import FIXED_NOW
from tests.education.support import csv_file, person, record_count, records, xlsx_file

TODAY = date(2026, 10, 15)


def run(session, data: bytes, source: str = "平台导出.csv", **kw) -> ce.ImportReport:
    report = ce.import_file(session, data, source=source, today=TODAY, now=FIXED_NOW, **kw)
    session.commit()
    return report


def test_good_csv_is_imported(session):
    a, b = person(), person()
    data = csv_file([(a, 2022, 30, 60), (a, 2023, "32.5", "60"), (b, "2024", 40, 70)])
    report = run(session, data)
    assert [r.outcome for r in report.rows] == [ce.ADDED] * 3
    assert report.summary == "共3行：新增3条，更新0条，无变化0条，未导入0行"
    assert records(session) == {
        (a, 2022): ("30.0", "60.0"),
        (a, 2023): ("32.5", "60.0"),
        (b, 2024): ("40.0", "70.0"),
    }
    stored = session.scalars(select(ContinuingEducationRecord).filter_by(year=2023)).one()
    assert stored.source == "平台导出.csv"
    assert str(stored.total_hours) == "92.5"
    event = session.scalars(select(AuditEvent).filter_by(event=ce.AUDIT_EVENT)).one()
    assert event.target == "平台导出.csv" and event.detail == report.summary


def test_good_xlsx_with_a_title_line_and_extra_columns(session):
    a = person()
    header = ("序号", "姓名", "身份证号", "单位", "年度", "公需科目学时", "专业科目学时", "备注")
    rows = [
        (1, "张建国", a, "设计院", 2022, 30, 60.5, ""),
        (2, "张建国", a.lower(), "设计院", 2023.0, 30.0, 60, None),  # lower-case x, float year
    ]
    data = xlsx_file(rows, header=header, title="甘肃省专业技术人员继续教育学时统计表")
    report = run(session, data, source="2023学时.xlsx")
    assert [(r.line, r.outcome) for r in report.rows] == [(3, ce.ADDED), (4, ce.ADDED)]
    assert records(session) == {(a, 2022): ("30.0", "60.5"), (a, 2023): ("30.0", "60.0")}


def test_gbk_csv_from_excel_is_read(session):
    a = person()
    data = csv_file([(a, "2024年", "30", "60")], encoding="gb18030")
    assert run(session, data).count(ce.ADDED) == 1
    assert (a, 2024) in records(session)


def test_importing_the_same_file_again_changes_nothing(session):
    a, b = person(), person()
    data = csv_file([(a, 2022, 30, 60), (b, 2022, 12, 80)])
    run(session, data)
    before = {r.id: r.imported_at for r in session.scalars(select(ContinuingEducationRecord))}
    report = run(session, data)
    assert [r.outcome for r in report.rows] == [ce.UNCHANGED, ce.UNCHANGED]
    assert record_count(session) == 2
    after = {r.id: r.imported_at for r in session.scalars(select(ContinuingEducationRecord))}
    assert after == before


def test_a_corrected_export_updates_the_year(session):
    a = person()
    run(session, csv_file([(a, 2023, 20, 60)]), source="第一次.csv")
    report = run(session, csv_file([(a, 2023, 30, 60), (a, 2024, 30, 60)]), source="更正.csv")
    assert [(r.outcome, r.message) for r in report.rows] == [
        (ce.UPDATED, "原公需科目20、专业科目60"),
        (ce.ADDED, ""),
    ]
    assert records(session) == {(a, 2023): ("30.0", "60.0"), (a, 2024): ("30.0", "60.0")}
    assert session.scalars(select(ContinuingEducationRecord).filter_by(year=2023)).one().source == (
        "更正.csv"
    )


BAD_ROWS = [
    # (身份证号, 年度, 公需, 专业) → the message of the refusal
    (("620102198503120000", 2023, 30, 60), "身份证号校验位错误"),
    (("62010219850312", 2023, 30, 60), "身份证号应为18位"),
    (("", 2023, 30, 60), "请输入身份证号"),
    (
        (None, 2021, 30, 60),
        "平台数据只导入2022年及以后的年度（2021年及之前的继续教育由申报人上传证明材料）",
    ),
    ((None, 2027, 30, 60), "年度晚于今年"),
    ((None, "二〇二三", 30, 60), "年度应为四位数字的年份，如2023"),
    ((None, "", 30, 60), "年度应为四位数字的年份，如2023"),
    ((None, 2023, "", 60), "公需科目学时不能为空"),
    ((None, 2023, -1, 60), "公需科目学时应为0-1000之间的数字，最多一位小数"),
    ((None, 2023, 30, "60.25"), "专业科目学时应为0-1000之间的数字，最多一位小数"),
    ((None, 2023, 30, "六十"), "专业科目学时应为0-1000之间的数字，最多一位小数"),
    ((None, 2023, 30, "1000.5"), "专业科目学时应为0-1000之间的数字，最多一位小数"),
    ((None, 2023, 30, "NaN"), "专业科目学时应为0-1000之间的数字，最多一位小数"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_a_bad_row_is_refused_with_its_reason(session, row, message):
    number = row[0] if row[0] is not None else person()
    report = run(session, csv_file([(number, *row[1:])]))
    assert [(r.outcome, r.message) for r in report.rows] == [(ce.REFUSED, message)]
    assert record_count(session) == 0


def test_numeric_id_cell_in_excel_is_refused(session):
    report = run(session, xlsx_file([(620102198503120113, 2023, 30, 60)]))
    assert report.rows[0].outcome == ce.REFUSED
    assert "数字格式" in report.rows[0].message


def test_mixed_file_imports_the_good_rows_and_reports_the_others(session):
    a, b = person(), person()
    data = csv_file(
        [
            (a, 2022, 30, 60),
            ("123", 2022, 30, 60),
            (b, 2023, 30, 60),
            (a.lower(), 2022, 31, 60),  # the same person and year again
            (b, 2019, 30, 60),
        ]
    )
    report = run(session, data)
    assert [(r.line, r.outcome) for r in report.rows] == [
        (2, ce.ADDED),
        (3, ce.REFUSED),
        (4, ce.ADDED),
        (5, ce.REFUSED),
        (6, ce.REFUSED),
    ]
    assert report.rows[3].message == "与第2行的身份证号和年度重复"
    assert [r.line for r in report.refused] == [3, 5, 6]
    assert records(session) == {(a, 2022): ("30.0", "60.0"), (b, 2023): ("30.0", "60.0")}
    assert report.summary == "共5行：新增2条，更新0条，无变化0条，未导入3行"


def _not_xlsx_zip() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", ce.MSG_EMPTY),
        (b"\xff\xfe\x00\x01\x02garbage\x00\x00", ce.MSG_UNREADABLE),
        (_not_xlsx_zip(), ce.MSG_UNREADABLE),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", ce.MSG_UNREADABLE),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ce.MSG_OLD_XLS),
        ("身份证号,年度\x01\x02".encode(), ce.MSG_UNREADABLE),
        (csv_file([], header=("身份证号", "年度", "公需科目学时", "专业科目学时")), ce.MSG_EMPTY),
        (csv_file([("x", 2023, 30)], header=("身份证号", "年度", "学时")), ce.MSG_HEADERS),
        (csv_file([(f"标题{i}",) for i in range(8)], header=None), ce.MSG_HEADERS),
        (xlsx_file([], header=None), ce.MSG_EMPTY),
    ],
)
def test_a_malformed_file_imports_nothing(session, data, message):
    with pytest.raises(ce.ImportFileError) as caught:
        ce.import_file(session, data, source="坏文件", today=TODAY, now=FIXED_NOW)
    session.rollback()
    assert caught.value.message == message
    assert record_count(session) == 0


def test_too_many_rows_imports_nothing(session):
    rows = [(person(), 2023, 30, 60) for _ in range(4)]
    with pytest.raises(ce.ImportFileError) as caught:
        ce.import_file(session, csv_file(rows), source="大", today=TODAY, now=FIXED_NOW, max_rows=3)
    session.rollback()
    assert caught.value.message == "一次最多导入3行，请分成几个文件导入，未导入任何数据"
    assert record_count(session) == 0


def test_records_for_one_person(session):
    a, b = person(), person()
    run(session, csv_file([(a, 2024, 30, 60), (a, 2022, 30, 60), (b, 2023, 30, 60)]))
    assert [r.year for r in ce.records_for(session, a, None)] == [2022, 2024]
    assert [r.year for r in ce.records_for(session, a.lower(), [2023, 2024])] == [2024]
    assert ce.records_for(session, "", None) == []
    assert ce.records_for(session, None, [2023]) == []
    assert ce.year_counts(session) == [(2024, 1), (2023, 1), (2022, 1)]


def test_large_import_looks_rows_up_in_chunks(session):
    people = [person() for _ in range(1200)]
    run(session, csv_file([(p, 2023, 30, 60) for p in people]))
    report = run(
        session, csv_file([(p, 2023, 30, 60 if i % 2 else 61) for i, p in enumerate(people)])
    )
    assert report.count(ce.UNCHANGED) == 600 and report.count(ce.UPDATED) == 600
    assert record_count(session) == 1200


def test_the_hours_rule_comes_from_the_settings(app):
    rule = ce.hours_rule(
        {"CONTINUING_EDUCATION_TOTAL_HOURS": 72, "CONTINUING_EDUCATION_PUBLIC_HOURS": "24"}
    )
    assert (rule.total, rule.public, rule.professional) == (72, 24, 60)
    with app.app_context():
        assert ce.hours_rule() == ce.HoursRule()
