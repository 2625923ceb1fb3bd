"""View registration: one module per role."""

from __future__ import annotations

from flask_appbuilder import AppBuilder


def register_views(appbuilder: AppBuilder) -> None:
    from app.views import (
        admin,
        applicant,
        committee,
        education,
        expert,
        expert_pool,
        exports,
        files,
        guards,
        integrity,
        items,
        messages,
        notices,
        public,
        results,
        review,
        unit,
    )

    guards.register(appbuilder)
    applicant.register(appbuilder)
    items.register(appbuilder)
    messages.register(appbuilder)
    files.register(appbuilder)
    unit.register(appbuilder)
    review.register(appbuilder)
    committee.register(appbuilder)
    expert.register(appbuilder)
    expert_pool.register(appbuilder)
    results.register(appbuilder)
    exports.register(appbuilder)
    admin.register(appbuilder)
    notices.register(appbuilder)
    integrity.register(appbuilder)
    public.register(appbuilder)
    education.register(appbuilder)
