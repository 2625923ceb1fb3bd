"""预览填报信息 and the 填报信息 page after submission: status, timeline, no certificate yet."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import DossierItem, ItemKind
from app.workflow.states import ApplicationStatus, ReviewStage
from tests.helpers import counting_queries
from tests.items.support import add_item
from tests.submission.support import (
    EDUCATION_PARTS,
    PAPER_PARTS,
    add_papers,
    complete_dossier,
    sign_in,
    submit_now,
    text,
)

S = ApplicationStatus
PREVIEW = "/applicant/submission/preview"


# --- 预览填报信息 -------------------------------------------------------------------------------


def test_preview_shows_the_five_sections_in_order_with_every_file(session, dossier, browser):
    add_papers(session, dossier, 3)
    add_item(session, dossier, ItemKind.EXPERIENCE, parts=("佐证材料",))
    session.commit()
    html = text(browser.get(PREVIEW))
    assert '<h2 class="page-title">预览填报信息</h2>' in html
    headings = re.findall(r'<section class="dossier-section[^"]*" id="section-(\w+)"', html)
    assert headings == ["base", "1", "2", "3", "4", "5"]
    for label in ("个人信息", "考核情况", "学习经历", "工作履历", "论文", "专利", "其他业绩"):
        assert label in html
    assert "兰州大学" in html and "论文2" in html and "主持兰州某综合楼结构设计" in html
    assert "本人长期从事建筑结构设计工作" in html  # 小结
    files = re.findall(r'class="ro-file" data-attachment="(\d+)"', html)
    expected = 1 + len(EDUCATION_PARTS) + 3 * len(PAPER_PARTS) + 1  # proof, degree, papers, exp.
    assert len(files) == expected
    for attachment in files:
        assert f"/attachments/{attachment}/inline" in html
    assert 'id="ro-photo"' in html  # 证件照 shown in place


def test_preview_is_read_only_and_returns_to_the_dossier_page(browser):
    html = text(browser.get(PREVIEW))
    back = re.search(r'<a class="[^"]*" id="preview-back" href="([^"]+)">返回</a>', html)
    assert back and back.group(1) == "/applicant/"
    assert "<form" not in html.split('id="dossier-readonly"')[1].split("preview-back")[0]
    assert 'id="print-preview"' in html and "window.print" in html
    assert "<script nonce=" in html


def test_preview_after_submission_still_shows_everything(session, dossier, browser):
    submit_now(session, dossier)
    html = text(browser.get(PREVIEW))
    assert "资格审查中（单位经办人）" in html and 'id="section-5"' in html


def _grow(session, application, rounds: int) -> None:
    for index in range(rounds):
        for kind in (ItemKind.EDUCATION, ItemKind.WORK_HISTORY, ItemKind.EXPERIENCE):
            add_item(session, application, kind, parts=("佐证材料", "学历证书"))
        add_item(session, application, ItemKind.PAPER, parts=PAPER_PARTS, title=f"论文{index}")
        data = {"year": 2000 + index, "result": "合格", "ethics": None}
        session.add(DossierItem(application_id=application.id, kind=ItemKind.ASSESSMENT, data=data))
    session.commit()


@pytest.mark.parametrize("path", [PREVIEW, "/applicant/", "/applicant/submission/check"])
def test_pages_issue_a_fixed_number_of_queries_as_the_dossier_grows(
    session, world, new_client, path
):
    counts = []
    for rounds in (0, 1, 12):
        application = complete_dossier(session, world)
        _grow(session, application, rounds)
        client = sign_in(new_client(), application.applicant)
        assert client.get(path).status_code == 200  # warm templates and permissions
        with counting_queries(db.engine) as counter:
            assert client.get(path).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1] == counts[2], counts


def test_the_reviewer_page_shows_the_dossier_read_only(session, world, dossier, new_client):
    submit_now(session, dossier)
    client = sign_in(new_client(), world.handler)
    html = text(client.get(f"/review/dossier/{dossier.id}"))
    assert 'id="dossier-readonly"' in html and 'id="section-5"' in html
    assert "兰州大学" in html and 'class="ro-file"' in html
    first = re.search(r'class="ro-file" data-attachment="(\d+)"', html).group(1)
    assert client.get(f"/attachments/{first}/inline").status_code == 200


# --- 填报信息: status and timeline -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "stage", "label"),
    [
        (S.DRAFTING, None, "申报中"),
        (S.UNDER_REVIEW, ReviewStage.UNIT_HANDLER, "资格审查中（单位经办人）"),
        (S.UNDER_REVIEW, ReviewStage.DEPT_LEADER, "资格审查中（主管部门领导）"),
        (S.UNDER_REVIEW, ReviewStage.COMMITTEE_INTAKE, "资格审查中（评委会受理）"),
        (S.RETURNED, None, "退回修改"),
        (S.EVALUATING, None, "评审中"),
        (S.PUBLICITY, None, "公示中"),
        (S.FAILED, None, "未通过"),
        (S.NOT_ACCEPTED, None, "不予受理"),
        (S.CERTIFIED, None, "已发证"),
    ],
)
def test_the_dossier_page_shows_every_status(session, world, new_client, status, stage, label):
    application = complete_dossier(session, world, status=status, stage=stage)
    client = sign_in(new_client(), application.applicant)
    html = text(client.get("/applicant/"))
    assert re.search(rf'id="review-status">{re.escape(label)}<', html)
    assert "评审进度" in html
    editable = status in (S.DRAFTING, S.RETURNED)
    assert ('id="submit-dossier"' in html) == editable
    assert "预览填报信息" in html


def test_certified_shows_no_certificate_button_until_a_certificate_exists(
    session, world, new_client
):
    application = complete_dossier(session, world, status=S.CERTIFIED)
    client = sign_in(new_client(), application.applicant)
    html = text(client.get("/applicant/"))
    assert "已发证" in html
    assert "点击查询证书下载" not in html
    assert 'id="certificate-download"' not in html


def test_the_timeline_lists_every_transition_with_time_role_and_reason(
    session, world, dossier, new_client
):
    from tests.submission.test_snapshot import return_it

    submit_now(session, dossier)
    return_it(session, world, dossier)
    client = sign_in(new_client(), dossier.applicant)
    html = text(client.get("/applicant/"))
    timeline = html.split("进度记录")[1]
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>", timeline)
    assert [(action, who.split()[0]) for _, action, who in rows] == [
        ("提交审核", "申报人"),
        ("退回修改", "单位经办人"),
    ]
    assert rows[0][0] == "2026-10-15 10:00"  # Beijing time
    assert "论文佐证材料不全，小结需充实" in timeline and "涉及模块：业绩成果、小结" in timeline


def test_the_dialog_carries_the_pledge_and_a_csrf_protected_form(browser):
    html = text(browser.get("/applicant/"))
    dialog = html.split('id="pledge-dialog"')[1].split("</dialog>")[0]
    assert "诚信提示" in dialog and "三年内不得申报" in dialog
    assert 'name="csrf_token"' in dialog and 'name="pledge" value="accepted"' in dialog
    assert (
        '<button type="submit" class="btn btn-primary" id="pledge-confirm">确定</button>' in dialog
    )


def test_the_check_page_of_a_submitted_dossier_says_it_is_read_only(session, dossier, browser):
    submit_now(session, dossier)
    html = text(browser.get("/applicant/submission/check"))
    assert "申报信息不能修改" in html and "check-problem" not in html
