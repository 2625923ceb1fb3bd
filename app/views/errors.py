"""Error pages in Chinese; nothing leaks a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.workflow.errors import WorkflowError

MESSAGES = {
    400: "请求参数无效",
    403: "没有权限访问该页面或数据",
    404: "页面或数据不存在",
    405: "不支持该请求方式",
    413: "上传的文件过大",
    429: "操作过于频繁，请稍后再试",
    500: "系统内部错误，请稍后再试或联系管理员",
}


def _render(code: int, detail: str | None = None):
    message = MESSAGES.get(code, "请求无法完成")
    return render_template("error.html", code=code, message=message, detail=detail), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_template(
            "error.html", code=400, message="页面已过期，请刷新后重试", detail=None
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        detail = exc.description if exc.code == 400 and "无效" in (exc.description or "") else None
        return _render(exc.code or 500, detail)

    @app.errorhandler(OverflowError)
    def number_too_large(exc: OverflowError):
        # SQLite's driver refuses integers beyond 64 bits before any query runs
        return _render(400, "数值超出范围")

    @app.errorhandler(DataError)
    def value_out_of_range(exc: DataError):
        # PostgreSQL refuses a number or text that does not fit its column; nothing was saved
        db.session.rollback()
        return _render(400, "输入的数值或文字超出允许的范围或长度")

    @app.errorhandler(WorkflowError)
    def refused(exc: WorkflowError):
        # a refusal no view turned into a message (an account without its committee...)
        db.session.rollback()
        return render_template("error.html", code=403, message=exc.message, detail=None), 403

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if app.config.get("TESTING"):
            raise exc  # a test sees the traceback, not a polite page
        app.logger.exception("unhandled error")
        return _render(500)
