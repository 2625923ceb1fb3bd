"""The whole of manual §3 and §4.1-§4.5 in one browser walk, by the manual's labels.

A fresh applicant account, a batch and an open committee: choose the 申报基础信息, 进入申报, fill
1 基本信息 (个人信息, 上传证件照, 考核情况 with proof), 2 学历资历 (a 学习经历 with two scans via
上传学历及佐证材料, reordered), 3 专业技术工作经历 (one entry under a category of the series),
4 业绩成果 (a 论文 by parts) and 5 小结 (560 characters typed), each closed with
完成填报下一步 / 完成填报, and finally all five flags (引导旗) on 填报信息. Everything goes
through the pages; the database is only read at the end. The province's 继续教育 platform data
(imported by the province admin, not typed by the applicant) is shown in 相关材料 on the way.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from app.models import Application, ItemKind, Section
from app.services import continuing_education
from app.validators.dossier import count_summary_chars
from tests.conftest import FIXED_NOW
from tests.dossier.shell_helpers import items_of, make_world, photo_jpeg
from tests.e2e.conftest import login_in_browser
from tests.e2e.steps import (
    add_education,
    add_representative_paper,
    enter_base_info,
    fill_personal_info,
    flag,
    on_page,
    upload,
    upload_photo,
    write_files,
)
from tests.factories import PASSWORD
from tests.items.support import files_of, jpeg, pdf

pytestmark = pytest.mark.browser

DONE = re.compile("完成填(报|写)下一步")
SUMMARY = (
    "本人自参加工作以来一直从事建筑结构设计工作，主持完成多项大型公共建筑和高层住宅的结构设计，"
    "在抗震设计、深基坑支护和装配式结构方面积累了丰富经验，取得了较好的经济效益和社会效益。"
) * 8


def _files(tmp_path) -> dict[str, str]:
    contents = {
        "证件照.jpg": photo_jpeg(),  # 295x413, the 1-inch photo
        "考核表.pdf": pdf(),
        "学历证书.jpg": jpeg(size=(300, 200), color=(200, 40, 40)),
        "备案表.jpg": jpeg(size=(300, 200), color=(40, 40, 200)),
        "项目证明.jpg": jpeg(size=(200, 280), color=(20, 140, 60)),
        "封面.jpg": jpeg(color=(10, 120, 10)),
        "主办单位页.jpg": jpeg(color=(10, 10, 120)),
        "目录页.jpg": jpeg(color=(120, 120, 10)),
        "正文.pdf": pdf(3),
    }
    return write_files(tmp_path, contents)


def _complete_step(page: Page, number: int) -> None:
    """完成填报下一步: back on 填报信息, the step has its flag."""
    page.get_by_role("button", name=DONE).click()
    page.wait_for_url("**/applicant/")
    expect(page.locator("h2.page-title")).to_have_text("填报信息")
    expect(flag(page, number)).to_have_count(1)


def _open_step(page: Page, label: str) -> None:
    page.locator(".dossier-steps").get_by_role("link", name=label).click()


def _base_info(page: Page, world) -> None:
    """§3: the five drop-downs (申报资格 by 申报系列, 申报专业 level by level), 进入申报."""
    enter_base_info(page, world.committee.name)
    for number in range(1, 6):
        expect(flag(page, number)).to_have_count(0)


def _basic_info(page: Page, files: dict[str, str]) -> None:
    """§4.1: 个人信息 保存, 上传证件照 (preview, 确定), 考核情况 with its proof, 保存."""
    _open_step(page, "1 基本信息")
    expect(page.locator("h2.page-title")).to_have_text("基本信息")
    fill_personal_info(page)

    upload_photo(page, files["证件照.jpg"])

    form = page.locator("#assessment-form")
    form.locator('input[name="rows-0-year"]').fill("2025")
    form.locator('select[name="rows-0-result"]').select_option("优秀")
    form.locator('input[name="rows-1-year"]').fill("2024")
    form.locator('select[name="rows-1-result"]').select_option("合格")
    form.get_by_label("现资格以来取得优秀年度").fill("2025")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_text("考核情况已保存")).to_be_visible()
    page.get_by_label("上传考核证明材料").set_input_files(files["考核表.pdf"])
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator("#proof-list")).to_contain_text("考核表.pdf")
    _complete_step(page, 1)


def _education(page: Page, files: dict[str, str]) -> None:
    """§4.2: a 学习经历 with two scans via 上传学历及佐证材料, 确定, 保存; reorder the files."""
    _open_step(page, "2 学历资历")
    expect(page.locator("h2.page-title")).to_have_text("2 学历资历")
    # 相关材料: 继续教育 from 2022 comes from the platform, shown read-only
    platform = page.locator("#platform-hours")
    expect(platform.locator("tr[data-year='2023']")).to_contain_text("达标")
    expect(platform.locator("tr[data-year='2022']")).to_contain_text(
        "未从继续教育平台获取到2022年度学时记录"
    )

    # a 大学专科 without 学位: the 学历证书 and the 2002+ 备案表 are all it needs
    add_education(
        page, files, entered="2004-09-01", school="兰州交通大学", level="大学专科", degree="无"
    )
    row = page.locator("#list-education tr.item-row").first
    expect(page.locator("#list-education tr.item-problems")).to_have_count(0)

    row.get_by_role("link", name="编辑").click()
    names = page.locator("#files .file-name a:not(.small)")
    expect(names).to_have_text(["学历证书.jpg", "备案表.jpg"])
    page.locator("#files tr.file-row").first.get_by_role("button", name="下移").click()
    expect(names).to_have_text(["备案表.jpg", "学历证书.jpg"])
    page.get_by_role("link", name="返回").click()
    expect(page.locator("h2.page-title")).to_have_text("2 学历资历")
    _complete_step(page, 2)


def _experience(page: Page, files: dict[str, str]) -> str:
    """§4.3: the series' categories are listed; one entry under the first, with its proof."""
    _open_step(page, "3 专业技术工作经历")
    expect(page.locator("h2.page-title")).to_have_text("3 专业技术工作经历")
    block = page.locator("section.item-list").first
    category = block.locator(".panel-title").inner_text().strip()
    assert category  # a category of the 工程 series, from the data files
    block.get_by_role("link", name="新增").click()
    expect(page.get_by_label("经历类别")).to_have_value(category)
    page.get_by_label("起始时间").fill("2016-03-01")
    page.get_by_label("终止时间").fill("2019-06-30")
    page.get_by_label("工作内容").fill("主持兰州某综合楼结构设计，负责结构选型、计算和施工图审核")
    page.get_by_label("备注").fill("项目负责人")
    upload(page, "上传佐证材料", [(files["项目证明.jpg"], "佐证材料")])
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success").first).to_contain_text("已保存")
    entry = page.locator("section.item-list").first.locator("tr.item-row")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("主持兰州某综合楼结构设计")
    expect(entry.locator(".file-thumbs img")).to_have_count(1)
    _complete_step(page, 3)
    return category


def _achievements(page: Page, files: dict[str, str]) -> None:
    """§4.4.1: a 论文 (代表作) with 封面, 主办单位页, 目录页, 正文."""
    _open_step(page, "4 业绩成果")
    expect(page.locator("h2.page-title")).to_have_text("4 业绩成果")
    add_representative_paper(page, files)
    _complete_step(page, 4)


def _summary(page: Page, text: str) -> None:
    """§4.5: 560 characters typed, the live count in range, 完成填报."""
    _open_step(page, "5 小结")
    on_page(page, "小结")
    area = page.get_by_label("小结")
    area.press_sequentially(text)
    count = page.locator("#summary-count")
    expect(count).to_have_text(str(count_summary_chars(text)))
    expect(count).to_have_class(re.compile("in-range"))
    page.get_by_role("button", name="完成填报", exact=True).click()
    page.wait_for_url("**/applicant/")
    expect(flag(page, 5)).to_have_count(1)


def test_walk_the_whole_dossier_and_see_all_five_flags(session, browser_page: Page, tmp_path):
    world = make_world(session)  # a fresh account, the current batch, an open committee
    number = world.applicant.id_number
    # the province's platform export, imported by the 省职改办 (not something the applicant types)
    continuing_education.import_file(
        session,
        f"身份证号,年度,公需科目学时,专业科目学时\n{number},2023,30,60\n".encode(),
        source="平台.csv",
        today=date(2026, 10, 15),
        now=FIXED_NOW,
    )
    session.commit()
    summary = SUMMARY[:560]
    assert count_summary_chars(summary) == 560
    files = _files(tmp_path)
    page = browser_page
    login_in_browser(page, world.applicant.username, PASSWORD)

    _base_info(page, world)
    _basic_info(page, files)
    _education(page, files)
    category = _experience(page, files)
    _achievements(page, files)
    _summary(page, summary)

    # 填报信息: every step carries its 引导旗
    page.goto("/applicant/")
    for step in range(1, 6):
        expect(flag(page, step)).to_have_count(1)

    # what the pages saved (read back only)
    session.expire_all()
    application = session.query(Application).filter_by(applicant_id=world.applicant.id).one()
    assert application.steps_done == sum(1 << s.value for s in Section)
    assert application.summary == summary
    (education,) = items_of(session, application.id, ItemKind.EDUCATION)
    names = [f.original_name for f in files_of(session, education)]
    assert names == ["备案表.jpg", "学历证书.jpg"]
    (experience,) = items_of(session, application.id, ItemKind.EXPERIENCE)
    assert experience.data["category"] == category
    (paper,) = items_of(session, application.id, ItemKind.PAPER)
    assert [f.part for f in files_of(session, paper)] == ["封面", "主办单位页", "目录页", "正文"]
