"""What every role's hand-written view shares."""

from __future__ import annotations

from flask import abort
from flask_appbuilder import BaseView
from flask_login import current_user

from app.services.scopes import actor_for
from app.workflow.actors import Actor


class RoleView(BaseView):
    """A BaseView whose pages extend layout.html (name and unit on every page)."""

    def actor(self) -> Actor:
        actor = actor_for(current_user)
        if actor is None:
            abort(403)
        return actor

    def render_page(self, template: str, title: str, **context):
        return self.render_template(template, title=title, **context)
