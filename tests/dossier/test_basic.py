"""1 基本信息 (manual §4.1): 个人信息, 上传证件照, 考核情况 with proof, 完成填报下一步; the 填报信息 page."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Application, Attachment, DossierItem, ItemKind, Section
from app.services.basic_info import (
    COMMITTEE_NEEDS_NORMAL,
    MAX_PROOFS,
    PERSONAL_FIRST,
    PHOTO_PART,
    PROOF_PART,
)
from app.validators.files import MSG_PHOTO_RATIO, MSG_PHOTO_TYPE
from app.workflow.states import ApplicationStatus, Role
from tests.dossier.shell_helpers import (
    EDITABLE_STATES,
    READ_ONLY_STATES,
    TEACHER_LEAF,
    assessment_form,
    dossier,
    files_of,
    items_of,
    make_world,
    no_english_errors,
    personal_form,
    photo_jpeg,
    reload,
    sign_in,
    step_flagged,
    text,
    upload,
)
from tests.factories import make_account
from tests.files.file_corpus import MB, jpeg, pdf, png
from tests.helpers import counting_queries

URL = "/applicant/basic/"
#: the manual writes both; the button says 完成填报下一步
FINISH_LABEL = re.compile("完成填(报|写)下一步")


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def application(session, world):
    return dossier(session, world)


@pytest.fixture
def browser(client, world, application):
    sign_in(client, world.applicant)
    return client


def complete_section(client) -> None:
    """Everything 1 基本信息 needs, through the pages."""
    assert client.post(f"{URL}personal", data=personal_form()).status_code == 302
    assert upload(client, f"{URL}photo", "photo", photo_jpeg(), "证件照.jpg").status_code == 302
    rows = [(2024, "优秀"), (2023, "合格")]
    assert client.post(f"{URL}assessments", data=assessment_form(rows, "2024")).status_code == 302
    assert upload(client, f"{URL}proofs", "proof", pdf(), "考核表.pdf").status_code == 302


# --- the page ---------------------------------------------------------------------------------


def test_page_shows_the_manual_labels_and_the_account_data(browser, world):
    html = text(browser.get(URL))
    for label in (
        "一键删除申报信息",
        "上传证件照",
        "预分配评委会",
        "个人信息",
        "考核情况",
        "现资格以来取得优秀年度",
        "保存",
        "民族",
        "政治面貌",
        "手机",
        "电子邮箱",
        "参加工作时间",
        "现从事专业",
        "现专业技术资格",
        "取得时间",
        "现聘专业技术职务",
        "聘任时间",
        "工作单位",
    ):
        assert label in html, label
    assert FINISH_LABEL.search(html)
    assert world.committee.name in html
    assert f'<td id="person-name">{world.applicant.name}</td>' in html
    assert f'<td id="person-id">{world.applicant.id_number}</td>' in html
    assert '<td id="person-gender">男</td>' in html
    assert '<td id="person-birth">1985-03-12</td>' in html
    assert f'id="person-unit">{world.org.unit.name}</td>' in html
    # the delete button sits before everything else on the page (top left)
    assert html.index("一键删除申报信息") < html.index("个人信息")


def test_without_a_dossier_the_page_sends_to_the_base_info(session, client, world):
    sign_in(client, world.applicant)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applicant/base-info/")
    assert client.post(f"{URL}personal", data=personal_form()).status_code == 302
    assert items_of(session, 0) == []


def test_ethics_row_only_for_the_series_that_ask_for_it(session, client, world):
    teacher = make_account(session, unit=world.org.unit)
    session.commit()
    dossier(session, world, applicant=teacher, level="school_teacher-fg", specialty=TEACHER_LEAF)
    sign_in(client, teacher)
    html = text(client.get(URL))
    assert "师德考核情况" in html
    assert "医德医风考核情况" not in html


def test_engineering_has_no_ethics_row(browser):
    html = text(browser.get(URL))
    assert "师德考核情况" not in html and "医德医风考核情况" not in html


# --- 个人信息 ---------------------------------------------------------------------------------


def test_personal_info_is_saved_and_shown(session, browser, application):
    response = browser.post(f"{URL}personal", data=personal_form(mobile="+86 138-9310-0001"))
    assert response.status_code == 302
    (item,) = items_of(session, application.id, ItemKind.PERSONAL)
    assert item.data["mobile"] == "13893100001"
    assert item.data["work_start"] == "2008-07-01"
    assert item.data["ethnicity"] == "汉族"
    html = text(browser.get(URL))
    assert 'value="13893100001"' in html and 'value="2015-12-20"' in html
    assert "个人信息已保存" in html
    browser.post(f"{URL}personal", data=personal_form(current_specialty="岩土工程"))
    (item,) = items_of(session, application.id, ItemKind.PERSONAL)
    assert item.data["current_specialty"] == "岩土工程"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mobile": "1389310000"}, "手机号码格式不正确"),
        ({"mobile": ""}, "请输入手机号码"),
        ({"email": "zhang@"}, "电子邮箱格式不正确"),
        ({"ethnicity": ""}, "请选择民族"),
        ({"ethnicity": "火星族"}, "民族的选项无效"),
        ({"political_status": "无"}, "政治面貌的选项无效"),
        ({"work_start": ""}, "请填写参加工作时间"),
        ({"work_start": "2026-10-16"}, "参加工作时间不能晚于今天"),
        ({"work_start": "2020-13-01"}, "参加工作时间格式不正确"),
        ({"work_start": "1999-03-11"}, "参加工作时间早于16周岁"),
        ({"title_date": "2007-12-31"}, "取得时间不能早于参加工作时间"),
        ({"title_date": "2027-01-01"}, "取得时间不能晚于今天"),
        ({"title_date": ""}, "填写了现专业技术资格，请同时填写取得时间"),
        ({"current_title": ""}, "填写了取得时间，请同时填写现专业技术资格"),
        ({"post_date": "2030-01-01"}, "聘任时间不能晚于今天"),
        ({"post_date": "2001-01-01"}, "聘任时间不能早于参加工作时间"),
        ({"current_specialty": ""}, "请填写现从事专业"),
        ({"current_specialty": "专" * 101}, "现从事专业不能超过100字"),
        ({"assessment_mode": "other"}, "无效"),
    ],
)
def test_bad_personal_values_are_refused_and_nothing_is_saved(
    session, browser, application, change, message
):
    browser.post(f"{URL}personal", data=personal_form())
    before = items_of(session, application.id, ItemKind.PERSONAL)[0].data
    response = browser.post(
        f"{URL}personal", data=personal_form(current_post="高级工程师", **change)
    )
    assert response.status_code == 200
    html = text(response)
    assert message in html and no_english_errors(html)
    assert "请按提示修改后再保存" in html
    assert 'value="高级工程师"' in html  # what was typed is still there
    assert items_of(session, application.id, ItemKind.PERSONAL)[0].data == before


def test_a_person_without_current_title_may_save(session, browser, application):
    data = personal_form(current_title="", title_date="", current_post="", post_date="")
    assert browser.post(f"{URL}personal", data=data).status_code == 302
    assert items_of(session, application.id, ItemKind.PERSONAL)[0].data["title_date"] is None


# --- 评委会考核认定 (manual §3, after 图13) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "scope", "allowed"),
    [
        ("engineering-fg", "grassroots", True),
        ("engineering-zg", "hardship", True),
        ("engineering-fg", "province", False),
        ("engineering-zg", "unit", False),
        ("engineering-zj", "grassroots", False),
        ("engineering-zl", "hardship", False),
    ],
)
def test_committee_assessment_only_for_senior_titles_at_grassroots_or_hardship(
    session, client, world, level, scope, allowed
):
    application = dossier(session, world, level=level, scope=scope)
    sign_in(client, world.applicant)
    response = client.post(f"{URL}personal", data=personal_form(assessment_mode="committee"))
    saved = reload(session, application.id)
    if allowed:
        assert response.status_code == 302
        assert saved.committee_assessment is True
        assert "（评委会考核认定）" in text(client.get("/applicant/"))
    else:
        assert "评委会考核认定仅限于全省基层有效或全省艰苦边远地区有效的高级职称" in text(response)
        assert saved.committee_assessment is False
        assert items_of(session, application.id, ItemKind.PERSONAL) == []


def test_committee_assessment_can_be_taken_back(session, client, world):
    application = dossier(session, world, scope="grassroots")
    sign_in(client, world.applicant)
    client.post(f"{URL}personal", data=personal_form(assessment_mode="committee"))
    client.post(f"{URL}personal", data=personal_form(assessment_mode="normal"))
    assert reload(session, application.id).committee_assessment is False


def test_committee_assessment_needs_normal_mode_first(session, client, world):
    application = dossier(session, world, scope="grassroots", mode="employer")
    sign_in(client, world.applicant)
    assert "申报方式二次选择" not in text(client.get(URL))
    response = client.post(f"{URL}personal", data=personal_form(assessment_mode="committee"))
    assert COMMITTEE_NEEDS_NORMAL in text(response)
    assert reload(session, application.id).committee_assessment is False


# --- 上传证件照 ---------------------------------------------------------------------------------


def test_photo_is_uploaded_shown_and_replaced(session, browser, application):
    response = upload(browser, f"{URL}photo", "photo", photo_jpeg(), "证件照.jpg")
    assert response.status_code == 302
    (first,) = files_of(session, application.id, PHOTO_PART)
    assert first.item_id is None and (first.width, first.height) == (295, 413)
    html = text(browser.get(URL))
    assert f'src="/attachments/{first.id}/inline"' in html
    assert browser.get(f"/attachments/{first.id}/inline").status_code == 200
    upload(browser, f"{URL}photo", "photo", jpeg((590, 826)), "新照片.jpg")
    (second,) = files_of(session, application.id, PHOTO_PART)
    assert second.width == 590 and second.original_name == "新照片.jpg"


def test_photo_dialog_page_works_without_javascript(browser):
    html = text(browser.get(f"{URL}photo"))
    assert 'type="file"' in html and "上传证件照" in html and "确定" in html


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (jpeg((413, 295)), "横向.jpg", MSG_PHOTO_RATIO),
        (png(), "照片.png", MSG_PHOTO_TYPE),
        (pdf(), "照片.pdf", MSG_PHOTO_TYPE),
        (jpeg((1180, 1652), noise=True, quality=100), "大照片.jpg", "证件照不能超过1MB"),
        (b"", "空.jpg", "文件为空"),
    ],
)
def test_bad_photos_are_refused_with_the_reason(session, browser, application, data, name, message):
    if data:
        assert len(data) > MB or message != "证件照不能超过1MB"
    response = upload(browser, f"{URL}photo", "photo", data, name)
    assert response.status_code == 302
    assert message in text(browser.get(URL))
    assert files_of(session, application.id, PHOTO_PART) == []


def test_photo_upload_without_a_file(session, browser, application):
    browser.post(f"{URL}photo", data={}, content_type="multipart/form-data")
    assert "请选择要上传的文件" in text(browser.get(URL))
    assert files_of(session, application.id) == []


# --- 考核情况 ---------------------------------------------------------------------------------


def test_assessment_rows_are_saved_one_per_year(session, browser, application):
    browser.post(f"{URL}personal", data=personal_form())
    rows = [(2022, "合格"), (2024, "优秀"), ("", ""), (2023, "基本合格")]
    response = browser.post(f"{URL}assessments", data=assessment_form(rows, "2024"))
    assert response.status_code == 302
    saved = items_of(session, application.id, ItemKind.ASSESSMENT)
    assert [(i.data["year"], i.data["result"]) for i in saved] == [
        (2024, "优秀"),
        (2023, "基本合格"),
        (2022, "合格"),
    ]
    personal = items_of(session, application.id, ItemKind.PERSONAL)[0]
    assert personal.data["excellent_years"] == [2024]
    html = text(browser.get(URL))
    assert 'value="2023"' in html and 'value="2024"' in html
    # saving again replaces the rows: a cleared row is deleted
    browser.post(f"{URL}assessments", data=assessment_form([(2024, "优秀")], "2024"))
    assert len(items_of(session, application.id, ItemKind.ASSESSMENT)) == 1


def test_assessments_need_the_personal_info_first(session, browser, application):
    response = browser.post(f"{URL}assessments", data=assessment_form([(2024, "优秀")]))
    assert PERSONAL_FIRST in text(response)
    assert items_of(session, application.id) == []


@pytest.mark.parametrize(
    ("rows", "excellent", "message"),
    [
        ([(2024, "优秀"), (2024, "合格")], "", "考核年度2024重复填写"),
        ([(2027, "优秀")], "", "考核年度2027无效：晚于今年"),
        ([(1949, "优秀")], "", "早于1950年"),
        ([("二〇二四", "优秀")], "", "考核年度应为4位数字年份"),
        ([(2024, "")], "", "请选择2024年度的考核结果"),
        ([(2024, "特优")], "", "考核结果的选项无效"),
        ([(2024, "优秀")], "2027", "晚于今年"),
        ([(2024, "优秀")], "2024、2024", "重复填写"),
        ([(2024, "优秀")], "去年", "应为4位数字年份"),
        ([(2024, "优秀")], "2014", "不能早于取得现资格的年份2015"),
        ([(2024, "合格")], "2024", "2024年度考核结果为“合格”"),
        ([(2024, "优秀", "优秀")], "", "没有师德（医德医风）考核"),
    ],
)
def test_bad_assessments_are_refused_and_nothing_changes(
    session, browser, application, rows, excellent, message
):
    browser.post(f"{URL}personal", data=personal_form())
    browser.post(f"{URL}assessments", data=assessment_form([(2020, "合格")]))
    response = browser.post(f"{URL}assessments", data=assessment_form(rows, excellent))
    assert response.status_code == 200
    assert message in text(response) and no_english_errors(text(response))
    saved = items_of(session, application.id, ItemKind.ASSESSMENT)
    assert [i.data["year"] for i in saved] == [2020]


def test_teacher_assessments_need_the_ethics_result(session, client, world):
    teacher = make_account(session, unit=world.org.unit)
    session.commit()
    application = dossier(
        session, world, applicant=teacher, level="school_teacher-fg", specialty=TEACHER_LEAF
    )
    sign_in(client, teacher)
    client.post(f"{URL}personal", data=personal_form())
    refused = client.post(f"{URL}assessments", data=assessment_form([(2024, "优秀")]))
    assert "请选择2024年度的师德考核情况" in text(refused)
    ok = client.post(f"{URL}assessments", data=assessment_form([(2024, "优秀", "合格")]))
    assert ok.status_code == 302
    (row,) = items_of(session, application.id, ItemKind.ASSESSMENT)
    assert row.data == {"year": 2024, "result": "优秀", "ethics": "合格"}


def test_too_many_rows_are_refused_not_truncated(session, browser, application):
    browser.post(f"{URL}personal", data=personal_form())
    rows = [(1950 + i % 77, "合格") for i in range(120)]
    response = browser.post(f"{URL}assessments", data=assessment_form(rows))
    assert response.status_code == 200
    assert items_of(session, application.id, ItemKind.ASSESSMENT) == []


# --- 考核证明材料 --------------------------------------------------------------------------------


def test_proofs_are_uploaded_listed_and_deleted(session, browser, application):
    assert upload(browser, f"{URL}proofs", "proof", pdf(), "2024年度考核表.pdf").status_code == 302
    upload(browser, f"{URL}proofs", "proof", jpeg((800, 600)), "考核登记表.jpg")
    first, second = files_of(session, application.id, PROOF_PART)
    html = text(browser.get(URL))
    assert "2024年度考核表.pdf" in html and "考核登记表.jpg" in html
    response = browser.post(f"{URL}proofs/{first.id}/delete")
    assert response.status_code == 302
    assert [f.id for f in files_of(session, application.id, PROOF_PART)] == [second.id]


def test_proofs_are_limited_in_number(session, browser, application):
    for index in range(MAX_PROOFS):
        session.add(
            Attachment(
                application_id=application.id,
                part=PROOF_PART,
                sha256=f"{index:064x}",
                original_name=f"证明{index}.pdf",
                mime="application/pdf",
                size=1000,
            )
        )
    session.commit()
    upload(browser, f"{URL}proofs", "proof", pdf(), "又一份.pdf")
    assert f"考核证明材料最多上传{MAX_PROOFS}个文件" in text(browser.get(URL))
    assert len(files_of(session, application.id, PROOF_PART)) == MAX_PROOFS


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"<html>not a pdf</html>", "文件类型不支持"), (b"%PDF-1.4 broken", "PDF文件已损坏")],
)
def test_bad_proofs_are_refused(session, browser, application, data, message):
    upload(browser, f"{URL}proofs", "proof", data, "考核表.pdf")
    assert message in text(browser.get(URL))
    assert files_of(session, application.id) == []


def test_proof_delete_refuses_forged_ids(session, new_client, world, application):
    owner, intruder = new_client(), new_client()
    sign_in(owner, world.applicant)
    upload(owner, f"{URL}proofs", "proof", pdf(), "考核表.pdf")
    upload(owner, f"{URL}photo", "photo", photo_jpeg(), "证件照.jpg")
    dossier(session, world, applicant=world.other)
    sign_in(intruder, world.other)
    proof = files_of(session, application.id, PROOF_PART)[0]
    photo = files_of(session, application.id, PHOTO_PART)[0]
    assert intruder.post(f"{URL}proofs/{proof.id}/delete").status_code == 404
    assert intruder.get(f"/attachments/{proof.id}/inline").status_code == 404
    # the owner may not delete the photo through the proof action either
    assert owner.post(f"{URL}proofs/{photo.id}/delete").status_code == 404
    assert owner.post(f"{URL}proofs/999999/delete").status_code == 404
    assert len(files_of(session, application.id)) == 2


# --- 完成填报下一步 ---------------------------------------------------------------------------------


def test_finishing_needs_every_part_and_names_what_is_missing(session, browser, application):
    response = browser.post(f"{URL}done")
    assert response.status_code == 302
    html = text(browser.get(URL))
    for missing in (
        "个人信息尚未保存",
        "尚未上传证件照",
        "考核情况至少填写一个年度",
        "尚未上传考核证明材料",
    ):
        assert missing in html
    assert reload(session, application.id).steps_done == 0


def test_finishing_raises_the_flag_and_returns_to_the_dossier_page(session, browser, application):
    complete_section(browser)
    response = browser.post(f"{URL}done")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applicant/")
    home = text(browser.get("/applicant/"))
    assert step_flagged(home, Section.BASIC)
    assert not step_flagged(home, Section.EDUCATION)
    assert reload(session, application.id).steps_done == 1 << Section.BASIC.value


def test_later_steps_open_only_after_the_basic_info(session, browser, application):
    response = browser.get("/applicant/summary/")
    assert response.status_code == 302
    assert "请先完成“基本信息”的填报" in text(browser.get("/applicant/"))
    complete_section(browser)
    browser.post(f"{URL}done")
    assert browser.get("/applicant/summary/").status_code == 200


# --- 填报信息 page ------------------------------------------------------------------------------


def test_dossier_page_shows_steps_status_and_committee(browser, world):
    html = text(browser.get("/applicant/"))
    for label in ("1 基本信息", "2 学历资历", "3 专业技术工作经历", "4 业绩成果", "5 小结"):
        assert label in html
    assert "评审进度" in html and "申报中" in html
    assert "预分配评委会" in html and world.committee.name in html
    assert "申报信息" in html
    assert "提交审核" in html  # built with the submission, not here


def test_returned_dossier_shows_the_reason_and_stays_editable(session, client, world):
    application = dossier(
        session, world, status=ApplicationStatus.RETURNED, return_reason="考核证明材料不清晰"
    )
    sign_in(client, world.applicant)
    html = text(client.get("/applicant/"))
    assert "退回修改" in html and "考核证明材料不清晰" in html
    assert client.post(f"{URL}personal", data=personal_form()).status_code == 302
    assert len(items_of(session, application.id, ItemKind.PERSONAL)) == 1


# --- read-only outside 申报中 / 退回修改 --------------------------------------------------------------


@pytest.mark.parametrize(("status", "stage"), READ_ONLY_STATES)
def test_every_change_is_refused_after_submission(session, client, world, status, stage):
    application = dossier(session, world, status=status, stage=stage)
    db.session.add(DossierItem(application_id=application.id, kind=ItemKind.PERSONAL, data={}))
    db.session.commit()
    sign_in(client, world.applicant)
    page = text(client.get(URL))
    assert "申报信息不能修改" in page
    assert 'id="save-personal"' not in page and 'id="finish-step"' not in page
    assert "<fieldset disabled>" in page
    label = application.status_label
    attempts = [
        client.post(f"{URL}personal", data=personal_form()),
        client.post(f"{URL}assessments", data=assessment_form([(2024, "优秀")])),
        upload(client, f"{URL}photo", "photo", photo_jpeg(), "证件照.jpg"),
        upload(client, f"{URL}proofs", "proof", pdf(), "考核表.pdf"),
        client.post(f"{URL}done"),
    ]
    for response in attempts:
        shown = text(response) if response.status_code == 200 else text(client.get(URL))
        assert f"当前评审进度为“{label}”，申报信息不能修改" in shown
    saved = reload(session, application.id)
    assert saved.steps_done == 0 and saved.status == status
    assert [i.data for i in items_of(session, application.id)] == [{}]
    assert files_of(session, application.id) == []


@pytest.mark.parametrize(("status", "stage"), EDITABLE_STATES)
def test_changes_are_allowed_in_editable_states(session, client, world, status, stage):
    application = dossier(session, world, status=status, stage=stage)
    sign_in(client, world.applicant)
    complete_section(client)
    assert client.post(f"{URL}done").status_code == 302
    assert reload(session, application.id).steps_done == 1 << Section.BASIC.value


# --- wrong person -------------------------------------------------------------------------------


def test_another_applicant_only_ever_reaches_their_own_dossier(session, new_client, world):
    mine = dossier(session, world)
    theirs = dossier(session, world, applicant=world.other, level="engineering-zj")
    owner, other = new_client(), new_client()
    sign_in(owner, world.applicant)
    sign_in(other, world.other)
    complete_section(owner)
    other.post(f"{URL}personal", data=personal_form(current_specialty="电气"))
    assert items_of(session, mine.id, ItemKind.PERSONAL)[0].data["current_specialty"] == "结构设计"
    assert items_of(session, theirs.id, ItemKind.PERSONAL)[0].data["current_specialty"] == "电气"
    page = text(other.get(URL))
    assert "结构设计" not in page and world.applicant.name not in page
    assert len(files_of(session, theirs.id)) == 0


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.UNIT_LEADER, Role.PROVINCE_ADMIN])
def test_staff_cannot_use_the_applicant_section(session, client, world, application, role):
    account = make_account(session, role, unit=world.org.unit)
    session.commit()
    sign_in(client, account)
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}personal", data=personal_form()).status_code == 403
    assert client.post(f"{URL}done").status_code == 403
    assert items_of(session, application.id) == []


# --- queries stay fixed as the dossier grows --------------------------------------------------------


def _grow(session, application: Application, rows: int) -> None:
    session.add(
        DossierItem(
            application_id=application.id,
            kind=ItemKind.PERSONAL,
            data={"title_date": "2015-12-20", "excellent_years": [2016]},
        )
    )
    for index in range(rows):
        year = 2026 - index % 70
        kind = ItemKind.ASSESSMENT if index < 70 else ItemKind.PAPER
        session.add(
            DossierItem(
                application_id=application.id,
                kind=kind,
                position=index,
                data={"year": year, "result": "合格", "ethics": None, "title": f"论文{index}"},
            )
        )
        session.add(
            Attachment(
                application_id=application.id,
                part=PROOF_PART,
                sha256=f"{index:064x}",
                original_name=f"证明{index}.pdf",
                mime="application/pdf",
                size=1000,
            )
        )
    session.commit()


@pytest.mark.parametrize("path", ["/applicant/", URL])
def test_pages_issue_a_fixed_number_of_queries(session, new_client, world, path):
    counts = []
    for person, rows in ((world.applicant, 1), (world.other, 200)):
        application = dossier(session, world, applicant=person)
        _grow(session, application, rows)
        client = new_client()
        sign_in(client, person)
        client.get(path)  # warm caches (templates, permissions) outside the count
        with counting_queries(db.engine) as counter:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1], counts


def test_today_is_the_app_clock(app):
    from app.views.applicant import _today

    with app.test_request_context():
        assert _today() == date(2026, 10, 15)
