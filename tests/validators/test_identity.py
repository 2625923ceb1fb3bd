from datetime import date

import pytest
from wtforms import Form, StringField

from app.validators import identity as idv
from app.validators.identity import (
    IdNumber,
    IdNumberError,
    IdNumberInfo,
    MobileNumberError,
    MobilePhone,
    check_id_number,
    check_mobile,
    default_password,
    normalize_id_number,
)

TODAY = date(2024, 6, 1)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def gb11643(first17: str) -> str:
    """The full number with its GB 11643-1999 check digit, computed independently of stdnum."""
    assert len(first17) == 17 and first17.isdigit()
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def with_check(region: str, born: str, seq: str = "123") -> str:
    return gb11643(region + born + seq)


def wrong_check(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def find_x_number() -> str:
    """A valid Gansu number whose check digit is X."""
    for seq in range(1000):
        number = with_check("620102", "19800101", f"{seq:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit found")


X_NUMBER = find_x_number()


def to_full_width(text: str) -> str:
    return text.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))


# --- valid numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "born", "seq", "gender"),
    [
        ("620102", "19850317", "020", "女"),  # 兰州市城关区
        ("620102", "19700101", "123", "男"),  # born before 城关区's listed start (1983)
        ("620402", "19761230", "457", "男"),  # 白银市白银区, listed from 1985
        ("620602", "19900228", "018", "女"),  # 武威市凉州区, listed from 2001
        ("622901", "20000229", "335", "男"),  # 临夏市, leap day
        ("622301", "19690501", "240", "女"),  # abolished code (武威市 1985-2001)
        ("110101", "19000101", "001", "男"),  # earliest accepted year
        ("620102", "20240601", "002", "女"),  # born today
    ],
)
def test_valid_numbers(region: str, born: str, seq: str, gender: str) -> None:
    number = with_check(region, born, seq)
    info = check_id_number(number, TODAY)
    expected_date = date(int(born[:4]), int(born[4:6]), int(born[6:]))
    assert info == IdNumberInfo(number, expected_date, gender, region)


def test_info_is_frozen() -> None:
    info = check_id_number(with_check("620102", "19850317"), TODAY)
    with pytest.raises(AttributeError):
        info.number = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "typed",
    [
        X_NUMBER[:-1] + "x",  # lower-case x
        to_full_width(X_NUMBER),  # full-width digits and Ｘ
        to_full_width(X_NUMBER[:-1]) + "ｘ",  # full-width lower-case ｘ
        f" {X_NUMBER[:6]} {X_NUMBER[6:14]}\u3000{X_NUMBER[14:]}\t",  # spaces incl. U+3000
    ],
)
def test_normalized_inputs_are_accepted(typed: str) -> None:
    assert normalize_id_number(typed) == X_NUMBER
    assert check_id_number(typed, TODAY).number == X_NUMBER


def test_normalize_none_is_empty() -> None:
    assert normalize_id_number(None) == ""


# --- invalid numbers ----------------------------------------------------------------------

VALID = with_check("620102", "19850317", "021")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", idv.ID_EMPTY),
        ("  \u3000 ", idv.ID_EMPTY),
        (None, idv.ID_EMPTY),
        (VALID[:17], idv.ID_LENGTH),  # 17 characters
        (VALID + "1", idv.ID_LENGTH),  # 19 characters
        ("620102850317021", idv.ID_LENGTH),  # old 15-digit number
        (VALID[:8] + "A" + VALID[9:], idv.ID_BAD_CHARS),  # letter in the middle
        (VALID[:8] + "X" + VALID[9:], idv.ID_BAD_CHARS),  # X not in the last place
        (VALID[:6] + "-" + VALID[6:], idv.ID_BAD_CHARS),  # separators are not stripped
        ("张三", idv.ID_BAD_CHARS),
        ("٦٢٠١٠٢١٩٨٥٠٣١٧٠٢١٤", idv.ID_BAD_CHARS),  # non-ASCII digits other than full-width
        (wrong_check(VALID), idv.ID_CHECK_DIGIT),
        (wrong_check(X_NUMBER), idv.ID_CHECK_DIGIT),
        (with_check("999999", "19850317"), idv.ID_REGION),
        (with_check("620199", "19850317"), idv.ID_REGION),  # known province, unknown county
        (with_check("000000", "19850317"), idv.ID_REGION),
        (with_check("620102", "19990230"), idv.ID_BIRTH_DATE),  # 30 February
        (with_check("620102", "19000229"), idv.ID_BIRTH_DATE),  # 1900 is not a leap year
        (with_check("620102", "19851301"), idv.ID_BIRTH_DATE),  # month 13
        (with_check("620102", "19850000"), idv.ID_BIRTH_DATE),
        (with_check("620102", "20240602"), idv.ID_BIRTH_FUTURE),  # tomorrow
        (with_check("620102", "20990101"), idv.ID_BIRTH_FUTURE),
        (with_check("620102", "18991231"), idv.ID_BIRTH_TOO_EARLY),
    ],
)
def test_invalid_numbers(typed: str | None, message: str) -> None:
    with pytest.raises(IdNumberError) as caught:
        check_id_number(typed, TODAY)
    assert caught.value.message == message
    assert str(caught.value) == message


def test_region_is_checked_before_check_digit() -> None:
    number = wrong_check(with_check("999999", "19850317"))
    with pytest.raises(IdNumberError, match=idv.ID_REGION):
        check_id_number(number, TODAY)


# --- default password ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (VALID, VALID[-8:]),
        (X_NUMBER[:-1] + "x", X_NUMBER[-8:]),
        (to_full_width(X_NUMBER), X_NUMBER[-8:]),
    ],
)
def test_default_password_is_last_8_characters(typed: str, expected: str) -> None:
    assert default_password(typed) == expected
    assert len(expected) == 8


def test_default_password_needs_8_characters() -> None:
    with pytest.raises(ValueError):
        default_password("1234567")


# --- mobile numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_mobile_valid(typed: str, expected: str) -> None:
    assert check_mobile(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", idv.MOBILE_EMPTY),
        (None, idv.MOBILE_EMPTY),
        ("12812345678", idv.MOBILE_FORMAT),  # second digit 2
        ("1381234567", idv.MOBILE_FORMAT),  # 10 digits
        ("138123456789", idv.MOBILE_FORMAT),  # 12 digits
        ("1381234567a", idv.MOBILE_FORMAT),
        ("09312345678", idv.MOBILE_FORMAT),  # a landline
    ],
)
def test_mobile_invalid(typed: str | None, message: str) -> None:
    with pytest.raises(MobileNumberError) as caught:
        check_mobile(typed)
    assert caught.value.message == message


# --- WTForms validators -------------------------------------------------------------------


class PersonForm(Form):
    id_number = StringField(validators=[IdNumber(today=lambda: TODAY)])
    mobile = StringField(validators=[MobilePhone()])


def test_wtforms_validators_normalize_in_place() -> None:
    form = PersonForm(data={"id_number": X_NUMBER[:-1] + "x", "mobile": "138 1234 5678"})
    assert form.validate(), form.errors
    assert form.id_number.data == X_NUMBER
    assert form.mobile.data == "13812345678"


def test_wtforms_validators_report_specific_messages() -> None:
    form = PersonForm(data={"id_number": wrong_check(VALID) + " ", "mobile": "123"})
    assert not form.validate()
    assert form.id_number.errors == [idv.ID_CHECK_DIGIT]
    assert form.id_number.data == wrong_check(VALID)  # normalized even when invalid
    assert form.mobile.errors == [idv.MOBILE_FORMAT]


def test_wtforms_custom_message_overrides() -> None:
    class F(Form):
        id_number = StringField(validators=[IdNumber(message="请核对身份证号")])

    form = F(data={"id_number": "123"})
    assert not form.validate()
    assert form.id_number.errors == ["请核对身份证号"]
