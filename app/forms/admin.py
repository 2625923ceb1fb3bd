"""The province admin's own forms: a notice's files and 撤销职称."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.workflow.integrity import REASON_MAX, REASON_REQUIRED, REASON_TOO_LONG


class NoticeFilesForm(FlaskForm):
    files = MultipleFileField("选择文件")


class RevokeForm(FlaskForm):
    number = StringField(
        "证书编号",
        validators=[
            DataRequired("请填写证书编号"),
            Length(max=40, message="证书编号不能超过40个字符"),
        ],
    )
    reason = TextAreaField(
        "撤销原因",
        validators=[
            DataRequired(REASON_REQUIRED),
            Length(max=REASON_MAX, message=REASON_TOO_LONG),
        ],
    )
