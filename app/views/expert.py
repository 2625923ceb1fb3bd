"""评审专家 pages."""

from __future__ import annotations

from flask_appbuilder import AppBuilder, expose, has_access

from app.extensions import db
from app.models import Committee
from app.views.base import RoleView


class ExpertHomeView(RoleView):
    route_base = "/expert"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        actor = self.actor()
        committee = db.session.get(Committee, actor.committee_id) if actor.committee_id else None
        return self.render_page("expert/home.html", "评审会议", committee=committee)


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(ExpertHomeView, "评审会议", label="评审会议", icon="fa-users")
