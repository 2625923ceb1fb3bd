"""导出名单 (评委会秘书) and 申报统计 (省职改办管理员): pages and streamed .xlsx downloads.

The committee always comes from the secretary's account, never from the URL; a meeting id is
looked up among the secretary's own meetings (404 otherwise). A bad year or status gets a
Chinese message on the page it came from.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access

from app.clock import BEIJING, now
from app.documents.spreadsheet import write_xlsx
from app.extensions import db
from app.services import exports, meetings
from app.views.base import RoleView
from app.views.downloads import XLSX_MIME, send_stream
from app.workflow.errors import WorkflowError


def this_year() -> int:
    return now().astimezone(BEIJING).year


def year_choices(years: list[int], current: int) -> list[int]:
    return sorted({*years, current}, reverse=True)


class CommitteeExportView(RoleView):
    route_base = "/committee/exports"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        committee = self._committee(self.actor())
        return self.render_page(
            "committee/exports.html",
            "导出名单",
            committee=committee,
            years=year_choices(exports.batch_years(db.session), this_year()),
            this_year=this_year(),
            statuses=exports.COMMITTEE_STATUSES,
        )

    @expose("/applications.xlsx")
    @has_access
    def applications(self):
        actor = self.actor()
        committee = self._committee(actor)
        try:
            year = exports.parse_year(request.args.get("year"), this_year())
            status = exports.parse_status(request.args.get("status"))
        except exports.ExportArgumentError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("CommitteeExportView.index"))
        rows = exports.applicant_rows(db.session, actor, year, status)
        body = write_xlsx(
            "申报人员名单", exports.APPLICANT_HEADER, rows, widths=exports.APPLICANT_WIDTHS
        )
        filename = exports.applicant_list_filename(committee, year, status)
        return send_stream(body, filename, XLSX_MIME)

    @expose("/meetings/<int:meeting_id>/results.xlsx")
    @has_access
    def meeting_results(self, meeting_id: int):
        try:
            meeting = meetings.meeting_for(db.session, self.actor(), meeting_id)
        except (meetings.MeetingNotFound, WorkflowError):
            abort(404)
        rows = exports.result_rows(db.session, meeting)
        body = write_xlsx("评审结果", exports.RESULT_HEADER, rows, widths=exports.RESULT_WIDTHS)
        return send_stream(body, f"{meeting.name}评审结果.xlsx", XLSX_MIME)

    @staticmethod
    def _committee(actor):
        try:
            return exports.committee_of(db.session, actor)
        except WorkflowError:
            abort(403)


class AdminStatisticsView(RoleView):
    """申报统计: applications of a year per committee and status, on a page and as .xlsx."""

    route_base = "/admin/statistics"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        year = self._year()
        if year is None:
            return redirect(url_for("AdminStatisticsView.index"))
        return self.render_page(
            "admin/statistics.html",
            "申报统计",
            stats=exports.statistics(db.session, year),
            header=exports.STATISTICS_HEADER,
            years=year_choices(exports.batch_years(db.session), this_year()),
        )

    @expose("/statistics.xlsx")
    @has_access
    def xlsx(self):
        year = self._year()
        if year is None:
            return redirect(url_for("AdminStatisticsView.index"))
        stats = exports.statistics(db.session, year)
        body = write_xlsx(
            f"{year}年度申报统计",
            exports.STATISTICS_HEADER,
            stats.table(),
            widths=exports.STATISTICS_WIDTHS,
        )
        return send_stream(body, f"{year}年度职称申报统计.xlsx", XLSX_MIME)

    @staticmethod
    def _year() -> int | None:
        try:
            return exports.parse_year(request.args.get("year"), this_year())
        except exports.ExportArgumentError as exc:
            flash(exc.message, "danger")
            return None


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(CommitteeExportView, "导出名单", label="导出名单", icon="fa-download")
    appbuilder.add_view(AdminStatisticsView, "申报统计", label="申报统计", icon="fa-bar-chart")
