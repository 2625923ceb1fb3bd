"""Load the dictionaries of app/data into the database, idempotently.

Rows are matched by their stable key (code, or series + path/name), updated in place when the
data file changed, and never deleted: a retired entry is marked inactive, because applications
may still refer to it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    DeclarationModeItem,
    OptionKind,
    Qualification,
    Series,
    SeriesOption,
    Specialty,
    ValidityScope,
)
from app.workflow.states import Grade

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SPECIALTY_SEPARATOR = "》"
_OPTION_KEYS = {
    "experience_categories": OptionKind.EXPERIENCE,
    "achievement_types": OptionKind.ACHIEVEMENT,
    "material_types": OptionKind.MATERIAL,
}


def read_data(name: str, data_dir: Path = DATA_DIR) -> Any:
    with open(data_dir / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_catalog(session: Session, data_dir: Path = DATA_DIR) -> Counter:
    """Create or update every dictionary row; returns how many rows were added per kind."""
    added: Counter = Counter()
    _load_coded(session, DeclarationModeItem, read_data("modes.yaml", data_dir), added)
    _load_coded(session, ValidityScope, read_data("scopes.yaml", data_dir), added)
    for entry in read_data("series.yaml", data_dir):
        _load_series(session, entry, added)
    session.flush()
    return added


def _upsert(session: Session, model: type, key: dict, values: dict, added: Counter):
    row = session.scalars(select(model).filter_by(**key)).one_or_none()
    if row is None:
        row = model(**key)
        session.add(row)
        added[model.__tablename__] += 1
    for field, value in values.items():
        setattr(row, field, value)
    return row


def _load_coded(session: Session, model: type, entries: list[dict], added: Counter) -> None:
    codes = set()
    for sort, entry in enumerate(entries, start=1):
        codes.add(entry["code"])
        values = {"name": entry["name"], "sort": entry.get("sort", sort), "active": True}
        _upsert(session, model, {"code": entry["code"]}, values, added)
    _retire(session, model, model.code.not_in(codes))


def _retire(session: Session, model: type, condition) -> None:
    for row in session.scalars(select(model).where(condition)):
        row.active = False


def _load_series(session: Session, entry: dict, added: Counter) -> None:
    values = {
        "name": entry["name"],
        "sort": entry.get("sort", 0),
        "ethics_check": entry.get("ethics_check"),
        "needs_license": bool(entry.get("needs_license")),
        "needs_exam": bool(entry.get("needs_exam")),
        "active": True,
    }
    series = _upsert(session, Series, {"code": entry["code"]}, values, added)
    session.flush()
    _load_levels(session, series, entry["levels"], added)
    for key, kind in _OPTION_KEYS.items():
        _load_options(session, series, kind, entry.get(key) or [], added)
    paths: set[str] = set()
    _load_specialties(session, series, entry["specialties"], None, (), paths, added)
    _retire(session, Specialty, (Specialty.series_id == series.id) & Specialty.path.not_in(paths))


def _load_levels(session: Session, series: Series, levels: list[dict], added: Counter) -> None:
    codes = set()
    for sort, level in enumerate(levels, start=1):
        codes.add(level["code"])
        values = {
            "series_id": series.id,
            "name": level["name"],
            "grade": Grade(level["grade"]),
            "sort": sort,
            "active": True,
        }
        _upsert(session, Qualification, {"code": level["code"]}, values, added)
    condition = (Qualification.series_id == series.id) & Qualification.code.not_in(codes)
    _retire(session, Qualification, condition)


def _load_options(session, series: Series, kind: OptionKind, names: list, added) -> None:
    for sort, name in enumerate(names, start=1):
        key = {"series_id": series.id, "kind": kind, "name": name}
        _upsert(session, SeriesOption, key, {"sort": sort, "active": True}, added)
    condition = (
        (SeriesOption.series_id == series.id)
        & (SeriesOption.kind == kind)
        & SeriesOption.name.not_in(names)
    )
    _retire(session, SeriesOption, condition)


def _load_specialties(session, series, nodes, parent, prefix, paths, added) -> None:
    for sort, node in enumerate(nodes, start=1):
        name = node if isinstance(node, str) else node["name"]
        names = (*prefix, name)
        path = SPECIALTY_SEPARATOR.join(names)
        paths.add(path)
        values = {
            "name": name,
            "parent_id": parent.id if parent else None,
            "depth": len(names),
            "sort": sort,
            "active": True,
        }
        row = _upsert(session, Specialty, {"series_id": series.id, "path": path}, values, added)
        if isinstance(node, dict) and node.get("children"):
            session.flush()
            _load_specialties(session, series, node["children"], row, names, paths, added)
