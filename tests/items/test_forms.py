"""Every kind's form turns into JSON-safe data and back, unchanged."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from app.forms.items import FORMS, display_value, field_labels, form_for, form_to_data
from app.models import ItemKind
from app.workflow.evidence import Context
from tests.items.support import VALID

CONTEXT = Context(
    batch_year=2026,
    today=date(2026, 10, 15),
    experience_categories=("主持或参与工程项目的规划、设计、施工、管理",),
    achievement_types=("工程项目",),
    material_types=("个人社保参保缴费证明", "继续教育证明", "其他"),
)


@pytest.mark.parametrize("kind", list(FORMS))
def test_form_data_round_trip(app, kind):
    with app.test_request_context(method="POST"):
        form = form_for(kind, CONTEXT, formdata=MultiDict(VALID[kind]))
        assert form.validate(), form.errors
        data = form_to_data(form)
        assert json.loads(json.dumps(data)) == data
        again = form_for(kind, CONTEXT, data, formdata=None)
        assert form_to_data(again) == data
        assert "csrf_token" not in data


def test_values_keep_their_types(app):
    with app.test_request_context(method="POST"):
        form = form_for(ItemKind.BOOK, CONTEXT, formdata=MultiDict(VALID[ItemKind.BOOK]))
        assert form.validate()
        data = form_to_data(form)
        assert data["words"] == "30.5" and data["published_on"] == "2019-05-01"
        again = form_for(ItemKind.BOOK, CONTEXT, data, formdata=None)
        assert again.words.data == Decimal("30.5")
        assert again.published_on.data == date(2019, 5, 1)


def test_labels_are_the_manuals_words():
    assert field_labels(ItemKind.PAPER)["cnki_url"] == "检索验证地址"
    assert field_labels(ItemKind.PAPER)["representative"] == "代表作"
    assert field_labels(ItemKind.PAPER)["standard"] == "业绩符合标准情况"
    assert field_labels(ItemKind.EDUCATION)["xuexin_code"] == "学信网验证码"
    for kind, form_class in FORMS.items():
        assert set(form_class.columns) <= set(field_labels(kind)), kind


def test_series_choices_are_bound_per_dossier(app):
    with app.test_request_context():
        form = form_for(ItemKind.OTHER, CONTEXT, formdata=None)
        assert [c.value for c in form.achievement_type.choices] == ["", "工程项目"]


@pytest.mark.parametrize(
    ("value", "shown"), [(None, ""), ("", ""), (True, "是"), (False, "否"), (3, "3")]
)
def test_display_value(value, shown):
    assert display_value(value) == shown
