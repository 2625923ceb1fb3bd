"""省职改办管理员: the website's 通知公告 and 职称政策 (text in a generated view, files on a page)."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_login import current_user
from markupsafe import Markup
from wtforms.validators import Length

from app import clock
from app.extensions import db
from app.forms.admin import NoticeFilesForm
from app.models import Notice
from app.services import notices
from app.services.attachments import PendingFile, get_store
from app.views.admin import ADMIN_CATEGORY, ReferenceView
from app.views.base import RoleView, commit_or_flash, flash_errors


def _files_link(notice_id: int) -> Markup:
    url = url_for("AdminNoticeFileView.index", notice_id=notice_id)
    return Markup('<a href="{}">附件</a>').format(url)


class AdminNoticeView(ReferenceView):
    datamodel = SQLAInterface(Notice)
    list_title = show_title = add_title = edit_title = "通知公告与职称政策"
    list_columns = ["category", "title", "pinned", "is_published", "published_at", "id"]
    add_columns = edit_columns = ["category", "title", "body", "pinned", "is_published"]
    show_columns = ["category", "title", "body", "pinned", "is_published", "published_at"]
    search_columns = ["title", "is_published"]
    order_columns = ["title", "published_at"]
    base_order = ("id", "desc")
    formatters_columns = {"id": _files_link}
    validators_columns = {
        "title": [Length(max=200, message="标题不能超过200字")],
        "body": [Length(max=20000, message="正文不能超过20000字")],
    }
    label_columns = {
        "category": "栏目",
        "title": "标题",
        "body": "正文",
        "pinned": "置顶",
        "is_published": "发布",
        "published_at": "发布时间（UTC）",
        "id": "附件",
    }
    description_columns = {
        "is_published": "勾选后在网站首页公开；取消勾选即撤下，发布时间保持首次发布的时间",
    }

    def pre_add(self, item: Notice) -> None:
        notices.saved(db.session, current_user, item, clock.now(), created=True)

    def pre_update(self, item: Notice) -> None:
        notices.saved(db.session, current_user, item, clock.now(), created=False)

    def pre_delete(self, item: Notice) -> None:
        notices.deleted(db.session, current_user, item)


class AdminNoticeFileView(RoleView):
    """The files of one notice: upload (JPG/PDF, checked by content), delete."""

    route_base = "/admin/notices"
    default_view = "index"

    def _notice(self, notice_id: int) -> Notice:
        return db.session.get(Notice, notice_id) or abort(404)

    @expose("/<int:notice_id>/files")
    @has_access
    def index(self, notice_id: int):
        notice = self._notice(notice_id)
        return self.render_page(
            "admin/notice_files.html",
            f"附件：{notice.title}",
            notice=notice,
            form=NoticeFilesForm(),
        )

    @expose("/<int:notice_id>/files", methods=["POST"])
    @has_access
    def upload(self, notice_id: int):
        notice = self._notice(notice_id)
        form = NoticeFilesForm()
        if not form.validate_on_submit():
            flash_errors(form)
            return self._back(notice_id)
        pending = [
            PendingFile(upload.read(), upload.filename)
            for upload in request.files.getlist("files")
            if upload and upload.filename
        ]
        commit_or_flash(
            lambda: notices.add_files(db.session, get_store(), notice, pending, current_user),
            f"已上传{len(pending)}个附件",
        )
        return self._back(notice_id)

    @expose("/<int:notice_id>/files/<int:file_id>/delete", methods=["POST"])
    @has_access
    def delete(self, notice_id: int, file_id: int):
        notice = self._notice(notice_id)
        form = NoticeFilesForm()
        if not form.validate_on_submit():
            flash_errors(form)
            return self._back(notice_id)
        commit_or_flash(
            lambda: notices.delete_file(db.session, notice, file_id, current_user), "附件已删除"
        )
        return self._back(notice_id)

    @staticmethod
    def _back(notice_id: int):
        return redirect(url_for("AdminNoticeFileView.index", notice_id=notice_id))


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(
        AdminNoticeView,
        "通知公告与职称政策",
        label="通知公告与职称政策",
        icon="fa-bullhorn",
        category=ADMIN_CATEGORY,
    )
    appbuilder.add_view_no_menu(AdminNoticeFileView)
