"""Extension objects, bound to an app in create_app."""

from flask import current_app
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from werkzeug.local import LocalProxy

#: one metadata for FAB's tables and ours, so Alembic sees every table
db = get_sqla_class()(metadata=Model.metadata)
migrate = Migrate()
csrf = CSRFProtect()
#: AppBuilder keeps its views in the instance, so each app gets its own (see create_app)
appbuilder = LocalProxy(lambda: current_app.appbuilder)
