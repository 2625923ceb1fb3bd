"""一键删除申报信息 (manual §4, 图14): confirm, refuse after submission or while closed, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Account,
    Application,
    ApplicationHistory,
    Attachment,
    AuditEvent,
    DossierItem,
    ItemKind,
)
from app.workflow.states import Action, ApplicationStatus, Role
from tests.dossier.shell_helpers import (
    EDITABLE_STATES,
    READ_ONLY_STATES,
    base_ids,
    count_rows,
    dossier,
    make_world,
    personal_form,
    photo_jpeg,
    reload,
    sign_in,
    text,
    upload,
)
from tests.factories import make_account
from tests.files.file_corpus import pdf

URL = "/applicant/basic/delete"
SUBMITTED = "删除失败，申报人已提交审查"
CLOSED = "评委会关闭状态下不允许一键删除"


@pytest.fixture
def world(session):
    return make_world(session)


def fill(client) -> None:
    """Some of everything a dossier holds: entries, a photo, a proof."""
    client.post("/applicant/basic/personal", data=personal_form())
    upload(client, "/applicant/basic/photo", "photo", photo_jpeg(), "证件照.jpg")
    upload(client, "/applicant/basic/proofs", "proof", pdf(), "考核表.pdf")


def with_history(session, application: Application) -> None:
    session.add(
        ApplicationHistory(
            application_id=application.id,
            action=Action.ENTER,
            to_status=ApplicationStatus.DRAFTING,
            actor_id=application.applicant_id,
            actor_role=Role.APPLICANT,
        )
    )
    session.commit()


def test_confirmation_says_what_goes_and_what_stays(session, client, world):
    dossier(session, world)
    sign_in(client, world.applicant)
    html = text(client.get(URL))
    for words in (
        "一键删除申报信息",
        "申报基础信息",
        "高级工程师",
        "土木工程",
        world.committee.name,
        "1 基本信息",
        "5 小结",
        "证件照",
        "您的登录账号保留",
        "确定删除",
    ):
        assert words in html, words
    assert 'id="confirm-delete"' in html


def test_delete_removes_the_dossier_keeps_the_account_and_logs_it(session, client, world):
    application = dossier(session, world)
    with_history(session, application)
    sign_in(client, world.applicant)
    fill(client)
    ref = application.id
    assert count_rows(session, Attachment, application_id=ref) == 2
    response = client.post(URL)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applicant/base-info/")
    assert reload(session, ref) is None
    for model in (DossierItem, Attachment, ApplicationHistory):
        assert count_rows(session, model, application_id=ref) == 0, model
    assert session.get(Account, world.applicant.id) is not None
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.event == "application_deleted"))
    assert event.actor_id == world.applicant.id
    assert "高级工程师" in event.detail and world.committee.name in event.detail
    assert str(ref) in event.target
    assert "删除成功" in text(client.get("/applicant/base-info/"))


def test_after_deleting_the_applicant_may_enter_again(session, client, world):
    ref = dossier(session, world).id
    sign_in(client, world.applicant)
    client.post(URL)
    assert reload(session, ref) is None
    response = client.post("/applicant/base-info/", data=base_ids(session, level="engineering-zj"))
    assert response.status_code == 302
    session.expire_all()
    (again,) = session.scalars(select(Application))
    assert again.qualification.code == "engineering-zj"


@pytest.mark.parametrize(("status", "stage"), READ_ONLY_STATES)
def test_refused_once_submitted_with_the_manual_message(session, client, world, status, stage):
    application = dossier(session, world, status=status, stage=stage)
    sign_in(client, world.applicant)
    page = text(client.get(URL))
    assert SUBMITTED in page and "退回修改" in page
    assert 'id="confirm-delete"' not in page
    response = client.post(URL, follow_redirects=True)
    assert SUBMITTED in text(response)
    assert reload(session, application.id) is not None
    assert count_rows(session, AuditEvent, event="application_deleted") == 0


@pytest.mark.parametrize(("status", "stage"), EDITABLE_STATES)
def test_refused_while_the_committee_is_closed(session, client, world, status, stage):
    application = dossier(session, world, status=status, stage=stage)
    world.committee.is_open = False
    session.commit()
    sign_in(client, world.applicant)
    assert CLOSED in text(client.get(URL))
    assert CLOSED in text(client.post(URL, follow_redirects=True))
    assert reload(session, application.id) is not None


def test_a_returned_dossier_may_be_deleted(session, client, world):
    ref = dossier(session, world, status=ApplicationStatus.RETURNED).id
    sign_in(client, world.applicant)
    assert client.post(URL).status_code == 302
    assert reload(session, ref) is None


def test_an_applicant_deletes_only_their_own(session, new_client, world):
    victim = dossier(session, world).id
    owner, intruder = new_client(), new_client()
    sign_in(owner, world.applicant)
    fill(owner)
    sign_in(intruder, world.other)
    response = intruder.post(URL)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applicant/base-info/")
    assert reload(session, victim) is not None
    assert count_rows(session, DossierItem, application_id=victim, kind=ItemKind.PERSONAL) == 1
    mine = dossier(session, world, applicant=world.other, level="engineering-zj").id
    intruder.post(URL)
    assert reload(session, mine) is None
    assert reload(session, victim) is not None


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.UNIT_ADMIN, Role.PROVINCE_ADMIN])
def test_staff_cannot_delete_through_the_applicant_page(session, client, world, role):
    application = dossier(session, world)
    account = make_account(session, role, unit=world.org.unit)
    session.commit()
    sign_in(client, account)
    assert client.post(URL).status_code == 403
    assert reload(session, application.id) is not None


def test_two_tabs_deleting_at_once_do_not_500(session, new_client, world):
    ref = dossier(session, world).id
    first, second = new_client(), new_client()
    sign_in(first, world.applicant)
    sign_in(second, world.applicant)
    assert first.post(URL).status_code == 302
    response = second.post(URL)
    assert response.status_code == 302
    assert reload(session, ref) is None
    assert db.session.scalar(select(AuditEvent.id).limit(1)) is not None
