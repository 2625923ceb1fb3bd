"""省职改办管理员: import 继续教育 hours exported from 甘肃省专业技术人员继续教育工作平台.

One page: what has been imported so far (people per year), the upload form, and after an
import the per-row report. Only the province admin reaches it (Admin* views, app/roles.py).
"""

from __future__ import annotations

from flask import current_app, make_response
from flask_appbuilder import AppBuilder, expose, has_access
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.exc import IntegrityError

from app.clock import BEIJING, now
from app.extensions import db
from app.services import continuing_education as service
from app.views.admin import ADMIN_CATEGORY
from app.views.base import RoleView

TITLE = "继续教育学时导入"
#: report lines shown on the page (refused rows first); the counts are always complete
REPORT_ROWS_SHOWN = 1000
MSG_CONFLICT = "导入时数据被同时修改（可能有人在同时导入同一文件），未导入任何数据，请重试"


class ImportForm(FlaskForm):
    file = FileField("平台导出文件（.xlsx 或 .csv）", [FileRequired("请选择要导入的文件")])


class AdminEducationImportView(RoleView):
    route_base = "/admin/continuing-education"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        form, report, error = ImportForm(), None, None
        if form.validate_on_submit():
            try:
                report = self._import(form.file.data)
                db.session.commit()
            except service.ImportFileError as exc:
                db.session.rollback()
                error = exc.message
            except IntegrityError:
                db.session.rollback()
                error = MSG_CONFLICT
        return self.render_page(
            "education/import.html",
            TITLE,
            form=form,
            report=report,
            error=error,
            shown=_shown_rows(report),
            years=service.year_counts(db.session),
            headers=service.HEADERS,
        )

    def _import(self, upload) -> service.ImportReport:
        limit = current_app.config.get(
            "CONTINUING_EDUCATION_IMPORT_MAX_BYTES", service.DEFAULT_MAX_BYTES
        )
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            raise service.ImportFileError(
                f"文件不能超过{limit // 2**20}MB，更大的文件请用命令 flask education import 导入"
            )
        moment = now()
        return service.import_file(
            db.session,
            data,
            source=upload.filename or "",
            today=moment.astimezone(BEIJING).date(),
            now=moment,
            max_rows=current_app.config.get(
                "CONTINUING_EDUCATION_IMPORT_MAX_ROWS", service.DEFAULT_MAX_ROWS
            ),
            by=db.session.merge(current_user._get_current_object()),
        )

    @expose("/template.csv")
    @has_access
    def template(self):
        response = make_response(service.template_csv())
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        response.headers["Content-Disposition"] = (
            "attachment; filename=continuing_education.csv; "
            "filename*=UTF-8''%E7%BB%A7%E7%BB%AD%E6%95%99%E8%82%B2%E5%AD%A6%E6%97%B6.csv"
        )
        return response


def _shown_rows(report: service.ImportReport | None) -> list[service.RowResult]:
    if report is None:
        return []
    ordered = report.refused + [row for row in report.rows if row.imported]
    return ordered[:REPORT_ROWS_SHOWN]


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(
        AdminEducationImportView,
        TITLE,
        label=TITLE,
        icon="fa-graduation-cap",
        category=ADMIN_CATEGORY,
        category_label=ADMIN_CATEGORY,
    )
