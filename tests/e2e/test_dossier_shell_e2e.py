"""Manual §3, §4.1 and §4.5 in a real browser, by the manual's labels: 申报基础信息, 进入申报,
1 基本信息 with 上传证件照 and 考核情况, 完成填报下一步, 5 小结 (kept across a session timeout)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.validators.dossier import count_summary_chars
from tests.dossier.shell_helpers import make_world, photo_jpeg
from tests.e2e.conftest import login_in_browser
from tests.e2e.steps import (
    choose,
    enter_base_info,
    fill_personal_info,
    flag,
    on_page,
    upload_photo,
)
from tests.factories import PASSWORD
from tests.files.file_corpus import pdf

pytestmark = pytest.mark.browser

SUMMARY = ("本人长期从事建筑结构设计工作，主持完成多项大型公共建筑的结构设计。" * 20)[:575]
SAMPLES = [
    "",
    "本人自参加工作以来，",
    "全角　空格\t和\r\n换行",
    "表情😀与𠀀扩展字",
    "零宽\u200b空格",
]


def test_enter_fill_basic_info_and_summary(session, browser_page: Page, tmp_path):
    world = make_world(session)
    page = browser_page
    login_in_browser(page, world.applicant.username, PASSWORD)

    # 3 基础信息: the drop-downs cascade (申报资格 by 申报系列, 申报专业 level by level)
    enter_base_info(page, world.committee.name)
    page.get_by_role("link", name="申报信息").click()
    expect(page.locator("table.base-info")).to_contain_text("工学》建设工程》土木工程")
    page.get_by_role("link", name="返回").click()

    # 4.1 基本信息: 个人信息
    page.get_by_role("link", name="1 基本信息").click()
    expect(page.locator("h2.page-title")).to_have_text("基本信息")
    expect(page.locator("#person-gender")).to_have_text("男")
    fill_personal_info(page)

    # 上传证件照: the dialog shows the chosen photo, 确定 uploads it
    photo = tmp_path / "证件照.jpg"
    photo.write_bytes(photo_jpeg())
    upload_photo(page, str(photo))

    # 考核情况, one row per year, with 现资格以来取得优秀年度, and the proof
    form = page.locator("#assessment-form")
    form.locator('input[name="rows-0-year"]').fill("2024")
    form.locator('select[name="rows-0-result"]').select_option("优秀")
    form.get_by_role("button", name="添加年度").click()
    form.locator('input[name="rows-3-year"]').fill("2023")
    form.locator('select[name="rows-3-result"]').select_option("合格")
    form.get_by_label("现资格以来取得优秀年度").fill("2024")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_text("考核情况已保存")).to_be_visible()
    proof = tmp_path / "考核表.pdf"
    proof.write_bytes(pdf())
    page.get_by_label("上传考核证明材料").set_input_files(str(proof))
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("#proof-list")).to_contain_text("考核表.pdf")

    # 完成填报下一步: back to 填报信息 with the 引导旗 on 1 基本信息
    page.get_by_role("button", name=re.compile("完成填(报|写)下一步")).click()
    expect(page.locator("h2.page-title")).to_have_text("填报信息")
    expect(flag(page, 1)).to_be_visible()
    expect(flag(page, 5)).to_have_count(0)

    # 4.5 小结: the live count agrees with the server's rule
    page.get_by_role("link", name="5 小结").click()
    on_page(page, "小结")
    counts = page.evaluate("samples => samples.map(window.countSummaryChars)", SAMPLES)
    assert counts == [count_summary_chars(s) for s in SAMPLES]
    area = page.get_by_label("小结")
    area.fill(SUMMARY[:300])
    expect(page.locator("#summary-count")).to_have_text("300")
    expect(page.locator("#summary-count")).to_have_class(re.compile("out-of-range"))

    # the session times out before 保存: the typed text comes back after logging in again
    page.context.clear_cookies()
    login_in_browser(page, world.applicant.username, PASSWORD)
    expect(page.locator("h2.page-title")).to_have_text("填报信息")  # logged in again
    page.goto("/applicant/summary/")
    expect(page.locator("#draft-restored")).to_be_visible()
    expect(area).to_have_value(SUMMARY[:300])

    area.fill(SUMMARY)
    expect(page.locator("#summary-count")).to_have_text(str(count_summary_chars(SUMMARY)))
    expect(page.locator("#summary-count")).to_have_class(re.compile("in-range"))
    page.get_by_role("button", name="完成填报").click()
    expect(page.locator("h2.page-title")).to_have_text("填报信息")
    expect(flag(page, 1)).to_be_visible()
    expect(flag(page, 5)).to_be_visible()

    # the saved text is the draft now: nothing is "restored" any more
    page.get_by_role("link", name="5 小结").click()
    expect(page.locator("#draft-restored")).to_be_hidden()
    expect(area).to_have_value(SUMMARY)


def test_the_refusal_is_shown_when_the_committee_is_closed(session, browser_page: Page):
    world = make_world(session)
    world.committee.is_open = False
    session.commit()
    page = browser_page
    login_in_browser(page, world.applicant.username, PASSWORD)
    choose(page, "申报方式", "正常申报（评审正常）")
    choose(page, "申报系列", "工程")
    choose(page, "申报资格", "高级工程师")
    choose(page, "申报专业（一级）", "工学")
    choose(page, "申报专业（二级）", "建设工程")
    choose(page, "申报专业（三级）", "土木工程")
    choose(page, "有效范围", "全省有效")
    page.get_by_role("button", name="进入申报").click()
    expect(page.locator("#refusal")).to_contain_text("当前不接受申报（评委会关闭）")
    expect(page.locator("h2.page-title")).to_have_text("申报基础信息")
