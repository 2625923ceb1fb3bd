"""The public website (通知公告, 职称政策, 职称申报入口) and the province admin's notices:
what visitors see, what stays private, the files, and who may change them."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.cli_storage import garbage_collect
from app.extensions import db
from app.models import Notice, NoticeColumn, NoticeFile
from app.services import notices
from app.services.attachments import PendingFile, get_store
from app.workflow.states import Role
from tests.factories import PASSWORD, make_account, make_committee, make_org
from tests.files.file_corpus import HTML, jpeg, pdf
from tests.helpers import counting_queries, login

A, P = NoticeColumn.ANNOUNCEMENT, NoticeColumn.POLICY
T0 = datetime(2026, 9, 1, 2, 0)


def notice(session, title, *, category=A, published=True, pinned=False, days=0, body="正文"):
    row = Notice(
        category=category,
        title=title,
        body=body,
        pinned=pinned,
        is_published=published,
        published_at=T0 + timedelta(days=days) if published else None,
    )
    session.add(row)
    session.flush()
    return row


def attach(session, row, name="评审办法.pdf", data=None):
    (stored,) = notices.add_files(session, get_store(), row, [PendingFile(data or pdf(), name)])
    return stored


def text(response) -> str:
    assert response.status_code < 500
    return response.get_data(as_text=True)


def as_admin(session, client):
    admin = make_account(session, Role.PROVINCE_ADMIN, unit=make_org(session).province)
    session.commit()
    assert login(client, admin.username, PASSWORD).status_code == 302
    return admin


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# --- what visitors see -------------------------------------------------------------------------


def test_visitors_land_on_the_website_with_both_columns_and_the_entry(session, client):
    notice(session, "关于2026年度职称申报工作的通知", days=2)
    notice(session, "置顶：申报须知", pinned=True, days=0)
    notice(session, "草稿：尚未发布", published=False)
    notice(session, "职称评审管理暂行规定", category=P, days=1)
    session.commit()

    landing = client.get("/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/portal/")
    html = text(client.get("/portal/"))
    announcements = html[html.index('id="column-announcement"') : html.index('id="column-policy"')]
    assert announcements.index("置顶：申报须知") < announcements.index("关于2026年度职称申报工作")
    assert "职称评审管理暂行规定" not in announcements
    assert "职称评审管理暂行规定" in html[html.index('id="column-policy"') :]
    assert "草稿：尚未发布" not in html
    # manual §2: 职称申报入口 below 通知公告 leads to the login page
    entry = html.index('id="apply-entry"')
    assert announcements and entry > html.index('id="column-announcement"')
    assert 'href="/login/"' in html[entry - 100 : entry + 100] and "职称申报入口" in html
    assert "证书查询" in html and 'name="code"' in html


def test_the_list_paginates_in_the_database_and_refuses_unknown_columns(session, client):
    for day in range(25):
        notice(session, f"通知第{day:02d}号", days=day)
    session.commit()
    first = text(client.get("/portal/list/announcement"))
    assert "通知第24号" in first and "通知第05号" in first and "通知第04号" not in first
    assert "第 1 / 2 页" in first and "共 25 条" in first
    second = text(client.get("/portal/list/announcement?page=2"))
    assert "通知第04号" in second and "通知第05号" not in second
    assert "通知第24号" in text(client.get("/portal/list/announcement?page=abc"))
    assert client.get("/portal/list/secret").status_code == 404
    assert "暂无内容" in text(client.get("/portal/list/policy"))


def test_a_notice_page_shows_escaped_paragraphs_and_its_files(session, client):
    row = notice(session, "评审通知", body="第一段\n\n<script>alert(1)</script>\n第三段")
    stored = attach(session, row)
    session.commit()
    html = text(client.get(f"/portal/notice/{row.id}"))
    assert "<p>第一段</p>" in html and "<p>第三段</p>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert f'href="/portal/file/{stored.id}"' in html and "评审办法.pdf" in html


@pytest.mark.parametrize(
    "path", ["/portal/notice/{draft}", "/portal/notice/999999", "/portal/notice/abc"]
)
def test_drafts_and_forged_ids_are_not_found(session, client, path):
    draft = notice(session, "草稿", published=False)
    session.commit()
    assert client.get(path.format(draft=draft.id)).status_code == 404


def test_files_of_published_notices_are_served_with_their_names(session, client):
    row = notice(session, "评审通知")
    document = attach(session, row, "甘肃省职称评审办法.pdf")
    scripted = attach(session, row, "带脚本.pdf", pdf(javascript="app.alert(1)"))
    picture = attach(session, row, "流程图.jpg", jpeg())
    session.commit()

    response = client.get(f"/portal/file/{document.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline") and "filename*=UTF-8''" in disposition
    assert client.get(f"/portal/file/{picture.id}").mimetype == "image/jpeg"
    # a PDF that carries JavaScript is only offered as a download
    assert (
        client.get(f"/portal/file/{scripted.id}")
        .headers["Content-Disposition"]
        .startswith("attachment")
    )


def test_files_of_drafts_or_missing_bytes_are_not_found(session, client):
    draft = notice(session, "草稿", published=False)
    hidden = attach(session, draft)
    row = notice(session, "评审通知")
    lost = attach(session, row, "丢失.pdf", pdf(pages=2))
    session.commit()
    get_store().delete(lost.sha256)
    assert client.get(f"/portal/file/{hidden.id}").status_code == 404
    assert client.get(f"/portal/file/{lost.id}").status_code == 404
    assert client.get("/portal/file/999999").status_code == 404


def test_the_home_page_issues_the_same_queries_whatever_the_number_of_notices(session, client):
    def queries() -> int:
        with counting_queries(db.engine) as counter:
            assert client.get("/portal/").status_code == 200
        return counter["n"]

    notice(session, "一")
    notice(session, "二", category=P)
    session.commit()
    few = queries()
    for day in range(30):
        notice(session, f"通知{day}", days=day, category=A if day % 2 else P)
    session.commit()
    assert queries() == few


# --- the province admin ------------------------------------------------------------------------


def _form(**changes):
    data = {"category": "ANNOUNCEMENT", "title": "关于开展2026年度职称评审的通知", "body": "正文"}
    data.update(changes)
    return data


def test_the_admin_publishes_and_withdraws_a_notice(session, client, app):
    as_admin(session, client)
    assert client.post("/adminnoticeview/add", data=_form(is_published="y")).status_code == 302
    row = session.scalars(select(Notice)).one()
    published_at = row.published_at
    assert row.is_published and published_at is not None
    assert "关于开展2026年度职称评审的通知" in text(client.get("/portal/"))

    client.post(f"/adminnoticeview/edit/{row.id}", data=_form())
    session.expire_all()
    assert not row.is_published and row.published_at == published_at
    assert client.get(f"/portal/notice/{row.id}").status_code == 404
    client.post(f"/adminnoticeview/edit/{row.id}", data=_form(is_published="y", title="更正"))
    session.expire_all()
    assert row.is_published and row.published_at == published_at and row.title == "更正"


def test_a_draft_has_no_publication_date(session, client):
    as_admin(session, client)
    client.post("/adminnoticeview/add", data=_form())
    row = session.scalars(select(Notice)).one()
    assert not row.is_published and row.published_at is None


def test_a_title_too_long_is_refused_in_chinese(session, client):
    as_admin(session, client)
    html = text(client.post("/adminnoticeview/add", data=_form(title="长" * 201)))
    assert "标题不能超过200字" in html and count(session, Notice) == 0


def test_the_admin_uploads_and_deletes_files(session, client):
    as_admin(session, client)
    row = notice(session, "评审通知")
    session.commit()
    url = f"/admin/notices/{row.id}/files"
    files = [(io.BytesIO(pdf()), "评审办法.pdf"), (io.BytesIO(jpeg()), "流程图.jpg")]
    page = text(client.post(url, data={"files": files}, follow_redirects=True))
    assert "已上传2个附件" in page and "评审办法.pdf" in page and "流程图.jpg" in page
    stored = session.scalars(select(NoticeFile).order_by(NoticeFile.position)).all()
    assert [f.original_name for f in stored] == ["评审办法.pdf", "流程图.jpg"]
    assert [f.position for f in stored] == [0, 1]

    page = text(client.post(f"{url}/{stored[0].id}/delete", follow_redirects=True))
    assert "附件已删除" in page
    assert [f.original_name for f in session.scalars(select(NoticeFile))] == ["流程图.jpg"]


def test_a_bad_file_is_refused_and_nothing_is_stored(session, client):
    as_admin(session, client)
    row = notice(session, "评审通知")
    session.commit()
    url = f"/admin/notices/{row.id}/files"
    files = [(io.BytesIO(pdf()), "好文件.pdf"), (io.BytesIO(HTML), "网页.pdf")]
    page = text(client.post(url, data={"files": files}, follow_redirects=True))
    assert "文件“网页.pdf”" in page and "JPG" in page
    assert count(session, NoticeFile) == 0
    page = text(client.post(url, data={}, follow_redirects=True))
    assert "请选择要上传的文件" in page


def test_a_notice_holds_at_most_its_file_limit(session, client, monkeypatch):
    monkeypatch.setattr(notices, "MAX_FILES_PER_NOTICE", 2)
    as_admin(session, client)
    row = notice(session, "评审通知")
    attach(session, row)
    session.commit()
    files = [(io.BytesIO(pdf(pages=n)), f"{n}.pdf") for n in (2, 3)]
    page = text(
        client.post(f"/admin/notices/{row.id}/files", data={"files": files}, follow_redirects=True)
    )
    assert notices.MSG_TOO_MANY_FILES in page and count(session, NoticeFile) == 1


def test_files_are_reached_only_through_their_own_notice(session, client):
    as_admin(session, client)
    mine, other = notice(session, "本通知"), notice(session, "另一通知")
    theirs = attach(session, other)
    session.commit()
    page = text(
        client.post(f"/admin/notices/{mine.id}/files/{theirs.id}/delete", follow_redirects=True)
    )
    assert "文件不存在或已被删除" in page and count(session, NoticeFile) == 1
    assert client.get("/admin/notices/999999/files").status_code == 404


@pytest.mark.parametrize(
    "role",
    [Role.APPLICANT, Role.UNIT_ADMIN, Role.UNIT_LEADER, Role.COMMITTEE_SECRETARY, Role.EXPERT],
)
def test_nobody_but_the_province_admin_manages_notices(session, client, role):
    org = make_org(session)
    committee = make_committee(session)
    account = make_account(session, role, unit=org.unit, committee=committee)
    row = notice(session, "评审通知")
    kept = attach(session, row)
    session.commit()
    assert login(client, account.username, PASSWORD).status_code == 302
    for url in (
        "/adminnoticeview/list/",
        f"/adminnoticeview/edit/{row.id}",
        f"/admin/notices/{row.id}/files",
    ):
        assert client.get(url).status_code in (302, 403, 404), url
    client.post("/adminnoticeview/add", data=_form(is_published="y"))
    client.post(f"/admin/notices/{row.id}/files/{kept.id}/delete")
    client.post(f"/admin/notices/{row.id}/files", data={"files": [(io.BytesIO(pdf()), "x.pdf")]})
    assert count(session, Notice) == 1 and count(session, NoticeFile) == 1
    assert "通知公告与职称政策" not in text(client.get("/", follow_redirects=True))


def test_visitors_cannot_reach_the_admin_pages(session, client):
    row = notice(session, "评审通知")
    session.commit()
    for url in ("/adminnoticeview/list/", f"/admin/notices/{row.id}/files"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.headers["Location"]


# --- storage ---------------------------------------------------------------------------------------


def test_gc_keeps_notice_files_and_reports_lost_ones(session):
    row = notice(session, "评审通知")
    kept, lost = attach(session, row), attach(session, row, "另.pdf", pdf(pages=3))
    session.commit()
    store = get_store()
    store.delete(lost.sha256)
    report, missing = garbage_collect(session, store, dry_run=True, grace=timedelta(0))
    assert kept.sha256 not in report.removed
    assert ("通知附件", lost.id, lost.sha256) in missing


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"category": "BOGUS"}, None), ({"category": ""}, "请选择栏目")],
)
def test_a_bad_column_is_refused_not_a_500(session, client, changes, message):
    as_admin(session, client)
    data = _form(**changes)
    html = text(client.post("/adminnoticeview/add", data=data))
    assert count(session, Notice) == 0 and "alert-danger" in html
    if message:
        assert message in html
    del data["category"]
    assert "请选择栏目" in text(client.post("/adminnoticeview/add", data=data))


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("_flt_0_is_published=y", 200),
        ("_flt_1_is_published=y", 200),
        ("_flt_0_title=x", 200),
        ("_flt_0_is_published=abc", 400),
        ("_flt_0_is_published=", 400),
        ("_flt_1_is_published=n", 400),
        ("_flt_0_category=FOO", 400),
    ],
)
def test_filters_on_the_list_are_not_a_500(session, client, query, status):
    as_admin(session, client)
    notice(session, "已发布")
    session.commit()
    response = client.get(f"/adminnoticeview/list/?{query}")
    assert response.status_code == status, query
    if status == 400:
        assert "参数“" in text(response)


def test_the_admins_changes_are_in_the_audit_log(session, client):
    from app.models import AuditEvent

    admin = as_admin(session, client)
    client.post("/adminnoticeview/add", data=_form(is_published="y", pinned="y"))
    row = session.scalars(select(Notice)).one()
    client.post(f"/admin/notices/{row.id}/files", data={"files": [(io.BytesIO(pdf()), "办法.pdf")]})
    stored = session.scalars(select(NoticeFile)).one()
    client.post(f"/admin/notices/{row.id}/files/{stored.id}/delete")
    client.post(f"/adminnoticeview/delete/{row.id}")
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    trail = [(e.event, e.detail) for e in events if e.event.startswith("notice")]
    assert trail == [
        ("notice_saved", "新建，已发布，置顶"),
        ("notice_files_added", "办法.pdf"),
        ("notice_file_deleted", "办法.pdf"),
        ("notice_deleted", ""),
    ]
    assert all(e.actor_id == admin.id for e in events if e.event.startswith("notice"))
    assert count(session, Notice) == 0
