"""Manual §1.3 and §2 in a real browser: the visitor reads a notice and its file on the website,
then takes the 职称申报入口 below 通知公告 to the login page; 证书查询 answers on the same site."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.models import Notice, NoticeColumn
from app.services import notices
from app.services.attachments import PendingFile, get_store
from tests.conftest import FIXED_NOW
from tests.files.file_corpus import pdf


def test_read_the_notices_then_take_the_entry_to_login(session, browser_page: Page):
    notice = Notice(
        category=NoticeColumn.ANNOUNCEMENT,
        title="关于做好2026年度职称申报评审工作的通知",
        body="申报人员请先阅读必看文件。\n再通过职称申报入口登录。",
        is_published=True,
    )
    notices.stamp_publication(notice, FIXED_NOW)
    session.add(notice)
    session.flush()
    notices.add_files(session, get_store(), notice, [PendingFile(pdf(), "必看文件.pdf")])
    session.commit()

    page = browser_page
    page.goto("/")
    expect(page.locator("#column-announcement")).to_contain_text("通知公告")
    expect(page.locator("#column-policy")).to_contain_text("职称政策")
    page.get_by_role("link", name="关于做好2026年度职称申报评审工作的通知").click()
    expect(page.locator("h2.page-title")).to_have_text("关于做好2026年度职称申报评审工作的通知")
    expect(page.get_by_text("再通过职称申报入口登录。")).to_be_visible()
    expect(page.get_by_role("link", name="必看文件.pdf")).to_be_visible()
    page.get_by_role("link", name="返回首页").click()

    page.get_by_role("textbox", name="证书编号").fill("2026000100000001")
    page.get_by_role("textbox", name="校验码").fill("ABCDEFGHJKLM")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#check-result")).to_contain_text("未查到与该证书编号和校验码相符的证书")
    page.get_by_role("link", name="返回首页").click()

    page.get_by_role("link", name="职称申报入口").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_text("验证码", exact=True)).to_be_visible()
