"""Flask-AppBuilder security manager bound to this system's account model."""

from flask_appbuilder.security.sqla.manager import SecurityManager

from app.models.org import Account


class AppSecurityManager(SecurityManager):
    user_model = Account
