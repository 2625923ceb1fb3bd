"""Forms of the dossier's own sections: 1 基本信息 (个人信息, 证件照, 考核情况) and 5 小结.

Views set ``form.today`` from the app clock (dates may not lie in the future) and, for 个人信息,
``form.birth_date`` from the ID number (参加工作时间 at 16 at the earliest).
"""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Form, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import Email, Length, Optional, StopValidation, ValidationError

from app.forms import ChoiceField, DateInput, iso, options
from app.validators.dossier import (
    ASSESSMENT_RESULTS,
    SUMMARY_MAX_CHARS,
    MaxChars,
    NotBefore,
    NotInFuture,
    RequiredWith,
    YearList,
    form_today,
    normalise_text,
    parse_year,
)
from app.validators.identity import MobilePhone

ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]
POLITICAL_STATUSES = (
    "中共党员",
    "中共预备党员",
    "共青团员",
    "民革党员",
    "民盟盟员",
    "民建会员",
    "民进会员",
    "农工党党员",
    "致公党党员",
    "九三学社社员",
    "台盟盟员",
    "无党派人士",
    "群众",
)
PLEASE_CHOOSE = ("", "请选择")
MIN_WORKING_AGE = 16
MAX_ASSESSMENT_ROWS = 100


class Required:
    """Like DataRequired, but keeps a parse error ("格式不正确") instead of replacing it."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.errors:
            raise StopValidation()
        if field.data is None or (isinstance(field.data, str) and not field.data.strip()):
            raise StopValidation(self.message)


def _text(label: str, limit: int = 100, *validators) -> StringField:
    return StringField(label, [*validators, Length(max=limit, message=f"{label}不能超过{limit}字")])


def _optional_date(label: str, partner: str) -> DateInput:
    return DateInput(
        label,
        [
            RequiredWith(partner),
            Optional(),
            NotInFuture(),
            NotBefore("work_start", f"{label}不能早于参加工作时间"),
        ],
    )


class PersonalInfoForm(FlaskForm):
    """个人信息; 姓名, 身份证号, 性别, 出生日期 and 工作单位 come from the account."""

    ethnicity = ChoiceField(
        "民族",
        choices=options([PLEASE_CHOOSE, *((e, e) for e in ETHNICITIES)]),
        validators=[Required("请选择民族")],
    )
    political_status = ChoiceField(
        "政治面貌",
        choices=options([PLEASE_CHOOSE, *((p, p) for p in POLITICAL_STATUSES)]),
        validators=[Required("请选择政治面貌")],
    )
    mobile = StringField("手机", [MobilePhone()])
    email = _text(
        "电子邮箱", 100, Optional(), Email(message="电子邮箱格式不正确", granular_message=False)
    )
    work_start = DateInput("参加工作时间", [Required("请填写参加工作时间"), NotInFuture()])
    current_specialty = _text("现从事专业", 100, Required("请填写现从事专业"))
    current_title = _text("现专业技术资格", 100, RequiredWith("title_date"))
    title_date = _optional_date("取得时间", "current_title")
    current_post = _text("现聘专业技术职务", 100, RequiredWith("post_date"))
    post_date = _optional_date("聘任时间", "current_post")
    #: manual §3: the second choice after 评审正常 in the base info
    assessment_mode = RadioField(
        "申报方式二次选择",
        choices=options([("normal", "评审正常"), ("committee", "评委会考核认定")]),
        default="normal",
        validators=[Optional()],
        invalid_choice_message="申报方式二次选择无效",
    )
    save = SubmitField("保存")

    def __init__(self, *args, today: date | None = None, birth_date: date | None = None, **kw):
        super().__init__(*args, **kw)
        self.today = today
        self.birth_date = birth_date

    def validate_work_start(self, field) -> None:
        born = self.birth_date
        if field.data is None or born is None:
            return
        try:
            earliest = born.replace(year=born.year + MIN_WORKING_AGE)
        except ValueError:  # born on 29 February
            earliest = date(born.year + MIN_WORKING_AGE, 3, 1)
        if field.data < earliest:
            raise ValidationError(f"参加工作时间早于{MIN_WORKING_AGE}周岁，请核对")

    def body(self) -> dict:
        """The PERSONAL entry's JSON body."""
        text = {
            name: (self[name].data or "").strip()
            for name in (
                "ethnicity",
                "political_status",
                "mobile",
                "email",
                "current_specialty",
                "current_title",
                "current_post",
            )
        }
        dates = {name: iso(self[name].data) for name in ("work_start", "title_date", "post_date")}
        return text | dates

    @property
    def committee_assessment(self) -> bool:
        return self.assessment_mode.data == "committee"


_RESULT_CHOICES = options([PLEASE_CHOOSE, *((r, r) for r in ASSESSMENT_RESULTS)])


class AssessmentRowForm(Form):
    year = StringField("年度")
    result = ChoiceField("考核结果", choices=_RESULT_CHOICES)
    ethics = ChoiceField("师德（医德医风）考核情况", choices=_RESULT_CHOICES)

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.year, self.result, self.ethics))


class AssessmentForm(FlaskForm):
    """考核情况: one row per year (blank rows are ignored), and 现资格以来取得优秀年度."""

    rows = FieldList(FormField(AssessmentRowForm), max_entries=MAX_ASSESSMENT_ROWS)
    excellent_years = StringField(
        "现资格以来取得优秀年度",
        [
            Length(max=400, message="现资格以来取得优秀年度填写过长"),
            YearList("现资格以来取得优秀年度"),
        ],
    )
    save = SubmitField("保存")

    def __init__(self, *args, today: date | None = None, ethics: str | None = None, **kw):
        super().__init__(*args, **kw)
        self.today = today
        #: 师德 / 医德医风 when the series asks for that row, else None
        self.ethics = ethics
        self.row_messages: list[str] = []
        self.parsed: list[tuple[int, str, str | None]] = []

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.parsed, self.row_messages = [], []
        for number, entry in enumerate(self.rows.entries, start=1):
            row = entry.form
            field_errors = [e for f in (row.year, row.result, row.ethics) for e in f.errors]
            if field_errors:
                self.row_messages.extend(f"第{number}行：{e}" for e in field_errors)
            elif not row.is_blank():
                self._parse_row(number, row)
        return valid and not self.row_messages

    def _parse_row(self, number: int, row: AssessmentRowForm) -> None:
        try:
            year = parse_year(row.year.data, form_today(self), "考核年度")
        except ValueError as exc:
            self.row_messages.append(f"第{number}行：{exc}")
            return
        if not row.result.data:
            self.row_messages.append(f"第{number}行：请选择{year}年度的考核结果")
            return
        if self.ethics and not row.ethics.data:
            self.row_messages.append(f"第{number}行：请选择{year}年度的{self.ethics}考核情况")
            return
        if any(year == seen for seen, *_ in self.parsed):
            self.row_messages.append(f"第{number}行：考核年度{year}重复填写")
            return
        self.parsed.append((year, row.result.data, row.ethics.data or None))

    @property
    def years(self) -> list[int]:
        return list(getattr(self.excellent_years, "years", []))


class PhotoForm(FlaskForm):
    photo = FileField("上传证件照")
    confirm = SubmitField("确定")


class ProofForm(FlaskForm):
    proof = FileField("上传考核证明材料")
    upload = SubmitField("上传")


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""


class SummaryForm(FlaskForm):
    summary = TextAreaField("小结", [MaxChars(SUMMARY_MAX_CHARS)], filters=[normalise_text])
    save = SubmitField("保存")
    done = SubmitField("完成填报")
