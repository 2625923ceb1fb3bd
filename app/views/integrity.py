"""省职改办管理员: 撤销职称 (a certificate obtained by fraud) and the 诚信档案 it records."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access
from flask_login import current_user

from app import clock
from app.extensions import db
from app.forms.admin import RevokeForm
from app.services import integrity
from app.services.pagination import paginate, parse_page
from app.views.admin import ADMIN_CATEGORY
from app.views.base import RoleView, commit_or_flash, flash_errors


class AdminIntegrityView(RoleView):
    route_base = "/admin/integrity"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self._page(RevokeForm())

    @expose("/", methods=["POST"])
    @has_access
    def revoke(self):
        form = RevokeForm()
        if not form.validate_on_submit():
            flash_errors(form)
            return self._page(form)
        done = commit_or_flash(
            lambda: integrity.revoke(
                db.session,
                self.actor(),
                current_user,
                form.number.data,
                form.reason.data,
                clock.now(),
            ),
            f"证书 {form.number.data.strip()} 已撤销，已记入诚信档案",
        )
        if done is None:
            return self._page(form)
        return redirect(url_for("AdminIntegrityView.index"))

    def _page(self, form: RevokeForm):
        page = paginate(db.session, integrity.records(), parse_page(request.args.get("page")))
        return self.render_page("admin/integrity.html", "撤销职称与诚信档案", form=form, page=page)


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(
        AdminIntegrityView,
        "撤销职称与诚信档案",
        label="撤销职称与诚信档案",
        icon="fa-ban",
        category=ADMIN_CATEGORY,
    )
