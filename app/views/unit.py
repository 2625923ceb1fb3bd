"""单位系统管理员 pages: the unit's applicant accounts."""

from __future__ import annotations

from flask import request
from flask_appbuilder import AppBuilder, expose, has_access

from app.extensions import db
from app.services.pagination import paginate, parse_page
from app.services.scopes import applications_by_applicant, unit_applicant_accounts
from app.views.base import RoleView


class UnitAccountView(RoleView):
    route_base = "/unit/accounts"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        actor = self.actor()
        page = paginate(
            db.session, unit_applicant_accounts(actor.unit_id), parse_page(request.args.get("page"))
        )
        applications = applications_by_applicant(db.session, [a.id for a in page.items])
        return self.render_page(
            "unit/accounts.html", "申报人账号", page=page, applications=applications
        )


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(UnitAccountView, "申报人账号", label="申报人账号", icon="fa-users")
