"""Extension objects, bound to an app in create_app."""

from flask import current_app
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from werkzeug.local import LocalProxy

#: one metadata for FAB's tables and ours, so Alembic sees every table
db = get_sqla_class()(metadata=Model.metadata)
migrate = Migrate()
csrf = CSRFProtect()
#: per client address (ProxyFix decides what a proxy may tell us); storage from
#: RATELIMIT_STORAGE_URI: memory by default, Redis when REDIS_URL is set. Bound to the app by
#: the security manager, in place of the unconfigured limiter Flask-AppBuilder would create.
limiter = Limiter(key_func=get_remote_address)
#: AppBuilder keeps its views in the instance, so each app gets its own (see create_app)
appbuilder = LocalProxy(lambda: current_app.appbuilder)


def enforce_sqlite_foreign_keys(engine) -> None:
    """SQLite ignores foreign keys (and ON DELETE CASCADE) unless each connection asks."""
    if engine.dialect.name != "sqlite":
        return

    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    event.listen(engine, "connect", _on_connect)
