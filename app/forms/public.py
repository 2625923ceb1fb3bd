"""The public website's form: 证书查询."""

from __future__ import annotations

from wtforms import Form, StringField
from wtforms.validators import DataRequired, Length


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
