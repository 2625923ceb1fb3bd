"""The public website (no login): 通知公告, 职称政策, 职称申报入口 and 证书查询 (manual §1.3, §2).

Only published notices and their files are served; a draft, a forged id or a file of a draft
answers 404. 证书查询 shows a certificate only when its number and 校验码 both match.
"""

from __future__ import annotations

import io

from flask import abort, current_app, request, send_file
from flask_appbuilder import AppBuilder, BaseView, expose

from app.documents.receipt import mask_id_number
from app.extensions import db, limiter
from app.forms.public import CertificateCheckForm
from app.models import NoticeColumn
from app.services import certificates, notices
from app.services.attachments import get_store
from app.services.pagination import paginate, parse_page

#: URL keys of the two columns
CATEGORY_KEYS = {"announcement": NoticeColumn.ANNOUNCEMENT, "policy": NoticeColumn.POLICY}
INLINE_TYPES = frozenset({"image/jpeg", "application/pdf"})


def _check_limit() -> str:
    return current_app.config["CERTIFICATE_CHECK_RATE_LIMIT"]


class PortalView(BaseView):
    route_base = "/portal"
    default_view = "index"

    def _page(self, template: str, title: str, **context):
        return self.render_template(template, title=title, **context)

    @expose("/")
    def index(self):
        columns = notices.home_columns(db.session)
        return self._page("public/home.html", "职称申报评审管理系统", columns=columns, keys=_keys())

    @expose("/list/<category>")
    def listing(self, category: str):
        column = CATEGORY_KEYS.get(category) or abort(404)
        page = paginate(db.session, notices.published(column), parse_page(request.args.get("page")))
        return self._page("public/list.html", column.value, page=page, category=category)

    @expose("/notice/<int:notice_id>")
    def notice(self, notice_id: int):
        try:
            item = notices.published_notice(db.session, notice_id)
        except notices.NoticeNotFound:
            abort(404)
        return self._page("public/notice.html", item.title, notice=item, key=_keys()[item.category])

    @expose("/file/<int:file_id>")
    def file(self, file_id: int):
        try:
            row = notices.published_file(db.session, file_id)
            with get_store().open(row.sha256) as handle:
                data = handle.read()
        except notices.NoticeNotFound:
            abort(404)
        except FileNotFoundError:
            current_app.logger.error("notice file %s: %s missing in store", row.id, row.sha256)
            abort(404)
        inline = row.mime in INLINE_TYPES and not row.has_javascript
        response = send_file(
            io.BytesIO(data),
            mimetype=row.mime,
            as_attachment=not inline,
            download_name=row.original_name,
            etag=row.sha256,
            conditional=True,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @expose("/certificate")
    @limiter.limit(_check_limit)
    def certificate(self):
        form = CertificateCheckForm(request.args)
        asked = bool(request.args)
        found = None
        if asked and form.validate():
            found = certificates.verify(db.session, form.number.data, form.code.data)
        return self._page(
            "public/certificate.html",
            "证书查询",
            form=form,
            asked=asked,
            found=found,
            masked=mask_id_number,
        )


def _keys() -> dict[NoticeColumn, str]:
    return {column: key for key, column in CATEGORY_KEYS.items()}


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view_no_menu(PortalView)
