"""申报人: 预览填报信息, the completeness check, 提交审核 with the 诚信提示, and the 申报回执.

Manual §1.3 (5) and the end of §4.5 (图43-图45). The 填报信息 page opens the 诚信提示 as a dialog;
``/applicant/submission/`` shows the same pledge as a page for browsers without JavaScript and
lists what is missing instead when the dossier is not complete.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.clock import now as clock_now
from app.clock import to_beijing
from app.documents.receipt import build_receipt, receipt_of
from app.extensions import db
from app.forms import optional_int
from app.models import Application
from app.services import submission
from app.services.dossier import READ_ONLY, DossierNotFound, own_application
from app.services.dossier_view import dossier_view
from app.views.base import RoleView
from app.views.downloads import render_pdf, send_bytes
from app.workflow import permissions
from app.workflow.errors import WorkflowError

SECONDS = "%Y-%m-%d %H:%M:%S"
NO_FONT = (
    "系统暂时无法生成申报回执（服务器未安装中文字体），您的申报已成功提交，不受影响。"
    "请联系系统管理员安装中文字体后再下载。"
)


class ApplicantSubmissionView(RoleView):
    route_base = "/applicant/submission"
    default_view = "index"

    def _own(self) -> Application | None:
        return own_application(db.session, self.actor())

    def _no_dossier(self):
        flash(submission.NOT_ENTERED, "warning")
        return redirect(url_for("ApplicantBaseInfoView.index"))

    def _context(self, application: Application) -> dict:
        return {
            "application": application,
            "progress": submission.progress(db.session, application, self.actor(), clock_now()),
            "pledge_text": submission.PLEDGE_TEXT,
            "pledge_value": submission.PLEDGE_ACCEPTED,
            "read_only": READ_ONLY.format(status=application.status_label),
        }

    @expose("/preview")
    @has_access
    def preview(self):
        """预览填报信息: everything, read-only and printable; 返回 goes back to 填报信息."""
        application = self._own()
        if application is None:
            return self._no_dossier()
        return self.render_page(
            "applicant/preview.html",
            "预览填报信息",
            application=application,
            dossier=dossier_view(db.session, application),
            dossier_show_base=True,
            dossier_returned=submission.returned_sections(application),
        )

    @expose("/check")
    @has_access
    def check(self):
        """The completeness check on demand: every item to fix, each with a link to it."""
        application = self._own()
        if application is None:
            return self._no_dossier()
        return self._check_page(application)

    def _check_page(self, application: Application, refusal: str | None = None, check=None):
        context = self._context(application)
        if check is None:
            check = context["progress"].check
        return self.render_page(
            "applicant/check.html", "填报完整性检查", check=check, refusal=refusal, **context
        )

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        """提交审核: GET shows the 诚信提示 (or what is missing), POST is 确定."""
        application = self._own()
        if application is None:
            return self._no_dossier()
        if request.method == "POST":
            return self._submit(application)
        context = self._context(application)
        progress = context["progress"]
        if not permissions.can_submit(application, self.actor()):
            flash(context["read_only"], "warning")
            return redirect(url_for("ApplicantHomeView.index"))
        if not progress.deadline.open_now:
            return self._home(self._closed_message(progress.deadline), "danger")
        if not progress.check.complete:
            return self._check_page(application, submission.INCOMPLETE)
        return self.render_page("applicant/submit.html", "提交审核", **context)

    def _submit(self, application: Application):
        try:
            result = submission.submit(
                db.session,
                self.actor(),
                current_user.name,
                application.id,
                clock_now(),
                pledged=request.form.get("pledge") == submission.PLEDGE_ACCEPTED,
                ip=request.remote_addr or "",
                form_version=optional_int(request.form.get("version")),
            )
            db.session.commit()
        except submission.DossierIncomplete as exc:
            db.session.rollback()
            return self._check_page(self._own() or application, exc.message, exc.check)
        except DossierNotFound:
            db.session.rollback()
            abort(404)
        except WorkflowError as exc:
            db.session.rollback()
            return self._home(exc.message, "danger")
        except IntegrityError:  # the other request's copy took this sequence number first
            db.session.rollback()
            return self._home(submission.CONFLICT, "danger")
        snapshot, status = result.snapshot, self._own().status_label
        return self._home(
            f"{submission.SUBMITTED}！评审进度已切换为“{status}”。提交时间 "
            f"{to_beijing(snapshot.submitted_at, SECONDS)}（北京时间），校验码 "
            f"{snapshot.verification_code}，可在本页下载申报回执。",
            "success",
        )

    def _home(self, message: str, category: str):
        flash(message, category)
        return redirect(url_for("ApplicantHomeView.index"))

    @staticmethod
    def _closed_message(deadline: submission.Deadline) -> str:
        if deadline.before_opening:
            return "申报尚未开始，暂不能提交审核"
        return f"个人申报已截止，不能提交审核（{deadline.text}）"

    @expose("/receipt/<int:sequence>")
    @has_access
    def receipt(self, sequence: int):
        """申报回执 of one of the applicant's own submissions, as PDF."""
        application = self._own()
        if application is None:
            return self._no_dossier()
        snapshot = submission.snapshot_by_sequence(db.session, application.id, sequence)
        if snapshot is None:
            abort(404)
        body = render_pdf(build_receipt, receipt_of(snapshot))
        if body is None:
            return self._home(NO_FONT, "warning")
        return send_bytes(body, f"职称申报回执（第{sequence}次提交）.pdf", "application/pdf")
