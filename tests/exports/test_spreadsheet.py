"""The .xlsx builder on its own: plain rows in, a spooled workbook out (no app, no database)."""

from __future__ import annotations

import glob
import os
import tempfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.documents.spreadsheet import display_width, sheet_title, write_xlsx

HEADER = ("序号", "姓名", "提交时间", "出生日期")


def read(file):
    book = load_workbook(file)
    return book.worksheets[0]


def values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_header_rows_and_types():
    rows = [
        (1, "张伟", datetime(2026, 9, 1, 10, 30), date(1985, 1, 1)),
        (2, "欧阳娜娜", None, None),
    ]
    with write_xlsx("申报人员名单", HEADER, iter(rows)) as file:
        assert file.tell() == 0
        sheet = read(file)
    assert sheet.title == "申报人员名单"
    assert values(sheet) == [
        list(HEADER),
        [1, "张伟", datetime(2026, 9, 1, 10, 30), datetime(1985, 1, 1)],
        [2, "欧阳娜娜", None, None],
    ]
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["D2"].is_date and sheet["D2"].number_format == "yyyy-mm-dd"


def test_column_widths_follow_the_header_or_the_caller():
    with write_xlsx("表", ("身份证号", "ID"), [], widths=None) as file:
        sheet = read(file)
    assert sheet.column_dimensions["A"].width == display_width("身份证号") + 2 == 10
    assert sheet.column_dimensions["B"].width == 6  # never narrower than MIN_WIDTH
    with write_xlsx("表", ("身份证号", "ID"), [], widths=(21, 9)) as file:
        sheet = read(file)
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (21, 9)


def test_text_that_looks_like_a_formula_stays_text():
    rows = [('=HYPERLINK("http://evil","点我")', "#N/A", "=1+1")]
    with write_xlsx("表", ("甲", "乙", "丙"), rows) as file:
        sheet = read(file)
    assert [c.value for c in sheet[2]] == list(rows[0])
    assert {c.data_type for c in sheet[2]} == {"s"}


def test_control_characters_are_dropped_not_fatal():
    with write_xlsx("表", ("姓名",), [("张\x00三\x1f",)]) as file:
        assert read(file)["A2"].value == "张三"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("2026/第一次:评审会[结果]", "2026_第一次_评审会_结果_"),
        ("评" * 40, "评" * 31),
        ("", "Sheet1"),
        ("???", "___"),
    ],
)
def test_sheet_titles_obey_excel(title, expected):
    assert sheet_title(title) == expected
    with write_xlsx(title, ("甲",), []) as file:
        assert read(file).title == expected


def test_small_files_stay_in_memory_large_ones_spill_to_disk():
    rows = [(n, f"申报人{n}", datetime(2026, 1, 1), None) for n in range(2000)]
    with write_xlsx("表", HEADER, rows) as small:
        assert not small._rolled  # SpooledTemporaryFile's flag: still in memory
    with write_xlsx("表", HEADER, iter(rows), spool_max=4096) as large:
        assert large._rolled  # written to a real temporary file
        assert len(values(read(large))) == 2001


def _openpyxl_temp_files() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "openpyxl.*")))


def test_a_failing_row_source_leaves_no_temporary_file():
    before = _openpyxl_temp_files()

    def rows():
        yield (1, "张伟", None, None)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        write_xlsx("表", HEADER, rows())
    assert _openpyxl_temp_files() == before


def test_a_caption_line_goes_above_the_frozen_header():
    caption = "2026年09月28日至2026年10月09日职称申报公示名单"
    with write_xlsx(caption, HEADER, iter([(1, "=1+1", None, None)]), caption=caption) as file:
        sheet = read(file)
    assert values(sheet)[:2] == [[caption, None, None, None], list(HEADER)]
    assert sheet.cell(3, 2).value == "=1+1" and sheet.cell(3, 2).data_type == "s"
    assert sheet.freeze_panes == "A3"
