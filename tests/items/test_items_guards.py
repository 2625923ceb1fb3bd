"""Refusals: the wrong status, the wrong person, bad values, bad files; nothing half-saved."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.models import Application, Attachment, DossierItem, ItemKind
from app.workflow.states import ApplicationStatus
from tests.factories import make_committee
from tests.items.support import (
    READ_ONLY_STATES,
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


def _snapshot(session, application):
    session.expire_all()
    items = [(i.id, i.kind, i.position, dict(i.data)) for i in items_of(session, application)]
    files = [(f.id, f.item_id, f.position, f.part) for f in files_of(session, application)]
    steps = session.get(Application, application.id).steps_done
    return items, files, steps


def _every_change(item, attachment, other_attachment=None):
    """(method, url, data) of every change an applicant can ask for on ``item``."""
    base = f"/applicant/items/{item.id}"
    files_base = f"{base}/files/{attachment.id}"
    return [
        (
            "new",
            f"/applicant/items/new/{slug(item.kind)}",
            form(item.kind, [(jpeg(), "a.jpg", "封面")]),
        ),
        ("edit", f"{base}/edit", form(item.kind, [(jpeg(), "b.jpg", "封面")], title="改")),
        ("delete", f"{base}/delete", {"section": "4"}),
        ("move", f"{base}/move/down", {"section": "4"}),
        ("move", f"{base}/move/up", {"section": "4"}),
        ("file", f"{files_base}/move/up", {}),
        ("file", f"{files_base}/move/down", {}),
        ("file", f"{files_base}/delete", {}),
        ("file", f"{files_base}/part", {f"part-{attachment.id}": "主办单位页"}),
        ("file", f"{base}/files/order", {"order": [str(attachment.id)]}),
        ("file", f"{base}/files/merge", {}),
        ("done", "/applicant/items/section/4/done", {}),
    ]


# --- wrong state --------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "stage"), READ_ONLY_STATES)
def test_nothing_changes_outside_drafting_and_returned(session, world, sign_in, status, stage):
    application = make_dossier(session, world, status=status, stage=stage)
    paper = add_item(session, application, ItemKind.PAPER, parts=["封面", "正文"])
    add_item(session, application, ItemKind.PAPER, title="第二篇", parts=["正文"])
    session.commit()
    attachment = files_of(session, paper)[1]
    client = sign_in(application.applicant)
    before = _snapshot(session, application)
    message = f"当前评审进度为“{application.status_label}”，申报信息不能修改"
    for _, url, data in _every_change(paper, attachment):
        response = post(client, url, data, follow_redirects=True)
        assert response.status_code == 200, url
        assert message in text(response), url
        assert _snapshot(session, application) == before, url
    # the forms do not even open; the page is read-only
    for url in ("/applicant/items/new/paper", f"/applicant/items/{paper.id}/edit"):
        response = client.get(url, follow_redirects=True)
        assert message in text(response)
        assert 'id="item-form"' not in text(response)
    page = text(client.get("/applicant/items/section/4"))
    assert message in page
    for control in ("新增", "编辑", "删除", "上移", "完成填报下一步"):
        assert f">{control}<" not in page, control
    assert "第二篇" in page


def test_returned_dossier_is_editable(session, world, sign_in):
    application = make_dossier(session, world, status=ApplicationStatus.RETURNED)
    session.commit()
    client = sign_in(application.applicant)
    response = post(client, "/applicant/items/new/society", form(ItemKind.SOCIETY))
    assert response.status_code == 302
    assert len(items_of(session, application)) == 1


# --- wrong person -------------------------------------------------------------------------------


def test_another_applicants_entries_cannot_be_touched(session, world, dossier, browser):
    other = make_dossier(session, world)
    paper = add_item(session, other, ItemKind.PAPER, parts=["封面", "正文"])
    session.commit()
    attachment = files_of(session, paper)[0]
    before = _snapshot(session, other)
    for kind, url, data in _every_change(paper, attachment):
        if kind in ("new", "done"):
            continue  # those act on the caller's own dossier
        response = post(browser, url, data, follow_redirects=True)
        assert response.status_code == 200, url
        assert "该条目不存在或已被删除" in text(response), url
        assert _snapshot(session, other) == before, url
    response = browser.get(f"/applicant/items/{paper.id}/edit", follow_redirects=True)
    assert "该条目不存在或已被删除" in text(response)
    assert "高层建筑结构抗震设计研究" not in text(response)
    assert items_of(session, dossier) == []


def test_forged_attachment_ids_in_own_entry_actions(session, world, dossier, browser):
    mine = add_item(session, dossier, ItemKind.PAPER, parts=["封面"])
    sibling = add_item(session, dossier, ItemKind.PAPER, title="另一篇", parts=["正文"])
    other = make_dossier(session, world)
    theirs = add_item(session, other, ItemKind.PAPER, parts=["封面"])
    session.commit()
    foreign = files_of(session, theirs)[0]
    elsewhere = files_of(session, sibling)[0]
    before = (_snapshot(session, dossier), _snapshot(session, other))
    for target in (foreign, elsewhere):
        base = f"/applicant/items/{mine.id}/files"
        for url, data in (
            (f"{base}/{target.id}/move/up", {}),
            (f"{base}/{target.id}/delete", {}),
            (f"{base}/{target.id}/part", {f"part-{target.id}": "正文"}),
            (f"{base}/order", {"order": [str(target.id)]}),
            (f"{base}/merge", {"ids": [str(target.id), str(files_of(session, mine)[0].id)]}),
        ):
            response = post(browser, url, data, follow_redirects=True)
            assert response.status_code == 200, url
            assert "不存在" in text(response) or "文件列表已变化" in text(response), url
    assert (_snapshot(session, dossier), _snapshot(session, other)) == before


def test_staff_and_other_roles_cannot_use_the_applicant_pages(session, world, dossier, sign_in):
    from app.workflow.states import Role
    from tests.factories import make_account

    item = add_item(session, dossier, ItemKind.SOCIETY)
    staff = make_account(session, Role.UNIT_HANDLER, unit=world.org.unit)
    admin = make_account(session, Role.PROVINCE_ADMIN, unit=world.org.province)
    session.commit()
    for account in (staff, admin):
        client = sign_in(account)
        assert client.get("/applicant/items/section/2").status_code in (302, 403)
        response = post(client, f"/applicant/items/{item.id}/delete")
        assert response.status_code in (302, 403)
    assert len(items_of(session, dossier)) == 1


def test_anonymous_is_sent_to_login(client, dossier):
    response = client.get("/applicant/items/section/2")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- bad values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "changes", "message"),
    [
        (ItemKind.EDUCATION, {"graduated_on": "2027-07-01"}, "毕业时间不能晚于今天"),
        (ItemKind.EDUCATION, {"started_on": "2008-09-01"}, "不能早于入学时间"),
        (ItemKind.EDUCATION, {"graduated_on": "2007-13-01"}, "毕业时间格式不正确"),
        (ItemKind.EDUCATION, {"xuexin_code": ""}, "2002年后取得的学历须填写学信网验证码"),
        (ItemKind.EDUCATION, {"xuexin_code": "12345"}, "学信网验证码格式不正确"),
        (
            ItemKind.EDUCATION,
            {"xuexin_valid_until": "2026-12-30"},
            "验证有效期须至2026年12月31日或之后",
        ),
        (ItemKind.EDUCATION, {"xuexin_valid_until": ""}, "请填写学信网验证码的验证有效期"),
        (ItemKind.EDUCATION, {"category": "火星大学"}, "教育类别的选项无效"),
        (ItemKind.EDUCATION, {"school": "校" * 201}, "学校名称不能超过200个字"),
        (ItemKind.EDUCATION, {"school": "   "}, "请填写学校名称"),
        (ItemKind.APPOINTMENT, {"ended_on": "2015-01-01"}, "不能早于聘任起始时间"),
        (
            ItemKind.APPOINTMENT,
            {"staff_type": "事业单位在编在岗人员"},
            "事业单位在编在岗人员须提供",
        ),
        (
            ItemKind.MATERIAL,
            {"year": "2023"},
            "2022年及以后的继续教育相关数据由系统从甘肃省专业技术人员继续教育工作平台提取",
        ),
        (ItemKind.MATERIAL, {"year": ""}, "继续教育证明须填写年度"),
        (ItemKind.MATERIAL, {"year": "二〇二〇"}, "年度须为整数"),
        (ItemKind.MATERIAL, {"material_type": "从业资格证"}, "材料类型的选项无效"),
        (ItemKind.WORK_HISTORY, {"started_on": "2030-01-01"}, "起始时间不能晚于今天"),
        (ItemKind.WORK_HISTORY, {"ended_on": "2001-01-01"}, "不能早于起始时间"),
        (ItemKind.EXPERIENCE, {"category": "伪造的类别"}, "经历类别的选项无效"),
        (ItemKind.EXPERIENCE, {"content": "字" * 2001}, "工作内容不能超过2000个字"),
        (ItemKind.PAPER, {"issn": "1002-8481"}, "ISSN格式不正确"),
        (ItemKind.PAPER, {"cn": "CN 1-2833"}, "CN刊号格式不正确"),
        (ItemKind.PAPER, {"issn": "", "cn": ""}, "ISSN和CN刊号至少填写一项"),
        (
            ItemKind.PAPER,
            {"cnki_url": "https://www.wanfangdata.com.cn/x"},
            "检索验证地址须为中国知网",
        ),
        (ItemKind.PAPER, {"cnki_url": "https://cnki.net.evil.com/x"}, "检索验证地址须为中国知网"),
        (ItemKind.PAPER, {"cnki_url": "javascript:alert(1)//cnki.net"}, "检索验证地址须为中国知网"),
        (ItemKind.PAPER, {"year": "2027"}, "年份应在1900至2026之间"),
        (ItemKind.PAPER, {"rank": "0"}, "本人排名应在1至99之间"),
        (ItemKind.PAPER, {"standard": "一般"}, "业绩符合标准情况的选项无效"),
        (ItemKind.PAPER, {"standard": ""}, "请选择业绩符合标准情况"),
        (ItemKind.BOOK, {"isbn": "9787111213820"}, "ISBN格式不正确或校验位错误"),
        (ItemKind.BOOK, {"words": "abc"}, "字数（万字）须为数字"),
        (ItemKind.BOOK, {"words": "NaN"}, "字数（万字）须为数字"),
        (ItemKind.BOOK, {"own_words": "50"}, "本人撰写字数不能超过论著字数"),
        (ItemKind.PROJECT, {"finished_on": "2017-01-01"}, "不能早于立项时间"),
        (ItemKind.PATENT, {"number": "ZL02144686.4"}, "专利号格式不正确或校验位错误"),
        (ItemKind.OTHER, {"achievement_type": "伪造"}, "业绩类型的选项无效"),
    ],
)
def test_bad_values_are_refused_in_chinese(session, browser, dossier, kind, changes, message):
    files = [(jpeg(), "x.jpg", "其他佐证材料")]
    response = post(browser, f"/applicant/items/new/{slug(kind)}", form(kind, files, **changes))
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "本次选择的文件未保存，请重新选择后再保存" in page
    assert items_of(session, dossier) == []
    assert session.scalars(select(Attachment)).all() == []


def test_good_codes_are_normalised(session, browser, dossier):
    changes = {
        "issn": "ｉｓｓｎ １００２－８４８ｘ",
        "cn": "cn11-2833/tu",
        "cnki_url": "http://CNKI.com.cn/Article/x.htm",
    }
    assert (
        post(browser, "/applicant/items/new/paper", form(ItemKind.PAPER, **changes)).status_code
        == 302
    )
    (paper,) = items_of(session, dossier)
    assert (paper.data["issn"], paper.data["cn"]) == ("1002-848X", "CN 11-2833/TU")
    book = form(ItemKind.BOOK, isbn="ISBN 7-111-21382-3")
    assert post(browser, "/applicant/items/new/book", book).status_code == 302
    assert items_of(session, dossier, ItemKind.BOOK)[0].data["isbn"] == "7-111-21382-3"


def test_at_most_two_representative_papers(session, browser, dossier):
    for _ in range(2):
        add_item(session, dossier, ItemKind.PAPER, representative=True)
    plain = add_item(session, dossier, ItemKind.PAPER, representative=False)
    session.commit()
    response = post(browser, "/applicant/items/new/paper", form(ItemKind.PAPER, representative="y"))
    assert "代表作最多2篇" in text(response)
    response = post(
        browser, f"/applicant/items/{plain.id}/edit", form(ItemKind.PAPER, representative="y")
    )
    assert "代表作最多2篇" in text(response)
    assert len(items_of(session, dossier)) == 3
    assert not items_of(session, dossier)[2].data["representative"]


def test_paper_count_limit_comes_from_the_committee(session, world, sign_in):
    committee = make_committee(session)
    committee.paper_min, committee.paper_max = 1, 2
    application = make_dossier(session, world)
    application.committee_id = committee.id
    for _ in range(2):
        add_item(session, application, ItemKind.PAPER)
    session.commit()
    client = sign_in(application.applicant)
    page = text(client.get("/applicant/items/section/4"))
    assert "论文限传1-2篇（评委会要求）" in page
    assert 'href="/applicant/items/new/paper"' not in page
    response = client.get("/applicant/items/new/paper", follow_redirects=True)
    assert "论文限传1-2篇（评委会要求），已填报2篇，最多2篇" in text(response)
    response = post(client, "/applicant/items/new/paper", form(ItemKind.PAPER))
    assert "论文限传1-2篇（评委会要求），已填报2篇，最多2篇" in text(response)
    assert len(items_of(session, application)) == 2


def test_default_paper_limit_is_three_to_five(session, browser, dossier):
    for _ in range(5):
        assert post(browser, "/applicant/items/new/paper", form(ItemKind.PAPER)).status_code == 302
    response = post(browser, "/applicant/items/new/paper", form(ItemKind.PAPER))
    assert "论文限传3-5篇（评委会要求），已填报5篇，最多5篇" in text(response)
    assert len(items_of(session, dossier)) == 5


# --- bad files ----------------------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (_png(), "照片.jpg", "文件“照片.jpg”：文件类型不支持，只能上传JPG、JPEG或PDF文件"),
        (b"<html><script>alert(1)</script>", "页面.pdf", "文件类型不支持"),
        (b"", "空.jpg", "文件为空"),
        (jpeg()[:200], "截断.jpg", "图片文件已损坏"),
        (b"%PDF-1.4 broken", "坏.pdf", "PDF文件已损坏"),
        (b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024), "大.jpg", "文件超过2MB"),
    ],
)
def test_a_bad_file_saves_nothing(session, browser, dossier, content, name, message):
    files = [(jpeg(), "好.jpg", "封面"), (content, name, "正文")]
    response = post(browser, "/applicant/items/new/paper", form(ItemKind.PAPER, files))
    assert response.status_code == 200
    assert message in text(response)
    assert items_of(session, dossier) == []
    assert session.scalars(select(Attachment)).all() == []


def test_a_bad_file_on_edit_keeps_the_saved_ones(session, browser, dossier):
    item = add_item(session, dossier, ItemKind.PAPER, parts=["封面"])
    session.commit()
    before = _snapshot(session, dossier)
    files = [(jpeg(), "好.jpg", "正文"), (_png(), "坏.jpg", "正文")]
    response = post(
        browser, f"/applicant/items/{item.id}/edit", form(ItemKind.PAPER, files, title="新题目")
    )
    assert "文件类型不支持" in text(response)
    assert _snapshot(session, dossier) == before


def test_forged_part_is_refused(session, browser, dossier):
    files = [(jpeg(), "a.jpg", "证件照")]
    response = post(browser, "/applicant/items/new/paper", form(ItemKind.PAPER, files))
    assert "请为每个文件选择有效的材料类别" in text(response)
    assert items_of(session, dossier) == []


def test_too_many_files_at_once(session, browser, dossier):
    files = [(jpeg(color=(i, 0, 0)), f"{i}.jpg", "正文") for i in range(11)]
    response = post(browser, "/applicant/items/new/paper", form(ItemKind.PAPER, files))
    assert "一次最多上传10个文件" in text(response)
    assert items_of(session, dossier) == []


def test_platform_years_take_no_files(session, browser, dossier):
    files = [(pdf(), "继续教育.pdf", "证明材料")]
    response = post(
        browser, "/applicant/items/new/material", form(ItemKind.MATERIAL, files, year="2022")
    )
    assert "甘肃省专业技术人员继续教育工作平台" in text(response)
    assert items_of(session, dossier) == []
    page = text(browser.get("/applicant/items/section/2"))
    assert "2022年及以后的继续教育相关数据由系统从甘肃省专业技术人员继续教育工作平台提取" in page


def test_a_huge_body_gets_a_chinese_413(app, browser, dossier, session):
    limit = app.config["MAX_CONTENT_LENGTH"]
    # raw bytes, not the test client's multipart builder (it spools big bodies to a temp file
    # that nobody closes when the app refuses to read the body)
    body = b"--x\r\n" + b"0" * limit + b"\r\n--x--\r\n"
    response = browser.post(
        "/applicant/items/new/paper", data=body, content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 413
    assert "上传的文件过大" in text(response)
    assert session.scalars(select(DossierItem)).all() == []


def test_duplicate_bytes_are_stored_once(session, app, browser, dossier):
    from app.services.attachments import get_store

    same = jpeg(color=(1, 2, 3))
    files = [(same, "一.jpg", "封面"), (same, "二.jpg", "正文")]
    assert (
        post(browser, "/applicant/items/new/paper", form(ItemKind.PAPER, files)).status_code == 302
    )
    rows = files_of(session, dossier)
    assert len(rows) == 2 and rows[0].sha256 == rows[1].sha256
    assert get_store().exists(rows[0].sha256)


def test_base_info_entries_are_not_reachable_here(session, browser, dossier):
    personal = add_item(session, dossier, ItemKind.SOCIETY)
    personal.kind = ItemKind.PERSONAL
    session.commit()
    assert browser.get("/applicant/items/new/personal").status_code == 404
    assert browser.get("/applicant/items/new/assessment").status_code == 404
    response = post(browser, f"/applicant/items/{personal.id}/delete", follow_redirects=True)
    assert "该条目不存在或已被删除" in text(response)
    assert len(items_of(session, dossier)) == 1


def test_uploaded_names_keep_chinese_and_lose_paths(session, browser, dossier):
    files = [(jpeg(), "../../etc/学位证书（扫描）.JPEG", "学位证书")]
    assert (
        post(browser, "/applicant/items/new/education", form(ItemKind.EDUCATION, files)).status_code
        == 302
    )
    (row,) = files_of(session, dossier)
    assert row.original_name == "学位证书（扫描）.jpg"


def test_forms_carry_csrf_tokens_when_protection_is_on(app, session, browser, dossier):
    import re as regex

    item = add_item(session, dossier, ItemKind.SOCIETY, parts=["佐证材料"])
    session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = post(browser, f"/applicant/items/{item.id}/delete", {"section": "2"})
        assert refused.status_code == 400
        for url in (
            "/applicant/items/section/2",
            "/applicant/items/new/society",
            f"/applicant/items/{item.id}/edit",
        ):
            page = text(browser.get(url))
            forms = regex.findall(r"<form[^>]*method=\"post\".*?</form>", page, flags=regex.S)
            assert forms, url
            assert all('name="csrf_token"' in f for f in forms), url
        token = regex.search(
            r'name="csrf_token" value="([^"]+)"', text(browser.get("/applicant/items/section/2"))
        ).group(1)
        accepted = post(
            browser, f"/applicant/items/{item.id}/delete", {"section": "2", "csrf_token": token}
        )
        assert accepted.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert items_of(session, dossier) == []
