"""申报基础信息 (manual §3): five drop-downs, 申报专业 in three cascading levels.

The choices are filled per request from the dictionaries (app/services/base_info.py); whether
the combination holds together (level of the series, three-level specialty of the series, all
active) is checked by the service, which names the field at fault.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.validators import DataRequired

from app.forms import ChoiceField, optional_int

#: the form's fields in page order, with the message for an empty one
REQUIRED = {
    "mode": "请选择申报方式",
    "series": "请选择申报系列",
    "qualification": "请选择申报资格",
    "specialty_1": "请选择申报专业（一级）",
    "specialty_2": "请选择申报专业（二级）",
    "specialty_3": "请选择申报专业（三级）",
    "scope": "请选择有效范围",
}


def _select(label: str, name: str) -> ChoiceField:
    # choices are validated by the service (it knows which series a level belongs to)
    return ChoiceField(
        label,
        coerce=optional_int,
        validate_choice=False,
        validators=[DataRequired(message=REQUIRED[name])],
    )


class BaseInfoForm(FlaskForm):
    mode = _select("申报方式", "mode")
    series = _select("申报系列", "series")
    qualification = _select("申报资格", "qualification")
    specialty_1 = _select("申报专业（一级）", "specialty_1")
    specialty_2 = _select("申报专业（二级）", "specialty_2")
    specialty_3 = _select("申报专业（三级）", "specialty_3")
    scope = _select("有效范围", "scope")
    #: without JavaScript, this re-fills the dependent drop-downs instead of entering
    refresh = SubmitField("更新选项")
    enter = SubmitField("进入申报")

    def ids(self) -> dict[str, int | None]:
        return {name: self[name].data for name in REQUIRED}
