"""One form per kind of entry of 2 学历资历, 3 专业技术工作经历 and 4 业绩成果.

Labels are the manual's words. A form's fields become the entry's JSON ``data`` with
``form_to_data`` and come back with ``form_for``: the same two functions serve every kind.
Choice lists that depend on the series (经历类别, 业绩类型, 材料类型) are bound per request from
the dossier's ``Context``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, Field, IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.forms import ChoiceField, DateInput, from_iso, iso
from app.models import ItemKind
from app.validators import dossier_items as v
from app.workflow import evidence
from app.workflow.evidence import Context

NAME_MAX = 200
TEXT_MAX = 2000
REMARK_MAX = 500
CODE_MAX = 64

STANDARD_CHOICES = ("最优", "备选")
GRADES = ("正高级", "副高级", "中级", "助理级", "员级")
LEVELS = ("国家级", "省部级", "市厅级", "县级", "单位自设", "其他")


def select_choices(values) -> list[SelectChoice]:
    return [SelectChoice("", "请选择"), *(SelectChoice(value, value) for value in values)]


def _required(label: str) -> list:
    return [v.Required(f"请填写{label}")]


def _text(label: str, *, required: bool = True, max_chars: int = NAME_MAX, extra=()) -> Field:
    checks = _required(label) if required else [Optional()]
    checks.append(Length(max=max_chars, message=f"{label}不能超过{max_chars}个字"))
    return StringField(label, [*checks, *extra], filters=[v.strip_text])


def _area(label: str, *, required: bool = True, max_chars: int = TEXT_MAX) -> Field:
    checks = _required(label) if required else [Optional()]
    checks.append(Length(max=max_chars, message=f"{label}不能超过{max_chars}个字"))
    return TextAreaField(
        label, checks, filters=[v.strip_text], render_kw={"rows": 4, "maxlength": max_chars}
    )


def _choice(label: str, choices=(), *, required: bool = True) -> Field:
    checks = [v.Required(f"请选择{label}")] if required else [Optional()]
    return ChoiceField(label, checks, choices=select_choices(choices))


def _date(label: str, *, required: bool = True, future: bool = False, after: str = "") -> Field:
    checks: list = _required(label) if required else [Optional()]
    if not future:
        checks.append(v.NotInFuture(f"{label}不能晚于今天"))
    if after:
        checks.append(v.NotBefore(after))
    return DateInput(label, checks)


class IntInput(IntegerField):
    """An integer field whose parse error is Chinese."""

    def process_formdata(self, valuelist) -> None:
        text = " ".join(valuelist or []).strip()
        if not text:
            self.data = None
            return
        if not (text.isascii() and text.lstrip("-").isdigit() and len(text) < 10):
            self.data = None
            raise ValueError(f"{self.label.text}须为整数")
        self.data = int(text)


class DecimalInput(DecimalField):
    def process_formdata(self, valuelist) -> None:
        text = " ".join(valuelist or []).strip()
        if not text:
            self.data = None
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or len(text) > 12:
            self.data = None
            raise ValueError(f"{self.label.text}须为数字")
        self.data = value


def _int(label: str, low: int, high: int, *, required: bool = True) -> Field:
    checks: list = [v.Required(f"请填写{label}")] if required else [Optional()]
    checks.append(NumberRange(low, high, message=f"{label}应在{low}至{high}之间"))
    return IntInput(label, checks)


def _standard() -> Field:
    return _choice("业绩符合标准情况", STANDARD_CHOICES)


def _remark() -> Field:
    return _area("备注", required=False, max_chars=REMARK_MAX)


class ItemForm(FlaskForm):
    """What every entry form shares; subclasses set ``kind`` and ``columns``."""

    kind: ClassVar[ItemKind]
    #: the fields shown as columns of the section's list, in order
    columns: ClassVar[tuple[str, ...]] = ()
    #: fields whose choices come from the series: field name → Context attribute
    option_fields: ClassVar[dict[str, str]] = {}

    def __init__(self, *args, context: Context, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        for name, attribute in self.option_fields.items():
            values = getattr(context, attribute)
            self[name].choices = select_choices(values)

    def data_fields(self):
        return [field for field in self if field.name != "csrf_token"]


# --- 2 学历资历 ---------------------------------------------------------------------------------


def _xuexin_needed(form: ItemForm) -> bool:
    data = {"graduated_on": form.graduated_on.data, "category": form.category.data}
    return evidence.needs_xuexin_code(data)


class EducationForm(ItemForm):
    kind = ItemKind.EDUCATION
    columns = (
        "started_on",
        "graduated_on",
        "school",
        "major",
        "education",
        "degree",
        "study_form",
        "category",
        "xuexin_code",
    )

    started_on = _date("入学时间")
    graduated_on = _date("毕业时间", after="started_on")
    school = _text("学校名称")
    major = _text("所学专业")
    education = _choice(
        "学历", ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "技工院校", "其他")
    )
    degree = _choice("学位", ("无", "学士", "硕士", "博士"))
    study_form = _choice("学习形式", ("全日制", "非全日制"))
    category = _choice("教育类别", evidence.EDUCATION_CATEGORIES)
    xuexin_code = StringField(
        "学信网验证码",
        [
            v.RequiredWhen(_xuexin_needed, "2002年后取得的学历须填写学信网验证码"),
            Optional(),
            v.XuexinCode(),
        ],
        filters=[v.strip_text],
        render_kw={"maxlength": 16},
    )
    xuexin_valid_until = DateInput(
        "验证有效期",
        [
            v.RequiredWhen(_xuexin_needed, "请填写学信网验证码的验证有效期"),
            Optional(),
            v.XuexinValidUntil(),
        ],
    )
    remark = _remark()


class CertificateForm(ItemForm):
    kind = ItemKind.CERTIFICATE
    columns = ("title", "series", "grade", "obtained_on", "number", "obtained_by", "former_series")

    title = _text("资格名称")
    series = _text("所属系列")
    specialty = _text("专业", required=False)
    grade = _choice("资格级别", GRADES)
    obtained_on = _date("取得时间")
    number = _text("证书编号", required=False, max_chars=CODE_MAX)
    issuer = _text("发证单位", required=False)
    obtained_by = _choice("取得方式", ("评审", "考试", "考核认定", evidence.TRANSFER, "其他"))
    former_series = BooleanField("转系列前原系列的资格证书")
    remark = _remark()


class AppointmentForm(ItemForm):
    kind = ItemKind.APPOINTMENT
    columns = ("post", "employer", "staff_type", "proof_type", "started_on", "ended_on")

    post = _text("聘任职务")
    employer = _text("聘任单位")
    staff_type = _choice("人员类别", evidence.STAFF_TYPES)
    proof_type = _choice("证明材料类型", evidence.APPOINTMENT_PROOFS)
    started_on = _date("聘任起始时间")
    ended_on = _date("聘任终止时间", required=False, future=True, after="started_on")
    remark = _remark()

    def validate_proof_type(self, field: Field) -> None:
        allowed = evidence.STAFF_PROOFS.get(self.staff_type.data or "", ())
        if field.data and allowed and field.data not in allowed:
            raise ValidationError(f"{self.staff_type.data}须提供{'或'.join(allowed)}")


class MaterialForm(ItemForm):
    kind = ItemKind.MATERIAL
    columns = ("material_type", "name", "year", "hours", "number", "obtained_on")
    option_fields = {"material_type": "material_types"}

    material_type = _choice("材料类型")
    name = _text("材料名称")
    year = IntInput(
        "年度",
        [
            v.RequiredWhen(
                lambda form: form.material_type.data == evidence.CONTINUING_EDUCATION,
                "继续教育证明须填写年度",
            ),
            Optional(),
            v.YearNotInFuture(),
        ],
    )
    hours = _int("学时", 0, 2000, required=False)
    number = _text("证书编号", required=False, max_chars=CODE_MAX)
    obtained_on = _date("取得时间", required=False)
    remark = _remark()

    def validate_year(self, field: Field) -> None:
        data = {"material_type": self.material_type.data, "year": field.data}
        if evidence.platform_continuing_education(data):
            raise ValidationError(evidence.PLATFORM_NOTE)


class WorkHistoryForm(ItemForm):
    kind = ItemKind.WORK_HISTORY
    columns = ("started_on", "ended_on", "employer", "department", "post", "work")

    started_on = _date("起始时间")
    ended_on = _date("终止时间", required=False, after="started_on")
    employer = _text("工作单位")
    department = _text("所在部门", required=False)
    post = _text("职务（岗位）", required=False)
    work = _text("从事专业技术工作", required=False)
    remark = _remark()


class SocietyForm(ItemForm):
    kind = ItemKind.SOCIETY
    columns = ("organisation", "role", "started_on", "ended_on")

    organisation = _text("学术团体（社会兼职）名称")
    role = _text("担任职务")
    started_on = _date("起始时间")
    ended_on = _date("终止时间", required=False, after="started_on")
    remark = _remark()


# --- 3 专业技术工作经历 ------------------------------------------------------------------------


class ExperienceForm(ItemForm):
    kind = ItemKind.EXPERIENCE
    columns = ("started_on", "ended_on", "content", "remark")
    option_fields = {"category": "experience_categories"}

    category = _choice("经历类别")
    started_on = _date("起始时间")
    ended_on = _date("终止时间", required=False, after="started_on")
    content = _area("工作内容")
    remark = _remark()


# --- 4 业绩成果 ---------------------------------------------------------------------------------


class PaperForm(ItemForm):
    kind = ItemKind.PAPER
    columns = (
        "title",
        "journal",
        "issn",
        "cn",
        "year",
        "issue",
        "rank",
        "representative",
        "cnki_url",
        "standard",
    )

    title = _text("论文题目")
    journal = _text("刊物名称")
    issn = _text("ISSN", required=False, max_chars=20, extra=(v.Issn(),))
    cn = _text("CN", required=False, max_chars=30, extra=(v.ChinaSerialNumber(),))
    year = IntInput("发表年份", [v.Required("请填写发表年份"), v.YearNotInFuture()])
    issue = _text("期号", max_chars=20)
    rank = _int("本人排名", 1, 99)
    language = _choice("语种", ("中文", evidence.FOREIGN_LANGUAGE))
    representative = BooleanField("代表作")
    cnki_url = _text("检索验证地址", required=False, max_chars=500, extra=(v.CnkiUrl(),))
    standard = _standard()
    remark = _remark()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.issn.data or self.cn.data or self.issn.errors or self.cn.errors):
            self.cn.errors = [*self.cn.errors, "ISSN和CN刊号至少填写一项"]
            return False
        return valid


class BookForm(ItemForm):
    kind = ItemKind.BOOK
    columns = ("title", "publisher", "isbn", "published_on", "words", "role", "standard")

    title = _text("论著名称")
    publisher = _text("出版社")
    isbn = _text("ISBN", max_chars=20, extra=(v.Isbn(),))
    published_on = _date("出版时间")
    words = DecimalInput(
        "字数（万字）",
        [
            v.Required("请填写字数（万字）"),
            NumberRange(Decimal("0.1"), Decimal("10000"), message="字数（万字）应在0.1至10000之间"),
        ],
    )
    role = _choice("本人角色", (evidence.SOLE_AUTHOR, "主编", "副主编", "编委", "参编"))
    own_words = DecimalInput(
        "本人撰写字数（万字）",
        [
            Optional(),
            NumberRange(Decimal("0"), Decimal("10000"), message="本人撰写字数应在0至10000之间"),
        ],
    )
    standard = _standard()
    remark = _remark()

    def validate_own_words(self, field: Field) -> None:
        if field.data is not None and self.words.data is not None and field.data > self.words.data:
            raise ValidationError("本人撰写字数不能超过论著字数")


class ProjectForm(ItemForm):
    kind = ItemKind.PROJECT
    columns = ("title", "level", "source", "role", "rank", "started_on", "finished_on", "standard")

    title = _text("课题（项目）名称")
    level = _choice("项目级别", LEVELS)
    source = _text("项目来源")
    number = _text("项目编号", required=False, max_chars=CODE_MAX)
    role = _choice("本人角色", ("主持", "参与"))
    rank = _int("本人排名", 1, 99)
    started_on = _date("立项时间")
    finished_on = _date("结题时间", required=False, after="started_on")
    standard = _standard()
    remark = _remark()


class AwardForm(ItemForm):
    kind = ItemKind.AWARD
    columns = ("name", "category", "level", "grade", "issuer", "awarded_on", "rank", "standard")

    name = _text("奖励（称号）名称")
    category = _choice("奖励类别", ("科技奖励", "表彰奖励", "荣誉称号"))
    level = _choice("奖励级别", LEVELS)
    grade = _text("奖励等级", required=False, max_chars=40)
    issuer = _text("授奖单位")
    awarded_on = _date("获奖时间")
    rank = _int("本人排名", 1, 99, required=False)
    standard = _standard()
    remark = _remark()


class PatentForm(ItemForm):
    kind = ItemKind.PATENT
    columns = ("name", "patent_type", "number", "holder", "granted_on", "rank", "standard")

    name = _text("专利名称")
    patent_type = _choice("专利类型", ("发明专利", "实用新型专利", "外观设计专利"))
    number = _text("专利号", max_chars=30, extra=(v.PatentNumber(),))
    holder = _text("专利权人")
    granted_on = _date("授权公告日")
    rank = _int("本人排名", 1, 99)
    standard = _standard()
    remark = _remark()


class OtherForm(ItemForm):
    kind = ItemKind.OTHER
    columns = ("achievement_type", "name", "finished_on", "role", "content", "standard")
    option_fields = {"achievement_type": "achievement_types"}

    achievement_type = _choice("业绩类型")
    name = _text("业绩名称")
    finished_on = _date("完成时间", required=False)
    role = _text("本人角色", required=False, max_chars=40)
    content = _area("业绩内容", required=False)
    standard = _standard()
    remark = _remark()


FORMS: dict[ItemKind, type[ItemForm]] = {
    form.kind: form
    for form in (
        EducationForm,
        CertificateForm,
        AppointmentForm,
        MaterialForm,
        WorkHistoryForm,
        SocietyForm,
        ExperienceForm,
        PaperForm,
        BookForm,
        ProjectForm,
        AwardForm,
        PatentForm,
        OtherForm,
    )
}


# --- form ⇄ JSON data --------------------------------------------------------------------------


def form_to_data(form: ItemForm) -> dict[str, Any]:
    """The form's values as JSON-safe data: dates as ISO strings, decimals as strings."""
    return {field.name: _to_json(field.data) for field in form.data_fields()}


def _to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return iso(value)
    return value


def _from_json(field: Any, value: Any) -> Any:
    if value is None:
        return None
    field_class = field.field_class
    if issubclass(field_class, DateInput):
        return from_iso(value)
    if issubclass(field_class, DecimalField):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return value


_REQUEST = object()


def form_for(
    kind: ItemKind,
    context: Context,
    data: Mapping[str, Any] | None = None,
    formdata: Any = _REQUEST,
) -> ItemForm:
    """The kind's form, filled from saved ``data`` or from ``formdata`` (the request's by default).

    ``formdata=None`` ignores the request (showing saved data on a POST-free page).
    """
    form_class = FORMS[kind]
    values = {}
    if data:
        unbound = {name: field for name, field in _unbound_fields(form_class)}
        values = {k: _from_json(unbound[k], val) for k, val in data.items() if k in unbound}
    if formdata is _REQUEST:
        return form_class(context=context, data=values)
    return form_class(formdata, context=context, data=values)


def _unbound_fields(form_class: type[ItemForm]):
    for name in dir(form_class):
        if name.startswith("_"):
            continue
        value = getattr(form_class, name, None)
        if hasattr(value, "field_class") and hasattr(value, "args"):
            yield name, value


def field_labels(kind: ItemKind) -> dict[str, str]:
    """Field name → label, without building a form."""
    labels = {}
    for name, unbound in _unbound_fields(FORMS[kind]):
        labels[name] = unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else name)
    return labels


def display_value(value: Any) -> str:
    if value is None or value == "":
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)
