"""Forms of 审查推荐: return with reason, unit publicity, and the list filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, ValidationError

from app.forms import DateInput, options
from app.forms.basic import Required
from app.services.review import SECTIONS


class MultiCheckbox(SelectMultipleField):
    """Checkboxes whose forged or stale values are refused in Chinese (WTForms says English)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    @property
    def invalid_message(self) -> str:
        return f"{self.label.text}的选项无效，请刷新页面后重新选择"

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []
            raise ValueError(self.invalid_message) from None

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.invalid_message) from None


class ReturnForm(FlaskForm):
    reason = TextAreaField(
        "退回原因",
        validators=[
            DataRequired("请填写退回原因"),
            Length(max=1000, message="退回原因不能超过1000字"),
        ],
    )
    sections = MultiCheckbox("涉及模块", choices=options((s, s) for s in SECTIONS))


class PublicityForm(FlaskForm):
    applications = MultiCheckbox("公示人员", coerce=int, choices=[])
    starts_on = DateInput("公示开始日期", validators=[Required("请填写公示开始日期")])
    ends_on = DateInput("公示结束日期", validators=[Required("请填写公示结束日期")])
    place = StringField(
        "公示地点",
        validators=[
            DataRequired("请填写公示地点"),
            Length(max=200, message="公示地点不能超过200字"),
        ],
    )
    objections = TextAreaField("收到的异议", validators=[Length(max=2000)])
    handling = TextAreaField("异议处理情况", validators=[Length(max=2000)])

    @classmethod
    def of(cls, waiting) -> PublicityForm:
        """The form offering ``waiting`` dossiers, each by the applicant's name."""
        form = cls()
        form.applications.choices = options((a.id, a.applicant.name) for a in waiting)
        return form

    def record(self) -> dict:
        """What the publicity services take from the form."""
        return {
            "application_ids": self.applications.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "place": self.place.data,
            "objections": self.objections.data or "",
            "handling": self.handling.data or "",
        }
