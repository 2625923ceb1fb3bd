"""In Chromium, by the manual's labels: 2 学历资历 with 上传学历及佐证材料, reorder, 4 业绩成果, flags."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.models import DossierItem, ItemKind, Section
from tests.conftest import FIXED_NOW
from tests.e2e.conftest import login_in_browser
from tests.e2e.steps import add_education, add_representative_paper, write_files
from tests.factories import (
    PASSWORD,
    make_account,
    make_application,
    make_batch,
    make_committee,
    make_org,
)
from tests.items.support import files_of, jpeg, pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def applicant(session):
    org = make_org(session)
    make_batch(session, FIXED_NOW)
    committee = make_committee(session)
    account = make_account(session, unit=org.unit, name="张建国")
    application = make_application(session, applicant=account, committee=committee)
    application.steps_done = 1 << Section.BASIC.value  # 基本信息 done
    session.commit()
    return account, application


def _scans(tmp_path):
    files = {
        "学历证书.jpg": jpeg(size=(300, 200), color=(200, 40, 40)),
        "备案表.jpg": jpeg(size=(300, 200), color=(40, 40, 200)),
        "封面.jpg": jpeg(color=(10, 120, 10)),
        "主办单位页.jpg": jpeg(color=(10, 10, 120)),
        "目录页.jpg": jpeg(color=(120, 120, 10)),
        "正文.pdf": pdf(3),
    }
    return write_files(tmp_path, files)


def test_fill_education_and_achievements_with_files(session, browser_page, applicant, tmp_path):
    account, application = applicant
    page = browser_page
    scans = _scans(tmp_path)
    login_in_browser(page, account.username, PASSWORD)
    page.goto("/applicant/")
    page.get_by_role("link", name="2 学历资历").first.click()
    expect(page.locator("h2.page-title")).to_have_text("2 学历资历")

    # 学习经历: description, then 上传学历及佐证材料 with two scans, 确定, 保存
    add_education(
        page, scans, entered="2003-09-01", school="兰州大学", level="大学本科", degree="学士"
    )
    row = page.locator("#list-education tr.item-row").first

    # reorder the files: 编辑, 下移 the first
    row.get_by_role("link", name="编辑").click()
    names = page.locator("#files .file-name a:not(.small)")
    expect(names).to_have_text(["学历证书.jpg", "备案表.jpg"])
    page.locator("#files tr.file-row").first.get_by_role("button", name="下移").click()
    expect(names).to_have_text(["备案表.jpg", "学历证书.jpg"])
    page.get_by_role("link", name="返回").click()
    page.get_by_role("button", name="完成填报下一步").click()
    page.wait_for_url("**/applicant/")

    # 4 业绩成果: a 论文 with its parts
    page.get_by_role("link", name="4 业绩成果").first.click()
    add_representative_paper(page, scans)
    page.get_by_role("button", name="完成填报下一步").click()

    # back on 填报信息: the flags (引导旗) of 1, 2 and 4
    page.wait_for_url("**/applicant/")
    for number in (1, 2, 4):
        step = page.locator(f".dossier-steps li[data-section='{number}']")
        expect(step.get_by_label("引导旗")).to_have_count(1)
    expect(page.locator(".dossier-steps li[data-section='3'] .flag")).to_have_count(0)

    session.expire_all()
    items = session.query(DossierItem).filter_by(application_id=application.id).all()
    education = next(i for i in items if i.kind == ItemKind.EDUCATION)
    paper = next(i for i in items if i.kind == ItemKind.PAPER)
    assert [f.original_name for f in files_of(session, education)] == ["备案表.jpg", "学历证书.jpg"]
    assert [f.part for f in files_of(session, paper)] == ["封面", "主办单位页", "目录页", "正文"]
    assert paper.data["representative"] is True
