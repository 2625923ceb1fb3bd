"""评委会秘书 pages: dossiers routed to the committee."""

from __future__ import annotations

from flask import request
from flask_appbuilder import AppBuilder, expose, has_access

from app.extensions import db
from app.models import Committee
from app.services.pagination import paginate, parse_page
from app.services.scopes import visible_applications
from app.views.base import RoleView


class CommitteeDossierView(RoleView):
    route_base = "/committee/dossiers"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        actor = self.actor()
        committee = db.session.get(Committee, actor.committee_id) if actor.committee_id else None
        stmt = visible_applications(actor)
        page = paginate(db.session, stmt, parse_page(request.args.get("page")))
        return self.render_page(
            "committee/dossiers.html", "评委会受理", page=page, committee=committee
        )


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(CommitteeDossierView, "评委会受理", label="评委会受理", icon="fa-gavel")
