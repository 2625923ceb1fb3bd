"""登录 and passwords (manual §2, 图1-图5).

The login page asks for 身份证号/用户名, 密码 and 验证码. The captcha image comes from its own
rate-limited endpoint; its answer is checked before the password and works once. Any failure
gets the same message, so the page never tells whether an account exists.

The first login leads to 修改初始密码 (图3, a dialog with 确定), then the new password (图4,
确定), then 密码修改成功 (图5, 确定) and back to the login page. The password change ends the
session, so the person logs in again with the new password, as the manual shows.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, make_response, redirect, request, session, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.views import AuthView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.extensions import db, limiter
from app.security import (
    SESSION_CAPTCHA,
    attempt_login,
    captcha_png,
    consume_challenge,
    end_session,
    new_challenge,
    start_session,
)
from app.services import audit
from app.services.accounts import AccountError, change_own_password, rotate_session_token
from app.validators.passwords import PASSWORD_RULE

TITLE_LOGIN = "登录"
TITLE_INITIAL = "修改初始密码"
TITLE_CHANGE = "修改密码"
TITLE_DONE = "密码修改成功"


def login_failed_message() -> str:
    config = current_app.config
    return (
        "身份证号/用户名、密码或验证码错误。"
        f"连续输错{config['LOCKOUT_THRESHOLD']}次密码，账号将锁定{config['LOCKOUT_MINUTES']}分钟。"
    )


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _captcha_limit() -> str:
    return current_app.config["CAPTCHA_RATE_LIMIT"]


def _password_limit() -> str:
    return current_app.config["PASSWORD_RATE_LIMIT"]


class LoginForm(FlaskForm):
    username = StringField(
        "身份证号/用户名", [DataRequired("请输入身份证号或用户名"), Length(max=128)]
    )
    password = PasswordField("密码", [DataRequired("请输入密码"), Length(max=128)])
    captcha = StringField("验证码", [DataRequired("请输入验证码"), Length(max=16)])


class NewPasswordForm(FlaskForm):
    new_password = PasswordField("新密码", [DataRequired("请输入新密码"), Length(max=128)])
    confirm = PasswordField(
        "确认新密码",
        [DataRequired("请再次输入新密码"), EqualTo("new_password", "两次输入的新密码不一致")],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("原密码", [DataRequired("请输入原密码"), Length(max=128)])


def signed_in(view):
    """For pages every signed-in person has (no FAB permission: they belong to the login)."""

    @wraps(view)
    def wrapper(self, *args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(self.appbuilder.get_url_for_login)
        return view(self, *args, **kwargs)

    return wrapper


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


class AppAuthView(AuthView):
    route_base = ""

    def _page(self, template: str, title: str, status: int = 200, **context):
        page = self.render_template(template, title=title, appbuilder=self.appbuilder, **context)
        return _no_store(make_response(page, status))

    @expose("/login/", methods=["GET", "POST"])
    @limiter.limit(_login_limit, methods=["POST"])
    def login(self):
        if current_user.is_authenticated:
            return redirect(self._next_url())
        form, error = LoginForm(), None
        if request.method == "POST":
            account = self._attempt(form, session.pop(SESSION_CAPTCHA, None))
            if account is not None:
                start_session(account)
                return redirect(self._after_login(account))
            error = None if form.errors else login_failed_message()
            form.password.data = form.captcha.data = ""
        return self._page("auth/login.html", TITLE_LOGIN, form=form, error=error)

    @staticmethod
    def _attempt(form: LoginForm, challenge_id: str | None):
        """The account that logged in, or None; the captcha is used up either way."""
        if not form.validate_on_submit():
            consume_challenge(db.session, challenge_id, None)
            db.session.commit()
            return None
        result = attempt_login(
            db.session,
            username=form.username.data,
            password=form.password.data,
            captcha=form.captcha.data,
            challenge_id=challenge_id,
        )
        db.session.commit()
        return result.account if result.ok else None

    def _next_url(self) -> str:
        target = request.args.get("next")
        return get_safe_redirect(target) if target else self.appbuilder.get_url_for_index

    def _after_login(self, account) -> str:
        if account.must_change_password:
            return url_for("AppAuthView.initial_password")
        return self._next_url()

    @expose("/login/captcha")
    @limiter.limit(_captcha_limit)
    def captcha(self):
        challenge_id, answer = new_challenge(db.session, session.get(SESSION_CAPTCHA))
        db.session.commit()
        session[SESSION_CAPTCHA] = challenge_id
        response = make_response(captcha_png(answer))
        response.mimetype = "image/png"
        return _no_store(response)

    @expose("/logout/")
    def logout(self):
        if current_user.is_authenticated:
            account = db.session.merge(current_user._get_current_object())
            rotate_session_token(account)
            audit.record(db.session, "logout", actor=account, target=account)
            db.session.commit()
        end_session()
        return redirect(self.appbuilder.get_url_for_login)

    @expose("/password/initial/")
    @signed_in
    def initial_password(self):
        """图3: the dialog that asks for the initial password to be changed."""
        if not current_user.must_change_password:
            return redirect(self.appbuilder.get_url_for_index)
        return self._page("auth/initial_dialog.html", TITLE_INITIAL)

    @expose("/password/initial/new", methods=["GET", "POST"])
    @limiter.limit(_password_limit, methods=["POST"])
    @signed_in
    def initial_password_form(self):
        """图4: 重新设置新密码."""
        if not current_user.must_change_password:
            return redirect(self.appbuilder.get_url_for_index)
        form = NewPasswordForm()
        return self._change(form, "auth/initial_form.html", TITLE_INITIAL, current=None)

    @expose("/password/change", methods=["GET", "POST"])
    @limiter.limit(_password_limit, methods=["POST"])
    @signed_in
    def change_password(self):
        form = ChangePasswordForm()
        return self._change(form, "auth/change_form.html", TITLE_CHANGE, current=form.current)

    def _change(self, form, template: str, title: str, current):
        error = None
        if form.validate_on_submit():
            account = db.session.merge(current_user._get_current_object())
            try:
                change_own_password(
                    db.session,
                    account,
                    new=form.new_password.data,
                    current=current.data if current is not None else None,
                )
            except AccountError as exc:
                db.session.rollback()
                error = str(exc)
            else:
                db.session.commit()
                end_session()
                return redirect(url_for("AppAuthView.password_done"))
        return self._page(template, title, form=form, error=error, rule=PASSWORD_RULE)

    @expose("/password/done")
    def password_done(self):
        """图5: 密码修改成功; 确定 leads back to the login page."""
        return self._page("auth/done.html", TITLE_DONE)
