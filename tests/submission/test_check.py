"""The completeness check before 提交审核: one test per rule, each listing exactly what is missing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from app.models import Attachment, DossierItem, ItemKind, Section
from app.services import submission
from app.services.attachments import PHOTO_PART
from app.services.basic_info import PROOF_PART
from app.workflow.states import ApplicationStatus
from tests.conftest import FIXED_NOW
from tests.items.support import add_item
from tests.submission.support import (
    ALL_STEPS,
    TEACHER_LEAF,
    add_papers,
    complete_dossier,
    count,
    messages,
    snapshots,
    submissions,
    submit_now,
    text,
)

TODAY = FIXED_NOW.date()


def check(session, application):
    session.expire_all()
    return submission.completeness(session, application, TODAY)


def drop(session, application, kind: ItemKind) -> None:
    session.execute(
        delete(DossierItem).where(
            DossierItem.application_id == application.id, DossierItem.kind == kind
        )
    )
    session.commit()


def drop_files(session, application, part: str) -> None:
    session.execute(
        delete(Attachment).where(
            Attachment.application_id == application.id, Attachment.part == part
        )
    )
    session.commit()


def only(session, application) -> list[str]:
    return messages(check(session, application))


def test_a_complete_dossier_has_nothing_to_fix(session, dossier):
    result = check(session, dossier)
    assert result.complete and result.problems == []


# --- 1 基本信息 ----------------------------------------------------------------------------------


def test_personal_info_not_saved(session, dossier):
    drop(session, dossier, ItemKind.PERSONAL)
    assert only(session, dossier) == ["个人信息尚未保存"]


def test_required_personal_fields_missing(session, dossier):
    personal = session.scalars(
        select(DossierItem).where(
            DossierItem.application_id == dossier.id, DossierItem.kind == ItemKind.PERSONAL
        )
    ).one()
    personal.data = {**personal.data, "mobile": "", "ethnicity": None}
    session.commit()
    assert only(session, dossier) == ["个人信息尚未填写：民族、手机"]


def test_photo_missing(session, dossier):
    drop_files(session, dossier, PHOTO_PART)
    assert only(session, dossier) == ["尚未上传证件照"]


def test_assessments_missing(session, dossier):
    drop(session, dossier, ItemKind.ASSESSMENT)
    assert only(session, dossier) == ["考核情况至少填写一个年度"]


def test_assessment_proof_missing(session, dossier):
    drop_files(session, dossier, PROOF_PART)
    assert only(session, dossier) == ["尚未上传考核证明材料"]


# --- 2 学历资历 ----------------------------------------------------------------------------------


def test_required_proof_of_an_education_entry(session, world):
    application = complete_dossier(session, world)
    drop(session, application, ItemKind.EDUCATION)
    add_item(session, application, ItemKind.EDUCATION, parts=("学历证书", "学位证书"))
    session.commit()
    assert only(session, application) == [
        "学习经历“兰州大学”：缺少《教育部学历证书电子注册备案表》"
    ]


def test_degree_before_2002_needs_the_certification_report(session, world):
    application = complete_dossier(session, world)
    drop(session, application, ItemKind.EDUCATION)
    add_item(
        session,
        application,
        ItemKind.EDUCATION,
        parts=("学历证书", "学位证书"),
        started_on="1996-09-01",
        graduated_on="2000-07-01",
        xuexin_code="",
        xuexin_valid_until=None,
    )
    session.commit()
    assert only(session, application) == ["学习经历“兰州大学”：缺少《中国高等教育学历认证报告》"]


def test_xuexin_code_expiring_before_the_end_of_the_batch_year(session, world):
    application = complete_dossier(session, world)
    item = session.scalars(
        select(DossierItem).where(
            DossierItem.application_id == application.id, DossierItem.kind == ItemKind.EDUCATION
        )
    ).one()
    item.data = {**item.data, "xuexin_valid_until": "2026-06-30"}
    session.commit()
    assert only(session, application) == [
        "学习经历“兰州大学”：学信网验证码的验证有效期须至2026年12月31日或之后，请重新申请"
    ]


def test_xuexin_code_missing(session, world):
    application = complete_dossier(session, world)
    item = session.scalars(
        select(DossierItem).where(
            DossierItem.application_id == application.id, DossierItem.kind == ItemKind.EDUCATION
        )
    ).one()
    item.data = {**item.data, "xuexin_code": ""}
    session.commit()
    assert only(session, application) == [
        "学习经历“兰州大学”：2002年后取得的学历须填写学信网验证码"
    ]


def test_licence_where_the_series_requires_it(session, world):
    application = complete_dossier(
        session, world, level="school_teacher-fg", specialty=TEACHER_LEAF
    )
    assert only(session, application) == []
    drop(session, application, ItemKind.MATERIAL)
    assert only(session, application) == ["相关材料：所报系列有行业准入制度，须提供从业资格证"]


# --- 4 业绩成果 ----------------------------------------------------------------------------------


def test_no_papers_at_all_is_allowed(session, dossier):
    assert only(session, dossier) == []  # 业绩成果 are not required (manual §4.4)


def test_too_few_papers_for_the_committee(session, dossier):
    add_papers(session, dossier, 2)
    session.commit()
    assert only(session, dossier) == ["论文：论文限传3-5篇（评委会要求），已填报2篇，至少须填报3篇"]


def test_too_many_papers_for_the_committee(session, dossier):
    add_papers(session, dossier, 6)
    session.commit()
    assert only(session, dossier) == ["论文：论文限传3-5篇（评委会要求），已填报6篇，最多5篇"]


def test_the_committee_sets_the_paper_range(session, world, dossier):
    world.committee.paper_min, world.committee.paper_max = 1, 2
    add_papers(session, dossier, 1)
    session.commit()
    assert only(session, dossier) == []


def test_papers_need_a_representative_work(session, dossier):
    add_papers(session, dossier, 3, representative=0)
    session.commit()
    assert only(session, dossier) == ["论文：论文前一篇或两篇为代表作，请至少将一篇论文标为代表作"]


def test_at_most_two_representative_works(session, dossier):
    add_papers(session, dossier, 3, representative=3)
    session.commit()
    assert only(session, dossier) == ["论文：代表作最多2篇"]


def test_required_parts_of_a_paper(session, dossier):
    papers = add_papers(session, dossier, 3)
    session.execute(
        delete(Attachment).where(Attachment.item_id == papers[1].id, Attachment.part == "目录页")
    )
    session.commit()
    assert only(session, dossier) == ["论文“论文1”：缺少目录页"]


def test_foreign_paper_needs_a_chinese_translation(session, dossier):
    add_papers(session, dossier, 3, language="外文")
    session.commit()
    assert only(session, dossier) == [f"论文“论文{i}”：缺少中文译文" for i in range(3)]


def test_warnings_are_listed_but_do_not_block(session, dossier):
    add_papers(session, dossier, 3, cnki_url="")
    session.commit()
    result = check(session, dossier)
    assert result.complete
    assert [w.message for w in result.warnings if w.message.startswith("论文")] == [
        f"论文“论文{i}”：未填写检索验证地址的论文须上传知网查重报告" for i in range(3)
    ]


# --- 5 小结 and the steps --------------------------------------------------------------------------


def test_summary_outside_the_batch_range(session, dossier):
    dossier.summary = "本人" * 100
    session.commit()
    assert only(session, dossier) == ["小结字数应在550-600字之间（当前200字）"]


def test_summary_empty(session, dossier):
    dossier.summary = ""
    session.commit()
    assert only(session, dossier) == ["小结尚未填写"]


def test_unfinished_steps(session, dossier):
    dossier.steps_done = (
        ALL_STEPS & ~(1 << Section.EXPERIENCE.value) & ~(1 << Section.SUMMARY.value)
    )
    session.commit()
    assert only(session, dossier) == [
        "“3 专业技术工作经历”尚未完成填报，请填写后点击“完成填报下一步”",
        "“5 小结”尚未完成填报，请填写后点击“完成填报”",
    ]


def test_every_problem_is_listed_at_once_in_section_order(session, dossier):
    drop_files(session, dossier, PHOTO_PART)
    add_papers(session, dossier, 2)
    dossier.summary = "太短"
    dossier.steps_done = 0
    session.commit()
    result = check(session, dossier)
    assert [m.section.value for m in result.problems] == [1, 1, 2, 3, 4, 4, 5, 5]
    assert messages(result)[0] == "尚未上传证件照"


# --- the check page and the refusal ------------------------------------------------------------


def test_the_check_page_links_every_item_to_its_place(session, dossier, browser):
    drop_files(session, dossier, PROOF_PART)
    papers = add_papers(session, dossier, 3)
    session.execute(
        delete(Attachment).where(Attachment.item_id == papers[0].id, Attachment.part == "正文")
    )
    dossier.summary = "太短"
    session.commit()
    html = text(browser.get("/applicant/submission/check"))
    links = re.findall(r'<li class="check-problem"[^>]*>\s*<a href="([^"]+)">', html)
    assert links == [
        "/applicant/basic/#proof-list",
        f"/applicant/items/section/4#item-{papers[0].id}",
        "/applicant/summary/#summary-form",
    ]
    assert "提交审核前请补充完善以下 3 项" in html
    assert "小结字数应在550-600字之间（当前2字）" in html


def test_the_check_page_says_when_the_dossier_is_complete(browser):
    html = text(browser.get("/applicant/submission/check"))
    assert "填报信息完整，可以提交审核" in html


def test_the_dossier_page_counts_what_is_missing(session, dossier, browser):
    dossier.summary = ""
    session.commit()
    html = text(browser.get("/applicant/"))
    assert "提交审核前还有" in html and 'id="pledge-dialog"' not in html


def test_submitting_an_incomplete_dossier_lists_the_items_and_changes_nothing(
    session, dossier, browser
):
    drop(session, dossier, ItemKind.ASSESSMENT)
    dossier.summary = "太短"
    session.commit()
    response = browser.post("/applicant/submission/", data={"pledge": "accepted"})
    html = text(response)
    assert response.status_code == 200
    assert submission.INCOMPLETE in html
    assert "考核情况至少填写一个年度" in html and "小结字数应在" in html
    session.expire_all()
    assert dossier.status == ApplicationStatus.DRAFTING and dossier.submitted_at is None
    assert submissions(session, dossier.id) == 0 and snapshots(session, dossier.id) == []


def test_opening_submission_of_an_incomplete_dossier_shows_the_list(session, dossier, browser):
    dossier.summary = ""
    session.commit()
    html = text(browser.get("/applicant/submission/"))
    assert "小结尚未填写" in html and "pledge-form" not in html


@pytest.mark.parametrize("kind", [ItemKind.PERSONAL, ItemKind.ASSESSMENT])
def test_the_check_is_also_enforced_by_the_service(session, dossier, kind):
    drop(session, dossier, kind)
    with pytest.raises(submission.DossierIncomplete) as refused:
        submit_now(session, dossier)
    session.rollback()
    assert refused.value.check.problems
    assert count(session, DossierItem, application_id=dossier.id) > 0
    assert submissions(session, dossier.id) == 0
