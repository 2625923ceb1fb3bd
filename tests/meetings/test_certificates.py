"""评审结果公示 and 发证 on the real database and through the web: who may record a publicity,
when a certificate may issue (working days, Chinese holidays, Beijing dates), what a certificate
says and keeps saying, the PDF, and who may download it."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.documents.certificate import TITLE, build_certificate, text_of
from app.documents.receipt import FontUnavailable, find_font
from app.models import ApplicationHistory, Certificate, ResultPublicity
from app.services import certificates, meetings
from app.services.certificates import CODE_LENGTH
from app.services.dossier import DossierNotFound
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.states import Action, ApplicationStatus, Role, VoteChoice
from tests.conftest import FIXED_NOW
from tests.factories import make_account, make_application
from tests.meetings.conftest import FixedDraw

S = ApplicationStatus
#: FIXED_NOW is Thursday 2026-10-15 in Beijing. A publicity from Wednesday 2026-09-30 reaches its
#: fifth working day on Monday 10-12: 10-01..10-07 are the National Day holiday and Saturday 10-10
#: is a 调休 working day (a plain weekday count would end it on 10-06).
STARTS = date(2026, 9, 30)
FIFTH_WORKDAY = date(2026, 10, 12)
PLACE = "甘肃省人力资源和社会保障厅网站"
NO_PUBLICITY = "尚未登记评审结果公示：请先登记公示情况，公示期满后再发证"
NOT_SECRETARY = "只有评委会秘书可以办理评审结果公示和发证"
NOT_IN_PUBLICITY = "所选人员中有不在公示中状态的，请刷新页面后重新选择"
NOT_OURS = "申报不存在或不属于本评委会"
TOO_SHORT = "公示期须不少于5个工作日：自2026年09月30日起，结束日期最早为2026年10月12日"
ALREADY_ISSUED = "当前状态为“已发证”，不能发证"
STALE_CHOICE = "公示人员的选项无效，请刷新页面后重新选择"
CODE_ALPHABET = set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
DOWNLOAD_BUTTON = "点击查询证书下载"


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def passed(session, world):
    """Two 公示中 dossiers of ``world.committee``: [0] from org.unit, [1] from org.other_unit."""
    rows = [
        make_application(session, unit=unit, committee=world.committee, status=S.PUBLICITY)
        for unit in (world.org.unit, world.org.other_unit)
    ]
    session.commit()
    return rows


@pytest.fixture
def foreign(session, world):
    """A 公示中 dossier of the other committee."""
    row = make_application(
        session, unit=world.org.unit, committee=world.other_committee, status=S.PUBLICITY
    )
    session.commit()
    return row


def record(session, world, applications, *, account=None, **changes):
    account = account or world.secretary
    fields = {"starts_on": STARTS, "ends_on": FIFTH_WORKDAY, "place": PLACE, **changes}
    publicity = certificates.record_publicity(
        session,
        world.actor(account),
        account,
        application_ids=[a.id for a in applications],
        **fields,
    )
    session.commit()
    return publicity


def issue(session, world, application, *, account=None, now=FIXED_NOW):
    account = account or world.secretary
    certificate = certificates.issue(session, world.actor(account), account, application.id, now)
    session.commit()
    return certificate


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def history(session, application) -> list[ApplicationHistory]:
    stmt = select(ApplicationHistory).where(ApplicationHistory.application_id == application.id)
    return list(session.scalars(stmt.order_by(ApplicationHistory.id)))


def status_of(session, application) -> ApplicationStatus:
    session.expire_all()
    return session.get(type(application), application.id).status


def assert_untouched(session, application) -> None:
    """Still 公示中, with no certificate and no history row."""
    assert status_of(session, application) == S.PUBLICITY
    assert certificates.certificate_of(session, application.id) is None
    assert history(session, application) == []


def rename(account, name: str) -> None:
    """As the account pages store a new name."""
    account.first_name, account.last_name = name, ""


def pdf_text(data: bytes) -> str:
    """Without whitespace and NULs (pypdf spaces out CJK glyphs and adds NULs for fpdf2's CFF
    fonts; neither is in the document)."""
    raw = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[\s\x00]+", "", raw)


def font() -> str:
    path = find_font(None, ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",))
    assert path is not None, "fonts-noto-cjk is needed for the certificate tests"
    return path


def text(response) -> str:
    assert response.status_code < 500, response.status_code
    return response.get_data(as_text=True)


# --- record_publicity ----------------------------------------------------------------------------


def test_record_publicity_of_passed_dossiers(session, world, passed) -> None:
    publicity = record(
        session,
        world,
        [passed[0], passed[1], passed[0]],
        place=f"  {PLACE}  ",
        objections=" 收到异议一件 ",
        handling="经核实不成立",
    )
    session.expire_all()
    stored = session.get(ResultPublicity, publicity.id)
    assert {a.id for a in stored.applications} == {passed[0].id, passed[1].id}
    assert (stored.starts_on, stored.ends_on) == (STARTS, FIFTH_WORKDAY)
    assert (stored.place, stored.objections, stored.handling) == (
        PLACE,
        "收到异议一件",
        "经核实不成立",
    )
    assert stored.committee_id == world.committee.id
    assert stored.recorded_by == world.secretary.id
    assert status_of(session, passed[0]) == S.PUBLICITY  # recording moves nothing


@pytest.mark.parametrize("which", ["evaluating", "foreign", "good_and_foreign", "unknown"])
def test_record_refuses_dossiers_not_in_our_publicity(
    session, world, passed, foreign, which
) -> None:
    chosen = {
        "evaluating": [world.evaluating[0]],
        "foreign": [foreign],
        "good_and_foreign": [passed[0], foreign],
        "unknown": [SimpleNamespace(id=999999)],
    }[which]
    with pytest.raises(RuleViolation) as refused:
        record(session, world, chosen)
    assert refused.value.message == NOT_IN_PUBLICITY
    session.rollback()
    assert count(session, ResultPublicity) == 0


def test_other_committee_secretary_cannot_record_our_dossiers(session, world, passed) -> None:
    with pytest.raises(RuleViolation) as refused:
        record(session, world, passed, account=world.other_secretary)
    assert refused.value.message == NOT_IN_PUBLICITY
    session.rollback()
    assert count(session, ResultPublicity) == 0


def test_record_refuses_a_period_shorter_than_the_working_days(session, world, passed) -> None:
    # 09-30..10-09 has eight weekdays but only three working days in 2026
    with pytest.raises(RuleViolation) as refused:
        record(session, world, passed, ends_on=date(2026, 10, 9))
    assert refused.value.message == TOO_SHORT
    session.rollback()
    assert count(session, ResultPublicity) == 0


def test_record_follows_the_committees_own_working_days(session, world, passed) -> None:
    world.committee.result_publicity_days = 7
    session.commit()
    with pytest.raises(RuleViolation) as refused:
        record(session, world, passed)
    assert refused.value.message == (
        "公示期须不少于7个工作日：自2026年09月30日起，结束日期最早为2026年10月14日"
    )
    session.rollback()
    assert record(session, world, passed, ends_on=date(2026, 10, 14)).id


def test_record_refuses_an_end_before_the_start(session, world, passed) -> None:
    with pytest.raises(RuleViolation) as refused:
        record(session, world, passed, starts_on=date(2026, 10, 12), ends_on=date(2026, 10, 9))
    assert refused.value.message == "公示结束日期不能早于开始日期"
    session.rollback()
    assert count(session, ResultPublicity) == 0


@pytest.mark.parametrize(
    ("place", "chosen", "message"),
    [
        ("", "passed", "请填写公示地点（如评委会网站、人社部门网站）"),
        ("   ", "passed", "请填写公示地点（如评委会网站、人社部门网站）"),
        (None, "passed", "请填写公示地点（如评委会网站、人社部门网站）"),
        (PLACE, "nobody", "请选择参加公示的人员"),
    ],
)
def test_record_needs_a_place_and_people(session, world, passed, place, chosen, message) -> None:
    with pytest.raises(RuleViolation) as refused:
        record(session, world, passed if chosen == "passed" else [], place=place)
    assert refused.value.message == message
    session.rollback()
    assert count(session, ResultPublicity) == 0


@pytest.mark.parametrize("role", [Role.EXPERT, Role.UNIT_LEADER, Role.PROVINCE_ADMIN])
def test_only_a_secretary_records_publicity(session, world, passed, role) -> None:
    unit = world.org.province if role == Role.PROVINCE_ADMIN else world.org.unit
    committee = world.committee if role == Role.EXPERT else None
    person = make_account(session, role, unit=unit, committee=committee)
    session.commit()
    with pytest.raises(NotAllowed) as refused:
        record(session, world, passed, account=person)
    assert refused.value.message == NOT_SECRETARY
    session.rollback()
    assert count(session, ResultPublicity) == 0


# --- gate and issue ------------------------------------------------------------------------------


def test_issue_without_a_publicity_is_refused(session, world, passed) -> None:
    gate = certificates.gate(session, passed[0], FIXED_NOW)
    assert (gate.done, gate.message) == (False, NO_PUBLICITY)
    with pytest.raises(RuleViolation) as refused:
        issue(session, world, passed[0])
    assert refused.value.message == NO_PUBLICITY
    assert_untouched(session, passed[0])


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "allowed"),
    [
        (date(2026, 10, 9), date(2026, 10, 15), "2026年10月16日"),  # ends today
        (date(2026, 10, 9), date(2026, 10, 16), "2026年10月17日"),
    ],
)
def test_issue_waits_until_the_publicity_has_ended(
    session, world, passed, starts_on, ends_on, allowed
) -> None:
    record(session, world, passed[:1], starts_on=starts_on, ends_on=ends_on)
    message = f"公示尚未结束，{allowed}起可发证"
    assert certificates.gate(session, passed[0], FIXED_NOW).message == message
    with pytest.raises(RuleViolation) as refused:
        issue(session, world, passed[0])
    assert refused.value.message == message
    assert_untouched(session, passed[0])


def test_issue_is_allowed_from_the_next_beijing_day(session, world, passed) -> None:
    record(session, world, passed[:1], starts_on=date(2026, 10, 9), ends_on=date(2026, 10, 15))
    late_evening = datetime(2026, 10, 15, 15, 59, tzinfo=UTC)  # 23:59 on 10-15 in Beijing
    with pytest.raises(RuleViolation):
        issue(session, world, passed[0], now=late_evening)
    session.rollback()
    after_midnight = datetime(2026, 10, 15, 16, 1, tzinfo=UTC)  # 00:01 on 10-16 in Beijing
    certificate = issue(session, world, passed[0], now=after_midnight)
    assert certificate.issued_on == date(2026, 10, 16)
    assert status_of(session, passed[0]) == S.CERTIFIED


def test_issue_after_the_publicity_certifies_and_records(session, world, passed) -> None:
    target = passed[0]
    record(session, world, [target])
    assert certificates.gate(session, target, FIXED_NOW).done
    certificate = issue(session, world, target)
    session.expire_all()
    assert status_of(session, target) == S.CERTIFIED
    (row,) = history(session, target)
    assert row.action == Action.ISSUE
    assert (row.from_status, row.to_status) == (S.PUBLICITY, S.CERTIFIED)
    assert (row.actor_id, row.actor_role) == (world.secretary.id, Role.COMMITTEE_SECRETARY)
    stored = certificates.certificate_of(session, target.id)
    assert stored.id == certificate.id
    assert stored.number == f"2026{world.committee.id:04d}{target.id:08d}"
    assert len(stored.verification_code) == CODE_LENGTH == 12
    assert set(stored.verification_code) <= CODE_ALPHABET
    application = stored.application
    assert stored.holder_name == application.applicant.name
    assert stored.id_number == application.applicant.id_number
    assert stored.unit_name == world.org.unit.name == "设计院"
    assert stored.committee_name == "工程高评委"
    assert stored.series_name == application.series.name
    assert stored.qualification_name == application.qualification.name
    assert stored.specialty_path == "工学》建设工程》土木工程"
    assert stored.scope_name == application.scope.name
    assert stored.issued_on == FIXED_NOW.date()
    assert stored.passed_on == FIXED_NOW.date()  # no meeting on record: the issue date
    assert stored.issued_by == world.secretary.id


def test_issuing_twice_is_refused_and_keeps_one_certificate(session, world, passed) -> None:
    record(session, world, passed[:1])
    first = issue(session, world, passed[0])
    with pytest.raises(InvalidState) as refused:
        issue(session, world, passed[0])
    assert refused.value.message == ALREADY_ISSUED
    session.rollback()
    assert count(session, Certificate) == 1
    assert certificates.certificate_of(session, passed[0].id).id == first.id
    assert len(history(session, passed[0])) == 1


def test_a_dossier_still_in_evaluation_cannot_be_issued(session, world) -> None:
    with pytest.raises(InvalidState) as refused:
        issue(session, world, world.evaluating[0])
    assert refused.value.message == "当前状态为“评审中”，不能发证"
    session.rollback()
    assert count(session, Certificate) == 0


def test_a_longer_requirement_set_later_holds_back_the_issue(session, world, passed) -> None:
    record(session, world, passed[:1])
    world.committee.result_publicity_days = 7
    session.commit()
    with pytest.raises(RuleViolation) as refused:
        issue(session, world, passed[0])
    assert refused.value.message == "公示期不足7个工作日，结束日期最早为2026年10月14日"
    assert_untouched(session, passed[0])


def test_a_second_publicity_still_running_holds_back_the_issue(session, world, passed) -> None:
    """After an objection the committee publishes again: the latest publicity decides."""
    record(session, world, passed[:1])
    record(session, world, passed[:1], starts_on=date(2026, 10, 13), ends_on=date(2026, 10, 19))
    with pytest.raises(RuleViolation) as refused:
        issue(session, world, passed[0])
    assert refused.value.message == "公示尚未结束，2026年10月20日起可发证"
    assert_untouched(session, passed[0])


def test_issue_many_issues_each_on_its_own(session, world, passed, foreign) -> None:
    ready, unrecorded = passed
    record(session, world, [ready])
    results = certificates.issue_many(
        session,
        world.actor(world.secretary),
        world.secretary,
        [unrecorded.id, ready.id, foreign.id, 999999, ready.id, world.evaluating[1].id],
        FIXED_NOW,
    )
    session.commit()
    assert results == [
        (unrecorded.id, NO_PUBLICITY),
        (ready.id, None),
        (foreign.id, NOT_OURS),
        (999999, NOT_OURS),
        (world.evaluating[1].id, "当前状态为“评审中”，不能发证"),
    ]
    assert status_of(session, ready) == S.CERTIFIED
    assert count(session, Certificate) == 1
    assert_untouched(session, unrecorded)
    assert status_of(session, foreign) == S.PUBLICITY
    assert history(session, world.evaluating[1]) == []


def test_issue_many_after_all_refused_changes_nothing(session, world, passed) -> None:
    results = certificates.issue_many(
        session, world.actor(world.secretary), world.secretary, [a.id for a in passed], FIXED_NOW
    )
    session.commit()
    assert results == [(passed[0].id, NO_PUBLICITY), (passed[1].id, NO_PUBLICITY)]
    for application in passed:
        assert_untouched(session, application)
    assert count(session, Certificate) == 0


def test_other_committee_secretary_cannot_issue_or_see(session, world, passed) -> None:
    record(session, world, passed)
    with pytest.raises(DossierNotFound):
        issue(session, world, passed[0], account=world.other_secretary)
    session.rollback()
    assert_untouched(session, passed[0])
    issue(session, world, passed[1])
    other = world.actor(world.other_secretary)
    with pytest.raises(DossierNotFound):
        certificates.certificate_in_scope(session, other, passed[1].id)


@pytest.mark.parametrize("role", [Role.EXPERT, Role.UNIT_LEADER, Role.PROVINCE_ADMIN])
def test_only_a_secretary_issues(session, world, passed, role) -> None:
    record(session, world, passed[:1])
    unit = world.org.province if role == Role.PROVINCE_ADMIN else world.org.unit
    committee = world.committee if role == Role.EXPERT else None
    person = make_account(session, role, unit=unit, committee=committee)
    session.commit()
    with pytest.raises(NotAllowed) as refused:
        issue(session, world, passed[0], account=person)
    assert refused.value.message == NOT_SECRETARY
    assert_untouched(session, passed[0])


def test_certificate_in_scope_for_holder_committee_and_province(session, world, passed) -> None:
    record(session, world, passed)
    issue(session, world, passed[0])
    admin = make_account(session, Role.PROVINCE_ADMIN, unit=world.org.province)
    session.commit()
    for account in (passed[0].applicant, world.secretary, admin):
        found = certificates.certificate_in_scope(session, world.actor(account), passed[0].id)
        assert found.application_id == passed[0].id
    for account in (passed[1].applicant, world.experts[2]):
        with pytest.raises(DossierNotFound):
            certificates.certificate_in_scope(session, world.actor(account), passed[0].id)
    with pytest.raises(DossierNotFound):  # 公示中, no certificate yet
        certificates.certificate_in_scope(session, world.actor(world.secretary), passed[1].id)


def test_passed_on_is_the_date_of_the_meeting_that_passed_it(session, world) -> None:
    actor, secretary = world.actor(world.secretary), world.secretary
    target = world.evaluating[2]  # from lone_unit: none of the drawn experts is recused
    meeting = meetings.create_meeting(
        session,
        actor,
        secretary,
        name="第一次评审会",
        held_on=date(2026, 9, 29),
        place="兰州",
        size=3,
    )
    meetings.add_dossiers(session, actor, meeting.id, [target.id])
    drawn = meetings.draw(session, actor, secretary, meeting.id, FIXED_NOW, rng=FixedDraw())
    meetings.start_voting(session, actor, secretary, meeting.id, [e.id for e in drawn], FIXED_NOW)
    for expert in drawn:
        meetings.cast_vote(
            session, world.actor(expert), meeting.id, target.id, VoteChoice.AGREE, FIXED_NOW
        )
    meetings.close_meeting(session, actor, secretary, meeting.id, FIXED_NOW)
    session.commit()
    assert status_of(session, target) == S.PUBLICITY
    record(session, world, [target])
    certificate = issue(session, world, target)
    assert certificate.passed_on == date(2026, 9, 29)
    assert certificate.issued_on == FIXED_NOW.date()


def test_certificate_text_is_fixed_when_issued(session, world, passed) -> None:
    record(session, world, passed[:1])
    certificate = issue(session, world, passed[0])
    old_name, number = certificate.holder_name, certificate.number
    rename(passed[0].applicant, "改名后")
    world.org.unit.name = "改名后的设计院"
    world.committee.name = "改名后的评委会"
    session.commit()
    session.expire_all()
    stored = certificates.certificate_of(session, passed[0].id)
    assert (stored.holder_name, stored.number) == (old_name, number)
    assert (stored.unit_name, stored.committee_name) == ("设计院", "工程高评委")
    assert "改名后" not in pdf_text(build_certificate(text_of(stored), font()))


# --- the PDF -------------------------------------------------------------------------------------


def test_certificate_pdf_is_one_page_with_the_holder_and_number(session, world, passed) -> None:
    record(session, world, passed[:1])
    certificate = issue(session, world, passed[0])
    data = build_certificate(text_of(certificate), font())
    assert data.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    content = pdf_text(data)
    for part in (TITLE, "专业技术资格证书", certificate.holder_name, certificate.number):
        assert part in content, part
    assert certificate.verification_code in content
    assert "工程高评委" in content and "2026年10月15日" in content
    id_number = certificate.id_number
    assert id_number not in content  # masked: a certificate is shown around
    assert f"{id_number[:6]}********{id_number[14:]}" in content


@pytest.mark.parametrize("kind", ["missing", "not_a_font"])
def test_certificate_pdf_needs_a_usable_font(session, world, passed, tmp_path, kind) -> None:
    record(session, world, passed[:1])
    certificate = issue(session, world, passed[0])
    path = tmp_path / "font.ttf"
    if kind == "not_a_font":
        path.write_text("这不是字体文件", encoding="utf-8")
    with pytest.raises(FontUnavailable):
        build_certificate(text_of(certificate), str(path))


# --- the secretary's page ------------------------------------------------------------------------


def form(chosen, **changes) -> dict:
    data = {
        "applications": [str(a.id) for a in chosen],
        "starts_on": STARTS.isoformat(),
        "ends_on": FIFTH_WORKDAY.isoformat(),
        "place": PLACE,
        "objections": "",
        "handling": "",
    }
    data.update(changes)
    return data


def issue_box(application) -> str:
    return f'name="applications" value="{application.id}" id="issue-{application.id}"'


def download_link(application) -> str:
    return f'href="/committee/results/certificate/{application.id}"'


def test_results_page_lists_people_in_publicity(session, world, passed, foreign, as_person):
    html = text(as_person(world.secretary).get("/committee/results/"))
    assert "公示中（2人）" in html
    for application in passed:
        assert issue_box(application) in html
        assert application.applicant.name in html
    assert issue_box(foreign) not in html and foreign.applicant.name not in html
    assert world.evaluating[0].applicant.name not in html


def test_record_through_the_page(session, world, passed, as_person):
    client = as_person(world.secretary)
    response = client.post("/committee/results/", data=form(passed, objections="无异议"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/committee/results/")
    publicity = session.scalars(select(ResultPublicity)).one()
    assert {a.id for a in publicity.applications} == {a.id for a in passed}
    assert (publicity.starts_on, publicity.ends_on) == (STARTS, FIFTH_WORKDAY)
    assert publicity.objections == "无异议"
    html = text(client.get("/committee/results/"))
    assert "评审结果公示已登记" in html
    assert "2026-09-30 至 2026-10-12" in html and PLACE in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_on": "2026-02-30"}, "公示开始日期格式不正确"),
        ({"ends_on": "2026-13-01"}, "公示结束日期格式不正确"),
        ({"starts_on": ""}, "请填写公示开始日期"),
        ({"ends_on": ""}, "请填写公示结束日期"),
        ({"ends_on": "2026-09-29"}, "公示结束日期不能早于开始日期"),
        ({"ends_on": "2026-10-09"}, TOO_SHORT),
        ({"place": ""}, "请填写公示地点"),
        ({"place": "   "}, "请填写公示地点"),
        ({"place": "网" * 201}, "公示地点不能超过200字"),
        ({"applications": []}, "请选择参加公示的人员"),
    ],
)
def test_record_page_refuses_bad_input(session, world, passed, as_person, change, message):
    client = as_person(world.secretary)
    response = client.post("/committee/results/", data=form(passed, **change))
    assert response.status_code == 200
    assert message in text(response)
    assert count(session, ResultPublicity) == 0


def danger_flashes(html: str) -> list[str]:
    pattern = r'<div class="alert alert-danger">\s*<button[^>]*>&times;</button>(.*?)</div>'
    return [m.strip() for m in re.findall(pattern, html, re.S)]


@pytest.mark.parametrize("ids", [["x"], ["1.5"], ["-1"], ["99999999999"]])
def test_record_page_refuses_malformed_ids_in_chinese(session, world, passed, as_person, ids):
    client = as_person(world.secretary)
    response = client.post("/committee/results/", data=form(passed, applications=ids))
    assert response.status_code == 200
    shown = danger_flashes(text(response))
    assert STALE_CHOICE in shown
    for message in shown:
        assert not re.search(r"[A-Za-z]{3,}", message), message
    assert count(session, ResultPublicity) == 0


@pytest.mark.parametrize("which", ["foreign", "evaluating", "unknown"])
def test_record_page_refuses_ids_it_did_not_offer(
    session, world, passed, foreign, as_person, which
):
    """A forged or stale id is refused in Chinese, never with WTForms' English message."""
    chosen = {
        "foreign": str(foreign.id),
        "evaluating": str(world.evaluating[0].id),
        "unknown": "999999",
    }[which]
    client = as_person(world.secretary)
    data = form(passed, applications=[str(passed[0].id), chosen])
    html = text(client.post("/committee/results/", data=data))
    assert "not a valid choice" not in html
    assert STALE_CHOICE in danger_flashes(html)
    assert count(session, ResultPublicity) == 0


def test_issue_through_the_page(session, world, passed, as_person):
    record(session, world, passed[:1])
    client = as_person(world.secretary)
    response = client.post("/committee/results/issue", data={"applications": [str(passed[0].id)]})
    assert response.status_code == 302
    assert status_of(session, passed[0]) == S.CERTIFIED
    html = text(client.get("/committee/results/"))
    assert "已发证 1 人" in html
    assert download_link(passed[0]) in html
    assert issue_box(passed[0]) not in html and issue_box(passed[1]) in html


def test_issue_page_reports_each_refusal(session, world, passed, as_person):
    record(session, world, passed[:1])
    client = as_person(world.secretary)
    response = client.post(
        "/committee/results/issue",
        data={"applications": [str(passed[1].id), str(passed[0].id), "999999"]},
        follow_redirects=True,
    )
    html = text(response)
    assert "已发证 1 人" in html
    assert f"申报（编号{passed[1].id}）未发证：{NO_PUBLICITY}" in html
    assert f"申报（编号999999）未发证：{NOT_OURS}" in html
    assert status_of(session, passed[0]) == S.CERTIFIED
    assert_untouched(session, passed[1])


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["x"], "发证人员的选项无效，请刷新页面后重新选择"),
        (["-1"], "发证人员的选项无效，请刷新页面后重新选择"),
        ([], "请先勾选要发证的人员"),
    ],
)
def test_issue_page_refuses_bad_ids(session, world, passed, as_person, ids, message):
    record(session, world, passed[:1])
    client = as_person(world.secretary)
    response = client.post(
        "/committee/results/issue", data={"applications": ids}, follow_redirects=True
    )
    assert message in text(response)
    assert_untouched(session, passed[0])


def test_issue_page_before_the_publicity_ends(session, world, passed, as_person):
    record(session, world, passed[:1], starts_on=date(2026, 10, 9), ends_on=date(2026, 10, 15))
    client = as_person(world.secretary)
    response = client.post(
        "/committee/results/issue",
        data={"applications": [str(passed[0].id)]},
        follow_redirects=True,
    )
    html = text(response)
    assert "已发证 0 人" in html
    assert f"申报（编号{passed[0].id}）未发证：公示尚未结束，2026年10月16日起可发证" in html
    assert_untouched(session, passed[0])


# --- downloads -----------------------------------------------------------------------------------


@pytest.fixture
def certified(session, world, passed):
    """passed[0] certified; passed[1] still 公示中."""
    record(session, world, passed[:1])
    return issue(session, world, passed[0])


def assert_pdf_download(response, certificate) -> str:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    name = f"专业技术资格证书（{certificate.holder_name}，{certificate.number}）.pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"%PDF")
    return pdf_text(response.data)


def test_secretary_downloads_the_certificate(session, world, passed, certified, as_person):
    client = as_person(world.secretary)
    content = assert_pdf_download(
        client.get(f"/committee/results/certificate/{passed[0].id}"), certified
    )
    assert certified.holder_name in content and certified.number in content
    assert client.get(f"/committee/results/certificate/{passed[1].id}").status_code == 404
    assert client.get("/committee/results/certificate/999999").status_code == 404
    assert client.get("/committee/results/certificate/abc").status_code == 404


def test_download_without_a_font_says_so(app, session, world, certified, as_person, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_FONT_PATH", None)
    monkeypatch.setitem(app.config, "PDF_FONT_CANDIDATES", ())
    client = as_person(world.secretary)
    response = client.get(f"/committee/results/certificate/{certified.application_id}")
    assert response.status_code == 302
    html = text(client.get(response.headers["Location"]))
    assert "服务器未安装中文字体" in html


def test_the_download_keeps_the_name_at_issue(session, world, passed, certified, as_person):
    old_name = certified.holder_name
    rename(passed[0].applicant, "改名后")
    session.commit()
    response = as_person(passed[0].applicant).get("/applicant/certificate/")
    content = assert_pdf_download(response, certified)
    assert old_name in content and "改名后" not in content


def test_applicant_downloads_their_own_certificate(session, world, passed, certified, as_person):
    client = as_person(passed[0].applicant)
    home = text(client.get("/applicant/"))
    assert DOWNLOAD_BUTTON in home and 'href="/applicant/certificate/"' in home
    content = assert_pdf_download(client.get("/applicant/certificate/"), certified)
    assert certified.holder_name in content and certified.number in content


def test_applicant_without_a_certificate_is_sent_home(session, world, passed, certified, as_person):
    client = as_person(passed[1].applicant)
    assert DOWNLOAD_BUTTON not in text(client.get("/applicant/"))
    response = client.get("/applicant/certificate/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applicant/")
    assert "尚未发证，暂无可下载的证书" in text(client.get(response.headers["Location"]))


def test_certified_without_a_certificate_row_shows_no_button(session, world, as_person):
    """A dossier 已发证 before certificates were kept: the page says so, no broken button."""
    old = make_application(
        session, unit=world.org.unit, committee=world.committee, status=S.CERTIFIED
    )
    session.commit()
    client = as_person(old.applicant)
    home = text(client.get("/applicant/"))
    assert DOWNLOAD_BUTTON not in home
    assert "证书信息尚未发布" in home
    response = client.get("/applicant/certificate/")
    assert response.status_code == 302
    assert "尚未发证，暂无可下载的证书" in text(client.get(response.headers["Location"]))


def test_each_applicant_gets_only_their_own(session, world, passed, certified, as_person):
    record(session, world, passed[1:])
    second = issue(session, world, passed[1])
    content = assert_pdf_download(
        as_person(passed[1].applicant).get("/applicant/certificate/"), second
    )
    assert second.holder_name in content
    assert certified.holder_name not in content and certified.number not in content


def test_other_committee_secretary_cannot_reach_our_results(
    session, world, passed, certified, as_person
):
    record(session, world, passed[1:])
    client = as_person(world.other_secretary)
    html = text(client.get("/committee/results/"))
    assert "公示中（0人）" in html
    assert passed[1].applicant.name not in html and download_link(passed[0]) not in html
    assert client.get(f"/committee/results/certificate/{passed[0].id}").status_code == 404
    response = client.post(
        "/committee/results/issue",
        data={"applications": [str(passed[1].id)]},
        follow_redirects=True,
    )
    assert f"申报（编号{passed[1].id}）未发证：{NOT_OURS}" in text(response)
    recorded = client.post("/committee/results/", data=form(passed[1:]))
    assert recorded.status_code == 200
    assert count(session, ResultPublicity) == 2
    assert_untouched(session, passed[1])


@pytest.mark.parametrize(
    "who", ["unit_handler", "unit_leader", "expert", "applicant", "province_admin"]
)
def test_other_roles_cannot_use_the_results_pages(
    session, world, passed, certified, as_person, who
):
    record(session, world, passed[1:])
    account = {
        "unit_handler": lambda: make_account(session, Role.UNIT_HANDLER, unit=world.org.unit),
        "unit_leader": lambda: make_account(session, Role.UNIT_LEADER, unit=world.org.unit),
        "expert": lambda: world.experts[2],
        "applicant": lambda: passed[0].applicant,
        "province_admin": lambda: make_account(
            session, Role.PROVINCE_ADMIN, unit=world.org.province
        ),
    }[who]()
    session.commit()
    client = as_person(account)
    for url in ("/committee/results/", f"/committee/results/certificate/{passed[0].id}"):
        assert client.get(url).status_code == 403, url
    assert client.post("/committee/results/", data=form(passed[1:])).status_code == 403
    issued = client.post("/committee/results/issue", data={"applications": [str(passed[1].id)]})
    assert issued.status_code == 403
    assert count(session, ResultPublicity) == 2
    assert_untouched(session, passed[1])
    assert count(session, Certificate) == 1


@pytest.mark.parametrize("who", ["secretary", "unit_handler", "expert", "province_admin"])
def test_staff_have_no_applicant_certificate(session, world, certified, as_person, who):
    account = {
        "secretary": lambda: world.secretary,
        "unit_handler": lambda: make_account(session, Role.UNIT_HANDLER, unit=world.org.unit),
        "expert": lambda: world.experts[2],
        "province_admin": lambda: make_account(
            session, Role.PROVINCE_ADMIN, unit=world.org.province
        ),
    }[who]()
    session.commit()
    response = as_person(account).get("/applicant/certificate/")
    assert response.status_code == 403
    assert not response.data.startswith(b"%PDF")
