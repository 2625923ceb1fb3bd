"""Sections 2-4 through the web: pages, entries, files, order, 完成填报下一步 (manual §4.2-§4.4)."""

from __future__ import annotations

import re

import pytest

from app.models import Application, ItemKind, Section
from tests.items.support import (
    VALID,
    add_item,
    files_of,
    form,
    items_of,
    jpeg,
    make_dossier,
    pdf,
    post,
    slug,
    text,
)

SECTION_KINDS = {
    2: [
        ItemKind.EDUCATION,
        ItemKind.CERTIFICATE,
        ItemKind.APPOINTMENT,
        ItemKind.MATERIAL,
        ItemKind.WORK_HISTORY,
        ItemKind.SOCIETY,
    ],
    3: [ItemKind.EXPERIENCE],
    4: [
        ItemKind.PAPER,
        ItemKind.BOOK,
        ItemKind.PROJECT,
        ItemKind.AWARD,
        ItemKind.PATENT,
        ItemKind.OTHER,
    ],
}


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "labels"),
    [
        (
            2,
            [
                "2 学历资历",
                "学习经历",
                "专业技术资格证书",
                "专业技术职务聘用证明",
                "相关材料",
                "工作履历",
                "参加学术团体（社会兼职）经历",
                "新增",
                "完成填报下一步",
            ],
        ),
        (3, ["3 专业技术工作经历", "主持或参与工程项目的规划、设计、施工、管理", "新增"]),
        (
            4,
            [
                "4 业绩成果",
                "论文",
                "论著",
                "课题（项目）",
                "科技奖励、表彰奖励及称号",
                "专利",
                "其他业绩",
                "业绩符合标准情况",
                "最优",
                "备选",
                "完成填报下一步",
            ],
        ),
    ],
)
def test_section_pages_use_the_manual_labels(browser, number, labels):
    response = browser.get(f"/applicant/items/section/{number}")
    assert response.status_code == 200
    page = text(response)
    for label in labels:
        assert label in page, label


@pytest.mark.parametrize("number", [0, 1, 5, 6, 99])
def test_other_section_numbers_are_404(browser, number):
    assert browser.get(f"/applicant/items/section/{number}").status_code == 404


def test_sections_open_only_after_basic_info(session, world, sign_in):
    application = make_dossier(session, world, basic_done=False)
    session.commit()
    client = sign_in(application.applicant)
    for number in (2, 3, 4):
        response = client.get(f"/applicant/items/section/{number}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/applicant/")
    response = post(client, "/applicant/items/new/education", form(ItemKind.EDUCATION))
    assert items_of(session, application) == []
    response = post(client, "/applicant/items/section/2/done", follow_redirects=True)
    assert "请先完成“基本信息”的填报" in text(response)
    assert not session.get(Application, application.id).steps_done & (1 << 2)


def test_without_a_dossier_the_applicant_is_sent_to_the_base_info(session, world, sign_in):
    from tests.factories import make_account

    account = make_account(session, unit=world.org.unit)
    session.commit()
    client = sign_in(account)
    response = client.get("/applicant/items/section/2", follow_redirects=True)
    assert "请先填报申报基础信息" in text(response)
    response = post(
        client, "/applicant/items/new/paper", form(ItemKind.PAPER), follow_redirects=True
    )
    assert "请先填报申报基础信息" in text(response)


def test_experience_categories_come_from_the_series(session, browser):
    from sqlalchemy import select

    from app.models import OptionKind, Series, SeriesOption

    series = session.scalars(select(Series).filter_by(code="engineering")).one()
    names = session.scalars(
        select(SeriesOption.name)
        .filter_by(series_id=series.id, kind=OptionKind.EXPERIENCE, active=True)
        .order_by(SeriesOption.sort)
    ).all()
    page = text(browser.get("/applicant/items/section/3"))
    positions = [page.index(f'<h3 class="panel-title">{name}</h3>') for name in names]
    assert positions == sorted(positions) and len(names) >= 3
    add = page.split(f'<h3 class="panel-title">{names[1]}</h3>')[1]
    href = re.search(r'href="([^"]*new/experience[^"]*)"', add).group(1)
    form_page = text(browser.get(href.replace("&amp;", "&")))
    assert f'<option selected value="{names[1]}">' in form_page


# --- adding, editing, deleting -----------------------------------------------------------------


@pytest.mark.parametrize("kind", [k for kinds in SECTION_KINDS.values() for k in kinds])
def test_every_kind_is_added_with_its_files(session, browser, dossier, kind):
    from app.workflow.evidence import proofs_for

    part = proofs_for(kind.value, VALID[kind])[0].parts[0]
    files = [(jpeg(), "扫描件一.jpg", part), (pdf(2), "扫描件二.pdf", part)]
    response = post(browser, f"/applicant/items/new/{slug(kind)}", form(kind, files))
    assert response.status_code == 302, re.findall(r'field-error">([^<]*)', text(response))
    (item,) = items_of(session, dossier, kind)
    assert item.data["rank" if "rank" in item.data else next(iter(item.data))] is not None
    rows = files_of(session, item)
    assert [(r.original_name, r.part, r.position) for r in rows] == [
        ("扫描件一.jpg", part, 1),
        ("扫描件二.pdf", part, 2),
    ]
    assert rows[1].pages == 2 and rows[1].mime == "application/pdf"
    assert all(
        r.application_id == dossier.id and r.uploaded_by == dossier.applicant_id for r in rows
    )
    page = text(browser.get(f"/applicant/items/section/{kind.section.value}"))
    assert f'id="item-{item.id}"' in page


def test_form_pages_show_the_upload_dialog(browser):
    page = text(browser.get("/applicant/items/new/education"))
    for label in ("上传学历及佐证材料", "选择文件", "确定", "保存", "学信网验证码", "验证有效期"):
        assert label in page
    assert "上传佐证材料" in text(browser.get("/applicant/items/new/paper"))


def test_edit_keeps_saved_files_and_appends_new_ones(session, browser, dossier):
    item = add_item(session, dossier, ItemKind.PAPER, parts=["封面", "正文"])
    session.commit()
    page = text(browser.get(f"/applicant/items/{item.id}/edit"))
    assert "高层建筑结构抗震设计研究" in page and "已上传的佐证材料" in page
    files = [(jpeg(), "目录.jpg", "目录页")]
    changes = form(ItemKind.PAPER, files, title="修改后的题目", representative="y")
    response = post(browser, f"/applicant/items/{item.id}/edit", changes)
    assert response.status_code == 302
    (saved,) = items_of(session, dossier)
    assert saved.data["title"] == "修改后的题目" and saved.data["representative"] is True
    assert [(f.part, f.position) for f in files_of(session, saved)] == [
        ("封面", 1),
        ("正文", 2),
        ("目录页", 3),
    ]


def test_delete_removes_the_entry_and_its_file_rows(session, browser, dossier):
    item = add_item(session, dossier, ItemKind.EDUCATION, parts=["学历证书"])
    keep = add_item(session, dossier, ItemKind.CERTIFICATE, parts=["专业技术资格证书"])
    session.commit()
    response = post(browser, f"/applicant/items/{item.id}/delete", {"section": "2"})
    assert response.status_code == 302
    assert [i.id for i in items_of(session, dossier)] == [keep.id]
    assert [f.item_id for f in files_of(session, dossier)] == [keep.id]


def test_deleting_twice_gets_a_clear_message(session, browser, dossier):
    item = add_item(session, dossier, ItemKind.SOCIETY)
    session.commit()
    post(browser, f"/applicant/items/{item.id}/delete", {"section": "2"})
    response = post(
        browser, f"/applicant/items/{item.id}/delete", {"section": "2"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "该条目不存在或已被删除" in text(response)
    for url in (f"/applicant/items/{item.id}/move/up", f"/applicant/items/{item.id}/files/merge"):
        response = post(browser, url, follow_redirects=True)
        assert response.status_code == 200 and "该条目不存在或已被删除" in text(response)


# --- order ------------------------------------------------------------------------------------


def _order(session, dossier, kind):
    return [
        i.data.get("name") or i.data.get("organisation") or i.data["title"]
        for i in _shown(session, dossier, kind)
    ]


def _shown(session, dossier, kind):
    from app.services.dossier_items import display_order

    return display_order(kind, items_of(session, dossier, kind))


def test_items_move_up_and_down(session, browser, dossier):
    for name in ("甲", "乙", "丙"):
        add_item(session, dossier, ItemKind.SOCIETY, organisation=name)
    session.commit()
    third = items_of(session, dossier)[2]
    post(browser, f"/applicant/items/{third.id}/move/up", {"section": "2"})
    assert _order(session, dossier, ItemKind.SOCIETY) == ["甲", "丙", "乙"]
    post(browser, f"/applicant/items/{third.id}/move/up", {"section": "2"})
    post(browser, f"/applicant/items/{third.id}/move/up", {"section": "2"})  # already first
    assert _order(session, dossier, ItemKind.SOCIETY) == ["丙", "甲", "乙"]
    post(browser, f"/applicant/items/{third.id}/move/down", {"section": "2"})
    assert _order(session, dossier, ItemKind.SOCIETY) == ["甲", "丙", "乙"]
    assert browser.post(f"/applicant/items/{third.id}/move/sideways").status_code == 404


def test_representative_papers_come_first_and_stay_first(session, browser, dossier):
    plain = add_item(session, dossier, ItemKind.PAPER, title="普通", representative=False)
    rep = add_item(session, dossier, ItemKind.PAPER, title="代表作一", representative=True)
    session.commit()
    assert _order(session, dossier, ItemKind.PAPER) == ["代表作一", "普通"]
    post(browser, f"/applicant/items/{plain.id}/move/up", {"section": "4"})
    assert _order(session, dossier, ItemKind.PAPER) == ["代表作一", "普通"]
    page = text(browser.get("/applicant/items/section/4"))
    assert page.index(f'id="item-{rep.id}"') < page.index(f'id="item-{plain.id}"')


def test_work_history_is_shown_newest_first_and_not_moved(session, browser, dossier):
    add_item(
        session,
        dossier,
        ItemKind.WORK_HISTORY,
        employer="旧单位",
        started_on="2005-01-01",
        ended_on="2010-01-01",
    )
    newer = add_item(
        session, dossier, ItemKind.WORK_HISTORY, employer="新单位", started_on="2010-01-01"
    )
    session.commit()
    page = text(browser.get("/applicant/items/section/2"))
    assert page.index("新单位") < page.index("旧单位")
    response = post(
        browser, f"/applicant/items/{newer.id}/move/down", {"section": "2"}, follow_redirects=True
    )
    assert "工作履历按起始时间由近到远自动排列" in text(response)


def test_overlapping_work_history_is_flagged(session, browser, dossier):
    add_item(
        session,
        dossier,
        ItemKind.WORK_HISTORY,
        employer="甲公司",
        started_on="2005-01-01",
        ended_on="2012-01-01",
    )
    add_item(session, dossier, ItemKind.WORK_HISTORY, employer="乙公司", started_on="2011-01-01")
    session.commit()
    page = text(browser.get("/applicant/items/section/2"))
    assert "与“甲公司”（2005-01-01至2012-01-01）时间重叠" in page
    assert "与“乙公司”（2011-01-01至今）时间重叠" in page


# --- files of an entry --------------------------------------------------------------------------


def test_files_are_reordered_deleted_and_relabelled(session, browser, dossier):
    item = add_item(session, dossier, ItemKind.PAPER, parts=["封面", "目录页", "正文"])
    session.commit()
    first, second, third = files_of(session, item)
    post(browser, f"/applicant/items/{item.id}/files/{third.id}/move/up")
    assert [f.id for f in files_of(session, item)] == [first.id, third.id, second.id]
    post(browser, f"/applicant/items/{item.id}/files/{first.id}/move/down")
    assert [f.id for f in files_of(session, item)] == [third.id, first.id, second.id]
    post(
        browser,
        f"/applicant/items/{item.id}/files/order",
        {"order": [str(second.id), str(first.id), str(third.id)]},
    )
    assert [f.id for f in files_of(session, item)] == [second.id, first.id, third.id]
    response = post(
        browser,
        f"/applicant/items/{item.id}/files/order",
        {"order": [str(first.id)]},
        follow_redirects=True,
    )
    assert "文件列表已变化" in text(response)
    post(
        browser,
        f"/applicant/items/{item.id}/files/{first.id}/part",
        {f"part-{first.id}": "主办单位页"},
    )
    assert files_of(session, item)[1].part == "主办单位页"
    response = post(
        browser,
        f"/applicant/items/{item.id}/files/{first.id}/part",
        {f"part-{first.id}": "证件照"},
        follow_redirects=True,
    )
    assert "请选择有效的材料类别" in text(response)
    post(browser, f"/applicant/items/{item.id}/files/{second.id}/delete")
    assert [(f.id, f.position) for f in files_of(session, item)] == [(first.id, 1), (third.id, 2)]


def test_merge_files_into_one_pdf(session, browser, dossier):
    item = add_item(session, dossier, ItemKind.PAPER, parts=["正文", "正文", "正文"])
    session.commit()
    first, second, third = files_of(session, item)
    response = post(
        browser, f"/applicant/items/{item.id}/files/merge", {"ids": [str(second.id), str(third.id)]}
    )
    assert response.status_code == 302
    rows = files_of(session, item)
    assert [r.id for r in rows][0] == first.id and len(rows) == 2
    merged = rows[1]
    assert merged.mime == "application/pdf" and merged.pages == 2 and merged.part == "正文"
    assert merged.original_name == "正文（合成）.pdf"
    post(browser, f"/applicant/items/{item.id}/files/merge")  # nothing chosen: all files
    (whole,) = files_of(session, item)
    assert whole.pages == 3 and whole.position == 1


def test_merge_needs_two_files_and_respects_the_size_limit(session, app, browser, dossier):
    item = add_item(session, dossier, ItemKind.PAPER, parts=["正文", "正文"])
    session.commit()
    only = files_of(session, item)[0]
    response = post(
        browser,
        f"/applicant/items/{item.id}/files/merge",
        {"ids": [str(only.id)]},
        follow_redirects=True,
    )
    assert "请至少选择两个文件合成PDF" in text(response)
    app.config["MAX_UPLOAD_BYTES"] = 3000
    try:
        response = post(browser, f"/applicant/items/{item.id}/files/merge", follow_redirects=True)
    finally:
        app.config["MAX_UPLOAD_BYTES"] = 2 * 1024 * 1024
    assert "合成后的PDF超过" in text(response)
    assert len(files_of(session, item)) == 2


# --- 完成填报下一步 -----------------------------------------------------------------------------


@pytest.mark.parametrize("number", [2, 3, 4])
def test_complete_with_nothing_filled_in(session, browser, dossier, number):
    response = post(browser, f"/applicant/items/section/{number}/done")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applicant/")
    session.expire_all()
    assert session.get(Application, dossier.id).steps_done & (1 << number)


def test_complete_names_what_is_still_missing(session, browser, dossier):
    add_item(session, dossier, ItemKind.PAPER, parts=["封面"], language="外文")
    session.commit()
    response = post(browser, "/applicant/items/section/4/done", follow_redirects=True)
    page = text(response)
    assert "“4 业绩成果”已完成填报" in page
    assert "提交审核前还须完善：缺少主办单位页；缺少目录页；缺少正文；缺少中文译文" in page


def test_section_problems_are_flagged_on_the_page(session, browser, dossier):
    add_item(
        session,
        dossier,
        ItemKind.EDUCATION,
        parts=["学历证书"],
        xuexin_valid_until="2026-06-30",
    )
    add_item(session, dossier, ItemKind.CERTIFICATE, obtained_by="转系列")
    session.commit()
    page = text(browser.get("/applicant/items/section/2"))
    assert "缺少学位证书" in page
    assert "缺少《教育部学历证书电子注册备案表》" in page
    assert "学信网验证码的验证有效期须至2026年12月31日或之后" in page
    assert "现资格是转系列后取得的，还需上传所转系列的专业技术资格证书" in page


def test_parts_endpoint_follows_the_typed_values(browser):
    response = browser.get(
        "/applicant/items/parts/education?graduated_on=1999-07-01&category=普通高等教育&degree=无"
    )
    proofs = response.get_json()
    required = [p["label"] for p in proofs if p["required"]]
    assert required == ["学历证书", "《中国高等教育学历认证报告》"]
    response = browser.get("/applicant/items/parts/paper?language=外文")
    assert "中文译文" in [p["label"] for p in response.get_json() if p["required"]]
    assert browser.get("/applicant/items/parts/personal").status_code == 404
    assert browser.get("/applicant/items/parts/nothing").status_code == 404


def test_section_page_on_the_home_page_step_bar(session, browser, dossier):
    page = text(browser.get("/applicant/items/section/2"))
    assert 'href="/applicant/items/section/3"' in page
    assert Section.EDUCATION.label in page
