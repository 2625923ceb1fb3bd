"""评委会受理 and 评审会议 in a real browser, by the labels on the pages: the 评委会秘书 accepts
a dossier (受理 → 评审中), creates a meeting, routes the dossier to it, draws three experts and
opens the vote; the experts read the dossier and vote (同意, 同意, 不同意); the secretary ends
the vote and the result is 通过 (2 of 3 present agree, the default 2/3 rule), and the applicant
sees 公示中 on their page. Every step guarded by a data-confirm question must ask it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.workflow.states import ApplicationStatus, ReviewStage, Role
from tests.conftest import FIXED_NOW
from tests.factories import (
    make_account,
    make_application,
    make_batch,
    make_committee,
    make_org,
)

pytestmark = pytest.mark.browser

APPLICANT = "王建国"
MEETING = "2026年工程高评委第一次评审会"
EXPERTS = ("赵评审", "钱评审", "孙评审")

START_QUESTION = "开始表决后不能再调整参评申报和专家，确定按勾选的出席名单开始表决吗？"
VOTE_QUESTION = "投票提交后不能修改，确定提交吗？"
CLOSE_QUESTION = "结束表决后将按表决规则生成结果，未投票的出席专家按未同意计，确定结束表决吗？"


def _settled(page: Page) -> None:
    """No request of the page still running before a form is posted (on SQLite the live
    server's threads share one connection and every response rewrites the session cookie)."""
    page.wait_for_load_state("networkidle")


def _post(page: Page, button, done: str) -> None:
    """Click a form's button and wait for the answer's success message."""
    _settled(page)
    button.click()
    expect(page.locator(".alert-success").filter(has_text=done)).to_be_visible()
    page.wait_for_load_state("networkidle")


def _menu(page: Page, label: str) -> None:
    """A menu entry of the top bar (its name begins with the icon and a space)."""
    page.locator(".navbar-nav").get_by_role("link", name=label).click()
    expect(page.locator("h2.page-title")).to_have_text(label)


def _seed(session):
    org = make_org(session)
    make_batch(session, FIXED_NOW)
    committee = make_committee(session, name="工程高评委")
    secretary = make_account(session, Role.COMMITTEE_SECRETARY, committee=committee)
    # none of them works in 设计院 (the applicant's unit) or under its 主管部门 住建厅
    experts = [
        make_account(session, Role.EXPERT, committee=committee, unit=org.other_unit, name=name)
        if index == 0
        else make_account(session, Role.EXPERT, committee=committee, name=name)
        for index, name in enumerate(EXPERTS)
    ]
    applicant = make_account(session, unit=org.unit, name=APPLICANT)
    make_application(
        session,
        applicant=applicant,
        committee=committee,
        status=ApplicationStatus.UNDER_REVIEW,
        stage=ReviewStage.COMMITTEE_INTAKE,
    )
    session.commit()
    return secretary, experts, applicant


def _open_meeting(page: Page) -> None:
    """评审会议 → 进入 on the meeting's row."""
    _menu(page, "评审会议")
    row = page.locator("table.meetings tbody tr").filter(has_text=MEETING)
    expect(row).to_have_count(1)
    row.get_by_role("link", name="进入").click()
    expect(page.locator("h3").filter(has_text=MEETING)).to_be_visible()


def _vote(page: Page, choice: str) -> None:
    """评审会议 → 进入 → 查阅 → the dossier → the choice → 投票 → 已投票."""
    _menu(page, "评审会议")
    row = page.locator("table.expert-meetings tbody tr").filter(has_text=MEETING)
    expect(row).to_contain_text("表决中")
    row.get_by_role("link", name="进入").click()
    dossier = page.locator("table.expert-dossiers tbody tr").filter(has_text=APPLICANT)
    expect(dossier.locator("td.ballot")).to_have_text("未表决")
    dossier.get_by_role("link", name="查阅").click()
    expect(page.locator("h3").filter(has_text=APPLICANT)).to_contain_text("设计院")
    expect(page.locator("table.base-info")).to_contain_text("评审中")
    ballot = page.locator("form.vote-form")
    ballot.get_by_label(choice, exact=True).check()
    _post(page, ballot.get_by_role("button", name="投票"), "已投票")
    row = page.locator("table.expert-dossiers tbody tr").filter(has_text=APPLICANT)
    expect(row.locator("td.ballot")).to_have_text("已投票")


def test_accept_meet_vote_and_close_to_publicity(session, sign_in_as, asked):
    secretary, experts, applicant = _seed(session)

    # 评委会秘书: 评委会受理 → 查看 → 受理 → 评审中
    page = sign_in_as(secretary)
    _menu(page, "评委会受理")
    page.locator("table.applications tbody tr").filter(has_text=APPLICANT).get_by_role(
        "link", name="查看"
    ).click()
    expect(page.locator("h3").filter(has_text=APPLICANT)).to_be_visible()
    expect(page.locator("table.base-info .status")).to_have_text("资格审查中（评委会受理）")
    _post(page, page.get_by_role("button", name="受理", exact=True), "已受理")
    expect(page.locator("table.base-info .status")).to_have_text("评审中")
    expect(page.get_by_role("button", name="受理", exact=True)).to_have_count(0)

    # 评审会议: 会议名称, 会议日期, 会议地点, 抽取专家人数 → 创建会议
    _menu(page, "评审会议")
    expect(page.locator("table.expert-pool tbody tr")).to_have_count(3)
    form = page.locator("form.meeting-form")
    form.get_by_label("会议名称").fill(MEETING)
    form.get_by_label("会议日期").fill("2026-10-20")
    form.get_by_label("会议地点").fill("兰州")
    form.get_by_label("抽取专家人数").fill("3")
    _post(page, form.get_by_role("button", name="创建会议"), "评审会议已创建")
    expect(page.locator("h3").filter(has_text=MEETING)).to_contain_text("筹备中")
    expect(page.get_by_text("会议日期：2026-10-20")).to_be_visible()

    # tick the dossier → 加入本次会议
    candidates = page.locator("form.add-dossiers")
    candidates.get_by_label(APPLICANT).check()
    _post(page, candidates.get_by_role("button", name="加入本次会议"), "已加入本次评审会议")
    expect(page.locator("table.routed tbody tr").filter(has_text=APPLICANT)).to_have_count(1)

    # 随机抽取专家: the pool is exactly three, so all three are drawn and marked 出席
    _post(page, page.get_by_role("button", name="随机抽取专家"), "已随机抽取评审专家")
    drawn = page.locator("form.attendance table.experts tbody tr")
    expect(drawn).to_have_count(3)
    for name in EXPERTS:
        expect(page.locator("form.attendance").get_by_label(name)).to_be_checked()

    # 开始表决 (确定)
    _post(page, page.get_by_role("button", name="开始表决"), "已开始表决")
    expect(page.locator("h3").filter(has_text=MEETING)).to_contain_text("表决中")
    routed = page.locator("table.routed tbody tr").filter(has_text=APPLICANT)
    expect(routed.locator("td").nth(3)).to_have_text("0")  # 已投票
    page.locator("#nav-logout").click()
    page.wait_for_url(lambda url: "/login" in url)

    # the three experts: 同意, 同意, 不同意
    for expert, choice in zip(experts, ("同意", "同意", "不同意"), strict=True):
        _vote(sign_in_as(expert), choice)

    # the secretary again: 3 have voted → 结束表决 (确定) → 通过, 应到3人，实到3人
    page = sign_in_as(secretary)
    _open_meeting(page)
    routed = page.locator("table.routed tbody tr").filter(has_text=APPLICANT)
    expect(routed.locator("td").nth(3)).to_have_text("3")  # 已投票
    _post(page, page.get_by_role("button", name="结束表决"), "已结束表决，表决结果已生成")
    expect(page.locator("h3").filter(has_text=MEETING)).to_contain_text("已结束")
    routed = page.locator("table.routed tbody tr").filter(has_text=APPLICANT)
    expect(routed.locator("td.outcome")).to_have_text("通过")
    expect(routed.locator("td").nth(3)).to_have_text(
        "应到3人，实到3人；同意2票，不同意1票，弃权0票"
    )

    # the applicant: 评审进度 公示中
    page = sign_in_as(applicant)
    page.goto("/applicant/")
    expect(page.locator("h2.page-title")).to_have_text("填报信息")
    expect(page.locator("#review-status")).to_have_text("公示中")

    # every guarded button asked its question first (and was answered 确定)
    assert asked == [START_QUESTION, VOTE_QUESTION, VOTE_QUESTION, VOTE_QUESTION, CLOSE_QUESTION]
