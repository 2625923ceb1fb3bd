"""专家库 (评委会秘书): the committee's own experts — add, rename, work unit (for 回避), reset the
password, disable. Only experts of the secretary's committee are reachable; others answer 404."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access

from app.extensions import db
from app.forms.committee import ExpertEditForm, ExpertForm
from app.models import Account, Committee
from app.services import accounts
from app.services.pagination import paginate, parse_page
from app.views.unit import AccountPage, StaffAccountActions
from app.workflow.states import Role


class CommitteeExpertView(StaffAccountActions, AccountPage):
    route_base = "/committee/experts"
    default_view = "index"

    def committee(self) -> Committee:
        return self.own_committee(required=True)

    def listed(self):
        return accounts.committee_experts(self.committee().id)

    @expose("/")
    @has_access
    def index(self):
        page = paginate(db.session, self.listed(), parse_page(request.args.get("page")))
        return self.render_page(
            "committee/experts.html", "专家库", page=page, committee=self.committee()
        )

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        form, committee = ExpertForm(), self.committee()
        message = f"已创建专家账号 {(form.username.data or '').strip().lower()}，首次登录须修改密码"
        if form.validate_on_submit() and self._run(message, self._create, form, committee):
            return redirect(url_for(".index"))
        return self.render_page("committee/expert_form.html", "新增评审专家", form=form)

    @staticmethod
    def _create(session, me: Account, form: ExpertForm, committee: Committee) -> None:
        accounts.create_staff(
            session,
            me,
            username=form.username.data,
            name=form.name.data,
            role=Role.EXPERT,
            password=form.password.data,
            unit=accounts.unit_by_code(session, form.unit_code.data),
            committee=committee,
        )

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk: int):
        account, form = self.managed(pk), ExpertEditForm()
        if request.method == "GET":
            form.name.data = account.name
            form.unit_code.data = account.unit.code if account.unit else ""
        elif form.validate_on_submit() and self._run(
            "已保存",
            accounts.update_expert,
            account,
            name=form.name.data,
            unit_code=form.unit_code.data,
        ):
            return redirect(url_for(".index"))
        return self.render_page(
            "committee/expert_form.html", "修改评审专家", form=form, account=account
        )


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(CommitteeExpertView, "专家库", label="专家库", icon="fa-id-badge")
