"""Request guards for Flask-AppBuilder's list arguments (fab_pitfalls rows 7-8).

FAB takes page size, page number and sort column from the query string without limits: an
uncapped page size is a denial of service, a non-integer one a 500, and an unknown sort column
either a 500 or a sort oracle on hidden columns. Every such argument is checked here first.
"""

from __future__ import annotations

from flask import abort, current_app, request
from flask_appbuilder import AppBuilder

MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000


def _int_in_range(value: str, low: int, high: int) -> bool:
    return value.isdigit() and low <= int(value) <= high


def _view_named(appbuilder: AppBuilder, name: str):
    for view in appbuilder.baseviews:
        if view.__class__.__name__ == name:
            return view
    return None


def _arg_is_valid(appbuilder: AppBuilder, key: str, value: str) -> bool:
    if key.startswith("psize_"):
        return _int_in_range(value, 1, MAX_PAGE_SIZE)
    if key.startswith("page_"):
        return _int_in_range(value, 0, MAX_PAGE)
    if key.startswith("_od_"):
        return value in ("asc", "desc")
    if key.startswith("_oc_"):
        view = _view_named(appbuilder, key[len("_oc_") :])
        return view is not None and value in getattr(view, "order_columns", ())
    return True


def check_list_arguments(appbuilder: AppBuilder) -> None:
    for key, value in request.args.items(multi=True):
        if not _arg_is_valid(appbuilder, key, value):
            abort(400, description=f"参数“{key}”无效")


def register(appbuilder: AppBuilder) -> None:
    current_app.before_request(lambda: check_list_arguments(appbuilder))
