"""Resident ID numbers (居民身份证号码, GB 11643-1999) and mainland mobile numbers.

The applicant's account name is their ID number and the initial password is its last 8
characters (manual §2), so the number is normalized the same way everywhere it is typed.

What python-stdnum (``stdnum.cn.ric``) is used for, and what is done here instead:

* check digit: ``ric.calc_check_digit`` (ISO 7064 MOD 11-2, as GB 11643-1999 prescribes);
* region: the administrative-division table ``stdnum`` ships (``cn/loc.dat``, read through
  ``stdnum.numdb``). A code is accepted if it appears in that table for *any* period.
  ``ric.get_birth_place`` / ``ric.validate`` are deliberately not used: they refuse a code
  unless it already existed in the holder's birth year (e.g. 620102 兰州城关区 is listed from
  1983, so everybody from 城关区 born before 1983 would be refused), and for a known province
  with an unknown county (e.g. 620199) they raise ``KeyError`` instead of a validation error;
* normalization, characters, length, birth-date range and gender are written here:
  ``ric.compact`` keeps inner spaces and does not convert a full-width X, and
  ``ric.get_birth_date`` accepts any year (0800, 3000 ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from stdnum import numdb
from stdnum.cn import ric
from wtforms import Field, Form
from wtforms.validators import ValidationError

ID_EMPTY = "请输入身份证号"
ID_BAD_CHARS = "身份证号只能由数字组成，最后一位可以是X"
ID_LENGTH = "身份证号应为18位"
ID_REGION = "身份证号前6位地区码无效"
ID_BIRTH_DATE = "出生日期无效"
ID_BIRTH_FUTURE = "出生日期无效：晚于今天"
ID_BIRTH_TOO_EARLY = "出生日期无效：早于1900年"
ID_CHECK_DIGIT = "身份证号校验位错误"

MOBILE_EMPTY = "请输入手机号码"
MOBILE_FORMAT = "手机号码格式不正确"

ID_LENGTH_DIGITS = 18
DEFAULT_PASSWORD_LENGTH = 8
EARLIEST_BIRTH_YEAR = 1900

# full-width digits and X/x (as typed with a Chinese input method) to ASCII
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE_SHAPE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_PREFIX = re.compile(r"^(\+86|0086)")


class FormatError(ValueError):
    """A typed value is malformed; ``message`` is the Chinese text to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IdNumberError(FormatError):
    """The ID number is not a valid 18-digit resident ID number."""


class MobileNumberError(FormatError):
    """The mobile number is not a mainland mobile number."""


@dataclass(frozen=True)
class IdNumberInfo:
    number: str  # normalized: 17 ASCII digits and a digit or upper-case X
    birth_date: date
    gender: str  # "男" or "女", from the 17th digit (odd = male)
    region_code: str  # first 6 digits


def _strip_and_widen(raw: str) -> str:
    """Remove all whitespace (including U+3000) and turn full-width digits/X into ASCII."""
    return "".join(raw.split()).translate(_FULL_WIDTH)


def normalize_id_number(raw: str | None) -> str:
    """Return the ID number without spaces, with ASCII digits and an upper-case X."""
    return _strip_and_widen(raw or "").replace("x", "X")


def _check_shape(number: str) -> None:
    if not number:
        raise IdNumberError(ID_EMPTY)
    if not re.fullmatch(r"[0-9X]+", number):
        raise IdNumberError(ID_BAD_CHARS)
    if len(number) != ID_LENGTH_DIGITS:
        raise IdNumberError(ID_LENGTH)
    if not _ID_SHAPE.fullmatch(number):  # an X anywhere but the last place
        raise IdNumberError(ID_BAD_CHARS)


def is_known_region(code: str) -> bool:
    """Whether ``code`` is a division code in stdnum's table, in any period of its history."""
    parts = numdb.get("cn/loc").info(code)
    return any("county" in props for _, props in parts)


def _birth_date(number: str, today: date) -> date:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(ID_BIRTH_DATE) from None
    if born > today:
        raise IdNumberError(ID_BIRTH_FUTURE)
    if born.year < EARLIEST_BIRTH_YEAR:
        raise IdNumberError(ID_BIRTH_TOO_EARLY)
    return born


def check_id_number(raw: str | None, today: date) -> IdNumberInfo:
    """Validate an 18-digit resident ID number; raise ``IdNumberError`` on the first problem.

    Order: empty, characters, length, region code, birth date, check digit.
    """
    number = normalize_id_number(raw)
    _check_shape(number)
    region = number[:6]
    if not is_known_region(region):
        raise IdNumberError(ID_REGION)
    born = _birth_date(number, today)
    if ric.calc_check_digit(number) != number[-1]:
        raise IdNumberError(ID_CHECK_DIGIT)
    gender = "男" if int(number[16]) % 2 else "女"
    return IdNumberInfo(number=number, birth_date=born, gender=gender, region_code=region)


def complete_id_number(body: str) -> str:
    """The 18-character number for a 17-digit body (stdnum's function wants a placeholder)."""
    return body + ric.calc_check_digit(body + "0")


def default_password(id_number: str) -> str:
    """The initial password: the last 8 characters of the normalized ID number (manual §2)."""
    number = normalize_id_number(id_number)
    if len(number) < DEFAULT_PASSWORD_LENGTH:
        raise ValueError("ID number too short for a default password")
    return number[-DEFAULT_PASSWORD_LENGTH:]


def check_mobile(raw: str | None) -> str:
    """Return the 11-digit mainland mobile number; spaces, hyphens and +86/0086 are dropped."""
    number = _MOBILE_PREFIX.sub("", _strip_and_widen(raw or "").replace("-", ""))
    if not number:
        raise MobileNumberError(MOBILE_EMPTY)
    if not _MOBILE_SHAPE.fullmatch(number):
        raise MobileNumberError(MOBILE_FORMAT)
    return number


class IdNumber:
    """WTForms validator: normalizes ``field.data`` in place, then checks it.

    ``message`` replaces every specific message; ``today`` is a clock for tests.
    """

    def __init__(self, message: str | None = None, today: Callable[[], date] | None = None) -> None:
        self.message = message
        self.today = today or date.today

    def __call__(self, form: Form, field: Field) -> None:
        field.data = normalize_id_number(field.data)
        try:
            check_id_number(field.data, self.today())
        except IdNumberError as exc:
            raise ValidationError(self.message or exc.message) from exc


class MobilePhone:
    """WTForms validator for a mainland mobile number; stores the 11 digits in ``field.data``."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        try:
            field.data = check_mobile(field.data)
        except MobileNumberError as exc:
            raise ValidationError(self.message or exc.message) from exc
