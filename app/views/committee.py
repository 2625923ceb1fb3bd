"""评委会秘书 pages: 评委会受理 of routed dossiers, and the 评审会议 that vote on them."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access
from flask_login import current_user

from app.clock import now
from app.extensions import db
from app.forms.committee import AddDossiersForm, AttendanceForm, MeetingForm, RefuseForm
from app.forms.review import ReturnForm
from app.services import dossier_view, meetings, review
from app.services.dossier import DossierNotFound, application_in_scope
from app.services.pagination import paginate, parse_page
from app.views.base import RoleView, commit_or_flash, flash_errors
from app.views.review import DossierActionMixin
from app.workflow import permissions
from app.workflow.errors import WorkflowError


class CommitteeDossierView(DossierActionMixin, RoleView):
    route_base = "/committee/dossiers"
    default_view = "index"
    show_endpoint = "CommitteeDossierView.show"

    @expose("/")
    @has_access
    def index(self):
        actor = self.actor()
        committee = self.own_committee()
        waiting = request.args.get("tab", "waiting") != "all"
        stmt = review.filtered_queue(actor, review.ReviewFilter(waiting_only=waiting))
        page = paginate(db.session, stmt, parse_page(request.args.get("page")))
        return self.render_page(
            "committee/dossiers.html", "评委会受理", page=page, committee=committee, waiting=waiting
        )

    @expose("/<int:application_id>")
    @has_access
    def show(self, application_id: int):
        actor = self.actor()
        try:
            application = application_in_scope(db.session, actor, application_id)
        except DossierNotFound:
            abort(404)
        return self.render_page(
            "committee/dossier.html",
            "评委会受理",
            application=application,
            return_form=ReturnForm(),
            refuse_form=RefuseForm(),
            can_accept=permissions.can_accept(application, actor),
            dossier=dossier_view.dossier_view(db.session, application),
            dossier_changes=dossier_view.changes_since_previous(db.session, application),
        )

    @expose("/<int:application_id>/accept", methods=["POST"])
    @has_access
    def accept(self, application_id: int):
        return self._run(application_id, "受理", review.accept)

    @expose("/<int:application_id>/refuse", methods=["POST"])
    @has_access
    def refuse(self, application_id: int):
        form = RefuseForm()
        if not form.validate():
            flash_errors(form)
            return self._back(application_id)
        return self._run(application_id, "不予受理", review.refuse, reason=form.reason.data)

    @expose("/<int:application_id>/return", methods=["POST"])
    @has_access
    def return_(self, application_id: int):
        # a returned dossier leaves the committee's scope: back to the list
        return self._return(application_id, after=url_for("CommitteeDossierView.index"))


class CommitteeMeetingView(RoleView):
    """评审会议: create, route dossiers, draw experts, record attendance, open and close voting."""

    route_base = "/committee/meetings"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        actor = self.actor()
        form = MeetingForm()
        if form.validate_on_submit():
            meeting = self._create(actor, form)
            if meeting is not None:
                return redirect(url_for("CommitteeMeetingView.show", meeting_id=meeting.id))
        elif request.method == "POST":
            flash_errors(form)
        page = paginate(
            db.session, meetings.committee_meetings(actor), parse_page(request.args.get("page"))
        )
        pool = db.session.scalars(meetings.expert_pool(actor.committee_id)).all()
        return self.render_page(
            "committee/meetings.html", "评审会议", form=form, page=page, pool=pool
        )

    def _create(self, actor, form):
        return commit_or_flash(
            lambda: meetings.create_meeting(
                db.session,
                actor,
                current_user,
                name=form.name.data,
                held_on=form.held_on.data,
                place=form.place.data or "",
                size=form.size.data,
            ),
            "评审会议已创建",
        )

    @expose("/<int:meeting_id>")
    @has_access
    def show(self, meeting_id: int):
        actor = self.actor()
        meeting = self._meeting(actor, meeting_id)
        candidates = paginate(
            db.session,
            meetings.assignable_applications(actor),
            parse_page(request.args.get("page")),
        )
        quorum, passing = meetings.ratios(meeting.committee)
        return self.render_page(
            "committee/meeting.html",
            "评审会议",
            meeting=meeting,
            candidates=candidates,
            add_form=AddDossiersForm(),
            attendance_form=AttendanceForm(),
            quorum=quorum,
            passing=passing,
            **meetings.meeting_page_data(db.session, meeting),
        )

    def _meeting(self, actor, meeting_id: int):
        try:
            return meetings.meeting_for(db.session, actor, meeting_id)
        except (meetings.MeetingNotFound, WorkflowError):
            abort(404)

    @expose("/<int:meeting_id>/add", methods=["POST"])
    @has_access
    def add(self, meeting_id: int):
        form = AddDossiersForm()
        if not form.validate():
            flash_errors(form)
            return self._back(meeting_id)
        ids = form.applications.data
        return self._run(
            meeting_id,
            "已加入本次评审会议",
            lambda actor: meetings.add_dossiers(db.session, actor, meeting_id, ids),
        )

    @expose("/<int:meeting_id>/remove/<int:application_id>", methods=["POST"])
    @has_access
    def remove(self, meeting_id: int, application_id: int):
        return self._run(
            meeting_id,
            "已移出本次评审会议",
            lambda actor: meetings.remove_dossier(db.session, actor, meeting_id, application_id),
        )

    @expose("/<int:meeting_id>/draw", methods=["POST"])
    @has_access
    def draw(self, meeting_id: int):
        return self._run(
            meeting_id,
            "已随机抽取评审专家",
            lambda actor: meetings.draw(db.session, actor, current_user, meeting_id, now()),
        )

    @expose("/<int:meeting_id>/start", methods=["POST"])
    @has_access
    def start(self, meeting_id: int):
        form = AttendanceForm()
        if not form.validate():
            flash_errors(form)
            return self._back(meeting_id)
        present = form.experts.data
        return self._run(
            meeting_id,
            "已开始表决",
            lambda actor: meetings.start_voting(
                db.session, actor, current_user, meeting_id, present, now()
            ),
        )

    @expose("/<int:meeting_id>/close", methods=["POST"])
    @has_access
    def close(self, meeting_id: int):
        return self._run(
            meeting_id,
            "已结束表决，表决结果已生成",
            lambda actor: meetings.close_meeting(
                db.session, actor, current_user, meeting_id, now()
            ),
        )

    def _run(self, meeting_id: int, done: str, work):
        """``work(actor)``: one meetings service call on this meeting."""
        actor = self.actor()
        commit_or_flash(lambda: work(actor), done, missing=(meetings.MeetingNotFound,))
        return self._back(meeting_id)

    @staticmethod
    def _back(meeting_id: int):
        return redirect(url_for("CommitteeMeetingView.show", meeting_id=meeting_id))


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(CommitteeDossierView, "评委会受理", label="评委会受理", icon="fa-gavel")
    # the menu name is the permission key: the experts' own page is "评审会议"
    appbuilder.add_view(CommitteeMeetingView, "会议管理", label="评审会议", icon="fa-users")
