"""单位系统管理员 pages: the unit's applicant accounts (申报人账号) and unit staff (单位人员账号).

Everything is scoped to the admin's own unit: rows are loaded through the unit's scope, so an id
from another unit is simply not found (404), whatever the URL, action or form field says. A
person moving to another unit is deleted here and created again by the new unit's admin
(manual §4), so the unit itself is never a form field.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access
from flask_appbuilder.security.sqla.models import Role as RoleRow
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.clock import BEIJING, now
from app.extensions import db
from app.forms import options
from app.models import Account, Unit
from app.roles import grantable_roles
from app.services import account_import, accounts
from app.services.accounts import AccountError
from app.services.pagination import paginate, parse_page
from app.services.scopes import applications_by_applicant, unit_applicant_accounts
from app.validators.identity import IdNumber
from app.views.base import RoleView
from app.workflow.states import Role, UnitType


def beijing_today() -> date:
    return now().astimezone(BEIJING).date()


class ApplicantForm(FlaskForm):
    id_number = StringField(
        "身份证号", [DataRequired("请输入身份证号"), IdNumber(today=beijing_today)]
    )
    name = StringField("姓名", [DataRequired("请输入姓名"), Length(max=accounts.NAME_MAX)])


class NameForm(FlaskForm):
    name = StringField("姓名", [DataRequired("请输入姓名"), Length(max=accounts.NAME_MAX)])


class ConfirmForm(FlaskForm):
    """An empty form: a POST with its CSRF token."""


class PasswordForm(FlaskForm):
    password = PasswordField("新的初始密码", [DataRequired("请输入新的初始密码"), Length(max=128)])


class ImportForm(FlaskForm):
    file = FileField("账号文件（.xlsx 或 .csv）", [FileRequired("请选择要导入的文件")])


class AccountPage(RoleView):
    """What the account pages share: the signed-in admin and running one account service."""

    def me(self) -> Account:
        return db.session.merge(current_user._get_current_object())

    def _run(self, success: str, action, *args, **kwargs) -> bool:
        """Run ``action(session, me, ...)``; commit and flash, or roll back and flash why not."""
        try:
            action(db.session, self.me(), *args, **kwargs)
        except AccountError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return False
        except IntegrityError:  # someone else created the same account at the same moment
            db.session.rollback()
            flash(accounts.MSG_CONFLICT, "danger")
            return False
        db.session.commit()
        flash(success, "success")
        return True


class StaffAccountActions:
    """重置密码 and 停用/启用 of a staff account the page reaches through ``managed(pk)``
    (404 outside the page's scope); mixed into AccountPage views."""

    def listed(self):
        """The accounts the page lists (a Select)."""
        raise NotImplementedError

    def managed(self, pk: int) -> Account:
        """One of the listed accounts that the signed-in person may manage, or 404."""
        account = db.session.scalars(self.listed().where(Account.id == pk)).first()
        if account is None or not accounts.can_manage(self.me(), account):
            abort(404)
        return account

    @expose("/<int:pk>/password", methods=["GET", "POST"])
    @has_access
    def password(self, pk: int):
        account, form = self.managed(pk), PasswordForm()
        if form.validate_on_submit():
            message = f"{account.name}的密码已重置，下次登录须修改"
            if self._run(message, accounts.set_staff_password, account, form.password.data):
                return redirect(url_for(".index"))
        return self.render_page("unit/staff_password.html", "重置密码", form=form, account=account)

    @expose("/<int:pk>/active", methods=["POST"])
    @has_access
    def active(self, pk: int):
        account = self.managed(pk)
        if ConfirmForm().validate_on_submit():
            enable = not account.active
            self._run(
                "账号已启用" if enable else "账号已停用", accounts.set_active, account, enable
            )
        return redirect(url_for(".index"))


class _UnitScoped(AccountPage):
    """Pages of one base unit's 单位系统管理员."""

    def unit(self) -> Unit:
        actor = self.actor()
        unit = db.session.get(Unit, actor.unit_id) if actor.unit_id else None
        if unit is None or unit.type != UnitType.BASE:
            abort(403)
        return unit

    def _confirm(self, title: str, message: str, button: str, back: str):
        return self.render_page(
            "unit/confirm.html",
            title,
            form=ConfirmForm(),
            message=message,
            button=button,
            back=back,
        )


class UnitAccountView(_UnitScoped):
    route_base = "/unit/accounts"
    default_view = "index"

    def applicant(self, pk: int) -> Account:
        """An applicant account of this admin's unit, or 404."""
        stmt = unit_applicant_accounts(self.unit().id).where(Account.id == pk)
        return db.session.scalars(stmt).first() or abort(404)

    @expose("/")
    @has_access
    def index(self):
        query = (request.args.get("q") or "").strip()[:50]
        stmt = unit_applicant_accounts(self.unit().id)
        if query:
            stmt = stmt.where(
                or_(Account.username.startswith(query.upper()), Account.first_name.contains(query))
            )
        page = paginate(db.session, stmt, parse_page(request.args.get("page")))
        applications = applications_by_applicant(db.session, [a.id for a in page.items])
        return self.render_page(
            "unit/accounts.html", "申报人账号", page=page, applications=applications, q=query
        )

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        form, unit = ApplicantForm(), self.unit()
        if form.validate_on_submit():
            message = f"已创建申报人账号 {form.id_number.data}，初始密码为身份证号后8位"
            created = self._run(
                message,
                accounts.create_applicant,
                unit=unit,
                id_number=form.id_number.data,
                name=form.name.data,
                today=beijing_today(),
            )
            if created:
                return redirect(url_for(".index"))
        return self.render_page("unit/applicant_form.html", "新增申报人", form=form, unit=unit)

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk: int):
        account = self.applicant(pk)
        form = NameForm(obj=None if request.method == "POST" else account)
        if form.validate_on_submit() and self._run(
            "姓名已修改", accounts.rename, account, form.name.data
        ):
            return redirect(url_for(".index"))
        return self.render_page(
            "unit/applicant_edit.html", "修改申报人", form=form, account=account
        )

    @expose("/<int:pk>/reset", methods=["GET", "POST"])
    @has_access
    def reset(self, pk: int):
        account = self.applicant(pk)
        if request.method == "POST" and ConfirmForm().validate_on_submit():
            message = f"{account.name}的密码已重置为身份证号后8位"
            self._run(message, accounts.reset_to_default, account)
            return redirect(url_for(".index"))
        message = f"确定把 {account.name}（{account.username}）的密码重置为身份证号后8位吗？"
        return self._confirm("重置密码", message, "重置密码", url_for(".index"))

    @expose("/<int:pk>/delete", methods=["GET", "POST"])
    @has_access
    def delete(self, pk: int):
        account = self.applicant(pk)
        if request.method == "POST" and ConfirmForm().validate_on_submit():
            self._run("删除成功", accounts.delete_applicant, account)
            return redirect(url_for(".index"))
        message = f"确定删除申报人 {account.name}（{account.username}）的账号吗？"
        return self._confirm("删除申报人账号", message, "删除", url_for(".index"))

    @expose("/import", methods=["GET", "POST"])
    @has_access
    def batch(self):
        form, unit, results, error = ImportForm(), self.unit(), None, None
        if form.validate_on_submit():
            try:
                results = self._import(unit, form.file.data)
            except account_import.ImportFileError as exc:
                db.session.rollback()
                error = str(exc)
            except IntegrityError:
                db.session.rollback()
                error = accounts.MSG_CONFLICT
        return self.render_page(
            "unit/import.html", "批量导入申报人", form=form, results=results, error=error
        )

    def _import(self, unit: Unit, upload) -> list[account_import.RowResult]:
        limit = current_app.config["ACCOUNT_IMPORT_MAX_BYTES"]
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            size = f"{limit // 2**20}MB" if limit >= 2**20 else f"{limit // 1024}KB"
            raise account_import.ImportFileError(f"文件不能超过{size}")
        rows = account_import.read_rows(data, current_app.config["ACCOUNT_IMPORT_MAX_ROWS"])
        results = account_import.import_applicants(
            db.session, self.me(), unit=unit, rows=rows, today=beijing_today()
        )
        db.session.commit()
        return results

    @expose("/import/template.<fmt>")
    @has_access
    def template(self, fmt: str):
        builders = {
            "xlsx": (
                account_import.template_xlsx,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            "csv": (account_import.template_csv, "text/csv; charset=utf-8"),
        }
        if fmt not in builders:
            abort(404)
        build, mimetype = builders[fmt]
        response = make_response(build())
        response.headers["Content-Type"] = mimetype
        response.headers["Content-Disposition"] = (
            f"attachment; filename=applicant_accounts.{fmt}; "
            f"filename*=UTF-8''{quote('申报人账号模板')}.{fmt}"
        )
        return response


class StaffForm(FlaskForm):
    username = StringField("用户名", [DataRequired("请输入用户名"), Length(max=40)])
    name = StringField("姓名", [DataRequired("请输入姓名"), Length(max=accounts.NAME_MAX)])
    role = SelectField("角色", validate_choice=False)
    password = PasswordField("初始密码", [DataRequired("请输入初始密码"), Length(max=128)])


_UNIT_STAFF_ROLES = (Role.UNIT_ADMIN, Role.UNIT_HANDLER, Role.UNIT_LEADER)


def unit_staff_role(value: str | None) -> Role:
    """The role picked on the form; anything else (a forged value) is refused by the service."""
    role = Role.__members__.get(value or "")
    if role is None:
        raise AccountError("请选择有效的角色")
    return role


class UnitAccountStaffView(StaffAccountActions, _UnitScoped):
    """单位人员账号: the unit's 单位经办人 and 单位领导 (the admin sees the unit's admins too)."""

    route_base = "/unit/staff"
    default_view = "index"

    def listed(self):
        names = [role.value for role in _UNIT_STAFF_ROLES]
        return (
            select(Account)
            .where(Account.unit_id == self.unit().id, Account.roles.any(RoleRow.name.in_(names)))
            .options(selectinload(Account.roles))
            .order_by(Account.id)
        )

    @expose("/")
    @has_access
    def index(self):
        page = paginate(db.session, self.listed(), parse_page(request.args.get("page")))
        me = self.me()
        manageable = {a.id for a in page.items if accounts.can_manage(me, a)}
        return self.render_page("unit/staff.html", "单位人员账号", page=page, manageable=manageable)

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        form, unit = StaffForm(), self.unit()
        form.role.choices = options((r.name, r.value) for r in grantable_roles(Role.UNIT_ADMIN))
        if form.validate_on_submit() and self._run(
            f"已创建账号 {form.username.data.strip().lower()}", self._create, form, unit
        ):
            return redirect(url_for(".index"))
        return self.render_page("unit/staff_form.html", "新增单位人员", form=form, unit=unit)

    @staticmethod
    def _create(session, me: Account, form: StaffForm, unit: Unit) -> Account:
        return accounts.create_staff(
            session,
            me,
            username=form.username.data,
            name=form.name.data,
            role=unit_staff_role(form.role.data),
            password=form.password.data,
            unit=unit,
        )

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk: int):
        account = self.managed(pk)
        form = NameForm(obj=None if request.method == "POST" else account)
        if form.validate_on_submit() and self._run(
            "姓名已修改", accounts.rename, account, form.name.data
        ):
            return redirect(url_for(".index"))
        return self.render_page(
            "unit/applicant_edit.html", "修改单位人员", form=form, account=account
        )


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(UnitAccountView, "申报人账号", label="申报人账号", icon="fa-users")
    appbuilder.add_view(
        UnitAccountStaffView, "单位人员账号", label="单位人员账号", icon="fa-user-secret"
    )
