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
    #: a signed-in session with no request for this long is logged out
    SESSION_IDLE_MINUTES = 30
    #: number of reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))

    # Login: captcha, lockout, rate limits (per client IP).
    #: seconds a captcha image may be answered (each one answers once)
    CAPTCHA_TTL_SECONDS = 300
    CAPTCHA_LENGTH = 4
    #: test hook: every captcha's answer is this value; create_app refuses it outside tests
    CAPTCHA_FIXED_ANSWER = None
    #: wrong passwords in a row that lock an account, and for how long
    LOCKOUT_THRESHOLD = 5
    LOCKOUT_MINUTES = 15
    #: per client address; a whole work unit may sit behind one NAT address, so these are
    #: generous: the per-account lockout is what stops guessing one person's password
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "30 per minute;600 per hour")
    CAPTCHA_RATE_LIMIT = os.environ.get("CAPTCHA_RATE_LIMIT", "60 per minute;1200 per hour")
    CERTIFICATE_CHECK_RATE_LIMIT = os.environ.get(
        "CERTIFICATE_CHECK_RATE_LIMIT", "20 per minute;300 per hour"
    )
    PASSWORD_RATE_LIMIT = os.environ.get("PASSWORD_RATE_LIMIT", "30 per minute")
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    #: if Redis is unreachable, count in this process rather than fail the login
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: batch account import: largest file and most rows accepted
    # Evidence files (manual §1.4): each file ≤ 2 MB, the ID photo ≤ 1 MB; a request may carry
    # several files of one entry, anything larger is refused before it is read.
    MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    MAX_PHOTO_BYTES = 1024 * 1024
    MAX_CONTENT_LENGTH = 10 * MAX_UPLOAD_BYTES + 1024 * 1024

    # E-mail for notifications (the in-app messages work without it).
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "zhicheng@localhost")

    #: a CJK TrueType/OpenType font (or .ttc collection) for PDFs such as the 申报回执; unset:
    #: the first installed of PDF_FONT_CANDIDATES (Debian: fonts-wqy-microhei, fonts-noto-cjk)
    PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH")
    PDF_FONT_CANDIDATES = (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    )

    #: 继续教育 a year (reference/rules.md: 90 = 30 公需 + 60 专业, secondary source)
    CONTINUING_EDUCATION_TOTAL_HOURS = 90
    CONTINUING_EDUCATION_PUBLIC_HOURS = 30
    CONTINUING_EDUCATION_PROFESSIONAL_HOURS = 60
    #: the admin page's import limits (the command `flask education import` has none)
    CONTINUING_EDUCATION_IMPORT_MAX_BYTES = 20 * 1024 * 1024
    CONTINUING_EDUCATION_IMPORT_MAX_ROWS = 100_000

    ACCOUNT_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    ACCOUNT_IMPORT_MAX_ROWS = 1000

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
    CAPTCHA_FIXED_ANSWER = "2468"
    # limits high enough for suites that log in many accounts from one address;
    # the rate-limit tests lower them for themselves
    LOGIN_RATE_LIMIT = "100000 per minute"
    CAPTCHA_RATE_LIMIT = "100000 per minute"
    CERTIFICATE_CHECK_RATE_LIMIT = "100000 per minute"
    PASSWORD_RATE_LIMIT = "100000 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
