"""The applicant's messages (站内消息): returns and status changes."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access
from sqlalchemy import select, update

from app.clock import now, to_naive_utc
from app.extensions import db
from app.models import Notification
from app.services.pagination import paginate, parse_page
from app.views.base import RoleView


class ApplicantMessageView(RoleView):
    route_base = "/applicant/messages"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        actor = self.actor()
        stmt = (
            select(Notification)
            .where(Notification.recipient_id == actor.user_id)
            .order_by(Notification.id.desc())
        )
        page = paginate(db.session, stmt, parse_page(request.args.get("page")))
        return self.render_page("applicant/messages.html", "消息", page=page)

    @expose("/read", methods=["POST"])
    @has_access
    def mark_read(self):
        actor = self.actor()
        ids = [int(i) for i in request.form.getlist("ids") if i.isdigit() and len(i) < 10]
        if not ids:
            abort(400, description="参数无效")
        db.session.execute(
            update(Notification)
            .where(
                Notification.id.in_(ids),
                Notification.recipient_id == actor.user_id,
                Notification.read_at.is_(None),
            )
            .values(read_at=to_naive_utc(now()))
        )
        db.session.commit()
        flash("已标记为已读", "success")
        return redirect(url_for("ApplicantMessageView.index"))


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view_no_menu(ApplicantMessageView)
