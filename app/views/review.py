"""审查推荐 for unit and department handlers and leaders."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import AppBuilder, expose, has_access
from flask_login import current_user
from sqlalchemy import select

from app.clock import now
from app.extensions import db
from app.forms.review import PublicityForm, ReturnForm
from app.models import Qualification, Series
from app.services import dossier_view, review
from app.services.applications import current_batch
from app.services.dossier import DossierNotFound, application_in_scope
from app.services.pagination import paginate, parse_page
from app.services.scopes import review_queue
from app.views.base import RoleView, commit_or_flash, flash_errors, flash_results
from app.views.downloads import publicity_list
from app.workflow import permissions
from app.workflow.errors import WorkflowError
from app.workflow.states import ApplicationStatus, Role


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _filter_from_args() -> review.ReviewFilter:
    status = request.args.get("status", "")
    return review.ReviewFilter(
        series_id=_int_arg("series"),
        qualification_id=_int_arg("level"),
        status=ApplicationStatus[status] if status in ApplicationStatus.__members__ else None,
        name=request.args.get("name", "").strip()[:50],
        id_number=request.args.get("id_number", "").strip()[:18],
        waiting_only=request.args.get("tab", "waiting") != "all",
    )


class ReviewListView(RoleView):
    route_base = "/review"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        actor = self.actor()
        flt = _filter_from_args()
        stmt = review.filtered_queue(actor, flt)
        page = paginate(db.session, stmt, parse_page(request.args.get("page")))
        return self.render_page(
            "review/list.html",
            "审查推荐",
            page=page,
            flt=flt,
            counts=review.stage_counts(db.session, actor),
            series=db.session.scalars(
                select(Series).where(Series.active).order_by(Series.sort)
            ).all(),
            levels=_levels(flt.series_id),
            statuses=list(ApplicationStatus),
            args={k: v for k, v in request.args.items() if k != "page"},
        )

    @expose("/bulk-approve", methods=["POST"])
    @has_access
    def bulk_approve(self):
        ids = [int(i) for i in request.form.getlist("ids") if i.isdigit() and len(i) < 10]
        if not ids:
            flash("请先勾选要审核通过的申报", "warning")
            return redirect(url_for("ReviewListView.index"))
        results = review.bulk_approve(db.session, self.actor(), current_user.name, ids, now())
        db.session.commit()
        flash_results(results, "已审核通过 {n} 份申报", "未通过")
        return redirect(url_for("ReviewListView.index"))


def _levels(series_id: int | None) -> list[Qualification]:
    if not series_id:
        return []
    stmt = select(Qualification).where(Qualification.series_id == series_id)
    return db.session.scalars(stmt.order_by(Qualification.sort)).all()


class DossierActionMixin:
    """退回修改 and the other one-dossier actions of the reviewers' and the committee's pages:
    run the service, commit once, flash, and go back to ``show_endpoint`` (or ``after``)."""

    show_endpoint: str

    def _back(self, application_id: int):
        return redirect(url_for(self.show_endpoint, application_id=application_id))

    def _return(self, application_id: int, *, after: str | None = None):
        form = ReturnForm()
        if not form.validate():
            flash_errors(form)
            return self._back(application_id)
        return self._run(
            application_id,
            "退回修改",
            review.return_for_revision,
            reason=form.reason.data,
            sections=form.sections.data or [],
            after=after,
        )

    def _run(self, application_id: int, done: str, action, *, after: str | None = None, **kw):
        actor = self.actor()
        moved = commit_or_flash(
            lambda: action(db.session, actor, current_user.name, application_id, now(), **kw),
            f"已{done}",
            missing=(DossierNotFound,),
        )
        return redirect(after) if moved is not None and after else self._back(application_id)


class ReviewDossierView(DossierActionMixin, RoleView):
    route_base = "/review/dossier"
    default_view = "show"
    show_endpoint = "ReviewDossierView.show"

    def _load(self, application_id: int, *, for_update: bool = False):
        try:
            return application_in_scope(
                db.session, self.actor(), application_id, for_update=for_update
            )
        except DossierNotFound:
            abort(404)

    @expose("/<int:application_id>")
    @has_access
    def show(self, application_id: int):
        application = self._load(application_id)
        actor = self.actor()
        return self.render_page(
            "review/dossier.html",
            "审查推荐",
            application=application,
            form=ReturnForm(),
            can_approve=permissions.can_approve(application, actor),
            can_return=permissions.can_return(application, actor),
            dossier=dossier_view.dossier_view(db.session, application),
            dossier_changes=dossier_view.changes_since_previous(db.session, application),
        )

    @expose("/<int:application_id>/approve", methods=["POST"])
    @has_access
    def approve(self, application_id: int):
        return self._run(application_id, "审核通过", review.approve)

    @expose("/<int:application_id>/return", methods=["POST"])
    @has_access
    def return_(self, application_id: int):
        return self._return(application_id)


class ReviewPublicityView(RoleView):
    """单位公示, recorded by the unit leader before reporting upward."""

    route_base = "/review/publicity"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        actor = self.actor()
        if actor.role != Role.UNIT_LEADER:
            abort(403)
        waiting = db.session.scalars(review_queue(actor)).all()
        form = PublicityForm.of(waiting)
        if form.validate_on_submit():
            if self._record(actor, form):
                return redirect(url_for("ReviewPublicityView.index"))
        elif request.method == "POST":
            flash_errors(form)
        return self.render_page(
            "review/publicity.html",
            "单位公示",
            form=form,
            records=db.session.scalars(review.publicity_records(actor).limit(50)).all(),
            unpublished=review.unpublished_years_ahead(db.session, now()),
            waiting=waiting,
        )

    def _record(self, actor, form) -> bool:
        recorded = commit_or_flash(
            lambda: review.record_publicity(db.session, actor, **form.record(), now=now()),
            "单位公示已登记",
            missing=(DossierNotFound,),
        )
        return recorded is not None

    @expose("/<int:publicity_id>/list.xlsx")
    @has_access
    def download(self, publicity_id: int):
        publicity = review.unit_publicity_list(db.session, self.actor(), publicity_id)
        if publicity is None:
            abort(404)
        return publicity_list(publicity, "职称申报")


class ReviewProgressView(RoleView):
    """The unit's progress: how many applicants stand where, with the names behind each number."""

    route_base = "/review/progress"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        actor = self.actor()
        if actor.unit_id is None:
            abort(403)
        batch = current_batch(db.session)
        batch_id = batch.id if batch else None
        bucket = request.args.get("bucket", "")[:40]
        members = None
        if bucket:
            try:
                stmt = review.progress_members(actor.unit_id, bucket, batch_id)
            except WorkflowError:
                abort(400, description="统计项无效")
            members = paginate(db.session, stmt, parse_page(request.args.get("page")))
        return self.render_page(
            "review/progress.html",
            "申报进度",
            bucket=bucket,
            members=members,
            progress=review.unit_progress(db.session, actor.unit_id, batch_id),
            batch=batch,
        )


def register(appbuilder: AppBuilder) -> None:
    appbuilder.add_view(ReviewListView, "审查推荐", label="审查推荐", icon="fa-check-square-o")
    appbuilder.add_view_no_menu(ReviewDossierView)
    appbuilder.add_view_no_menu(ReviewPublicityView)
    appbuilder.add_view_no_menu(ReviewProgressView)
