"""申报人 pages: 申报基础信息, 填报信息 and the dossier's own sections 1 基本信息 and 5 小结.

Every POST re-reads the applicant's own dossier with a row lock and lets the service refuse
changes outside 申报中 / 退回修改; a refusal is flashed (or shown beside the form, keeping what
was typed) and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access
from flask_appbuilder.security.decorators import has_access_api
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.clock import BEIJING
from app.clock import now as clock_now
from app.extensions import db
from app.forms import from_iso, optional_int, options
from app.forms.base_info import BaseInfoForm
from app.forms.basic import (
    AssessmentForm,
    ConfirmForm,
    PersonalInfoForm,
    PhotoForm,
    ProofForm,
    SummaryForm,
)
from app.models import Application, Section
from app.services import base_info as base_service
from app.services import basic_info as basic_service
from app.services import certificates, submission
from app.services.applications import current_batch, delete_application
from app.services.dossier import (
    READ_ONLY,
    DossierNotFound,
    is_editable,
    own_application,
    own_application_for_update,
    require_basic_saved,
    save_summary,
    section_item_counts,
)
from app.validators.dossier import (
    SUMMARY_MAX_CHARS,
    SUMMARY_RULE,
    count_summary_chars,
)
from app.validators.files import FileRejected
from app.validators.identity import IdNumberError, check_id_number
from app.views.base import RoleView
from app.workflow import transitions
from app.workflow.errors import InvalidState, WorkflowError
from app.workflow.states import ApplicationStatus

CONCURRENT_CHANGE = "申报信息已被其他操作修改，请刷新页面后重试"
NOT_ENTERED = "请先填报申报基础信息并点击“进入申报”"
FORM_ERRORS = "请按提示修改后再保存"
#: far above any upload limit; the request body limit normally stops bigger bodies first
MAX_READ_BYTES = 16 * 1024 * 1024
#: manual §4: what to do when 一键删除 is refused because the dossier was submitted
DELETE_HINT = (
    "请联系单位经办人（如果经办人已经审查，请联系单位领导）在审查推荐中找到您的申报并点“退回修改”，"
    "退回到可以修改的状态后再进行一键删除。"
)


def _today():
    return clock_now().astimezone(BEIJING).date()


class DossierPageMixin:
    """Shared by the dossier pages: load the own dossier, run one change, answer."""

    def own(self) -> Application | None:
        return own_application(db.session, self.actor())

    def not_entered(self):
        flash(NOT_ENTERED, "warning")
        return redirect(url_for("ApplicantBaseInfoView.index"))

    def change(self, action: Callable[[Application], Any]) -> tuple[Any, str | None]:
        """Run ``action`` on the locked own dossier and commit: (its result, refusal or None)."""
        application = own_application_for_update(db.session, self.actor())
        if application is None:
            return None, NOT_ENTERED
        try:
            result = action(application)
            db.session.commit()
        except (WorkflowError, FileRejected) as exc:
            db.session.rollback()
            return None, exc.message
        except StaleDataError:
            db.session.rollback()
            return None, CONCURRENT_CHANGE
        except DossierNotFound:
            db.session.rollback()
            abort(404)
        return result, None

    def change_and_return(self, action, success: str, endpoint: str):
        _, refusal = self.change(action)
        flash(refusal or success, "danger" if refusal else "success")
        return redirect(url_for(endpoint))


# --- 填报信息 -----------------------------------------------------------------------------------


class ApplicantHomeView(DossierPageMixin, RoleView):
    """填报信息: the five steps with their flags, 评审进度 and the 预分配评委会 (manual §3-§4)."""

    route_base = "/applicant"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        actor = self.actor()
        application = own_application(db.session, actor)
        if application is None:
            return redirect(url_for("ApplicantBaseInfoView.index"))
        progress = submission.progress(db.session, application, actor, clock_now())
        certificate = None
        if application.status == ApplicationStatus.CERTIFIED:
            certificate = certificates.certificate_of(db.session, application.id)
        if certificate is not None and not certificate.revoked:
            progress.certificate_url = url_for("ApplicantCertificateView.download")
        return self.render_page(
            "applicant/home.html",
            "填报信息",
            application=application,
            counts=section_item_counts(db.session, application.id),
            editable=is_editable(application, actor),
            read_only=READ_ONLY.format(status=application.status_label),
            progress=progress,
            pledge_text=submission.PLEDGE_TEXT,
            revoked=certificates.revoked_message(certificate)
            if certificate and certificate.revoked
            else None,
            pledge_value=submission.PLEDGE_ACCEPTED,
        )


# --- 申报基础信息 -------------------------------------------------------------------------------


class ApplicantBaseInfoView(DossierPageMixin, RoleView):
    """申报基础信息 (manual §3): the five drop-downs and 进入申报; afterwards 申报信息, read-only."""

    route_base = "/applicant/base-info"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        if base_service.entered_this_batch(db.session, current_user):
            if request.method == "POST":
                flash(base_service.ALREADY_ENTERED, "warning")
            return redirect(url_for("ApplicantBaseInfoView.show"))
        form = BaseInfoForm()
        if request.method == "GET" or form.refresh.data or not form.validate():
            return self._form_page(form)
        return self._enter(form)

    def _enter(self, form: BaseInfoForm):
        try:
            application = base_service.enter(
                db.session, current_user, self.actor(), clock_now(), form.ids()
            )
            committee = application.committee.name
            db.session.commit()
        except base_service.BaseInfoInvalid as exc:
            db.session.rollback()
            form[exc.field].errors = [*form[exc.field].errors, exc.message]
            return self._form_page(form)
        except WorkflowError as exc:
            db.session.rollback()
            return self._form_page(form, refusal=exc.message)
        except IntegrityError:  # a second click won the race: one dossier per batch
            db.session.rollback()
            flash(base_service.ALREADY_ENTERED, "warning")
            return redirect(url_for("ApplicantHomeView.index"))
        flash(f"已进入申报，预分配评委会：{committee}", "success")
        return redirect(url_for("ApplicantHomeView.index"))

    def _form_page(self, form: BaseInfoForm, refusal: str | None = None):
        choices = base_service.choices(db.session, form.ids())
        for name in ("mode", "series", "qualification", "scope", *base_service.SPECIALTY_LEVELS):
            pairs = [("", "请选择"), *((o.id, o.name) for o in getattr(choices, name))]
            form[name].choices = options(pairs)
        return self.render_page(
            "applicant/base_info.html",
            "申报基础信息",
            form=form,
            refusal=refusal,
            batch=current_batch(db.session),
        )

    @expose("/show")
    @has_access
    def show(self):
        """申报信息: the base info as entered, read-only (manual §3, after 图13)."""
        application = self.own()
        if application is None:
            return redirect(url_for("ApplicantBaseInfoView.index"))
        return self.render_page(
            "applicant/base_info_show.html", "申报信息", application=application
        )

    @expose("/api/levels")
    @has_access_api
    def levels(self):
        """申报资格 of one 申报系列, for the cascading drop-down."""
        return self._options(lambda series: base_service.level_options(db.session, series))

    @expose("/api/specialties")
    @has_access_api
    def specialties(self):
        """Children of one 申报专业 node (the roots without ``parent``)."""
        raw = request.args.get("parent") or None
        parent = optional_int(raw)
        if raw is not None and parent is None:
            return jsonify(error="参数“parent”无效"), 400
        return self._options(
            lambda series: base_service.specialty_options(db.session, series, parent)
        )

    def _options(self, load):
        series = optional_int(request.args.get("series"))
        if series is None:
            return jsonify(error="参数“series”无效"), 400
        try:
            options = load(series)
        except base_service.CatalogNodeNotFound:
            return jsonify(error="申报系列或申报专业不存在"), 404
        return jsonify(options=[o.as_json() for o in options])


# --- 1 基本信息 -------------------------------------------------------------------------------


class ApplicantBasicView(DossierPageMixin, RoleView):
    """1 基本信息 (manual §4.1): 个人信息, 上传证件照, 考核情况, 完成填报下一步, 一键删除申报信息."""

    route_base = "/applicant/basic"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        application = self.own()
        if application is None:
            return self.not_entered()
        return self._page(application)

    def _page(self, application: Application, refusal: str | None = None, **forms):
        basic = basic_service.load_basic(db.session, application)
        identity = _identity(current_user.id_number)
        return self.render_page(
            "applicant/basic.html",
            "基本信息",
            application=application,
            basic=basic,
            identity=identity,
            personal=forms.get("personal") or _personal_form(basic, application, identity),
            assessment=forms.get("assessment") or _assessment_form(basic, application),
            photo_form=PhotoForm(),
            proof_form=ProofForm(),
            confirm=ConfirmForm(),
            editable=is_editable(application, self.actor()),
            read_only=READ_ONLY.format(status=application.status_label),
            missing=basic_service.missing_items(application, basic),
            refusal=refusal,
        )

    @expose("/personal", methods=["POST"])
    @has_access
    def personal(self):
        """保存 个人信息 (and the second choice 评委会考核认定)."""
        birth = _identity(current_user.id_number)["birth_date"]
        form = PersonalInfoForm(today=_today(), birth_date=birth)
        return self._save_form(
            form,
            "personal",
            lambda app: basic_service.save_personal(
                db.session,
                app,
                self.actor(),
                form.body(),
                committee_assessment=form.committee_assessment,
            ),
            "个人信息已保存",
        )

    @expose("/assessments", methods=["POST"])
    @has_access
    def assessments(self):
        """保存 考核情况: the yearly rows and 现资格以来取得优秀年度."""
        application = self.own()
        if application is None:
            return self.not_entered()
        form = AssessmentForm(today=_today(), ethics=application.series.ethics_check)
        return self._save_form(
            form,
            "assessment",
            lambda app: basic_service.save_assessments(
                db.session,
                app,
                self.actor(),
                [basic_service.AssessmentRow(*row) for row in form.parsed],
                form.years,
                _today(),
            ),
            "考核情况已保存",
        )

    def _save_form(self, form, name: str, action, success: str):
        """Validate and save; on any refusal show the page again with what was typed."""
        refusal = FORM_ERRORS
        if form.validate():
            _, refusal = self.change(action)
            if refusal is None:
                flash(success, "success")
                return redirect(url_for("ApplicantBasicView.index"))
        application = self.own()
        if application is None:
            return self.not_entered()
        return self._page(application, refusal, **{name: form})

    @expose("/photo", methods=["GET", "POST"])
    @has_access
    def photo(self):
        """上传证件照: the dialog's own page, for browsers without JavaScript."""
        application = self.own()
        if application is None:
            return self.not_entered()
        if request.method == "POST":
            return self.change_and_return(
                lambda app: basic_service.store_photo(
                    db.session, app, self.actor(), *_read_upload("photo")
                ),
                "证件照已上传",
                "ApplicantBasicView.index",
            )
        return self.render_page(
            "applicant/photo.html",
            "上传证件照",
            application=application,
            photo=basic_service.own_photo(db.session, application),
            photo_form=PhotoForm(),
            editable=is_editable(application, self.actor()),
            read_only=READ_ONLY.format(status=application.status_label),
        )

    @expose("/proofs", methods=["POST"])
    @has_access
    def proofs(self):
        """上传考核证明材料 (JPG, JPEG or PDF, ≤ 2 MB each)."""
        return self.change_and_return(
            lambda app: basic_service.store_proof(
                db.session, app, self.actor(), *_read_upload("proof")
            ),
            "考核证明材料已上传",
            "ApplicantBasicView.index",
        )

    @expose("/proofs/<int:attachment_id>/delete", methods=["POST"])
    @has_access
    def delete_proof(self, attachment_id: int):
        return self.change_and_return(
            lambda app: basic_service.delete_proof(db.session, app, self.actor(), attachment_id),
            "考核证明材料已删除",
            "ApplicantBasicView.index",
        )

    @expose("/done", methods=["POST"])
    @has_access
    def done(self):
        """完成填报下一步: back to 填报信息 with the 引导旗 on 1 基本信息."""
        _, refusal = self.change(
            lambda app: basic_service.complete_basic(db.session, app, self.actor())
        )
        if refusal:
            flash(refusal, "danger")
            return redirect(url_for("ApplicantBasicView.index"))
        flash("基本信息已完成填报，请继续填报学历资历", "success")
        return redirect(url_for("ApplicantHomeView.index"))

    @expose("/delete", methods=["GET", "POST"])
    @has_access
    def delete(self):
        """一键删除申报信息: a confirmation page, then the dossier goes (manual §4, 图14)."""
        application = self.own()
        if application is None:
            return self.not_entered()
        if request.method == "GET":
            return self._delete_page(application)
        _, refusal = self.change(
            lambda app: delete_application(db.session, app, current_user, self.actor(), clock_now())
        )
        if refusal:
            flash(_with_delete_hint(refusal), "danger")
            return redirect(url_for("ApplicantBasicView.delete"))
        flash("删除成功：申报信息已删除，可以重新填报申报基础信息", "success")
        return redirect(url_for("ApplicantBaseInfoView.index"))

    def _delete_page(self, application: Application):
        try:  # the pure transition only checks; nothing changes on a GET
            transitions.delete(
                application, self.actor(), clock_now(), committee_open=application.committee.is_open
            )
            refusal = None
        except InvalidState as exc:
            refusal = _with_delete_hint(exc.message)
        except WorkflowError as exc:
            refusal = exc.message
        return self.render_page(
            "applicant/delete.html",
            "一键删除申报信息",
            application=application,
            counts=section_item_counts(db.session, application.id),
            refusal=refusal,
            confirm=ConfirmForm(),
        )


def _with_delete_hint(message: str) -> str:
    if message == transitions.DELETE_AFTER_SUBMIT:
        return f"{message}。{DELETE_HINT}"
    return message


def _read_upload(name: str) -> tuple[bytes, str]:
    """The uploaded file's bytes; the validators name the size limit it breaks."""
    storage = request.files.get(name)
    if storage is None or not storage.filename:
        raise FileRejected("请选择要上传的文件")
    data = storage.stream.read(MAX_READ_BYTES + 1)
    if len(data) > MAX_READ_BYTES:
        raise FileRejected("文件过大，请压缩后重新上传")
    return data, storage.filename


def _identity(id_number: str | None) -> dict:
    """性别 and 出生日期 from the ID number (both empty if it cannot be read)."""
    try:
        info = check_id_number(id_number, _today())
    except IdNumberError:
        return {"number": id_number or "", "gender": "", "birth_date": None}
    return {"number": info.number, "gender": info.gender, "birth_date": info.birth_date}


def _personal_form(basic, application: Application, identity: dict) -> PersonalInfoForm:
    data = basic.personal_data
    initial = {key: data.get(key) for key in basic_service.PERSONAL_FIELDS}
    for key in ("work_start", "title_date", "post_date"):
        initial[key] = from_iso(initial.get(key))
    initial["assessment_mode"] = "committee" if application.committee_assessment else "normal"
    return PersonalInfoForm(
        formdata=None, data=initial, today=_today(), birth_date=identity["birth_date"]
    )


def _assessment_form(basic, application: Application) -> AssessmentForm:
    rows = [
        {
            "year": str(item.data.get("year") or ""),
            "result": item.data.get("result") or "",
            "ethics": item.data.get("ethics") or "",
        }
        for item in basic.assessments
    ]
    data = {"rows": rows, "excellent_years": "、".join(str(y) for y in basic.excellent_years)}
    return AssessmentForm(formdata=None, data=data, ethics=application.series.ethics_check)


# --- 5 小结 ---------------------------------------------------------------------------------


class ApplicantSummaryView(DossierPageMixin, RoleView):
    """5 小结 (manual §4.5): live count against the batch's range; 保存 and 完成填报."""

    route_base = "/applicant/summary"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        application = self.own()
        if application is None:
            return self.not_entered()
        try:
            require_basic_saved(application, Section.SUMMARY)
        except WorkflowError as exc:
            flash(exc.message, "warning")
            return redirect(url_for("ApplicantHomeView.index"))
        form = SummaryForm(data={"summary": application.summary})
        if request.method == "GET":
            return self._page(application, form)
        if not form.validate():
            return self._page(application, form, refusal=form.summary.errors[0])
        finish = bool(form.done.data)
        saved, refusal = self.change(
            lambda app: save_summary(
                db.session, app, self.actor(), form.summary.data, finish=finish
            )
        )
        if refusal:
            return self._page(self.own() or application, form, refusal=refusal)
        return self._after_save(saved, finish)

    def _after_save(self, saved, finish: bool):
        if saved.finished:
            flash("小结已完成填报", "success")
            return redirect(url_for("ApplicantHomeView.index"))
        if finish:
            flash(f"小结已保存，但不能完成填报：{saved.range_message}", "danger")
        elif not saved.in_range:
            flash(f"小结已保存为草稿。{saved.range_message}，完成填报前请修改", "warning")
        else:
            flash("小结已保存", "success")
        return redirect(url_for("ApplicantSummaryView.index"))

    def _page(self, application: Application, form: SummaryForm, refusal: str | None = None):
        return self.render_page(
            "applicant/summary.html",
            "小结",
            application=application,
            form=form,
            count=count_summary_chars(form.summary.data),
            rule=SUMMARY_RULE,
            max_chars=SUMMARY_MAX_CHARS,
            low=application.batch.summary_min,
            high=application.batch.summary_max,
            editable=is_editable(application, self.actor()),
            read_only=READ_ONLY.format(status=application.status_label),
            refusal=refusal,
            draft_key=f"zc-summary-draft:{current_user.id}:{application.id}",
        )


def register(appbuilder: AppBuilder) -> None:
    from app.views.submission import ApplicantSubmissionView

    appbuilder.add_view(ApplicantHomeView, "填报信息", label="填报信息", icon="fa-pencil")
    views = (ApplicantBaseInfoView, ApplicantBasicView, ApplicantSummaryView)
    for view in (*views, ApplicantSubmissionView):
        appbuilder.add_view_no_menu(view)
