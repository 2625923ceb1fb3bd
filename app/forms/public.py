"""Forms of the public website (证书查询) and of the province admin's notices and 撤销职称."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import Form, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.workflow.integrity import REASON_MAX, REASON_REQUIRED, REASON_TOO_LONG


class CertificateCheckForm(Form):
    """Read from the query string: a check changes nothing, and a link can carry it."""

    number = StringField(
        "证书编号",
        validators=[
            DataRequired("请填写证书编号"),
            Length(max=40, message="证书编号不能超过40个字符"),
        ],
    )
    code = StringField(
        "校验码",
        validators=[
            DataRequired("请填写校验码"),
            Length(max=16, message="校验码不能超过16个字符"),
        ],
    )


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
