"""2 学历资历 → 相关材料 shows the imported platform years read-only, in a fixed number of
queries; the completeness problems come from the imported data; uploads before 2022 still work."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from app.extensions import db
from app.models import DossierItem, ItemKind
from app.services import continuing_education as ce
from app.services.dossier_items import build_context, dossier_problems
from tests.conftest import FIXED_NOW
from tests.education.support import csv_file, person
from tests.factories import PASSWORD, make_batch, make_committee, make_org
from tests.helpers import counting_queries, login
from tests.items.support import (
    READ_ONLY_STATES,
    World,
    add_item,
    items_of,
    make_dossier,
    pdf,
    post,
    text,
)

URL = "/applicant/items/section/2"


@pytest.fixture
def world(session) -> World:
    org = make_org(session)
    make_batch(session, FIXED_NOW)  # batch year 2026
    return World(org, make_committee(session))


@pytest.fixture
def dossier(session, world):
    application = make_dossier(session, world)
    session.commit()
    return application


@pytest.fixture
def sign_in(new_client):
    def sign(account):
        client = new_client()
        assert login(client, account.username, PASSWORD).status_code == 302
        return client

    return sign


def load(session, rows):
    ce.import_file(
        session, csv_file(rows), source="平台.csv", today=date(2026, 10, 15), now=FIXED_NOW
    )
    session.commit()


def platform_rows(html: str) -> dict[int, dict[str, str]]:
    """year → {public, professional, total, status, class} of the 继续教育 table."""
    found = {}
    for match in re.finditer(
        r'<tr class="platform-year ([a-z]+)" data-year="(\d+)">(.*?)</tr>', html, re.S
    ):
        cells = dict(re.findall(r'<td data-col="(\w+)">([^<]*)</td>', match.group(3)))
        cells["class"] = match.group(1)
        found[int(match.group(2))] = cells
    return found


def test_the_imported_years_are_shown_read_only(session, dossier, sign_in):
    me = dossier.applicant.id_number
    load(
        session,
        [
            (me, 2022, 30, 60),
            (me, 2023, 20, "70.5"),
            (me, 2025, 35, 65),
            (me, 2026, 10, 10),  # the batch year: shown, not yet required
            (person(), 2024, 30, 60),  # someone else's
        ],
    )
    html = text(sign_in(dossier.applicant).get(URL))
    assert "继续教育学时（2022年及以后，来自甘肃省专业技术人员继续教育工作平台）" in html
    assert "每年不少于90学时，其中公需科目不少于30学时、专业科目不少于60学时" in html
    rows = platform_rows(html)
    assert sorted(rows) == [2022, 2023, 2024, 2025, 2026]
    assert rows[2022] == {
        "public": "30",
        "professional": "60",
        "total": "90",
        "status": "达标",
        "class": "success",
    }
    assert rows[2023]["total"] == "90.5" and rows[2023]["class"] == "danger"
    assert rows[2023]["status"] == "未达标：公需科目20学时（应不少于30学时）"
    assert rows[2024] == {"status": "未从继续教育平台获取到2024年度学时记录", "class": "danger"}
    assert rows[2025]["status"] == "达标"
    assert rows[2026]["class"] == "warning" and rows[2026]["total"] == "20"
    # shown once, in the table, not again among the list's problems
    assert html.count("未从继续教育平台获取到2024年度学时记录") == 1
    # the "no platform import exists" notice of before is gone; the upload rule stays
    assert "目前尚未提取到数据" not in html
    assert "2021年及之前的继续教育情况，需上传继续教育证书等佐证材料" in html


def test_no_records_at_all(session, dossier, sign_in):
    html = text(sign_in(dossier.applicant).get(URL))
    rows = platform_rows(html)
    assert sorted(rows) == [2022, 2023, 2024, 2025]
    assert {r["status"] for r in rows.values()} == {
        f"未从继续教育平台获取到{y}年度学时记录" for y in (2022, 2023, 2024, 2025)
    }


def test_the_required_years_start_after_the_current_title(session, dossier, sign_in):
    session.add(
        DossierItem(
            application_id=dossier.id,
            kind=ItemKind.PERSONAL,
            position=1,
            data={"current_title": "工程师", "title_date": "2023-06-01"},
        )
    )
    session.commit()
    rows = platform_rows(text(sign_in(dossier.applicant).get(URL)))
    assert sorted(rows) == [2024, 2025]

    session.scalars(
        db.select(DossierItem).filter_by(application_id=dossier.id, kind=ItemKind.PERSONAL)
    ).one().data = {"title_date": "2025-12-01"}
    session.commit()
    html = text(sign_in(dossier.applicant).get(URL))
    assert platform_rows(html) == {}
    assert "尚未从继续教育平台获取到本人2022年及以后的学时记录" in html


@pytest.mark.parametrize(("status", "stage"), READ_ONLY_STATES[:2])
def test_read_only_dossiers_show_the_years_too(session, world, sign_in, status, stage):
    application = make_dossier(session, world, status=status, stage=stage)
    load(session, [(application.applicant.id_number, 2022, 30, 60)])
    html = text(sign_in(application.applicant).get(URL))
    assert "申报信息不能修改" in html
    assert platform_rows(html)[2022]["status"] == "达标"


def test_completeness_uses_the_imported_data(session, dossier):
    me = dossier.applicant.id_number
    load(session, [(me, 2022, 30, 60), (me, 2023, 10, 60), (me, 2025, 30, 60)])
    context = build_context(session, dossier, date(2026, 10, 15))
    problems = [p for p in dossier_problems(session, dossier, context) if p.kind == "相关材料"]
    assert [(p.message, p.blocking) for p in problems] == [
        (
            "2023年度继续教育学时未达标：公需科目10学时（应不少于30学时），合计70学时（应不少于90学时）",
            False,
        ),
        ("未从继续教育平台获取到2024年度学时记录", False),
    ]
    load(session, [(me, 2023, 30, 60), (me, 2024, 40, 60)])  # a corrected export
    context = build_context(session, dossier, date(2026, 10, 15))
    assert [p for p in dossier_problems(session, dossier, context) if p.kind == "相关材料"] == []


def test_the_rule_numbers_are_settings(app, session, dossier, sign_in):
    load(session, [(dossier.applicant.id_number, 2022, 24, 48)])
    app.config.update(
        CONTINUING_EDUCATION_TOTAL_HOURS=72,
        CONTINUING_EDUCATION_PUBLIC_HOURS=24,
        CONTINUING_EDUCATION_PROFESSIONAL_HOURS=48,
    )
    try:
        html = text(sign_in(dossier.applicant).get(URL))
    finally:
        for key in ("TOTAL", "PUBLIC", "PROFESSIONAL"):
            del app.config[f"CONTINUING_EDUCATION_{key}_HOURS"]
    assert "每年不少于72学时，其中公需科目不少于24学时、专业科目不少于48学时" in html
    assert platform_rows(html)[2022]["status"] == "达标"


def test_earlier_years_are_still_uploaded_and_later_ones_refused(session, dossier, sign_in):
    client = sign_in(dossier.applicant)
    old = {
        "material_type": "继续教育证明",
        "name": "2020年度继续教育",
        "year": "2020",
        "hours": "90",
        "upload-1": (io.BytesIO(pdf()), "继续教育2020.pdf"),
        "upload-1-part": "证明材料",
    }
    assert post(client, "/applicant/items/new/material", old).status_code == 302
    (saved,) = items_of(session, dossier, ItemKind.MATERIAL)
    assert saved.data["year"] == 2020 and len(saved.attachments) == 1
    new = {**old, "year": "2023", "name": "2023年度继续教育"}
    new["upload-1"] = (io.BytesIO(pdf()), "继续教育2023.pdf")
    page = text(post(client, "/applicant/items/new/material", new))
    assert "2022年及以后的继续教育相关数据由系统从甘肃省专业技术人员继续教育工作平台提取" in page
    assert len(items_of(session, dossier, ItemKind.MATERIAL)) == 1


def _queries(client) -> int:
    client.get(URL)  # warm-up: the first request of a login loads permissions
    with counting_queries(db.engine) as counter:
        assert client.get(URL).status_code == 200
    return counter["n"]


def test_section_queries_stay_fixed_with_records_and_items(session, world, sign_in):
    small = make_dossier(session, world)
    add_item(session, small, ItemKind.SOCIETY)  # (no entries at all skips the files' query)
    large = make_dossier(session, world)
    me = large.applicant.id_number
    load(session, [(me, year, 30, 60) for year in range(2022, 2027)])
    for index in range(200):
        add_item(session, large, (ItemKind.MATERIAL, ItemKind.SOCIETY)[index % 2])
    session.commit()
    few = _queries(sign_in(small.applicant))
    client = sign_in(large.applicant)
    many = _queries(client)
    assert few == many, (few, many)
    assert len(platform_rows(text(client.get(URL)))) == 5
