"""人员账号: the province admin's account management, in place of FAB's user views.

FAB's UserDBModelView is not registered: its list embeds every user in the search widget, its
forms let any role be given to anyone, and its password views need no old password
(fab_pitfalls rows 2, 3, 14). This page lists every account (searched and paginated in the
database), creates staff of every role tied to the place its role needs (a unit by its code, or
a committee), moves staff, resets passwords (applicants back to the ID-number default), disables,
enables and unlocks. Applicant accounts themselves are created by their unit's admin.
"""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access
from flask_appbuilder.security.sqla.models import Role as RoleRow
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.extensions import db
from app.forms import options
from app.models import Account, Committee, Unit
from app.roles import STAFF_ROLES
from app.services import accounts
from app.services.accounts import AccountError
from app.services.pagination import paginate, parse_page
from app.views.unit import AccountPage, ConfirmForm, PasswordForm, StaffAccountActions
from app.workflow.states import Role

CATEGORY = "系统管理"


class StaffForm(FlaskForm):
    username = StringField("用户名", [DataRequired("请输入用户名"), Length(max=40)])
    name = StringField("姓名", [DataRequired("请输入姓名"), Length(max=accounts.NAME_MAX)])
    role = SelectField("角色", validate_choice=False)
    unit_code = StringField("单位代码", [Optional(), Length(max=32)])
    committee = SelectField("评委会", validate_choice=False)
    password = PasswordField("初始密码", [DataRequired("请输入初始密码"), Length(max=128)])


class PlaceForm(FlaskForm):
    name = StringField("姓名", [DataRequired("请输入姓名"), Length(max=accounts.NAME_MAX)])
    unit_code = StringField("单位代码", [Optional(), Length(max=32)])
    committee = SelectField("评委会", validate_choice=False)


def _committee_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Committee.id, Committee.name).order_by(Committee.name))
    return [("", "（无）")] + [(str(pk), name) for pk, name in rows]


def staff_role(value: str | None) -> Role:
    """A staff role from a form value (forms list them; a forged value is refused)."""
    role = Role.__members__.get(value or "")
    if role is None or role not in STAFF_ROLES:
        raise AccountError("请选择有效的角色")
    return role


def _place(unit_code: str | None, committee_id: str | None) -> tuple[Unit | None, Committee | None]:
    unit, committee = accounts.unit_by_code(db.session, unit_code), None
    if committee_id:
        committee = db.session.get(Committee, int(committee_id)) if committee_id.isdigit() else None
        if committee is None:
            raise AccountError("所选评委会不存在")
    return unit, committee


class AdminStaffView(StaffAccountActions, AccountPage):
    route_base = "/users"
    default_view = "index"

    def managed(self, pk: int) -> Account:
        account = db.session.get(Account, pk)
        if account is None or not accounts.can_manage(self.me(), account):
            abort(404)
        return account

    def _list_query(self, query: str, role: str):
        stmt = select(Account).options(selectinload(Account.roles)).order_by(Account.id)
        if query:
            stmt = stmt.where(
                or_(
                    Account.username.startswith(accounts.normalize_username(query)),
                    Account.first_name.contains(query),
                )
            )
        if role in Role.__members__:
            stmt = stmt.where(Account.roles.any(RoleRow.name == Role[role].value))
        return stmt

    @expose("/list/")
    @has_access
    def index(self):
        query = (request.args.get("q") or "").strip()[:50]
        role = request.args.get("role") or ""
        page = paginate(
            db.session, self._list_query(query, role), parse_page(request.args.get("page"))
        )
        committee_ids = {a.committee_id for a in page.items if a.committee_id}
        names = select(Committee.id, Committee.name).where(Committee.id.in_(committee_ids))
        committees = dict(db.session.execute(names).all()) if committee_ids else {}
        return self.render_page(
            "staff/list.html",
            "人员账号",
            page=page,
            committees=committees,
            q=query,
            role=role,
            roles=list(Role),
            manageable={a.id for a in page.items if accounts.can_manage(self.me(), a)},
        )

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = StaffForm()
        form.role.choices = options((r.name, r.value) for r in STAFF_ROLES)
        form.committee.choices = _committee_choices()
        if form.validate_on_submit() and self._create(form):
            return redirect(url_for(".index"))
        return self.render_page("staff/form.html", "新增工作人员", form=form)

    def _create(self, form: StaffForm) -> bool:
        def create(session, me):
            unit, committee = _place(form.unit_code.data, form.committee.data)
            accounts.create_staff(
                session,
                me,
                username=form.username.data,
                name=form.name.data,
                role=staff_role(form.role.data),
                password=form.password.data,
                unit=unit,
                committee=committee,
            )

        message = f"已创建账号 {form.username.data.strip().lower()}，首次登录须修改密码"
        return self._run(message, create)

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk: int):
        account = self.managed(pk)
        form = PlaceForm()
        form.committee.choices = _committee_choices()
        if request.method == "GET":
            form.name.data = account.name
            form.unit_code.data = account.unit.code if account.unit else ""
            form.committee.data = str(account.committee_id or "")
        elif form.validate_on_submit() and self._save(account, form):
            return redirect(url_for(".index"))
        return self.render_page("staff/edit.html", "修改账号", form=form, account=account)

    def _save(self, account: Account, form: PlaceForm) -> bool:
        def save(session, me):
            accounts.rename(session, me, account, form.name.data)
            if not account.id_number:  # applicants change unit by delete and create (manual §4)
                unit, committee = _place(form.unit_code.data, form.committee.data)
                accounts.move_staff(session, me, account, unit, committee)

        return self._run("已保存", save)

    @expose("/<int:pk>/password", methods=["GET", "POST"])
    @has_access
    def password(self, pk: int):
        account = self.managed(pk)
        if account.id_number:
            form = ConfirmForm()
            if request.method == "POST" and form.validate_on_submit():
                self._run("密码已重置为身份证号后8位", accounts.reset_to_default, account)
                return redirect(url_for(".index"))
            return self.render_page(
                "staff/reset_default.html", "重置密码", form=form, account=account
            )
        form = PasswordForm()
        if form.validate_on_submit() and self._run(
            "密码已重置，下次登录须修改", accounts.set_staff_password, account, form.password.data
        ):
            return redirect(url_for(".index"))
        return self.render_page("unit/staff_password.html", "重置密码", form=form, account=account)

    @expose("/<int:pk>/unlock", methods=["POST"])
    @has_access
    def unlock(self, pk: int):
        account = self.managed(pk)
        if ConfirmForm().validate_on_submit():
            self._run("已解除锁定", accounts.unlock, account)
        return redirect(url_for(".index"))


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(
        AdminStaffView,
        "人员账号",
        label="人员账号",
        icon="fa-id-card",
        category=CATEGORY,
        category_label=CATEGORY,
    )
