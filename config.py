"""Configuration classes. Secrets and locations come from the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Heroku-style and plain postgresql:// URLs both mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    APP_NAME = "职称申报评审管理信息系统"
    APP_THEME = ""
    SECRET_KEY = None  # filled in by create_app (reading the key file is a side effect)
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    REDIS_URL = os.environ.get("REDIS_URL")

    # Flask-AppBuilder: tables and permissions are managed by migrations and code roles.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_ADD_SECURITY_API = False
    FAB_API_SWAGGER_UI = False
    FAB_INDEX_VIEW = "app.views.home.HomeView"
    FAB_SECURITY_MANAGER_CLASS = "app.security.AppSecurityManager"
    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "省职改办管理员"
    AUTH_ROLE_PUBLIC = "公众"
    AUTH_USER_REGISTRATION = False
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh": {"flag": "cn", "name": "中文"}}
    FAB_API_MAX_PAGE_SIZE = 100

    # Sessions and CSRF.
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)

    #: the lifecycle's clock; tests may set a fixed instant, production must not
    FIXED_NOW = None
    TESTING = False

    @classmethod
    def finalise(cls) -> None:
        """Fill in the values whose computation touches the file system."""
        if cls.SECRET_KEY is None:
            cls.SECRET_KEY = _secret_key()
        if cls.SQLALCHEMY_DATABASE_URI is None:
            default = f"sqlite:///{INSTANCE_DIR / 'zhicheng.db'}"
            cls.SQLALCHEMY_DATABASE_URI = normalise_database_url(
                os.environ.get("DATABASE_URL", default)
            )


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite://")
    )
    WTF_CSRF_ENABLED = False
    UPLOAD_DIR = os.environ.get("TEST_UPLOAD_DIR", "")
