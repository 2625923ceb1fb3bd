"""The new-password rule (manual §2, 图4) and a WTForms validator for it.

Manual: "密码格式要求至少包含数字、大写字母、小写字母、其他字符且不少于8位". Letters and digits
mean ASCII ones; "其他字符" is any other character that is not whitespace (so a full-width
letter or a Chinese character counts as "other", a space does not).
"""

from __future__ import annotations

from collections.abc import Callable

from wtforms import Field, Form
from wtforms.validators import ValidationError

PASSWORD_RULE = "密码格式要求至少包含数字、大写字母、小写字母、其他字符且不少于8位"  # manual §2

MIN_LENGTH = 8
MAX_LENGTH = 128

PW_EMPTY = "请输入新密码"
PW_TOO_SHORT = f"密码不少于{MIN_LENGTH}位"
PW_TOO_LONG = f"密码不能超过{MAX_LENGTH}位"
PW_NO_DIGIT = "密码须包含数字"
PW_NO_UPPER = "密码须包含大写字母"
PW_NO_LOWER = "密码须包含小写字母"
PW_NO_OTHER = "密码须包含数字和字母以外的其他字符（如 !@#$%）"
PW_SAME_AS_INITIAL = "新密码不能与初始密码相同"
PW_SAME_AS_USERNAME = "密码不能与用户名（身份证号）相同"

#: the problems that the manual's format sentence describes
FORMAT_PROBLEMS = frozenset({PW_TOO_SHORT, PW_NO_DIGIT, PW_NO_UPPER, PW_NO_LOWER, PW_NO_OTHER})


def _is_other(char: str) -> bool:
    return not (char.isascii() and char.isalnum()) and not char.isspace()


_CLASSES: tuple[tuple[Callable[[str], bool], str], ...] = (
    (lambda c: "0" <= c <= "9", PW_NO_DIGIT),
    (lambda c: "A" <= c <= "Z", PW_NO_UPPER),
    (lambda c: "a" <= c <= "z", PW_NO_LOWER),
    (_is_other, PW_NO_OTHER),
)


def _length_problems(new: str) -> list[str]:
    if len(new) < MIN_LENGTH:
        return [PW_TOO_SHORT]
    if len(new) > MAX_LENGTH:
        return [PW_TOO_LONG]
    return []


def _class_problems(new: str) -> list[str]:
    return [message for test, message in _CLASSES if not any(test(c) for c in new)]


def _reuse_problems(new: str, initial: str | None, username: str | None) -> list[str]:
    problems = []
    if initial and new == initial:
        problems.append(PW_SAME_AS_INITIAL)
    if username and new.strip().upper() == username.strip().upper():
        problems.append(PW_SAME_AS_USERNAME)
    return problems


def check_new_password(
    new: str | None, *, initial: str | None = None, username: str | None = None
) -> list[str]:
    """Every problem with ``new`` as a list of Chinese messages; an empty list means it is ok.

    ``initial`` is the initial (default) password it must differ from; ``username`` is the
    account name (the ID number), which the password must not equal (case-insensitively).
    """
    if not new:
        return [PW_EMPTY]
    return _length_problems(new) + _class_problems(new) + _reuse_problems(new, initial, username)


def password_error_message(problems: list[str]) -> str:
    """One line for a form: the manual's rule first if a format problem is among them."""
    text = "；".join(problems)
    if FORMAT_PROBLEMS.intersection(problems):
        return f"{PASSWORD_RULE}（{text}）"
    return text


class StrongPassword:
    """WTForms validator for a new password.

    ``initial_field`` / ``username_field`` name other fields of the same form holding the
    initial password and the account name; either may be left out.
    """

    def __init__(self, initial_field: str | None = None, username_field: str | None = None) -> None:
        self.initial_field = initial_field
        self.username_field = username_field

    def _other(self, form: Form, name: str | None) -> str | None:
        if name is None:
            return None
        try:
            return form[name].data
        except KeyError as exc:
            raise ValidationError(f"表单缺少字段 {name}") from exc

    def __call__(self, form: Form, field: Field) -> None:
        problems = check_new_password(
            field.data,
            initial=self._other(form, self.initial_field),
            username=self._other(form, self.username_field),
        )
        if problems:
            raise ValidationError(password_error_message(problems))
