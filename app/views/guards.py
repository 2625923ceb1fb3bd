"""Request guards for Flask-AppBuilder's list arguments (fab_pitfalls rows 7-8).

FAB takes page size, page number and sort column from the query string without limits: an
uncapped page size is a denial of service, a non-integer one a 500, and an unknown sort column
either a 500 or a sort oracle on hidden columns; a filter on a boolean or enum column with an
odd value is a 500 too. Every such argument is checked here first.
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


def _filter_is_valid(appbuilder: AppBuilder, key: str, value: str) -> bool:
    """``_flt_<n>_<column>``: FAB passes a boolean filter's value on as text unless it is "y"
    (PostgreSQL then refuses the comparison) and looks an enum's value up by name (a KeyError)."""
    column = key.split("_", 3)[-1]
    view = _view_named(appbuilder, (request.endpoint or "").split(".")[0])
    datamodel = getattr(view, "datamodel", None)
    if datamodel is None or column not in getattr(datamodel, "list_columns", {}):
        return True
    if datamodel.is_boolean(column):
        return value == "y"
    if datamodel.is_enum(column):
        return value in datamodel.list_columns[column].type.enum_class.__members__
    return True


def check_list_arguments(appbuilder: AppBuilder) -> None:
    for key, value in request.args.items(multi=True):
        valid = _arg_is_valid(appbuilder, key, value)
        if valid and key.startswith("_flt_"):
            valid = _filter_is_valid(appbuilder, key, value)
        if not valid:
            abort(400, description=f"参数“{key}”无效")


def register(appbuilder: AppBuilder) -> None:
    current_app.before_request(lambda: check_list_arguments(appbuilder))
