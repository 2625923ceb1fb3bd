"""Forms of the committee office and the experts: 不予受理, meetings, attendance, ballots."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, RadioField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.forms import DateInput, options
from app.forms.basic import Required
from app.forms.review import MultiCheckbox
from app.services.accounts import NAME_MAX as PERSON_NAME_MAX
from app.services.meetings import MAX_SIZE, NAME_MAX, PLACE_MAX
from app.workflow.states import VoteChoice


class RefuseForm(FlaskForm):
    reason = TextAreaField(
        "不予受理原因",
        validators=[
            DataRequired("请填写不予受理的原因"),
            Length(max=1000, message="不予受理原因不能超过1000字"),
        ],
    )


class ChineseIntegerField(IntegerField):
    """An integer whose parse error speaks Chinese."""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        if not (text.isascii() and text.isdigit() and len(text) < 6):
            self.data = None
            raise ValueError(f"{self.label.text}须为整数")
        self.data = int(text)


def _odd(form, field) -> None:
    if field.data is not None and field.data % 2 == 0:
        raise ValidationError("抽取的评审专家人数须为奇数")


class MeetingForm(FlaskForm):
    name = StringField(
        "会议名称",
        validators=[
            DataRequired("请填写会议名称"),
            Length(max=NAME_MAX, message=f"会议名称不能超过{NAME_MAX}字"),
        ],
    )
    held_on = DateInput("会议日期", validators=[Required("请填写会议日期")])
    place = StringField(
        "会议地点", validators=[Length(max=PLACE_MAX, message=f"会议地点不能超过{PLACE_MAX}字")]
    )
    size = ChineseIntegerField(
        "抽取专家人数",
        validators=[
            InputRequired("请填写抽取专家人数"),
            NumberRange(1, MAX_SIZE, message=f"抽取专家人数须在1-{MAX_SIZE}之间"),
            _odd,
        ],
    )


class IdsField(MultiCheckbox):
    """Checked row ids; the service checks each one against the actor's scope."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("default", list)
        super().__init__(label, validators, coerce=int, choices=[], validate_choice=False, **kwargs)

    def process_formdata(self, valuelist) -> None:
        if any(not (v.isascii() and v.isdigit() and len(v) < 10) for v in valuelist):
            self.data = []
            raise ValueError(self.invalid_message)
        self.data = [int(v) for v in valuelist]


class AddDossiersForm(FlaskForm):
    applications = IdsField("参评申报")


class AttendanceForm(FlaskForm):
    experts = IdsField("出席专家")


class IssueForm(FlaskForm):
    applications = IdsField("发证人员")


class ChoiceRadio(RadioField):
    def pre_validate(self, form) -> None:
        if self.data not in {c.value for c in self.choices}:
            raise ValidationError("请选择表决意见：同意、不同意或弃权")


class VoteForm(FlaskForm):
    choice = ChoiceRadio("表决意见", choices=options((c.name, c.label) for c in VoteChoice))


_EXPERT_NAME = [DataRequired("请输入姓名"), Length(max=PERSON_NAME_MAX)]
_EXPERT_UNIT = [Optional(), Length(max=32)]


class ExpertForm(FlaskForm):
    """专家库: a new expert; the work unit decides 回避 (same unit or its 主管部门)."""

    username = StringField("用户名", [DataRequired("请输入用户名"), Length(max=40)])
    name = StringField("姓名", _EXPERT_NAME)
    unit_code = StringField("工作单位代码", _EXPERT_UNIT)
    password = PasswordField("初始密码", [DataRequired("请输入初始密码"), Length(max=128)])


class ExpertEditForm(FlaskForm):
    name = StringField("姓名", _EXPERT_NAME)
    unit_code = StringField("工作单位代码", _EXPERT_UNIT)
