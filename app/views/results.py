"""评审结果公示 and 发证 (评委会秘书), and 点击查询证书下载 (申报人)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access
from flask_login import current_user

from app.clock import now
from app.documents.certificate import build_certificate, text_of
from app.extensions import db
from app.forms.committee import IssueForm
from app.forms.review import PublicityForm
from app.models import Certificate
from app.services import certificates
from app.services.dossier import DossierNotFound, own_application
from app.services.pagination import paginate, parse_page
from app.services.review import unpublished_years_ahead
from app.views.base import RoleView, commit_or_flash, flash_errors, flash_results
from app.views.downloads import publicity_list, render_pdf, send_bytes

NO_FONT = "系统暂时无法生成证书文件（服务器未安装中文字体），请联系系统管理员安装中文字体后再下载。"


def certificate_pdf(certificate: Certificate, back: str):
    """The certificate as a PDF download; a revoked one, or no CJK font, flashes why and goes
    ``back`` (a revoked certificate must not circulate again)."""
    if certificate.revoked:
        flash(certificates.revoked_message(certificate), "danger")
        return redirect(url_for(back))
    body = render_pdf(build_certificate, text_of(certificate))
    if body is None:
        flash(NO_FONT, "warning")
        return redirect(url_for(back))
    filename = f"专业技术资格证书（{certificate.holder_name}，{certificate.number}）.pdf"
    return send_bytes(body, filename, "application/pdf")


class CommitteeResultView(RoleView):
    route_base = "/committee/results"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        actor = self.actor()
        waiting = db.session.scalars(certificates.in_publicity(actor)).all()
        form = PublicityForm.of(waiting)
        if form.validate_on_submit():
            if self._record(actor, form):
                return redirect(url_for("CommitteeResultView.index"))
        elif request.method == "POST":
            flash_errors(form)
        issued = paginate(
            db.session, certificates.certified(actor), parse_page(request.args.get("page"))
        )
        return self.render_page(
            "committee/results.html",
            "评审结果公示与发证",
            form=form,
            issue_form=IssueForm(),
            waiting=waiting,
            records=db.session.scalars(certificates.publicity_records(actor).limit(50)).all(),
            issued=issued,
            revoked=certificates.revoked_among(db.session, [a.id for a in issued.items]),
            unpublished=unpublished_years_ahead(db.session, now()),
        )

    def _record(self, actor, form):
        return commit_or_flash(
            lambda: certificates.record_publicity(db.session, actor, current_user, **form.record()),
            "评审结果公示已登记",
        )

    @expose("/publicity/<int:publicity_id>/list.xlsx")
    @has_access
    def publicity_sheet(self, publicity_id: int):
        publicity = certificates.result_publicity_list(db.session, self.actor(), publicity_id)
        if publicity is None:
            abort(404)
        return publicity_list(publicity, "职称评审结果")

    @expose("/issue", methods=["POST"])
    @has_access
    def issue(self):
        form = IssueForm()
        if not form.validate() or not form.applications.data:
            flash("；".join(sum(form.errors.values(), [])) or "请先勾选要发证的人员", "warning")
            return redirect(url_for("CommitteeResultView.index"))
        results = certificates.issue_many(
            db.session, self.actor(), current_user, form.applications.data, now()
        )
        db.session.commit()
        flash_results(results, "已发证 {n} 人", "未发证")
        return redirect(url_for("CommitteeResultView.index"))

    @expose("/certificate/<int:application_id>")
    @has_access
    def certificate(self, application_id: int):
        try:
            found = certificates.certificate_in_scope(db.session, self.actor(), application_id)
        except DossierNotFound:
            abort(404)
        return certificate_pdf(found, "CommitteeResultView.index")


class ApplicantCertificateView(RoleView):
    """点击查询证书下载 (manual §4.5, after 图44): the applicant's own certificate."""

    route_base = "/applicant/certificate"
    default_view = "download"

    @expose("/")
    @has_access
    def download(self):
        application = own_application(db.session, self.actor())
        found = certificates.certificate_of(db.session, application.id) if application else None
        if found is None:
            flash("尚未发证，暂无可下载的证书", "warning")
            return redirect(url_for("ApplicantHomeView.index"))
        return certificate_pdf(found, "ApplicantHomeView.index")


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(
        CommitteeResultView, "结果公示与发证", label="评审结果公示与发证", icon="fa-certificate"
    )
    appbuilder.add_view_no_menu(ApplicantCertificateView)
