"""Dictionary data: complete, and loading it again changes nothing."""

from __future__ import annotations

import shutil

import yaml
from sqlalchemy import func, select

from app.models import (
    DeclarationModeItem,
    OptionKind,
    Qualification,
    Series,
    SeriesOption,
    Specialty,
    ValidityScope,
)
from app.services.catalog import DATA_DIR, load_catalog
from app.workflow.states import Grade

MODELS = (DeclarationModeItem, ValidityScope, Series, Qualification, Specialty, SeriesOption)


def _counts(session) -> dict:
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_every_national_series_is_there_with_its_grades(session):
    names = set(session.scalars(select(Series.name)))
    assert len(names) == 26
    assert {"工程", "卫生", "中小学教师", "高等学校教师", "农业", "经济", "艺术"} <= names
    engineering = session.scalars(select(Series).filter_by(name="工程")).one()
    assert [(q.name, q.grade) for q in engineering.levels] == [
        ("正高级工程师", Grade.SENIOR_FULL),
        ("高级工程师", Grade.SENIOR_DEPUTY),
        ("工程师", Grade.INTERMEDIATE),
        ("助理工程师", Grade.ASSISTANT),
        ("技术员", Grade.JUNIOR),
    ]


def test_the_manuals_specialty_path_exists_with_three_levels(session):
    leaf = session.scalars(select(Specialty).filter_by(path="工学》建设工程》土木工程")).one()
    assert leaf.depth == 3
    assert leaf.parent.path == "工学》建设工程"
    assert leaf.parent.parent.path == "工学"


def test_series_specific_lists(session):
    engineering = session.scalars(select(Series).filter_by(name="工程")).one()
    others = session.scalars(
        select(SeriesOption.name).filter_by(series_id=engineering.id, kind=OptionKind.ACHIEVEMENT)
    )
    assert "工程项目" in set(others)
    ethics = dict(session.execute(select(Series.name, Series.ethics_check)).all())
    assert ethics["中小学教师"] == "师德"
    assert ethics["卫生"] == "医德医风"
    assert ethics["工程"] is None


def test_loading_twice_adds_nothing(session):
    before = _counts(session)
    assert sum(load_catalog(session).values()) == 0
    session.flush()
    assert _counts(session) == before


def test_a_changed_data_file_updates_and_retires(session, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    series = yaml.safe_load((data / "series.yaml").read_text(encoding="utf-8"))
    engineering = next(s for s in series if s["code"] == "engineering")
    engineering["name"] = "工程（新）"
    engineering["levels"] = [lv for lv in engineering["levels"] if lv["code"] != "engineering-yj"]
    (data / "series.yaml").write_text(yaml.safe_dump(series, allow_unicode=True), encoding="utf-8")
    try:
        load_catalog(session, data)
        renamed = session.scalars(select(Series).filter_by(code="engineering")).one()
        assert renamed.name == "工程（新）"
        retired = session.scalars(select(Qualification).filter_by(code="engineering-yj")).one()
        assert retired.active is False
    finally:
        session.rollback()
        load_catalog(session)
        session.commit()
