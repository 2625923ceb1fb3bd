"""Logging in and staying logged in (issue 3; fab_pitfalls rows 11-16 and 24).

* ``AppSecurityManager`` binds Flask-AppBuilder to ``Account`` and registers only this system's
  login view and account pages: none of FAB's user/role/group/permission views, its password
  reset forms or its REST security API (``/api/v1/security/login`` would bypass the captcha).
* The login itself: a single-use, short-lived image captcha checked before the password, the
  lockout after too many wrong passwords, and the audit rows.
* Sessions: the Flask-Login id is ``"<id>:<session token>"``, so rotating the token (logout,
  password change or reset, disabling) ends every older session; an idle timeout; and the
  forced 修改初始密码 before anything else can be reached.
* Response headers: a nonce-based CSP that Flask-AppBuilder's templates support, no framing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.security import check_password_hash

from app.clock import now, to_naive_utc
from app.models import Account, LoginChallenge
from app.services import audit
from app.services.accounts import (
    INITIAL_PASSWORD_MARK,
    hash_password,
    normalize_username,
    rotate_session_token,
    verify_password,
)

_CAPTCHA_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
_USERNAME_LOG_MAX = 64
SESSION_CAPTCHA = "captcha"
SESSION_SEEN = "seen"
#: seconds between two refreshes of the idle clock in the session cookie
_SEEN_RESOLUTION = 60


class AppSecurityManager(SecurityManager):
    user_model = Account

    def create_limiter(self, app: Flask):
        """One Flask-Limiter for the whole app (FAB would make its own, unconfigured)."""
        from app.extensions import limiter

        limiter.init_app(app)
        return limiter

    def register_views(self) -> None:
        from app.views.auth import AppAuthView
        from app.views.staff import register as register_staff

        self.auth_view = self.appbuilder.add_view_no_menu(AppAuthView())
        self.user_view = None
        register_staff(self.appbuilder)

    def load_user(self, pk: str) -> Account | None:
        return load_session_user(self.session, pk)

    def load_user_jwt(self, _jwt_header, jwt_data):
        return None  # no JWT logins: FAB's security API is not registered

    def auth_user_db(self, username, password):
        return None  # every login goes through AppAuthView (captcha, lockout, audit)


def load_session_user(db_session: Session, user_id: str | None) -> Account | None:
    """Flask-Login's loader: the account whose current session token is in the cookie."""
    pk, _, token = (user_id or "").partition(":")
    if not pk.isdigit() or not token:
        return None
    account = db_session.get(Account, int(pk))
    if account is None or not account.active or not account.session_token:
        return None
    if not hmac.compare_digest(account.session_token.encode(), token.encode()):
        return None
    return account


# -- captcha ---------------------------------------------------------------------------------


def _answer_hash(challenge_id: str, answer: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{challenge_id}:{answer.strip().upper()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def new_challenge(db_session: Session, previous_id: str | None) -> tuple[str, str]:
    """A fresh captcha for this browser: (challenge id for the session, answer to draw)."""
    moment = to_naive_utc(now())
    db_session.execute(delete(LoginChallenge).where(LoginChallenge.expires_at < moment))
    if previous_id:
        db_session.execute(delete(LoginChallenge).where(LoginChallenge.id == previous_id))
    config = current_app.config
    answer = config.get("CAPTCHA_FIXED_ANSWER") or "".join(
        secrets.choice(_CAPTCHA_ALPHABET) for _ in range(config["CAPTCHA_LENGTH"])
    )
    challenge_id = secrets.token_urlsafe(32)
    ttl = timedelta(seconds=config["CAPTCHA_TTL_SECONDS"])
    db_session.add(
        LoginChallenge(
            id=challenge_id,
            answer_hash=_answer_hash(challenge_id, answer),
            expires_at=moment + ttl,
        )
    )
    db_session.flush()
    return challenge_id, answer


def captcha_png(answer: str) -> bytes:
    from captcha.image import ImageCaptcha

    return ImageCaptcha(width=140, height=50).generate(answer).getvalue()


def consume_challenge(db_session: Session, challenge_id: str | None, answer: str | None) -> bool:
    """Whether ``answer`` solves the challenge; the challenge is gone afterwards either way."""
    if not challenge_id:
        return False
    row = db_session.execute(
        delete(LoginChallenge)
        .where(LoginChallenge.id == challenge_id)
        .returning(LoginChallenge.answer_hash, LoginChallenge.expires_at)
    ).first()
    if row is None or row.expires_at < to_naive_utc(now()):
        return False
    return hmac.compare_digest(row.answer_hash, _answer_hash(challenge_id, answer or ""))


# -- the login -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    #: "ok", or why not (kept for the audit log, never shown: people see one message)
    reason: str

    @property
    def ok(self) -> bool:
        return self.reason == "ok"


_FAILURE_DETAIL = {
    "captcha": "验证码错误或已失效",
    "unknown": "账号不存在",
    "inactive": "账号已停用",
    "locked": "账号锁定中",
    "password": "密码错误",
}


def _burn_password_check(password: str) -> None:
    """Spend what a real password check costs, so timing does not tell which accounts exist."""
    dummy = current_app.extensions.get("dummy_password_hash")
    if dummy is None:
        dummy = current_app.extensions["dummy_password_hash"] = hash_password(secrets.token_hex(8))
    check_password_hash(dummy, password)


def _record_wrong_password(db_session: Session, account: Account, moment: datetime) -> bool:
    """Count a wrong password; lock the account when the count reaches the limit."""
    config = current_app.config
    count = db_session.execute(
        update(Account)
        .where(Account.id == account.id)
        .values(fail_login_count=func.coalesce(Account.fail_login_count, 0) + 1)
        .returning(Account.fail_login_count)
    ).scalar_one()
    db_session.refresh(account)
    if count < config["LOCKOUT_THRESHOLD"]:
        return False
    account.fail_login_count = 0
    account.locked_until = to_naive_utc(moment) + timedelta(minutes=config["LOCKOUT_MINUTES"])
    return True


def _log_failure(db_session, typed: str, account: Account | None, reason: str) -> None:
    audit.record(
        db_session,
        "login_failed",
        actor_name=typed[:_USERNAME_LOG_MAX],
        target=account,
        detail=_FAILURE_DETAIL[reason],
    )


def authenticate(db_session: Session, username: str, password: str) -> LoginResult:
    """Check a user name and password, counting failures towards the lockout."""
    moment = now()
    typed = username or ""
    name = normalize_username(typed)
    account = None
    if name:
        account = db_session.scalars(select(Account).where(Account.username == name)).first()
    if account is None or not account.active:
        _burn_password_check(password)
        reason = "unknown" if account is None else "inactive"
        _log_failure(db_session, typed, account, reason)
        return LoginResult(None, reason)
    if account.locked_until is not None and account.locked_until > to_naive_utc(moment):
        _burn_password_check(password)
        _log_failure(db_session, typed, account, "locked")
        return LoginResult(None, "locked")
    if account.password == INITIAL_PASSWORD_MARK:
        _burn_password_check(password)
    if not verify_password(account, password):
        _log_failure(db_session, typed, account, "password")
        if _record_wrong_password(db_session, account, moment):
            detail = f"连续{current_app.config['LOCKOUT_THRESHOLD']}次密码错误"
            audit.record(db_session, "locked", target=account, detail=detail)
        db_session.flush()
        return LoginResult(None, "password")
    account.fail_login_count = 0
    account.locked_until = None
    account.login_count = (account.login_count or 0) + 1
    account.last_login = to_naive_utc(moment)
    if not account.session_token:
        rotate_session_token(account)
    audit.record(db_session, "login", actor=account, target=account)
    db_session.flush()
    return LoginResult(account, "ok")


def attempt_login(
    db_session: Session, *, username: str, password: str, captcha: str, challenge_id: str | None
) -> LoginResult:
    """The login form: the captcha first (no password is checked without it), then the password."""
    if not consume_challenge(db_session, challenge_id, captcha):
        _log_failure(db_session, username or "", None, "captcha")
        db_session.flush()
        return LoginResult(None, "captcha")
    return authenticate(db_session, username, password)


def start_session(account: Account) -> None:
    """Log the account in on a fresh session cookie."""
    session.clear()
    session.permanent = True
    login_user(account, remember=False)
    session[SESSION_SEEN] = int(now().timestamp())


def end_session() -> None:
    logout_user()
    session.clear()


# -- request hooks ---------------------------------------------------------------------------

#: endpoints a person who must change the initial password may still reach
_FORCED_CHANGE_ALLOWED = {
    "AppAuthView.initial_password",
    "AppAuthView.initial_password_form",
    "AppAuthView.password_done",
    "AppAuthView.logout",
    "AppAuthView.login",
    "AppAuthView.captcha",
}


def _is_static(endpoint: str | None) -> bool:
    return endpoint is None or endpoint == "static" or endpoint.endswith(".static")


def _session_guard():
    """Idle timeout, then the forced password change, before any view runs."""
    if _is_static(request.endpoint) or not current_user.is_authenticated:
        return None
    moment = int(now().timestamp())
    seen = session.get(SESSION_SEEN)
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if not isinstance(seen, int) or moment - seen > idle:
        end_session()
        flash("长时间未操作，登录已超时，请重新登录", "warning")
        return redirect(current_app.appbuilder.get_url_for_login)
    if moment - seen >= _SEEN_RESOLUTION:
        # rewriting the cookie on every request would let a slow parallel request (a thumbnail)
        # overwrite a newer cookie: flash messages lost, even a logout undone
        session[SESSION_SEEN] = moment
    if current_user.must_change_password and request.endpoint not in _FORCED_CHANGE_ALLOWED:
        return redirect(url_for("AppAuthView.initial_password"))
    return None


def csp_nonce() -> str:
    """The per-response nonce (FAB's templates call ``csp_nonce()`` when it is defined)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    # Scripts: only our own files and inline blocks carrying this response's nonce (FAB's
    # templates put the nonce on every <script>; none uses inline event handlers).
    # Styles: FAB's templates use style="" attributes throughout, which a nonce cannot cover,
    # so inline styles stay allowed; styles cannot run code.
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if response.mimetype == "text/html" and "Cache-Control" not in headers:
        # pages show personal data: no shared or back-button cache keeps them
        headers["Cache-Control"] = "no-store"
    return response


def init_security(app: Flask) -> None:
    """Register the proxy fix, the session guard and the response headers."""
    hops = app.config.get("PROXY_FIX_X_FOR", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.before_request(_session_guard)
    app.after_request(_security_headers)
