"""评审专家 pages: the meetings an expert is drawn for, their dossiers, and the secret ballot."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access

from app.clock import now
from app.extensions import db
from app.forms.committee import VoteForm
from app.services import dossier_view, meetings
from app.services.pagination import paginate, parse_page
from app.views.base import RoleView, commit_or_flash, flash_errors
from app.workflow.states import VoteChoice


class ExpertHomeView(RoleView):
    route_base = "/expert"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        actor = self.actor()
        committee = self.own_committee()
        page = paginate(
            db.session, meetings.expert_meetings(actor), parse_page(request.args.get("page"))
        )
        return self.render_page("expert/home.html", "评审会议", committee=committee, page=page)


class ExpertMeetingView(RoleView):
    route_base = "/expert/meetings"
    default_view = "show"

    @expose("/<int:meeting_id>")
    @has_access
    def show(self, meeting_id: int):
        actor = self.actor()
        try:
            meeting, drawing = meetings.expert_meeting(db.session, actor, meeting_id)
        except meetings.MeetingNotFound:
            abort(404)
        return self.render_page(
            "expert/meeting.html",
            "评审会议",
            meeting=meeting,
            drawing=drawing,
            dossiers=meetings.expert_dossiers(db.session, actor, meeting),
        )

    @expose("/<int:meeting_id>/dossiers/<int:application_id>")
    @has_access
    def dossier(self, meeting_id: int, application_id: int):
        try:
            meeting, application, ballot = meetings.expert_dossier(
                db.session, self.actor(), meeting_id, application_id
            )
        except meetings.MeetingNotFound:
            abort(404)
        return self.render_page(
            "expert/dossier.html",
            "评审会议",
            meeting=meeting,
            application=application,
            ballot=ballot,
            form=VoteForm(),
            dossier=dossier_view.dossier_view(db.session, application),
        )

    @expose("/<int:meeting_id>/dossiers/<int:application_id>/vote", methods=["POST"])
    @has_access
    def vote(self, meeting_id: int, application_id: int):
        form = VoteForm()
        if not form.validate():
            flash_errors(form)
            return self._back(meeting_id, application_id)
        choice = VoteChoice[form.choice.data]
        return self._run(meeting_id, application_id, "已投票", meetings.cast_vote, choice)

    @expose("/<int:meeting_id>/dossiers/<int:application_id>/recuse", methods=["POST"])
    @has_access
    def recuse(self, meeting_id: int, application_id: int):
        return self._run(meeting_id, application_id, "已申请回避", meetings.declare_conflict)

    def _run(self, meeting_id: int, application_id: int, done: str, action, *args):
        actor = self.actor()
        commit_or_flash(
            lambda: action(db.session, actor, meeting_id, application_id, *args, now()),
            done,
            missing=(meetings.MeetingNotFound,),
        )
        # to the meeting page even on a refusal: the dossier page may be closed to them now
        return redirect(url_for("ExpertMeetingView.show", meeting_id=meeting_id))

    @staticmethod
    def _back(meeting_id: int, application_id: int):
        return redirect(
            url_for(
                "ExpertMeetingView.dossier", meeting_id=meeting_id, application_id=application_id
            )
        )


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(ExpertHomeView, "评审会议", label="评审会议", icon="fa-users")
    appbuilder.add_view_no_menu(ExpertMeetingView)
