"""审查推荐 for unit and department handlers and leaders."""

from __future__ import annotations

from flask import request
from flask_appbuilder import AppBuilder, expose, has_access

from app.extensions import db
from app.services.pagination import paginate, parse_page
from app.services.scopes import review_queue
from app.views.base import RoleView


class ReviewListView(RoleView):
    route_base = "/review"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        stmt = review_queue(self.actor())
        page = paginate(db.session, stmt, parse_page(request.args.get("page")))
        return self.render_page("review/list.html", "审查推荐", page=page)


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(ReviewListView, "审查推荐", label="审查推荐", icon="fa-check-square-o")
