"""The index: the public website for visitors; each signed-in person's page for their role."""

from __future__ import annotations

from flask import redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_login import current_user

from app.workflow.states import Role

ROLE_HOME = {
    Role.APPLICANT.value: "ApplicantHomeView.index",
    Role.UNIT_ADMIN.value: "UnitAccountView.index",
    Role.UNIT_HANDLER.value: "ReviewListView.index",
    Role.UNIT_LEADER.value: "ReviewListView.index",
    Role.DEPT_HANDLER.value: "ReviewListView.index",
    Role.DEPT_LEADER.value: "ReviewListView.index",
    Role.COMMITTEE_SECRETARY.value: "CommitteeDossierView.index",
    Role.EXPERT.value: "ExpertHomeView.index",
    Role.PROVINCE_ADMIN.value: "AdminDashboardView.index",
}


class HomeView(IndexView):
    @expose("/")
    def index(self):
        if not current_user.is_authenticated:
            return redirect(url_for("PortalView.index"))
        for role in current_user.roles:
            if role.name in ROLE_HOME:
                return redirect(url_for(ROLE_HOME[role.name]))
        return self.render_template("error.html", code=403, message="账号没有可用的角色"), 403
