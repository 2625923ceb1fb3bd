"""申报人: 2 学历资历, 3 专业技术工作经历, 4 业绩成果 (manual §4.2-§4.4).

Thin: every POST re-reads the applicant's own dossier row-locked, calls one service function,
commits, and flashes the service's Chinese message on refusal. Whatever the URL or form says,
an entry or file outside the applicant's own dossier is "不存在".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access
from sqlalchemy.orm.exc import StaleDataError

from app.clock import BEIJING
from app.clock import now as clock_now
from app.extensions import db
from app.forms.items import FORMS, display_value, field_labels, form_for, form_to_data
from app.models import Application, ItemKind, Section
from app.services import attachments as files_service
from app.services import dossier_items as items_service
from app.services.attachments import AttachmentNotFound, PendingFile
from app.services.dossier import (
    is_editable,
    own_application,
    own_application_for_update,
    require_basic_saved,
    require_editable,
)
from app.services.dossier_items import ItemNotFound, kind_for, section_for
from app.validators.files import FileRejected
from app.views.base import RoleView
from app.workflow import evidence
from app.workflow.errors import WorkflowError

MSG_NO_DOSSIER = "请先填报申报基础信息并点击“进入申报”"
MSG_STALE = "数据已被其他操作修改，请刷新页面后重试"
MSG_SAVED = "已保存"
MSG_FILES_AGAIN = "本次选择的文件未保存，请重新选择后再保存"
_UPLOAD_KEY = re.compile(r"upload-(\d{1,3})")
_REFUSALS = (WorkflowError, FileRejected, ItemNotFound, AttachmentNotFound)


def today():
    return clock_now().astimezone(BEIJING).date()


def upload_button_label(kind: ItemKind) -> str:
    return "上传学历及佐证材料" if kind.section == Section.EDUCATION else "上传佐证材料"


class ApplicantItemView(RoleView):
    route_base = "/applicant/items"
    default_view = "index"

    # --- loading ------------------------------------------------------------------------------

    def _dossier(self, *, for_update: bool = False) -> Application | None:
        actor = self.actor()
        if for_update:
            return own_application_for_update(db.session, actor)
        return own_application(db.session, actor)

    def _section_url(self, section: Section, anchor: str = "") -> str:
        url = url_for("ApplicantItemView.section", number=section.value)
        return f"{url}#{anchor}" if anchor else url

    def _home(self, message: str | None = None, category: str = "warning"):
        if message:
            flash(message, category)
        return redirect(url_for("ApplicantHomeView.index"))

    def _act(self, back: str, action: Callable[[Application], object], done: str = ""):
        """Run one change on the locked dossier; commit, or flash why not."""
        application = self._dossier(for_update=True)
        if application is None:
            return self._home(MSG_NO_DOSSIER)
        try:
            action(application)
            db.session.commit()
        except ItemNotFound as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            return redirect(self._section_url(Section.EDUCATION))
        except _REFUSALS as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        except StaleDataError:
            db.session.rollback()
            flash(MSG_STALE, "danger")
        else:
            if done:
                flash(done, "success")
        return redirect(back)

    # --- pages --------------------------------------------------------------------------------

    @expose("/")
    @has_access
    def index(self):
        return redirect(url_for("ApplicantItemView.section", number=Section.EDUCATION.value))

    @expose("/section/<int:number>")
    @has_access
    def section(self, number: int):
        section = section_for(number)
        if section is None:
            abort(404)
        application = self._dossier()
        if application is None:
            return self._home(MSG_NO_DOSSIER)
        try:
            require_basic_saved(application, section)
        except WorkflowError as exc:
            return self._home(exc.message)
        context = items_service.build_context(db.session, application, today())
        page = items_service.section_page(db.session, application, section, context)
        return self.render_page(
            "items/section.html",
            f"{section.value} {section.label}",
            application=application,
            section=section,
            page=page,
            editable=is_editable(application, self.actor()),
            labels={kind: field_labels(kind) for kind in items_service.SECTION_KINDS[section]},
            forms=FORMS,
        )

    @expose("/section/<int:number>/done", methods=["POST"])
    @has_access
    def done(self, number: int):
        section = section_for(number)
        if section is None:
            abort(404)
        application = self._dossier(for_update=True)
        if application is None:
            return self._home(MSG_NO_DOSSIER)
        context = items_service.build_context(db.session, application, today())
        try:
            problems = items_service.complete_section(
                db.session, application, self.actor(), section, context
            )
            db.session.commit()
        except WorkflowError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            return redirect(self._section_url(section))
        except StaleDataError:
            db.session.rollback()
            flash(MSG_STALE, "danger")
            return redirect(self._section_url(section))
        flash(f"“{section.value} {section.label}”已完成填报", "success")
        blocking = [p.message for p in problems if p.blocking]
        if blocking:
            flash("提交审核前还须完善：" + "；".join(dict.fromkeys(blocking)), "warning")
        return self._home()

    # --- entries ------------------------------------------------------------------------------

    def _form_page(self, application, kind, form, *, item=None, error=""):
        context_section = kind.section
        proofs = evidence.proofs_for(kind.value, form_to_data(form))
        return self.render_page(
            "items/form.html",
            f"{'编辑' if item else '新增'}{kind.label}",
            application=application,
            section=context_section,
            kind=kind,
            form=form,
            item=item,
            proofs=proofs,
            error=error,
            upload_label=upload_button_label(kind),
            max_upload_bytes=files_service.max_upload_bytes(),
            max_files=files_service.MAX_FILES_PER_REQUEST,
            parts_url=url_for("ApplicantItemView.parts", kind=items_service.slug(kind)),
            slug=items_service.slug(kind),
            rule_text=evidence.EDUCATION_RULE_TEXT,
        )

    def _refuse_page(self, application: Application, kind: ItemKind):
        """Forms open only while the dossier is editable; the section page says why not."""
        try:
            require_editable(application, self.actor())
            require_basic_saved(application, kind.section)
        except WorkflowError as exc:
            flash(exc.message, "danger")
            return redirect(self._section_url(kind.section))
        return None

    def _open_form(self, kind: ItemKind):
        """(dossier, None) when the form may open, else (None, the response that says why)."""
        application = self._dossier(for_update=request.method == "POST")
        if application is None:
            return None, self._home(MSG_NO_DOSSIER)
        return application, self._refuse_page(application, kind)

    def _save(self, application, kind: ItemKind, form, save, item=None):
        """保存: a valid form goes to one service call; a refusal re-renders the form."""
        if not (request.method == "POST" and form.validate()):
            return self._form_page(application, kind, form, item=item, error=self._files_lost())
        try:
            save(form_to_data(form), self._pending_files())
            db.session.commit()
        except (*_REFUSALS, StaleDataError) as exc:
            db.session.rollback()
            if item is not None:
                item = items_service.get_item(db.session, application, item.id)
            return self._form_page(application, kind, form, item=item, error=_message(exc))
        flash(MSG_SAVED, "success")
        return redirect(self._section_url(kind.section, f"list-{items_service.slug(kind)}"))

    @expose("/new/<kind>", methods=["GET", "POST"])
    @has_access
    def add(self, kind: str):
        item_kind = kind_for(kind) or abort(404)
        application, refused = self._open_form(item_kind)
        if refused:
            return refused
        context = items_service.build_context(db.session, application, today())
        full = items_service.add_refusal(db.session, application, item_kind, context)
        if full and request.method == "GET":
            flash(full, "danger")
            return redirect(self._section_url(item_kind.section, f"list-{kind}"))
        form = form_for(item_kind, context)
        if request.method == "GET" and item_kind == ItemKind.EXPERIENCE:
            form.category.data = request.args.get("category", "")
        store, actor = files_service.get_store(), self.actor()
        return self._save(
            application,
            item_kind,
            form,
            lambda data, files: items_service.create_item(
                db.session, store, application, actor, context, item_kind, data, files
            ),
        )

    @expose("/<int:item_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, item_id: int):
        application = self._dossier(for_update=request.method == "POST")
        if application is None:
            return self._home(MSG_NO_DOSSIER)
        try:
            item = items_service.get_item(db.session, application, item_id)
        except ItemNotFound as exc:
            flash(exc.message, "danger")
            return redirect(self._section_url(Section.EDUCATION))
        refused = self._refuse_page(application, item.kind)
        if refused:
            return refused
        context = items_service.build_context(db.session, application, today())
        post = request.method == "POST"
        form = form_for(item.kind, context, item.data, formdata=request.form if post else None)
        store, actor = files_service.get_store(), self.actor()
        return self._save(
            application,
            item.kind,
            form,
            lambda data, files: items_service.update_item(
                db.session, store, application, actor, context, item.id, data, files
            ),
            item=item,
        )

    @expose("/<int:item_id>/delete", methods=["POST"])
    @has_access
    def delete(self, item_id: int):
        back = self._back()
        return self._act(
            back,
            lambda app: items_service.delete_item(db.session, app, self.actor(), item_id),
            "已删除",
        )

    @expose("/<int:item_id>/move/<direction>", methods=["POST"])
    @has_access
    def move(self, item_id: int, direction: str):
        step = _step(direction)
        return self._act(
            self._back(),
            lambda app: items_service.move_item(db.session, app, self.actor(), item_id, step),
        )

    # --- files of an entry --------------------------------------------------------------------

    def _file_action(self, item_id: int, action):
        """Run ``action(application, item)`` on one of the applicant's entries."""

        def run(application):
            item = items_service.get_item(db.session, application, item_id)
            return action(application, item)

        back = url_for("ApplicantItemView.edit", item_id=item_id) + "#files"
        return self._act(back, run)

    @expose("/<int:item_id>/files/<int:attachment_id>/move/<direction>", methods=["POST"])
    @has_access
    def move_file(self, item_id: int, attachment_id: int, direction: str):
        step = _step(direction)
        return self._file_action(
            item_id,
            lambda app, item: files_service.move_attachment(
                db.session, app, self.actor(), item, attachment_id, step
            ),
        )

    @expose("/<int:item_id>/files/<int:attachment_id>/delete", methods=["POST"])
    @has_access
    def delete_file(self, item_id: int, attachment_id: int):
        return self._file_action(
            item_id,
            lambda app, item: files_service.delete_attachment(
                db.session, app, self.actor(), attachment_id, item=item
            ),
        )

    @expose("/<int:item_id>/files/<int:attachment_id>/part", methods=["POST"])
    @has_access
    def file_part(self, item_id: int, attachment_id: int):
        part = request.form.get(f"part-{attachment_id}", "")
        return self._file_action(
            item_id,
            lambda app, item: files_service.set_attachment_part(
                db.session,
                app,
                self.actor(),
                item,
                attachment_id,
                part,
                evidence.all_parts(item.kind.value),
            ),
        )

    @expose("/<int:item_id>/files/order", methods=["POST"])
    @has_access
    def order_files(self, item_id: int):
        ids = _int_list(request.form.getlist("order"))
        return self._file_action(
            item_id,
            lambda app, item: files_service.reorder_attachments(
                db.session, app, self.actor(), item, ids
            ),
        )

    @expose("/<int:item_id>/files/merge", methods=["POST"])
    @has_access
    def merge_files(self, item_id: int):
        ids = _int_list(request.form.getlist("ids"))
        return self._file_action(
            item_id,
            lambda app, item: files_service.merge_item_files_to_pdf(
                db.session, files_service.get_store(), app, self.actor(), item, ids
            ),
        )

    @expose("/parts/<kind>")
    @has_access
    def parts(self, kind: str):
        """The upload dialog's part list for the values typed so far (the rule stays here)."""
        item_kind = kind_for(kind)
        if item_kind is None:
            abort(404)
        data = {key: value for key, value in request.args.items() if len(value) < 100}
        if str(data.get("year", "")).isdigit():
            data["year"] = int(data["year"])
        data["representative"] = data.get("representative") in ("y", "on", "true", "1")
        proofs = evidence.proofs_for(item_kind.value, data)
        return jsonify(
            [
                {"label": proof.label, "parts": list(proof.parts), "required": proof.required}
                for proof in proofs
            ]
        )

    # --- request parsing ----------------------------------------------------------------------

    @staticmethod
    def _pending_files() -> list[PendingFile]:
        """Files of the upload dialog: inputs ``upload-N`` with the part in ``upload-N-part``."""
        batches = sorted(
            (int(match.group(1)), key)
            for key in request.files
            if (match := _UPLOAD_KEY.fullmatch(key))
        )
        pending = []
        for _, key in batches:
            part = request.form.get(f"{key}-part", "")
            for upload in request.files.getlist(key):
                if upload and upload.filename:
                    pending.append(PendingFile(upload.read(), upload.filename, part))
        return pending

    @staticmethod
    def _files_lost() -> str:
        if request.method == "POST" and any(
            f.filename for key in request.files for f in request.files.getlist(key)
        ):
            return MSG_FILES_AGAIN
        return ""

    @staticmethod
    def _back() -> str:
        """Where a list action returns: the section page it came from."""
        number = request.form.get("section", "")
        section = section_for(int(number)) if number.isdigit() and len(number) < 3 else None
        anchor = request.form.get("anchor", "")
        url = url_for("ApplicantItemView.section", number=(section or Section.EDUCATION).value)
        return f"{url}#{anchor}" if re.fullmatch(r"[a-z0-9-]{1,40}", anchor) else url


def _message(exc: Exception) -> str:
    return MSG_STALE if isinstance(exc, StaleDataError) else exc.message


def _step(direction: str) -> int:
    if direction not in ("up", "down"):
        abort(404)
    return -1 if direction == "up" else 1


def _int_list(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 12]


def file_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}KB"
    return f"{size / 1024 / 1024:.1f}MB"


def part_choices(item, current: str = "") -> list[str]:
    """The part names offered for a saved file of ``item`` (its current one included)."""
    names = [
        part
        for proof in evidence.proofs_for(item.kind.value, item.data or {})
        for part in proof.parts
    ]
    if current and current not in names:
        names.insert(0, current)
    return list(dict.fromkeys(names))


def register(appbuilder: AppBuilder) -> None:
    app = current_app
    app.config.setdefault("MAX_UPLOAD_BYTES", files_service.MAX_ATTACHMENT_BYTES)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # a body larger than this is refused before it is read: 413 "上传的文件过大"
        limit = files_service.request_body_limit(app.config["MAX_UPLOAD_BYTES"])
        app.config["MAX_CONTENT_LENGTH"] = limit
    appbuilder.add_view_no_menu(ApplicantItemView)
    app.jinja_env.globals.update(
        item_value=display_value,
        file_size=file_size,
        part_choices=part_choices,
        format_hours=evidence.format_hours,
        platform_from_year=evidence.PLATFORM_FROM_YEAR,
    )
