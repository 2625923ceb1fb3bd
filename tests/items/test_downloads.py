"""Files are served only after the row-level check; out of scope reads exactly like absent."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from PIL import Image

from app.models import ItemKind
from app.services.attachments import add_attachment, get_store
from app.services.scopes import actor_for
from app.workflow.states import ApplicationStatus, ReviewStage, Role
from tests.factories import make_account, make_committee
from tests.items.support import add_item, jpeg, make_dossier, pdf

SUBMITTED = [
    (ApplicationStatus.UNDER_REVIEW, ReviewStage.UNIT_HANDLER),
    (ApplicationStatus.UNDER_REVIEW, ReviewStage.COMMITTEE_INTAKE),
    (ApplicationStatus.RETURNED, None),
    (ApplicationStatus.EVALUATING, None),
    (ApplicationStatus.CERTIFIED, None),
]


def _file(session, application, content: bytes, name: str, part: str = "正文"):
    item = add_item(session, application, ItemKind.PAPER)
    # the service validates and stores; bypass the editable check by staging as the owner
    status, stage = application.status, application.stage
    application.status, application.stage = ApplicationStatus.DRAFTING, None
    row = add_attachment(
        session,
        get_store(),
        application,
        actor_for(application.applicant),
        data=content,
        filename=name,
        item=item,
        part=part,
    )
    application.status, application.stage = status, stage
    session.flush()
    return row


@pytest.fixture
def people(session, world):
    other_committee = make_committee(session)
    org = world.org
    return {
        "unit_admin": make_account(session, Role.UNIT_ADMIN, unit=org.unit),
        "unit_handler": make_account(session, Role.UNIT_HANDLER, unit=org.unit),
        "unit_leader": make_account(session, Role.UNIT_LEADER, unit=org.unit),
        "sibling_handler": make_account(session, Role.UNIT_HANDLER, unit=org.sibling),
        "dept_handler": make_account(session, Role.DEPT_HANDLER, unit=org.dept),
        "other_dept_leader": make_account(session, Role.DEPT_LEADER, unit=org.other_dept),
        "secretary": make_account(
            session, Role.COMMITTEE_SECRETARY, unit=org.province, committee=world.committee
        ),
        "other_secretary": make_account(
            session, Role.COMMITTEE_SECRETARY, unit=org.province, committee=other_committee
        ),
        "expert": make_account(session, Role.EXPERT, unit=org.unit, committee=world.committee),
        "admin": make_account(session, Role.PROVINCE_ADMIN, unit=org.province),
        "other_applicant": make_account(session, unit=org.unit),
    }


def _may_read(who: str, status: ApplicationStatus, stage: ReviewStage | None) -> bool:
    submitted = status != ApplicationStatus.DRAFTING
    reached_committee = stage == ReviewStage.COMMITTEE_INTAKE or status in (
        ApplicationStatus.EVALUATING,
        ApplicationStatus.PUBLICITY,
        ApplicationStatus.CERTIFIED,
        ApplicationStatus.FAILED,
        ApplicationStatus.NOT_ACCEPTED,
    )
    return {
        "owner": True,
        "admin": True,
        "unit_admin": submitted,
        "unit_handler": submitted,
        "unit_leader": submitted,
        "dept_handler": submitted,
        "secretary": reached_committee,
    }.get(who, False)


@pytest.mark.parametrize(("status", "stage"), [(ApplicationStatus.DRAFTING, None), *SUBMITTED])
def test_who_may_read_a_file(session, world, people, sign_in, status, stage):
    application = make_dossier(session, world, status=status, stage=stage)
    row = _file(session, application, jpeg(), "学历证书.jpg")
    session.commit()
    readers = {"owner": application.applicant, **people}
    for who, account in readers.items():
        client = sign_in(account)
        for suffix in ("", "/inline", "/thumb"):
            response = client.get(f"/attachments/{row.id}{suffix}")
            expected = 200 if _may_read(who, status, stage) else 404
            assert response.status_code == expected, (who, suffix)


def test_unknown_ids_and_anonymous(session, world, client, sign_in):
    application = make_dossier(session, world)
    row = _file(session, application, jpeg(), "a.jpg")
    session.commit()
    response = client.get(f"/attachments/{row.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    owner = sign_in(application.applicant)
    assert owner.get(f"/attachments/{row.id + 1000}").status_code == 404
    assert owner.get("/attachments/abc").status_code == 404


def test_download_headers_carry_the_chinese_name(session, world, sign_in):
    application = make_dossier(session, world)
    row = _file(session, application, jpeg(), "教育部学历证书电子注册备案表.JPG")
    session.commit()
    client = sign_in(application.applicant)
    response = client.get(f"/attachments/{row.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('教育部学历证书电子注册备案表.jpg')}" in disposition
    assert "private" in response.headers["Cache-Control"]
    with get_store().open(row.sha256) as stored:
        assert response.data == stored.read()
    inline = client.get(f"/attachments/{row.id}/inline")
    assert inline.headers["Content-Disposition"].startswith("inline;")
    again = client.get(f"/attachments/{row.id}", headers={"If-None-Match": f'"{row.sha256}"'})
    assert again.status_code == 304


def test_pdf_inline_and_pdf_with_javascript_only_as_download(session, world, sign_in):
    from tests.files.file_corpus import pdf as corpus_pdf

    application = make_dossier(session, world)
    plain = _file(session, application, pdf(2), "正文.pdf")
    scripted = _file(session, application, corpus_pdf(javascript="app.alert(1)"), "带脚本.pdf")
    session.commit()
    assert scripted.has_javascript and not plain.has_javascript
    client = sign_in(application.applicant)
    response = client.get(f"/attachments/{plain.id}/inline")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    response = client.get(f"/attachments/{scripted.id}/inline")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/attachments/{plain.id}/thumb").status_code == 404


def test_thumbnail_is_a_small_jpeg(session, world, sign_in):
    application = make_dossier(session, world)
    row = _file(session, application, jpeg(size=(1200, 900)), "大图.jpg")
    session.commit()
    response = sign_in(application.applicant).get(f"/attachments/{row.id}/thumb")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(response.data))
    assert max(image.size) <= 240 and image.size == (240, 180)


def test_missing_bytes_answer_404_not_500(session, world, sign_in, tmp_path):
    application = make_dossier(session, world)
    row = _file(session, application, jpeg(color=(9, 9, 9)), "丢失.jpg")
    session.commit()
    get_store().delete(row.sha256)
    client = sign_in(application.applicant)
    assert client.get(f"/attachments/{row.id}").status_code == 404
    assert client.get(f"/attachments/{row.id}/thumb").status_code == 404
