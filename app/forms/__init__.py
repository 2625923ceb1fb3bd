"""WTForms / Flask-WTF forms of the dossier; fields here speak Chinese in every error message.

WTForms' own parse errors ("Not a valid date value.", "Not a valid choice.") are English; the
fields below replace them, so a bad value always comes back with a Chinese message naming the
field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def optional_int(value: object) -> int | None:
    """Coerce a submitted id: digits → int, anything else → None (then "请选择…")."""
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


class ChoiceField(SelectField):
    """A <select> whose unknown values are refused in Chinese."""

    def pre_validate(self, form) -> None:
        if not self.validate_choice or self.data in (None, ""):
            return
        if not any(choice.selected for choice in self.iter_choices()):
            raise ValidationError(f"{self.label.text}的选项无效，请重新选择")


class DateInput(DateField):
    """<input type="date">; a value that is no date gets a Chinese message."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("format", "%Y-%m-%d")
        kwargs.setdefault("render_kw", {}).setdefault("type", "date")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist) -> None:
        text = " ".join(valuelist or []).strip()
        if not text:
            self.data = None
            return
        try:
            self.data = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            self.data = None
            raise ValueError(
                f"{self.label.text}格式不正确，请按“年-月-日”填写，如2015-07-01"
            ) from None


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def from_iso(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
