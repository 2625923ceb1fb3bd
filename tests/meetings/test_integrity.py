"""撤销职称 and the 诚信档案 on the real database and through the pages: the province admin
revokes, nobody else can; the certificate stops being valid everywhere; the person may not
apply again for three years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, IntegrityRecord
from app.services import integrity
from app.services.applications import enter_application
from app.services.scopes import actor_for
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.states import ApplicationStatus, Role
from tests.conftest import FIXED_NOW
from tests.factories import make_account
from tests.helpers import in_own_session, run_together
from tests.meetings.conftest import publicised

REASON = "经查，申报材料中的论文系伪造"
TODAY = date(2026, 10, 15)  # FIXED_NOW in Beijing


@pytest.fixture
def admin(session, world):
    account = make_account(session, Role.PROVINCE_ADMIN, unit=world.org.province)
    session.commit()
    return account


def revoke(session, account, number, reason=REASON):
    record = integrity.revoke(session, actor_for(account), account, number, reason, FIXED_NOW)
    session.commit()
    return record


def records(session) -> int:
    return session.scalar(select(func.count()).select_from(IntegrityRecord))


def test_revoking_marks_the_certificate_and_records_the_ban(session, admin, certificate):
    record = revoke(session, admin, f" {certificate.number} ")
    session.refresh(certificate)
    assert certificate.revoked and certificate.revoked_on == TODAY
    assert certificate.revoke_reason == REASON
    assert (
        record.id_number == certificate.id_number and record.holder_name == certificate.holder_name
    )
    assert (record.recorded_on, record.ban_ends_on) == (TODAY, date(2029, 10, 15))
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.event == "certificate_revoked")
    ).one()
    assert certificate.number in event.target and event.detail == REASON


def test_refusals_change_nothing(session, world, admin, certificate):
    with pytest.raises(RuleViolation, match="未找到该证书编号"):
        revoke(session, admin, certificate.number + "9")
    session.rollback()
    with pytest.raises(NotAllowed):
        revoke(session, world.secretary, certificate.number)
    session.rollback()
    with pytest.raises(RuleViolation, match="请填写撤销原因"):
        revoke(session, admin, certificate.number, reason=" ")
    session.rollback()
    session.refresh(certificate)
    assert not certificate.revoked and records(session) == 0
    revoke(session, admin, certificate.number)
    with pytest.raises(InvalidState, match="不能重复撤销"):
        revoke(session, admin, certificate.number)
    session.rollback()
    assert records(session) == 1


def _enter(session, applicant, now):
    from app.models import DeclarationModeItem, Qualification, Specialty, ValidityScope

    level = session.scalars(select(Qualification).filter_by(code="engineering-fg")).one()
    return enter_application(
        session,
        applicant,
        actor_for(applicant),
        now,
        mode=session.scalars(select(DeclarationModeItem).filter_by(code="normal")).one(),
        qualification=level,
        specialty=session.scalars(
            select(Specialty).filter_by(series_id=level.series_id, path="工学》建设工程》土木工程")
        ).one(),
        scope=session.scalars(select(ValidityScope).filter_by(code="province")).one(),
    )


def test_the_holder_may_not_enter_a_new_application_during_the_ban(session, admin, certificate):
    holder = certificate.application.applicant
    revoke(session, admin, certificate.number)
    certificate.application.batch.is_current = False
    from tests.factories import make_batch

    make_batch(session, FIXED_NOW, year=2027)
    session.commit()
    with pytest.raises(RuleViolation, match=r"2029年10月15日（含）前不得申报职称"):
        _enter(session, holder, FIXED_NOW)
    session.rollback()
    # the ban binds the ID number, not the account: another person still enters
    other = make_account(session, unit=holder.unit)
    session.commit()
    assert _enter(session, other, FIXED_NOW).id
    assert integrity.ban_ends_on(session, holder.id_number, date(2029, 10, 16)) is None


# --- pages ---------------------------------------------------------------------------------------


def test_the_admin_revokes_on_the_page(session, admin, as_person, certificate):
    client = as_person(admin)
    page = client.get("/admin/integrity/").get_data(as_text=True)
    assert "撤销职称" in page and "暂无记录" in page and "data-confirm" in page
    response = client.post(
        "/admin/integrity/", data={"number": certificate.number, "reason": REASON}
    )
    assert response.status_code == 302
    page = client.get("/admin/integrity/").get_data(as_text=True)
    assert f"证书 {certificate.number} 已撤销，已记入诚信档案" in page
    assert certificate.holder_name in page and "2029-10-15" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "", "reason": REASON}, "请填写证书编号"),
        ({"number": "{number}", "reason": ""}, "请填写撤销原因"),
        ({"number": "{number}", "reason": "长" * 1001}, "撤销原因不能超过1000字"),
        ({"number": "000", "reason": REASON}, "未找到该证书编号对应的证书"),
    ],
)
def test_bad_input_is_told_in_chinese(session, admin, as_person, certificate, data, message):
    client = as_person(admin)
    data = {key: value.format(number=certificate.number) for key, value in data.items()}
    response = client.post("/admin/integrity/", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    session.refresh(certificate)
    assert not certificate.revoked and records(session) == 0


@pytest.mark.parametrize("role", ["secretary", "expert", "applicant", "unit_admin"])
def test_nobody_else_reaches_the_page(session, world, as_person, certificate, role):
    account = {
        "secretary": world.secretary,
        "expert": world.experts[0],
        "applicant": certificate.application.applicant,
        "unit_admin": None,
    }[role] or make_account(session, Role.UNIT_ADMIN, unit=world.org.unit)
    session.commit()
    client = as_person(account)
    assert client.get("/admin/integrity/").status_code in (302, 403)
    client.post("/admin/integrity/", data={"number": certificate.number, "reason": REASON})
    session.refresh(certificate)
    assert not certificate.revoked and records(session) == 0
    assert "撤销职称与诚信档案" not in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_visitors_are_sent_to_login(client):
    response = client.get("/admin/integrity/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_a_revoked_certificate_is_no_longer_valid_anywhere(
    session, world, admin, as_person, client, certificate
):
    revoke(session, admin, certificate.number)
    query = {"number": certificate.number, "code": certificate.verification_code}
    check = client.get("/portal/certificate", query_string=query).get_data(as_text=True)
    assert "该证书已于2026年10月15日撤销，不再有效" in check and "真实有效" not in check

    holder = as_person(certificate.application.applicant)
    home = holder.get("/applicant/").get_data(as_text=True)
    assert 'id="certificate-download"' not in home and 'id="certificate-revoked"' in home
    assert f"证书 {certificate.number} 已于2026年10月15日撤销：{REASON}" in home
    response = holder.get("/applicant/certificate/", follow_redirects=True)
    assert response.mimetype == "text/html"
    assert f"证书 {certificate.number} 已于2026年10月15日撤销" in response.get_data(as_text=True)
    office = as_person(world.secretary)
    listing = office.get("/committee/results/").get_data(as_text=True)
    assert 'class="text-danger certificate-revoked">已撤销' in listing
    response = office.get(
        f"/committee/results/certificate/{certificate.application_id}", follow_redirects=True
    )
    assert response.mimetype == "text/html" and "撤销" in response.get_data(as_text=True)


def test_the_record_list_pages_in_the_database(session, admin, as_person, certificate):
    for index in range(25):
        session.add(
            IntegrityRecord(
                id_number=f"62010219800101{index:04d}",
                holder_name=f"记录{index:02d}",
                reason="伪造",
                recorded_on=TODAY - timedelta(days=index),
                ban_ends_on=TODAY + timedelta(days=1000),
                recorded_by="省职改办",
            )
        )
    session.commit()
    client = as_person(admin)
    first = client.get("/admin/integrity/").get_data(as_text=True)
    assert "记录24" in first and "记录04" not in first and "共 25 条" in first
    assert "记录04" in client.get("/admin/integrity/?page=2").get_data(as_text=True)


@pytest.mark.postgres_only
def test_two_admins_revoking_at_once_record_one_ban(app, session, admin, certificate, dialect):
    if dialect != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    other = make_account(session, Role.PROVINCE_ADMIN, unit=admin.unit)
    session.commit()
    number, outcomes = certificate.number, []

    def by(account):
        actor, account_id = actor_for(account), account.id

        def work(own):
            integrity.revoke(
                own, actor, own.get(type(account), account_id), number, REASON, FIXED_NOW
            )

        return in_own_session(app, outcomes, work)

    run_together(by(admin), by(other))
    assert sorted(outcomes) == ["ok", "该证书已撤销，不能重复撤销"], outcomes
    assert records(session) == 1


def _ban(session, person):
    session.add(
        IntegrityRecord(
            id_number=person.id_number,
            holder_name=person.name,
            reason=REASON,
            recorded_on=TODAY,
            ban_ends_on=date(2029, 10, 15),
            recorded_by="省职改办",
        )
    )
    session.commit()


def test_a_banned_applicants_dossier_is_not_accepted(session, world):
    from app.services import review

    _ban(session, world.intake.applicant)
    with pytest.raises(RuleViolation, match="申报人因弄虚作假被撤销职称"):
        review.accept(session, world.actor(world.secretary), "秘书", world.intake.id, FIXED_NOW)
    session.rollback()
    session.refresh(world.intake)
    assert world.intake.status == ApplicationStatus.UNDER_REVIEW


def test_a_banned_applicant_gets_no_certificate(session, world):
    from app.services import certificates

    _, (dossier,) = publicised(session, world)
    actor = world.actor(world.secretary)
    _ban(session, dossier.applicant)
    with pytest.raises(RuleViolation, match="申报人因弄虚作假被撤销职称"):
        certificates.issue(session, actor, world.secretary, dossier.id, FIXED_NOW)
    session.rollback()
    assert certificates.certificate_of(session, dossier.id) is None
