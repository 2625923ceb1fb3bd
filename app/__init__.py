"""Application factory."""

from __future__ import annotations

from flask import Flask
from flask_appbuilder import AppBuilder
from werkzeug.routing import IntegerConverter

from app.extensions import csrf, db, enforce_sqlite_foreign_keys, migrate


def create_app(config_class: type | None = None) -> Flask:
    from config import BASE_DIR, INSTANCE_DIR, Config

    config_class = config_class or Config
    config_class.finalise()
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.url_map.converters["int"] = DatabaseIntConverter
    app.config.from_object(config_class)
    _refuse_test_hooks_in_production(app)

    from app.roles import FAB_ROLES

    app.config["FAB_ROLES"] = FAB_ROLES
    csrf.init_app(app)  # before AppBuilder, so FAB's own forms and actions are covered
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    with app.app_context():
        enforce_sqlite_foreign_keys(db.engine)
        app.appbuilder = AppBuilder(update_perms=False)
        app.appbuilder.init_app(app, db.session)
        from app.views import register_views

        register_views(app.appbuilder)
    from app.security import init_security

    init_security(app)  # after AppBuilder: the session guard runs once FAB has set g.user
    _register_template_helpers(app)
    from app.views import errors

    errors.register(app)
    from app.cli import register_cli

    register_cli(app)
    return app


class DatabaseIntConverter(IntegerConverter):
    """<int:id> that only matches ids a database column can hold; anything larger is a 404."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _refuse_test_hooks_in_production(app: Flask) -> None:
    if app.config.get("TESTING"):
        return
    for name in ("FIXED_NOW", "CAPTCHA_FIXED_ANSWER"):
        if app.config.get(name):
            raise RuntimeError(f"{name} is a test setting; production refuses to start with it")


def _register_template_helpers(app: Flask) -> None:
    from app.clock import to_beijing

    app.jinja_env.filters["bj"] = to_beijing
    from app.views import dossier_nav

    dossier_nav.register(app)
