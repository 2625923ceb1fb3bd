"""WTForms validators for the entries of 学历资历, 专业技术工作经历 and 业绩成果.

Validators that need "today" or the batch year read ``form.context`` (an
``app.workflow.evidence.Context``), so they stay free of Flask and of the clock.
Every message is the Chinese text shown next to the field.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import urlsplit

from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from wtforms import Field, Form
from wtforms.validators import StopValidation, ValidationError

from app.workflow import evidence

#: 国内统一连续出版物号: CN 11-1234/N (the classification after the slash is optional)
_CN_SERIAL = re.compile(r"(?:CN)?\s?(\d{2})-(\d{4})(/[A-Z0-9.]{1,8})?")
#: 中国专利号 (申请号): ZL + 8 or 12 digits + "." + check digit (0-9 or X)
_PATENT = re.compile(r"(?:ZL)?\s?(\d{8}|\d{12})\.?([0-9X])")
CNKI_HOSTS = ("cnki.net", "cnki.com.cn")
_EARLIEST = date(1900, 1, 1)


def normalise_code(value: str | None) -> str:
    """Full-width letters, digits and dashes typed with a Chinese input method become ASCII."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


class Required:
    """Like DataRequired, but a value that could not be parsed keeps its own message.

    (WTForms' DataRequired clears the field's errors, so "格式不正确" would read "请填写".)
    """

    field_flags = {"required": True}

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if field.process_errors:
            raise StopValidation()
        empty = field.data is None or (isinstance(field.data, str) and not field.data.strip())
        if empty:
            raise StopValidation(self.message)


def strip_text(value):
    """Form filter: trim, drop control characters (but keep line breaks in text areas)."""
    if not isinstance(value, str):
        return value
    kept = (
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    return "".join(kept).replace("\r", "").strip()


class NotInFuture:
    """A date no later than today (the form's context)."""

    def __init__(self, message: str = "日期不能晚于今天") -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        value = field.data
        if isinstance(value, date):
            if value > form.context.today:
                raise ValidationError(self.message)
            if value < _EARLIEST:
                raise ValidationError("日期不能早于1900年")


class NotBefore:
    """This date is not before another field's date (end after start)."""

    def __init__(self, other: str, message: str | None = None) -> None:
        self.other = other
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        other = form[self.other]
        if (
            isinstance(field.data, date)
            and isinstance(other.data, date)
            and field.data < other.data
        ):
            raise ValidationError(self.message or f"不能早于{other.label.text}")


class YearNotInFuture:
    """A year between 1900 and the current year."""

    def __call__(self, form: Form, field: Field) -> None:
        if field.data is None:
            return
        if not 1900 <= field.data <= form.context.today.year:
            raise ValidationError(f"年份应在1900至{form.context.today.year}之间")


class XuexinCode:
    """学信网验证码: 12 digits or 16 letters/digits (reference/rules.md)."""

    message = "学信网验证码格式不正确（应为12位数字或16位字母数字）"

    def __call__(self, form: Form, field: Field) -> None:
        value = unicodedata.normalize("NFKC", field.data or "").strip()
        field.data = value.upper() if value else value
        if value and not evidence.XUEXIN_CODE.fullmatch(value):
            raise ValidationError(self.message)


class XuexinValidUntil:
    """The code's 验证有效期 runs at least to 31 December of the batch year."""

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, date) and field.data < form.context.xuexin_valid_until:
            year = form.context.batch_year
            raise ValidationError(f"验证有效期须至{year}年12月31日或之后，请在学信网重新申请")


class RequiredWhen:
    """Required when ``predicate(form)`` holds, otherwise optional."""

    def __init__(self, predicate, message: str) -> None:
        self.predicate = predicate
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        empty = field.data is None or (isinstance(field.data, str) and not field.data.strip())
        if empty and self.predicate(form):
            raise StopValidation(self.message)


class Issn:
    message = "ISSN格式不正确（如 1000-0054）"

    def __call__(self, form: Form, field: Field) -> None:
        value = normalise_code(field.data)
        if value.startswith("ISSN"):
            value = value[4:].strip()
        field.data = value
        if value and not (re.fullmatch(r"\d{4}-\d{3}[\dX]", value) and _issn_ok(value)):
            raise ValidationError(self.message)


def _issn_ok(value: str) -> bool:
    return stdnum_issn.is_valid(value)


class ChinaSerialNumber:
    """国内统一刊号 (CN 11-1234/N)."""

    message = "CN刊号格式不正确（如 CN 11-2223/N）"

    def __call__(self, form: Form, field: Field) -> None:
        value = normalise_code(field.data)
        match = _CN_SERIAL.fullmatch(value)
        if value and not match:
            raise ValidationError(self.message)
        if match:
            field.data = f"CN {match.group(1)}-{match.group(2)}{match.group(3) or ''}"


class Isbn:
    message = "ISBN格式不正确或校验位错误（应为10位或13位）"

    def __call__(self, form: Form, field: Field) -> None:
        value = normalise_code(field.data)
        if value.startswith("ISBN"):
            value = value[4:].strip(" :：")
        if not value:
            field.data = value
            return
        if not stdnum_isbn.is_valid(value):
            raise ValidationError(self.message)
        field.data = stdnum_isbn.format(value)


class PatentNumber:
    """中国专利号 with its check digit (weights 2-9 repeating, modulo 11, 10 written X)."""

    message = "专利号格式不正确或校验位错误（如 ZL201210012345.6）"

    def __call__(self, form: Form, field: Field) -> None:
        value = normalise_code(field.data).replace(" ", "")
        if not value:
            return
        match = _PATENT.fullmatch(value)
        if not match or _patent_check(match.group(1)) != match.group(2):
            raise ValidationError(self.message)
        field.data = f"ZL{match.group(1)}.{match.group(2)}"


def _patent_check(digits: str) -> str:
    weights = [2, 3, 4, 5, 6, 7, 8, 9]
    total = sum(int(d) * weights[i % 8] for i, d in enumerate(digits))
    rest = total % 11
    return "X" if rest == 10 else str(rest)


class CnkiUrl:
    """检索验证地址: optional, but when given an http(s) address on CNKI (中国知网)."""

    message = "检索验证地址须为中国知网（cnki.net 或 cnki.com.cn）的网址"

    def __call__(self, form: Form, field: Field) -> None:
        value = (field.data or "").strip()
        field.data = value
        if value and not is_cnki_url(value):
            raise ValidationError(self.message)


def is_cnki_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return False
    host = (parts.hostname or "").rstrip(".").lower()
    return any(host == h or host.endswith("." + h) for h in CNKI_HOSTS)
