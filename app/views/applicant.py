"""申报人 pages."""

from __future__ import annotations

from flask_appbuilder import AppBuilder, expose, has_access
from sqlalchemy import select

from app.extensions import db
from app.models import Batch
from app.services.scopes import visible_applications
from app.views.base import RoleView


class ApplicantHomeView(RoleView):
    route_base = "/applicant"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        actor = self.actor()
        application = db.session.scalars(visible_applications(actor).limit(1)).first()
        batch = db.session.scalars(select(Batch).where(Batch.is_current)).first()
        return self.render_page(
            "applicant/home.html", "填报信息", application=application, batch=batch
        )


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(ApplicantHomeView, "填报信息", label="填报信息", icon="fa-pencil")
