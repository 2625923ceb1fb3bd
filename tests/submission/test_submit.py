"""提交审核: the pledge, the window, wrong states and people, double clicks and two tabs."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import BEIJING, to_naive_utc
from app.extensions import db
from app.models import ApplicationHistory, BatchCommitteeOverride, SubmissionSnapshot
from app.services import submission
from app.services.dossier import DossierNotFound
from app.services.scopes import actor_for
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.states import Action, ApplicationStatus, ReviewStage, Role
from tests.conftest import FIXED_NOW
from tests.factories import make_account
from tests.submission.support import (
    SUMMARY,
    complete_dossier,
    sign_in,
    snapshots,
    submissions,
    submit_now,
    text,
)

S = ApplicationStatus
#: every status in which 提交审核 is refused, with its stage
NOT_SUBMITTABLE = [
    *((S.UNDER_REVIEW, stage) for stage in ReviewStage),
    (S.EVALUATING, None),
    (S.PUBLICITY, None),
    (S.CERTIFIED, None),
    (S.FAILED, None),
    (S.NOT_ACCEPTED, None),
]
URL = "/applicant/submission/"
PLEDGE = {"pledge": "accepted"}


def reload(session, application):
    session.expire_all()
    return session.get(type(application), application.id)


# --- the happy path --------------------------------------------------------------------------


def test_submit_records_status_history_pledge_time_and_address(session, dossier, browser):
    page = text(browser.get("/applicant/"))
    assert 'id="pledge-dialog"' in page and "诚信提示" in page and "确定" in page
    response = browser.post(URL, data={**PLEDGE, "version": str(dossier.version)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/applicant/")
    home = text(browser.get("/applicant/"))
    assert "提交成功" in home and "资格审查中（单位经办人）" in home
    application = reload(session, dossier)
    assert (application.status, application.stage) == (S.UNDER_REVIEW, ReviewStage.UNIT_HANDLER)
    assert application.submitted_at == to_naive_utc(FIXED_NOW)
    (row,) = [h for h in application.history if h.action == Action.SUBMIT]
    assert (row.from_status, row.to_status, row.actor_role) == (
        S.DRAFTING,
        S.UNDER_REVIEW,
        Role.APPLICANT,
    )
    (snapshot,) = snapshots(session, dossier.id)
    assert snapshot.sequence == 1 and snapshot.pledge_text == submission.PLEDGE_TEXT
    assert snapshot.pledged_at == to_naive_utc(FIXED_NOW) == snapshot.submitted_at
    assert snapshot.ip == "127.0.0.1" and snapshot.submitted_by == dossier.applicant_id
    assert submission.verify(snapshot)
    assert snapshot.verification_code in home  # 提交记录


def test_the_pledge_text_states_the_consequences_of_fraud():
    text = submission.PLEDGE_TEXT
    for words in ("真实、准确、完整", "职称评审监管", "撤销", "诚信档案", "三年内不得申报", "确定"):
        assert words in text


def test_without_javascript_the_pledge_is_a_page(browser):
    html = text(browser.get(URL))
    assert "诚信提示" in html and 'id="pledge-form"' in html and submission.PLEDGE_TEXT[:20] in html


def test_without_the_pledge_nothing_is_submitted(session, dossier, browser):
    response = browser.post(URL, data={"version": "1"})
    assert response.status_code == 302
    assert "请阅读并确认诚信提示后再提交审核" in text(browser.get("/applicant/"))
    assert reload(session, dossier).status == S.DRAFTING
    assert snapshots(session, dossier.id) == [] and submissions(session, dossier.id) == 0


def test_a_returned_dossier_is_submitted_again_with_the_same_checks(session, world, dossier):
    submit_now(session, dossier)
    dossier = reload(session, dossier)
    dossier.status, dossier.stage, dossier.return_reason = S.RETURNED, None, "论文不全"
    dossier.summary = "太短"
    session.commit()
    with pytest.raises(submission.DossierIncomplete):
        submit_now(session, dossier)
    session.rollback()
    dossier = reload(session, dossier)
    dossier.summary = SUMMARY
    session.commit()
    with pytest.raises(RuleViolation, match="诚信提示"):
        submit_now(session, dossier, pledged=False)
    session.rollback()
    assert len(snapshots(session, dossier.id)) == 1


# --- wrong states and wrong people --------------------------------------------------------------


@pytest.mark.parametrize(("status", "stage"), NOT_SUBMITTABLE)
def test_submission_from_every_wrong_state_is_refused(session, world, status, stage):
    application = complete_dossier(session, world, status=status, stage=stage)
    with pytest.raises(InvalidState, match="不能提交审核"):
        submit_now(session, application)
    session.rollback()
    assert reload(session, application).status == status
    assert snapshots(session, application.id) == [] and submissions(session, application.id) == 0


@pytest.mark.parametrize(("status", "stage"), NOT_SUBMITTABLE[:1] + NOT_SUBMITTABLE[-1:])
def test_the_page_refuses_a_wrong_state_with_the_status(session, world, new_client, status, stage):
    application = complete_dossier(session, world, status=status, stage=stage)
    client = sign_in(new_client(), application.applicant)
    assert client.get(URL).status_code == 302
    response = client.post(URL, data=PLEDGE)
    assert response.status_code == 302
    assert "不能提交审核" in text(client.get("/applicant/"))
    assert snapshots(session, application.id) == []


@pytest.mark.parametrize(
    "role",
    [
        Role.UNIT_ADMIN,
        Role.UNIT_HANDLER,
        Role.UNIT_LEADER,
        Role.DEPT_HANDLER,
        Role.COMMITTEE_SECRETARY,
        Role.PROVINCE_ADMIN,
    ],
)
@pytest.mark.parametrize("status", [S.DRAFTING, S.RETURNED])
def test_nobody_but_the_applicant_submits(session, world, dossier, role, status):
    dossier.status = status
    dossier.return_reason = "补充" if status == S.RETURNED else None
    place = world.org.dept if role == Role.DEPT_HANDLER else world.org.unit
    if role in (Role.COMMITTEE_SECRETARY, Role.PROVINCE_ADMIN):
        place = world.org.province
    person = make_account(
        session,
        role,
        unit=place,
        committee=world.committee if role == Role.COMMITTEE_SECRETARY else None,
    )
    session.commit()
    with pytest.raises((NotAllowed, DossierNotFound)):
        submission.submit(
            session, actor_for(person), person.name, dossier.id, FIXED_NOW, pledged=True
        )
    session.rollback()
    assert reload(session, dossier).status == status and snapshots(session, dossier.id) == []


def test_another_applicant_cannot_submit_my_dossier(session, world, dossier):
    other = complete_dossier(session, world)
    intruder = other.applicant
    with pytest.raises(DossierNotFound):
        submission.submit(
            session, actor_for(intruder), intruder.name, dossier.id, FIXED_NOW, pledged=True
        )
    session.rollback()
    assert reload(session, dossier).status == S.DRAFTING


@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.UNIT_ADMIN, Role.PROVINCE_ADMIN])
def test_staff_cannot_open_the_applicant_pages(session, world, dossier, new_client, role):
    place = world.org.province if role == Role.PROVINCE_ADMIN else world.org.unit
    person = make_account(session, role, unit=place)
    session.commit()
    client = sign_in(new_client(), person)
    for path in (URL, f"{URL}preview", f"{URL}check", f"{URL}receipt/1"):
        assert client.get(path).status_code in (302, 403), path
    assert client.post(URL, data=PLEDGE).status_code in (302, 403)
    assert reload(session, dossier).status == S.DRAFTING


def test_an_applicant_without_a_dossier_is_sent_to_the_base_info(session, world, new_client):
    person = make_account(session, unit=world.org.unit)
    session.commit()
    client = sign_in(new_client(), person)
    for path in (URL, f"{URL}preview", f"{URL}check", f"{URL}receipt/1"):
        response = client.get(path)
        assert (
            response.status_code == 302 and "/applicant/base-info/" in response.headers["Location"]
        )
    assert client.post(URL, data=PLEDGE).status_code == 302


# --- the batch window (Beijing time) ------------------------------------------------------------

DEADLINE = datetime(2026, 11, 1, 0, 0, tzinfo=BEIJING)  # 10月31日24时


def set_deadline(session, world, deadline=DEADLINE):
    world.batch.personal_deadline = to_naive_utc(deadline)
    session.commit()


def test_one_second_before_the_deadline_is_accepted(session, world, dossier):
    set_deadline(session, world)
    submit_now(session, dossier, DEADLINE - timedelta(seconds=1))
    assert reload(session, dossier).status == S.UNDER_REVIEW


@pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=1)])
def test_at_and_after_the_deadline_submission_is_refused(session, world, dossier, late):
    set_deadline(session, world)
    with pytest.raises(RuleViolation, match=r"个人申报已截止（截止时间2026年11月01日00:00）"):
        submit_now(session, dossier, DEADLINE + late)
    session.rollback()
    assert reload(session, dossier).status == S.DRAFTING and snapshots(session, dossier.id) == []


def test_employer_assessment_is_not_bound_by_the_deadline(session, world):
    application = complete_dossier(session, world, mode="employer")
    set_deadline(session, world)
    submit_now(session, application, DEADLINE + timedelta(days=40))
    assert reload(session, application).status == S.UNDER_REVIEW


def test_nobody_submits_before_the_batch_opens(session, world):
    application = complete_dossier(session, world, mode="employer")
    opens = world.batch.opens_at
    with pytest.raises(RuleViolation, match="申报尚未开始"):
        submit_now(session, application, FIXED_NOW.replace(year=opens.year - 1))
    session.rollback()


def test_the_committee_keeps_its_own_deadline(session, world, dossier):
    set_deadline(session, world)
    later = DEADLINE + timedelta(days=3)
    session.add(
        BatchCommitteeOverride(
            batch_id=world.batch.id,
            committee_id=world.committee.id,
            personal_deadline=to_naive_utc(later),
        )
    )
    session.commit()
    submit_now(session, dossier, DEADLINE + timedelta(days=1))
    assert reload(session, dossier).status == S.UNDER_REVIEW


def test_the_deadline_is_shown_beforehand_in_beijing_time(session, world, browser):
    set_deadline(session, world)
    html = text(browser.get("/applicant/"))
    assert "个人申报截止时间：2026年11月01日00:00（北京时间）" in html


def test_employer_assessment_is_told_it_has_no_deadline(session, world, new_client):
    application = complete_dossier(session, world, mode="employer")
    client = sign_in(new_client(), application.applicant)
    assert submission.EMPLOYER_EXEMPT in text(client.get("/applicant/"))


def test_after_the_deadline_the_page_says_so_and_offers_no_dialog(
    session, world, dossier, new_client, monkeypatch, app
):
    set_deadline(session, world)
    monkeypatch.setitem(app.config, "FIXED_NOW", DEADLINE + timedelta(seconds=1))
    browser = sign_in(new_client(), dossier.applicant)
    html = text(browser.get("/applicant/"))
    assert "个人申报已截止，不能提交审核" in html and 'id="pledge-dialog"' not in html
    response = browser.get(URL)
    assert response.status_code == 302
    assert "2026年11月01日00:00" in text(browser.get("/applicant/"))


# --- submitted once -------------------------------------------------------------------------------


def test_a_double_click_submits_once(session, dossier, browser):
    form = {**PLEDGE, "version": str(dossier.version)}
    first = browser.post(URL, data=form)
    second = browser.post(URL, data=form)
    assert first.status_code == second.status_code == 302
    assert "提交成功" in text(browser.get("/applicant/"))
    assert submissions(session, dossier.id) == 1 and len(snapshots(session, dossier.id)) == 1


def test_two_tabs_submit_once(session, dossier, new_client):
    tabs = [sign_in(new_client(), dossier.applicant) for _ in range(2)]
    version = str(dossier.version)
    for tab in tabs:
        assert tab.post(URL, data={**PLEDGE, "version": version}).status_code == 302
        assert "提交成功" in text(tab.get("/applicant/"))
    assert submissions(session, dossier.id) == 1 and len(snapshots(session, dossier.id)) == 1


def test_a_stale_page_after_a_return_submits_the_current_dossier(session, dossier):
    first = submit_now(session, dossier, form_version=1)
    application = reload(session, dossier)
    application.status, application.stage, application.return_reason = S.RETURNED, None, "补充"
    session.commit()
    again = submit_now(session, application, form_version=1)
    assert not again.repeated and again.snapshot.sequence == 2
    assert first.snapshot.id != again.snapshot.id
    assert submissions(session, dossier.id) == 2


@pytest.mark.postgres_only
@pytest.mark.parametrize("same_page", [True, False])
def test_two_submissions_at_once_on_postgresql(app, session, dossier, dialect, same_page):
    if dialect != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    applicant = dossier.applicant
    actor, name, target = actor_for(applicant), applicant.name, dossier.id
    version = dossier.version if same_page else None
    session.commit()  # the test's own session holds no lock while the threads wait
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act():
        with app.app_context(), Session(db.engine) as own:
            barrier.wait()
            try:
                result = submission.submit(
                    own, actor, name, target, FIXED_NOW, pledged=True, form_version=version
                )
                own.commit()
                outcomes.append("repeated" if result.repeated else "ok")
            except Exception as exc:  # noqa: BLE001 - the other thread's refusal is the point
                own.rollback()
                outcomes.append(getattr(exc, "message", repr(exc)))

    threads = [threading.Thread(target=act) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("ok") == 1, outcomes
    other = next(o for o in outcomes if o != "ok")
    assert other == "repeated" if same_page else "不能提交审核" in other
    session.expire_all()
    history = session.scalars(
        select(ApplicationHistory).where(
            ApplicationHistory.application_id == target,
            ApplicationHistory.action == Action.SUBMIT,
        )
    ).all()
    copies = session.scalars(
        select(SubmissionSnapshot).where(SubmissionSnapshot.application_id == target)
    ).all()
    assert len(history) == 1 and len(copies) == 1


def test_a_person_in_the_integrity_record_cannot_submit(session, dossier):
    from datetime import date

    from app.models import IntegrityRecord

    session.add(
        IntegrityRecord(
            id_number=dossier.applicant.id_number,
            holder_name=dossier.applicant.name,
            reason="伪造业绩材料",
            recorded_on=date(2025, 3, 1),
            ban_ends_on=date(2028, 2, 29),
            recorded_by="省职改办",
        )
    )
    session.commit()
    with pytest.raises(RuleViolation, match=r"2028年02月29日（含）前不得申报职称"):
        submit_now(session, dossier)
    session.rollback()
    assert reload(session, dossier).status == S.DRAFTING and snapshots(session, dossier.id) == []
