"""省职改办管理员 pages: the overview and the reference data (generated FAB views)."""

from __future__ import annotations

from enum import Enum

from flask_appbuilder import AppBuilder, ModelView, expose, has_access
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import func, select
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from app.extensions import db
from app.models import (
    Application,
    AuditEvent,
    Batch,
    BatchCommitteeOverride,
    Committee,
    Qualification,
    Series,
    Specialty,
    Unit,
    WorkdayOverride,
)
from app.services.audit import EVENT_LABELS
from app.views.base import RoleView
from app.workflow.states import ApplicationStatus, UnitType

ADMIN_CATEGORY = "系统管理"


class AdminDashboardView(RoleView):
    route_base = "/admin"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        counts = dict(
            db.session.execute(
                select(Application.status, func.count()).group_by(Application.status)
            ).all()
        )
        rows = [(status.value, counts.get(status, 0)) for status in ApplicationStatus]
        batch = db.session.scalars(select(Batch).where(Batch.is_current)).first()
        return self.render_page("admin/dashboard.html", "全省申报概况", rows=rows, batch=batch)


class ReferenceView(ModelView):
    """Generated views for reference data: no file routes, explicit columns."""

    #: no file routes (fab_pitfalls 9) and no bulk actions (they bypass filters: pitfall 1)
    exclude_route_methods = {
        "download",
        "api_read",
        "api_get",
        "api_create",
        "api_update",
        "action",
        "action_post",
    }
    page_size = 25

    def _init_forms(self):
        # FAB marks every NOT NULL column InputRequired, and an unticked checkbox sends nothing:
        # its generated forms could never save False. Its enum selects raise on a missing or
        # unknown value (a 500). Plain WTForms fields take their place.
        for columns, extra in (
            (self.add_columns, "add_form_extra_fields"),
            (self.edit_columns, "edit_form_extra_fields"),
        ):
            fields = {name: self._plain_field(name) for name in columns}
            fields = {name: field for name, field in fields.items() if field is not None}
            setattr(self, extra, {**fields, **(getattr(self, extra) or {})})
        super()._init_forms()

    def _plain_field(self, name: str):
        label = self.label_columns.get(name, name)
        description = self.description_columns.get(name, "")
        if self.datamodel.is_boolean(name):
            return BooleanField(label, description=description)
        if self.datamodel.is_enum(name) and not self.datamodel.is_nullable(name):
            return enum_select(
                label, description, self.datamodel.list_columns[name].type.enum_class
            )
        return None


def enum_select(label: str, description: str, enum_cls: type[Enum]) -> SelectField:
    """A required select of an enum's members, posted by name; anything else is refused."""

    def coerce(value):
        if isinstance(value, enum_cls):
            return value
        try:
            return enum_cls[value]
        except KeyError as exc:
            raise ValueError(value) from exc

    return SelectField(
        label,
        description=description,
        choices=[(member.name, member.value) for member in enum_cls],
        coerce=coerce,
        validators=[InputRequired(f"请选择{label}")],
        widget=Select2Widget(),
    )


class AdminUnitView(ReferenceView):
    datamodel = SQLAInterface(Unit)
    list_title = show_title = add_title = edit_title = "单位"
    list_columns = ["code", "name", "type", "region", "parent"]
    add_columns = edit_columns = ["code", "name", "type", "region", "parent"]
    #: only the province and departments can be parents: the select stays short at scale
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "parent": [["type", FilterNotEqual, UnitType.BASE]]
    }
    search_columns = ["code", "name", "region"]
    order_columns = ["code", "name"]
    label_columns = {
        "code": "单位代码",
        "name": "单位名称",
        "type": "单位类型",
        "region": "行政区划",
        "parent": "上级单位",
    }


class AdminSeriesView(ReferenceView):
    datamodel = SQLAInterface(Series)
    list_title = show_title = add_title = edit_title = "申报系列"
    list_columns = ["sort", "name", "ethics_check", "needs_license", "needs_exam", "active"]
    add_columns = edit_columns = [
        "code",
        "name",
        "sort",
        "ethics_check",
        "needs_license",
        "needs_exam",
        "active",
    ]
    search_columns = ["name", "code"]
    order_columns = ["sort", "name"]
    base_order = ("sort", "asc")
    label_columns = {
        "code": "代码",
        "name": "申报系列",
        "sort": "排序",
        "ethics_check": "师德/医德医风考核",
        "needs_license": "需从业资格证",
        "needs_exam": "需考试合格证",
        "active": "启用",
    }


class AdminQualificationView(ReferenceView):
    datamodel = SQLAInterface(Qualification)
    list_title = show_title = add_title = edit_title = "申报资格"
    list_columns = ["series.name", "name", "grade", "active"]
    add_columns = edit_columns = ["series", "code", "name", "grade", "sort", "active"]
    search_columns = ["name", "code"]
    order_columns = ["name"]
    label_columns = {
        "series.name": "申报系列",
        "series": "申报系列",
        "code": "代码",
        "name": "申报资格",
        "grade": "等级",
        "sort": "排序",
        "active": "启用",
    }


class AdminSpecialtyView(ReferenceView):
    datamodel = SQLAInterface(Specialty)
    list_title = show_title = "申报专业"
    list_columns = ["series.name", "path", "depth", "active"]
    search_columns = ["path", "name"]
    order_columns = ["path", "depth"]
    base_permissions = ["can_list", "can_show"]
    label_columns = {
        "series.name": "申报系列",
        "path": "申报专业",
        "depth": "级别",
        "active": "启用",
    }


_RATIO_RANGE = NumberRange(1, 100, message="比例的分子和分母须为1-100的整数")


def _not_above(other: str):
    def check(form, field) -> None:
        if (
            field.data is not None
            and form[other].data is not None
            and field.data > form[other].data
        ):
            raise ValidationError("分子不能大于分母")

    return check


class AdminCommitteeView(ReferenceView):
    datamodel = SQLAInterface(Committee)
    list_title = show_title = add_title = edit_title = "评委会"
    list_columns = ["name", "organiser", "org_root", "is_open", "paper_min", "paper_max"]
    add_columns = edit_columns = [
        "name",
        "organiser",
        "org_root",
        "is_open",
        "series",
        "qualifications",
        "specialties",
        "scopes",
        "paper_min",
        "paper_max",
        "quorum_numerator",
        "quorum_denominator",
        "pass_numerator",
        "pass_denominator",
        "result_publicity_days",
    ]
    validators_columns = {
        "result_publicity_days": [NumberRange(1, 60, message="评审结果公示工作日数须为1-60的整数")],
        "quorum_numerator": [_RATIO_RANGE, _not_above("quorum_denominator")],
        "quorum_denominator": [_RATIO_RANGE],
        "pass_numerator": [_RATIO_RANGE, _not_above("pass_denominator")],
        "pass_denominator": [_RATIO_RANGE],
    }
    search_columns = ["name", "is_open"]
    order_columns = ["name"]
    label_columns = {
        "name": "评委会名称",
        "organiser": "组建单位",
        "org_root": "服务范围（单位）",
        "is_open": "开放申报",
        "series": "受理系列",
        "qualifications": "受理资格",
        "scopes": "受理有效范围",
        "specialties": "受理专业",
        "paper_min": "论文最少篇数",
        "paper_max": "论文最多篇数",
        "quorum_numerator": "出席比例（分子）",
        "quorum_denominator": "出席比例（分母）",
        "pass_numerator": "通过比例（分子）",
        "pass_denominator": "通过比例（分母）",
        "result_publicity_days": "评审结果公示工作日数",
    }
    description_columns = {
        "quorum_numerator": "表决有效须出席专家不少于应到专家的该比例，默认 2/3",
        "pass_numerator": "同意票不少于出席专家的该比例为通过，默认 2/3（人社部令第40号）",
    }


class AdminBatchView(ReferenceView):
    datamodel = SQLAInterface(Batch)
    list_title = show_title = add_title = edit_title = "年度批次"
    list_columns = ["year", "name", "opens_at", "personal_deadline", "is_current"]
    add_columns = edit_columns = [
        "year",
        "name",
        "opens_at",
        "personal_deadline",
        "unit_deadline",
        "department_deadline",
        "committee_deadline",
        "summary_min",
        "summary_max",
        "unit_publicity_days",
        "is_current",
    ]
    search_columns = ["year", "name"]
    order_columns = ["year"]
    base_order = ("year", "desc")
    label_columns = {
        "year": "年度",
        "name": "批次名称",
        "opens_at": "系统开启时间（UTC）",
        "personal_deadline": "个人申报截止时间（UTC）",
        "unit_deadline": "单位推荐截止时间（UTC）",
        "department_deadline": "主管部门推荐截止时间（UTC）",
        "committee_deadline": "评委会截止时间（UTC）",
        "summary_min": "小结最少字数",
        "summary_max": "小结最多字数",
        "unit_publicity_days": "单位公示最少工作日",
        "is_current": "当前批次",
    }


class AdminBatchOverrideView(ReferenceView):
    """A committee's own deadlines inside a batch (DESIGN §3: per-committee overrides)."""

    datamodel = SQLAInterface(BatchCommitteeOverride)
    list_title = show_title = add_title = edit_title = "评委会单独截止时间"
    list_columns = ["batch", "committee", "personal_deadline", "unit_deadline"]
    add_columns = edit_columns = [
        "batch",
        "committee",
        "personal_deadline",
        "unit_deadline",
        "department_deadline",
        "committee_deadline",
    ]
    search_columns = ["personal_deadline"]
    order_columns = ["personal_deadline"]
    label_columns = {
        "batch": "年度批次",
        "committee": "评委会",
        "personal_deadline": "个人申报截止时间（UTC）",
        "unit_deadline": "单位推荐截止时间（UTC）",
        "department_deadline": "主管部门推荐截止时间（UTC）",
        "committee_deadline": "评委会截止时间（UTC）",
    }


class AdminAuditView(ReferenceView):
    datamodel = SQLAInterface(AuditEvent)
    formatters_columns = {"event": lambda code: EVENT_LABELS.get(code, code)}
    list_title = show_title = "审计日志"
    base_permissions = ["can_list", "can_show"]
    list_columns = ["at", "event", "actor_name", "ip", "target", "detail"]
    search_columns = ["event", "actor_name", "ip", "target", "at"]
    order_columns = ["at", "event"]
    base_order = ("at", "desc")
    label_columns = {
        "at": "时间（UTC）",
        "event": "事件",
        "actor_name": "操作人",
        "ip": "IP",
        "target": "对象",
        "detail": "详情",
    }


class AdminWorkdayView(ReferenceView):
    """Days the State Council's schedule sets, where the holidays package does not know them yet."""

    datamodel = SQLAInterface(WorkdayOverride)
    list_title = show_title = add_title = edit_title = "节假日调休"
    list_columns = ["day", "workday", "note"]
    add_columns = edit_columns = ["day", "workday", "note"]
    search_columns = ["day", "note"]
    order_columns = ["day"]
    base_order = ("day", "desc")
    label_columns = {"day": "日期", "workday": "上班（调休）", "note": "说明"}
    description_columns = {
        "workday": "勾选：该日为调休上班日；不勾选：该日放假。国务院公布次年安排后逐日登记。",
    }


_REFERENCE_VIEWS = [
    (AdminUnitView, "单位", "fa-sitemap"),
    (AdminSeriesView, "申报系列", "fa-list"),
    (AdminQualificationView, "申报资格", "fa-list-ol"),
    (AdminSpecialtyView, "申报专业", "fa-tree"),
    (AdminCommitteeView, "评委会", "fa-gavel"),
    (AdminBatchView, "年度批次", "fa-calendar"),
    (AdminBatchOverrideView, "评委会单独截止时间", "fa-clock-o"),
    (AdminAuditView, "审计日志", "fa-history"),
    (AdminWorkdayView, "节假日调休", "fa-calendar-o"),
]


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(
        AdminDashboardView, "全省申报概况", label="全省申报概况", icon="fa-dashboard"
    )
    for view, label, icon in _REFERENCE_VIEWS:
        appbuilder.add_view(
            view,
            label,
            label=label,
            icon=icon,
            category=ADMIN_CATEGORY,
            category_label=ADMIN_CATEGORY,
        )
