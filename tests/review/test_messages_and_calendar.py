"""The applicant reads their messages; the admin records next year's 调休 days."""

from __future__ import annotations

from datetime import date

from app.models import Notification, WorkdayOverride
from app.services import review
from app.services.scopes import actor_for
from app.workflow.states import Role
from tests.conftest import FIXED_NOW
from tests.factories import PASSWORD, make_account
from tests.helpers import login


def test_applicant_sees_and_marks_own_messages_only(session, province, submitted, new_client):
    application = submitted()
    handler = province.person("unit", Role.UNIT_HANDLER)
    review.return_for_revision(
        session,
        actor_for(handler),
        handler.name,
        application.id,
        FIXED_NOW,
        reason="请补充聘书",
        sections=["学历资历"],
    )
    session.commit()
    other = submitted()
    theirs = session.query(Notification).filter_by(recipient_id=other.applicant_id).first()
    mine = session.query(Notification).filter_by(recipient_id=application.applicant_id).first()
    client = new_client()
    login(client, application.applicant.username, PASSWORD)
    html = client.get("/applicant/messages/").get_data(as_text=True)
    assert "请补充聘书" in html
    ids = [str(mine.id)] + ([str(theirs.id)] if theirs else [])
    client.post("/applicant/messages/read", data={"ids": ids})
    session.expire_all()
    assert session.get(Notification, mine.id).read_at is not None
    if theirs:
        assert session.get(Notification, theirs.id).read_at is None
    assert client.post("/applicant/messages/read", data={"ids": ["x"]}).status_code == 400


def test_staff_cannot_open_the_applicant_messages(session, province, new_client):
    client = new_client()
    login(client, province.person("unit", Role.UNIT_HANDLER).username, PASSWORD)
    assert client.get("/applicant/messages/").status_code in (302, 403)


def test_admin_records_an_adjusted_working_day(session, province, new_client):
    admin = make_account(session, Role.PROVINCE_ADMIN, unit=province.org.province)
    session.commit()
    client = new_client()
    login(client, admin.username, PASSWORD)
    assert client.get("/adminworkdayview/list/").status_code == 200
    session.add(WorkdayOverride(day=date(2027, 2, 20), workday=True, note="春节调休上班"))
    session.commit()
    calendar = review.calendar_for(session, [2027])
    assert calendar.is_published(2027)
    assert calendar.is_workday(date(2027, 2, 20))
