"""Validators and counting rules of the dossier's own sections (1 基本信息, 5 小结).

The 小结 counting rule lives here and, character for character, in app/static/js/summary.js
(``SUMMARY_UNCOUNTED`` is the same character class in both; a test compares them), so the live
count in the browser and the check on the server always agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from wtforms import Field, Form
from wtforms.validators import StopValidation, ValidationError

#: the rule stated on the 小结 page
SUMMARY_RULE = "字数按字符计：汉字、字母、数字和标点符号各计1字，空格、换行不计"
#: characters the count skips: ASCII and Unicode spaces, line breaks, zero-width spaces, BOM
SUMMARY_UNCOUNTED = r" \t\n\r\f\v\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
_UNCOUNTED = re.compile(f"[{SUMMARY_UNCOUNTED}]")
#: a guard against pasting a whole book: far above any batch's range
SUMMARY_MAX_CHARS = 5000
SUMMARY_TOO_LONG = "小结不能超过{limit}字（当前{count}字）"

EARLIEST_YEAR = 1950
ASSESSMENT_RESULTS = ("优秀", "合格", "基本合格", "不合格")
_YEAR_SEPARATORS = re.compile(r"[\s,，、;；/]+")


def count_summary_chars(text: str | None) -> int:
    """The 小结 word count: every character but whitespace (SUMMARY_RULE)."""
    text = text or ""
    return len(text) - len(_UNCOUNTED.findall(text))


def normalise_text(text: str | None) -> str:
    """Line breaks as the browser may send them (CRLF, CR) become LF; ends are trimmed."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def form_today(form: Form) -> date:
    """The form's notion of today (set by the view from the app clock), else the system date."""
    today = getattr(form, "today", None)
    return today if isinstance(today, date) else date.today()


class NotInFuture:
    """A date (or year) may not lie after today."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        value, today = field.data, form_today(form)
        if value is None:
            return
        late = value > today.year if isinstance(value, int) else value > today
        if late:
            raise ValidationError(self.message or f"{field.label.text}不能晚于今天")


class NotBefore:
    """A date may not lie before another field's date (e.g. 取得时间 after 参加工作时间)."""

    def __init__(self, other: str, message: str | None = None) -> None:
        self.other = other
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        other = form[self.other]
        if field.data is None or other.data is None or other.errors:
            return
        if field.data < other.data:
            label, other_label = field.label.text, other.label.text
            raise ValidationError(self.message or f"{label}不能早于{other_label}")


class RequiredWith:
    """Both of a pair or neither (现专业技术资格 and its 取得时间)."""

    def __init__(self, other: str, message: str | None = None) -> None:
        self.other = other
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        other = form[self.other]
        if _blank(field.data) and not _blank(other.data):
            raise StopValidation(
                self.message or f"填写了{other.label.text}，请同时填写{field.label.text}"
            )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_year(value: int, today: date, label: str = "年度") -> int:
    if value < EARLIEST_YEAR:
        raise ValueError(f"{label}{value}无效：早于{EARLIEST_YEAR}年")
    if value > today.year:
        raise ValueError(f"{label}{value}无效：晚于今年")
    return value


def parse_year(raw: str | None, today: date, label: str = "年度") -> int:
    text = (raw or "").strip().removesuffix("年度").removesuffix("年")
    if not text.isascii() or not text.isdigit() or len(text) != 4:
        raise ValueError(f"{label}应为4位数字年份，如2020")
    return check_year(int(text), today, label)


def parse_year_list(raw: str | None, today: date, label: str = "年度") -> list[int]:
    """ "2016、2018" → [2016, 2018]: sorted, each checked, no repeats."""
    parts = [p for p in _YEAR_SEPARATORS.split((raw or "").strip()) if p]
    years = [parse_year(part, today, label) for part in parts]
    repeated = sorted({y for y in years if years.count(y) > 1})
    if repeated:
        raise ValueError(f"{label}{repeated[0]}重复填写")
    return sorted(years)


class YearList:
    """WTForms validator: a list of years in ``field.data`` becomes ``field.years``."""

    def __init__(self, label: str | None = None) -> None:
        self.label = label

    def __call__(self, form: Form, field: Field) -> None:
        try:
            field.years = parse_year_list(field.data, form_today(form), self.label or "年度")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class Year:
    """WTForms validator for a year typed as text; the int goes to ``field.year``."""

    def __call__(self, form: Form, field: Field) -> None:
        try:
            field.year = parse_year(field.data, form_today(form), field.label.text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class MaxChars:
    """Length guard that names the limit and the actual count."""

    def __init__(self, limit: int, counter: Callable[[str], int] = len) -> None:
        self.limit = limit
        self.counter = counter

    def __call__(self, form: Form, field: Field) -> None:
        count = self.counter(field.data or "")
        if count > self.limit:
            raise ValidationError(f"{field.label.text}不能超过{self.limit}字（当前{count}字）")
