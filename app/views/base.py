"""What every role's hand-written view shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import abort, flash
from flask_appbuilder import BaseView
from flask_login import current_user

from app.extensions import db
from app.models import Committee
from app.services.scopes import actor_for
from app.workflow.actors import Actor
from app.workflow.errors import WorkflowError


class RoleView(BaseView):
    """A BaseView whose pages extend layout.html (name and unit on every page)."""

    def actor(self) -> Actor:
        actor = actor_for(current_user)
        if actor is None:
            abort(403)
        return actor

    def own_committee(self, *, required: bool = False) -> Committee | None:
        """The committee of the signed-in secretary or expert (403 if ``required`` and none)."""
        committee_id = self.actor().committee_id
        committee = db.session.get(Committee, committee_id) if committee_id else None
        if committee is None and required:
            abort(403)
        return committee

    def render_page(self, template: str, title: str, **context):
        return self.render_template(template, title=title, **context)


def flash_errors(form) -> None:
    for errors in form.errors.values():
        flash("；".join(errors), "danger")


def commit_or_flash(
    work: Callable[[], Any], done: str, *, missing: tuple[type[Exception], ...] = ()
) -> Any:
    """Run one service call and commit once, flashing ``done``; returns what ``work`` returned.

    A domain refusal rolls back and flashes its Chinese message (returns None); a row outside
    the person's scope (one of ``missing``) answers 404, as if it did not exist.
    """
    try:
        result = work()
    except missing:
        db.session.rollback()
        abort(404)
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return None
    db.session.commit()
    flash(done, "success")
    return result


def flash_results(results: Iterable[tuple[int, str | None]], done: str, refused: str) -> None:
    """A bulk action's per-row results: ``done`` with the count ``{n}`` first, then each
    refusal with its reason."""
    results = list(results)
    count = sum(1 for _, error in results if error is None)
    flash(done.format(n=count), "success" if count else "warning")
    for application_id, error in results:
        if error:
            flash(f"申报（编号{application_id}）{refused}：{error}", "danger")
