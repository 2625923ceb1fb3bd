"""Manual 图43-图45 in a real browser, by the manual's labels: 填报信息 with the five flags,
预览填报信息, 返回, 提交审核, the 诚信提示 dialog, 确定, 提交成功, 评审进度 资格审查中; then the
申报回执 download."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.services import submission
from tests.e2e.conftest import login_in_browser
from tests.factories import PASSWORD
from tests.submission.support import add_papers, complete_dossier, make_world, pdf_text

pytestmark = pytest.mark.browser


def test_preview_return_submit_with_the_pledge(session, browser_page: Page):
    world = make_world(session)
    application = complete_dossier(session, world)
    add_papers(session, application, 3)
    session.commit()
    page = browser_page
    login_in_browser(page, application.applicant.username, PASSWORD)
    page.goto("/applicant/")

    # 图43: 填报信息 with a flag on each of the five parts, 评审进度 申报中
    expect(page.locator("h2.page-title")).to_have_text("填报信息")
    expect(page.locator("#review-status")).to_have_text("申报中")
    expect(page.locator(".dossier-steps .flag")).to_have_count(5)
    expect(page.locator("#deadline")).to_contain_text("个人申报截止时间")

    # 预览填报信息: everything read-only; 返回 at the bottom goes back to 填报信息
    page.get_by_role("link", name="预览填报信息").click()
    expect(page.locator("h2.page-title")).to_have_text("预览填报信息")
    for number in range(1, 6):
        expect(page.locator(f"#section-{number}")).to_be_visible()
    expect(page.locator("#section-4")).to_contain_text("论文0")
    expect(page.locator("#ro-photo")).to_be_visible()
    thumbs = page.locator(".ro-file img")
    expect(thumbs.first).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", thumbs.first.element_handle()) > 0
    page.get_by_role("link", name="返回", exact=True).click()
    expect(page.locator("h2.page-title")).to_have_text("填报信息")

    # 提交审核 → the 诚信提示 dialog (图44); 取消 closes it, nothing happens
    page.get_by_role("link", name="提交审核").click()
    dialog = page.locator("#pledge-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="诚信提示")).to_be_visible()
    expect(dialog).to_contain_text("三年内不得申报职称评审")
    dialog.get_by_role("link", name="取消").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#review-status")).to_have_text("申报中")

    # 确定 → 提交成功, 评审进度 资格审查中 (图45)
    page.get_by_role("link", name="提交审核").click()
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_text(re.compile(submission.SUBMITTED))).to_be_visible()
    expect(page.locator("#review-status")).to_have_text("资格审查中（单位经办人）")
    expect(page.get_by_role("link", name="提交审核")).to_have_count(0)
    expect(page.locator("table.history")).to_contain_text("提交审核")
    expect(page.get_by_text("点击查询证书下载")).to_have_count(0)

    # 申报回执
    with page.expect_download() as download:
        page.locator("#latest-receipt").click()
    body = pdf_text(Path(download.value.path()).read_bytes())
    code = page.locator("#submission-records code").first.inner_text()
    assert code in body and "职称申报回执" in body
