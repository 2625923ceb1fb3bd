import pytest
from wtforms import Form, PasswordField, StringField

from app.validators import passwords as pw
from app.validators.passwords import (
    PASSWORD_RULE,
    StrongPassword,
    check_new_password,
    password_error_message,
)

ID_NUMBER = "62010219850317021X"
INITIAL = ID_NUMBER[-8:]  # the default password, manual §2
GOOD = "Gansu#2024"


def test_manual_wording_is_kept_verbatim() -> None:
    assert PASSWORD_RULE == "密码格式要求至少包含数字、大写字母、小写字母、其他字符且不少于8位"


@pytest.mark.parametrize("new", [GOOD, "Aa1!Aa1!", "Zz9中文密码ab", "a B 1 ~ c d", "Aa1!" * 32])
def test_good_passwords(new: str) -> None:
    assert check_new_password(new, initial=INITIAL, username=ID_NUMBER) == []


def test_empty() -> None:
    assert check_new_password("") == [pw.PW_EMPTY]
    assert check_new_password(None) == [pw.PW_EMPTY]


def test_at_least_8_characters() -> None:
    assert check_new_password("Aa1!Aa1") == [pw.PW_TOO_SHORT]


def test_at_most_128_characters() -> None:
    assert check_new_password("Aa1!" * 32 + "x") == [pw.PW_TOO_LONG]


def test_needs_a_digit() -> None:
    assert check_new_password("Gansu#abc") == [pw.PW_NO_DIGIT]


def test_needs_an_upper_case_letter() -> None:
    assert check_new_password("gansu#2024") == [pw.PW_NO_UPPER]


def test_needs_a_lower_case_letter() -> None:
    assert check_new_password("GANSU#2024") == [pw.PW_NO_LOWER]


def test_needs_another_character() -> None:
    assert check_new_password("Gansu2024") == [pw.PW_NO_OTHER]


def test_whitespace_is_not_the_other_character() -> None:
    assert check_new_password("Gansu 2024") == [pw.PW_NO_OTHER]


def test_must_differ_from_initial_password() -> None:
    assert pw.PW_SAME_AS_INITIAL in check_new_password(INITIAL, initial=INITIAL)
    # a strong password equal to the (reset) initial one is still refused
    assert check_new_password(GOOD, initial=GOOD) == [pw.PW_SAME_AS_INITIAL]


def test_must_not_equal_username() -> None:
    assert pw.PW_SAME_AS_USERNAME in check_new_password(ID_NUMBER, username=ID_NUMBER)
    # compared case-insensitively (an ID number's X may be typed as x)
    assert check_new_password("gANSU#2024", username=GOOD) == [pw.PW_SAME_AS_USERNAME]
    assert check_new_password(ID_NUMBER.lower(), username=ID_NUMBER)[-1] == pw.PW_SAME_AS_USERNAME


def test_every_problem_is_reported() -> None:
    assert check_new_password("abc", initial="abc", username="ABC") == [
        pw.PW_TOO_SHORT,
        pw.PW_NO_DIGIT,
        pw.PW_NO_UPPER,
        pw.PW_NO_OTHER,
        pw.PW_SAME_AS_INITIAL,
        pw.PW_SAME_AS_USERNAME,
    ]


def test_error_message_leads_with_manual_rule_for_format_problems() -> None:
    assert password_error_message([pw.PW_NO_UPPER]) == f"{PASSWORD_RULE}（{pw.PW_NO_UPPER}）"
    assert password_error_message([pw.PW_SAME_AS_INITIAL]) == pw.PW_SAME_AS_INITIAL


class ChangePasswordForm(Form):
    username = StringField()
    old_password = PasswordField()
    new_password = PasswordField(
        validators=[StrongPassword(initial_field="old_password", username_field="username")]
    )


def _form(new: str) -> ChangePasswordForm:
    return ChangePasswordForm(
        data={"username": ID_NUMBER, "old_password": INITIAL, "new_password": new}
    )


def test_wtforms_validator_accepts_good_password() -> None:
    form = _form(GOOD)
    assert form.validate(), form.errors


def test_wtforms_validator_reports_problems() -> None:
    form = _form("gansu2024")
    assert not form.validate()
    assert form.new_password.errors == [f"{PASSWORD_RULE}（{pw.PW_NO_UPPER}；{pw.PW_NO_OTHER}）"]


def test_wtforms_validator_compares_with_initial_field() -> None:
    form = _form(INITIAL)
    assert not form.validate()
    assert pw.PW_SAME_AS_INITIAL in form.new_password.errors[0]


def test_wtforms_validator_without_other_fields() -> None:
    class F(Form):
        new_password = PasswordField(validators=[StrongPassword()])

    assert F(data={"new_password": GOOD}).validate()
