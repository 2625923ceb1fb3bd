"""审查推荐 in a real browser, by the labels on the pages: the 单位经办人 returns a dossier
(退回修改 with a reason and a 涉及模块); the applicant sees 退回修改 and the reason, fixes the
named section and submits again; the unit handler, the unit leader (after recording the 单位公示)
and the 主管部门 handler and leader pass it, and it reaches the committee (评委会受理)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.models import Application, DossierItem, ItemKind
from app.services import submission
from app.workflow.states import ApplicationStatus, ReviewStage, Role
from tests.conftest import FIXED_NOW
from tests.factories import make_account
from tests.submission.support import add_papers, complete_dossier, make_world, submit_now

pytestmark = pytest.mark.browser

NAME = "李卫东"
REASON = "论文0的刊物信息有误，请核对后修改论文题目"
OLD_TITLE = "论文0"
NEW_TITLE = "高层建筑结构抗震设计研究（修订）"


def _settled(page: Page) -> None:
    """Load every lazy thumbnail now and wait for all images before posting a form.

    On SQLite the live server's threads share one connection, and every response rewrites the
    session cookie: a thumbnail request (they load lazily, when the click scrolls to the
    button) still running when a form is posted can drop the flash message of the answer."""
    page.evaluate(
        "() => document.querySelectorAll('img[loading=lazy]')"
        ".forEach(img => { img.loading = 'eager'; })"
    )
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete)")


def _open_in_review(page: Page) -> None:
    """审查推荐 → 姓名 → 查询 → 查看 on the applicant's row."""
    page.get_by_role("link", name="审查推荐").first.click()
    expect(page.locator("h2.page-title")).to_have_text("审查推荐")
    page.locator("form.review-filter").get_by_label("姓名").fill(NAME)
    page.get_by_role("button", name="查询").click()
    row = page.locator("table.applications tbody tr").filter(has_text=NAME)
    expect(row).to_have_count(1)
    row.get_by_role("link", name="查看").click()
    expect(page.locator("h3").filter(has_text=NAME)).to_be_visible()


def _approve(page: Page) -> None:
    _settled(page)
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".alert-success").filter(has_text="已审核通过")).to_be_visible()
    expect(page.get_by_role("button", name="审核通过")).to_have_count(0)


def test_return_fix_resubmit_and_pass_to_the_committee(session, sign_in_as):
    world = make_world(session)  # 设计院 under the 主管部门 住建厅, with its handler and leader
    dept_handler = make_account(session, Role.DEPT_HANDLER, unit=world.org.dept)
    dept_leader = make_account(session, Role.DEPT_LEADER, unit=world.org.dept)
    applicant = make_account(session, unit=world.org.unit, name=NAME)
    application = complete_dossier(session, world, applicant=applicant)
    add_papers(session, application, 3)
    submit_now(session, application, FIXED_NOW - timedelta(days=2))  # 第1次提交

    # 单位经办人: 审查推荐 → the applicant → 退回原因, 涉及模块 业绩成果 → 退回修改
    page = handler = sign_in_as(world.handler)
    _open_in_review(page)
    page.get_by_label("退回原因").fill(REASON)
    page.locator(".review-actions").get_by_label("业绩成果").check()
    _settled(page)
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".alert-success").filter(has_text="已退回修改")).to_be_visible()
    expect(page.get_by_role("button", name="退回修改")).to_have_count(0)

    # the applicant: 评审进度 退回修改, the reason, 4 业绩成果 highlighted
    page = sign_in_as(applicant)
    page.goto("/applicant/")
    expect(page.locator("h2.page-title")).to_have_text("填报信息")
    expect(page.locator("#review-status")).to_have_text("退回修改")
    expect(page.locator("#return-reason")).to_contain_text(REASON)
    expect(page.locator("#returned-sections")).to_have_text("业绩成果")
    step = page.locator(".dossier-steps li[data-section='4']")
    expect(step).to_have_class(re.compile(r"\breturned\b"))
    expect(step.locator(".returned-mark")).to_have_text("需修改")

    # fix it: 4 业绩成果 → 编辑 the paper → 论文题目 → 保存 → 返回填报信息
    step.get_by_role("link", name="4 业绩成果").click()
    expect(page.locator("h2.page-title")).to_have_text("4 业绩成果")
    page.locator("#list-paper tr.item-row").filter(has_text=OLD_TITLE).get_by_role(
        "link", name="编辑"
    ).click()
    title = page.get_by_label("论文题目")
    title.fill(NEW_TITLE)
    title.blur()
    page.wait_for_load_state("networkidle")  # the part list follows every change (a fetch)
    _settled(page)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success").first).to_contain_text("已保存")
    expect(page.locator("#list-paper")).to_contain_text(NEW_TITLE)
    page.get_by_role("link", name="返回填报信息").click()

    # 提交审核 → 诚信提示 → 确定 → 提交成功
    page.get_by_role("link", name="提交审核").click()
    dialog = page.locator("#pledge-dialog")
    expect(dialog.get_by_role("heading", name="诚信提示")).to_be_visible()
    _settled(page)
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_text(re.compile(submission.SUBMITTED))).to_be_visible()
    expect(page.locator("#review-status")).to_have_text("资格审查中（单位经办人）")
    expect(page.locator("#return-reason")).to_have_count(0)

    # 单位经办人 again: the changes since the last submission, then 审核通过
    page = handler
    _open_in_review(page)
    changes = page.locator("#dossier-changes")
    expect(changes).to_contain_text("本次提交与上次提交相比的修改")
    expect(changes).to_contain_text("第1次提交")
    expect(changes.locator(".change-section[data-section='4']")).to_contain_text("有修改")
    expect(changes).to_contain_text(NEW_TITLE)
    _approve(page)

    # 单位领导: 单位公示 first. The app clock is FIXED_NOW (2026-10-15 10:00 Beijing), so a
    # publicity of 2026-09-28 to 2026-10-09 has ended, and with the 国庆 holiday (10-01 to
    # 10-07) inside it, it runs exactly the 5 working days the batch asks (09-28 to 09-30,
    # 10-08, 10-09).
    page = sign_in_as(world.leader)
    _open_in_review(page)
    _settled(page)
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".alert-danger")).to_contain_text("尚未登记单位公示")
    page.get_by_role("link", name="返回审查推荐").click()
    page.get_by_role("link", name="单位公示").click()
    form = page.locator("form.publicity-form")
    form.get_by_label(NAME).check()
    form.get_by_label("公示开始日期").fill("2026-09-28")
    form.get_by_label("公示结束日期").fill("2026-10-09")
    form.get_by_label("公示地点").fill("单位公示栏")
    _settled(page)
    form.get_by_role("button", name="登记公示").click()
    expect(page.locator(".alert-success").filter(has_text="单位公示已登记")).to_be_visible()
    expect(page.locator("table.publicity-records")).to_contain_text("2026-09-28 至 2026-10-09")
    _open_in_review(page)
    _approve(page)

    # 主管部门 (住建厅): its handler, then its leader
    for reviewer in (dept_handler, dept_leader):
        page = sign_in_as(reviewer)
        _open_in_review(page)
        _approve(page)

    # reached the committee: 资格审查中 at 评委会受理 (read back only)
    session.expire_all()
    reached = session.get(Application, application.id)
    assert reached.status == ApplicationStatus.UNDER_REVIEW
    assert reached.stage == ReviewStage.COMMITTEE_INTAKE
    assert reached.return_reason in (None, "")
    titles = {
        item.data["title"]
        for item in session.query(DossierItem).filter_by(
            application_id=application.id, kind=ItemKind.PAPER
        )
    }
    assert NEW_TITLE in titles and OLD_TITLE not in titles
