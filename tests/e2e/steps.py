"""Browser steps that several walks of the dossier share, by the manual's labels."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

PAPER_TITLE = "高层建筑结构抗震设计研究"


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).select_option(label=option)


def write_files(tmp_path, contents: dict[str, bytes]) -> dict[str, str]:
    """Each file written under ``tmp_path``; its path by name, for 选择文件."""
    paths = {}
    for name, content in contents.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths[name] = str(path)
    return paths


def fill_personal_info(page: Page) -> None:
    """4.1 基本信息 → 个人信息, 保存."""
    page.get_by_label("民族").select_option("汉族")
    page.get_by_label("政治面貌").select_option("中共党员")
    page.get_by_label("手机").fill("13893100001")
    page.get_by_label("电子邮箱").fill("zhang@example.cn")
    page.get_by_label("参加工作时间").fill("2008-07-01")
    page.get_by_label("现从事专业").fill("结构设计")
    page.get_by_label("现专业技术资格").fill("工程师")
    page.get_by_label("取得时间").fill("2015-12-20")
    page.get_by_label("现聘专业技术职务").fill("工程师")
    page.get_by_label("聘任时间").fill("2016-01-01")
    page.locator("#personal-form").get_by_role("button", name="保存").click()
    expect(page.get_by_text("个人信息已保存")).to_be_visible()


def on_page(page: Page, title: str) -> None:
    """The page titled ``title`` is shown and its scripts have run: a click's navigation only
    waits for the new document to start, and a page script (the 小结 counter, the confirm
    dialogs) must be listening before the walk types or clicks."""
    expect(page.locator("h2.page-title")).to_have_text(title)
    page.wait_for_load_state("load")


def flag(page: Page, number: int):
    """The 引导旗 over step ``number`` of 填报信息."""
    return page.locator(f".dossier-steps li[data-section='{number}']").get_by_label("引导旗")


def enter_base_info(page: Page, committee_name: str) -> None:
    """§3: the five drop-downs (申报资格 by 申报系列, 申报专业 level by level), 进入申报, and the
    填报信息 page with 评审进度 申报中 and the 预分配评委会."""
    expect(page.locator("h2.page-title")).to_have_text("申报基础信息")
    choose(page, "申报方式", "正常申报（评审正常）")
    choose(page, "申报系列", "工程")
    choose(page, "申报资格", "高级工程师")
    choose(page, "申报专业（一级）", "工学")
    choose(page, "申报专业（二级）", "建设工程")
    choose(page, "申报专业（三级）", "土木工程")
    expect(page.locator("#specialty-path")).to_have_text("已选：工学》建设工程》土木工程")
    choose(page, "有效范围", "全省有效")
    page.get_by_role("button", name="进入申报").click()
    expect(page.locator("h2.page-title")).to_have_text("填报信息")
    expect(page.locator("#review-status")).to_have_text("申报中")
    expect(page.locator("#committee-name")).to_have_text(committee_name)


def upload(page: Page, button: str, files_and_parts: list[tuple[str, str]]) -> None:
    """上传…: the dialog, 选择文件, each file's 材料类别 in the preview, 确定."""
    page.wait_for_load_state("load")
    page.get_by_role("button", name=button).click()
    dialog = page.locator("#upload-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("选择文件").set_input_files([path for path, _ in files_and_parts])
    previews = dialog.locator(".preview-item")
    expect(previews).to_have_count(len(files_and_parts))
    for index, (_, part) in enumerate(files_and_parts):
        previews.nth(index).locator("select").select_option(value=part)
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#pending-files tbody tr")).to_have_count(len(files_and_parts))


def upload_photo(page: Page, path: str) -> None:
    """上传证件照: the dialog shows the chosen photo, 确定 uploads it."""
    page.wait_for_load_state("load")
    page.get_by_role("link", name="上传证件照").click()
    dialog = page.locator("#photo-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#photo-input").set_input_files(path)
    expect(dialog.locator("#photo-preview")).to_have_attribute("src", re.compile("^blob:"))
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_text("证件照已上传")).to_be_visible()
    expect(page.locator("#id-photo")).to_be_visible()


def add_representative_paper(page: Page, files: dict[str, str]) -> None:
    """§4.4.1 on the open 4 业绩成果 page: a 论文 (代表作) with 封面, 主办单位页, 目录页, 正文."""
    page.locator("#list-paper").get_by_role("link", name="新增").click()
    page.get_by_label("论文题目").fill(PAPER_TITLE)
    page.get_by_label("刊物名称").fill("建筑结构")
    page.get_by_label("ISSN").fill("1002-848X")
    page.get_by_label("发表年份").fill("2020")
    page.get_by_label("期号").fill("第5期")
    page.get_by_label("本人排名").fill("1")
    page.get_by_label("语种").select_option("中文")
    page.get_by_label("代表作").check()
    page.get_by_label("检索验证地址").fill("https://kns.cnki.net/kcms/detail/JZJG202005001.html")
    page.get_by_label("业绩符合标准情况").select_option("最优")
    parts = ("封面.jpg", "主办单位页.jpg", "目录页.jpg", "正文.pdf")
    upload(page, "上传佐证材料", [(files[name], name.rsplit(".", 1)[0]) for name in parts])
    page.get_by_role("button", name="保存").click()
    paper = page.locator("#list-paper tr.item-row").first
    expect(paper).to_contain_text(PAPER_TITLE)
    expect(paper.locator(".file-thumbs li")).to_have_count(4)


def add_education(
    page: Page, scans: dict[str, str], *, entered: str, school: str, level: str, degree: str
) -> None:
    """学习经历 (graduated 2007, so the 2002+ rule asks for the 备案表): 新增, the fields,
    上传学历及佐证材料 with the certificate and the 备案表, 确定, 保存."""
    page.locator("#list-education").get_by_role("link", name="新增").click()
    page.get_by_label("入学时间").fill(entered)
    page.get_by_label("毕业时间").fill("2007-07-01")
    page.get_by_label("学校名称").fill(school)
    page.get_by_label("所学专业").fill("土木工程")
    page.get_by_label("学历", exact=True).select_option(level)
    page.get_by_label("学位", exact=True).select_option(degree)
    page.get_by_label("学习形式").select_option("全日制")
    page.get_by_label("教育类别").select_option("普通高等教育")
    page.get_by_label("学信网验证码").fill("123456789012")
    page.get_by_label("验证有效期").fill("2027-03-31")
    # the part list follows the typed year (2002+ → 电子注册备案表)
    page.wait_for_function(
        "document.querySelector('#required-parts').innerText.includes('电子注册备案表')"
    )
    upload(
        page,
        "上传学历及佐证材料",
        [
            (scans["学历证书.jpg"], "学历证书"),
            (scans["备案表.jpg"], "教育部学历证书电子注册备案表"),
        ],
    )
    expect(page.locator("#pending-files tbody tr")).to_have_count(2)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success").first).to_contain_text("已保存")
    row = page.locator("#list-education tr.item-row").first
    expect(row).to_contain_text(school)
    expect(row.locator(".file-thumbs img")).to_have_count(2)
