"""评委会受理 and 评审会议 through the web: the secretary's pages, the experts' pages, the files
experts may open, and the query counts of the meeting pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import (
    ApplicationHistory,
    Attachment,
    ItemKind,
    MeetingApplication,
    MeetingBallot,
    MeetingExpert,
    ReviewMeeting,
)
from app.services import meetings
from app.workflow.states import (
    Action,
    ApplicationStatus,
    MeetingStatus,
    ReviewStage,
    Role,
    VoteChoice,
    VoteOutcome,
)
from tests.conftest import FIXED_NOW
from tests.factories import make_account, make_application
from tests.helpers import counting_queries
from tests.items.support import add_item

NOT_ROUTABLE = "所选申报中有不在评审中或已安排到其他评审会议的，请刷新页面后重新选择"
BAD_CHOICE = "请选择表决意见：同意、不同意或弃权"


def text(response) -> str:
    assert response.status_code < 500, response.status_code
    return response.get_data(as_text=True)


def meeting_count(session) -> int:
    return session.scalar(select(func.count()).select_from(ReviewMeeting))


def routed_ids(session, meeting) -> set[int]:
    stmt = select(MeetingApplication.application_id).where(
        MeetingApplication.meeting_id == meeting.id
    )
    return set(session.scalars(stmt))


def drawn_ids(session, meeting) -> set[int]:
    stmt = select(MeetingExpert.expert_id).where(MeetingExpert.meeting_id == meeting.id)
    return set(session.scalars(stmt))


def counters(session, meeting, application) -> tuple[int, int, int]:
    session.expire_all()
    row = session.scalars(
        select(MeetingApplication).where(
            MeetingApplication.meeting_id == meeting.id,
            MeetingApplication.application_id == application.id,
        )
    ).one()
    return row.agree, row.disagree, row.abstain


def ballots(session, meeting) -> list[tuple[int, int, bool]]:
    stmt = select(
        MeetingBallot.application_id, MeetingBallot.expert_id, MeetingBallot.recused
    ).where(MeetingBallot.meeting_id == meeting.id)
    return sorted(tuple(row) for row in session.execute(stmt).all())


def status_of(session, meeting) -> MeetingStatus:
    session.expire_all()
    return session.get(ReviewMeeting, meeting.id).status


def dossier_link(application) -> str:
    return f'href="/committee/dossiers/{application.id}"'


def expert_link(meeting, application) -> str:
    return f'href="/expert/meetings/{meeting.id}/dossiers/{application.id}"'


def candidate_box(application) -> str:
    return f'name="applications" value="{application.id}"'


# --- 评委会受理 ----------------------------------------------------------------------------------


@pytest.fixture
def foreign_intake(session, world):
    """A dossier waiting for the other committee's 受理."""
    application = make_application(
        session,
        unit=world.org.unit,
        committee=world.other_committee,
        status=ApplicationStatus.UNDER_REVIEW,
        stage=ReviewStage.COMMITTEE_INTAKE,
    )
    session.commit()
    return application


def test_intake_list_shows_what_waits_and_all_tab_shows_the_committee(
    session, world, foreign_intake, as_person
):
    client = as_person(world.secretary)
    waiting = text(client.get("/committee/dossiers/"))
    assert "待受理" in waiting
    assert dossier_link(world.intake) in waiting
    assert not any(dossier_link(a) in waiting for a in world.evaluating)
    assert dossier_link(foreign_intake) not in waiting
    everything = text(client.get("/committee/dossiers/?tab=all"))
    for application in [world.intake, *world.evaluating]:
        assert dossier_link(application) in everything
    assert dossier_link(foreign_intake) not in everything


def test_other_secretary_lists_only_their_own(session, world, foreign_intake, as_person):
    html = text(as_person(world.other_secretary).get("/committee/dossiers/?tab=all"))
    assert dossier_link(foreign_intake) in html
    assert not any(dossier_link(a) in html for a in [world.intake, *world.evaluating])


def _action_forms(application) -> list[str]:
    base = f"/committee/dossiers/{application.id}"
    return [f'action="{base}/accept"', f'action="{base}/refuse"', f'action="{base}/return"']


def test_intake_buttons_only_at_committee_intake(session, world, as_person):
    client = as_person(world.secretary)
    at_intake = text(client.get(f"/committee/dossiers/{world.intake.id}"))
    assert all(form in at_intake for form in _action_forms(world.intake))
    assert ">受理</button>" in at_intake and ">不予受理</button>" in at_intake
    assert ">退回修改</button>" in at_intake
    evaluating = world.evaluating[0]
    page = client.get(f"/committee/dossiers/{evaluating.id}")
    assert page.status_code == 200
    html = text(page)
    assert not any(form in html for form in _action_forms(evaluating))
    assert ">受理</button>" not in html and ">不予受理</button>" not in html


def test_accept_moves_to_evaluation_with_history(session, world, as_person):
    client = as_person(world.secretary)
    response = client.post(f"/committee/dossiers/{world.intake.id}/accept", follow_redirects=True)
    assert "已受理" in text(response)
    session.refresh(world.intake)
    assert world.intake.status == ApplicationStatus.EVALUATING
    assert world.intake.stage is None
    last = world.intake.history[-1]
    assert last.action == Action.ACCEPT
    assert last.actor_role == Role.COMMITTEE_SECRETARY
    assert last.actor_id == world.secretary.id


def test_refuse_needs_a_reason(session, world, as_person):
    client = as_person(world.secretary)
    url = f"/committee/dossiers/{world.intake.id}/refuse"
    for data in ({}, {"reason": ""}, {"reason": "   "}):
        response = client.post(url, data=data, follow_redirects=True)
        assert "请填写不予受理的原因" in text(response)
    session.refresh(world.intake)
    assert world.intake.status == ApplicationStatus.UNDER_REVIEW
    assert world.intake.stage == ReviewStage.COMMITTEE_INTAKE
    assert world.intake.history == []


def test_refuse_with_reason_records_it(session, world, as_person):
    client = as_person(world.secretary)
    response = client.post(
        f"/committee/dossiers/{world.intake.id}/refuse",
        data={"reason": "不符合申报条件"},
        follow_redirects=True,
    )
    assert "已不予受理" in text(response)
    session.refresh(world.intake)
    assert world.intake.status == ApplicationStatus.NOT_ACCEPTED
    last = world.intake.history[-1]
    assert (last.action, last.reason) == (Action.REFUSE, "不符合申报条件")


def test_return_with_reason_and_sections(session, world, as_person):
    client = as_person(world.secretary)
    response = client.post(
        f"/committee/dossiers/{world.intake.id}/return",
        data={"reason": "学历证明不清晰", "sections": ["学历资历", "小结"]},
    )
    assert response.status_code == 302
    session.refresh(world.intake)
    assert world.intake.status == ApplicationStatus.RETURNED
    assert world.intake.return_reason == "学历证明不清晰"
    last = world.intake.history[-1]
    assert last.action == Action.RETURN
    assert last.sections == "学历资历、小结"


def test_return_lands_on_a_page_that_says_it_was_returned(session, world, as_person):
    """A returned dossier leaves the secretary's scope: the redirect must not end in a 404."""
    client = as_person(world.secretary)
    response = client.post(
        f"/committee/dossiers/{world.intake.id}/return",
        data={"reason": "学历证明不清晰", "sections": ["学历资历"]},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "已退回修改" in text(response)


def test_return_refuses_without_reason_or_with_unknown_section(session, world, as_person):
    client = as_person(world.secretary)
    url = f"/committee/dossiers/{world.intake.id}/return"
    empty = client.post(url, data={"reason": ""}, follow_redirects=True)
    assert "请填写退回原因" in text(empty)
    unknown = client.post(
        url, data={"reason": "补材料", "sections": ["乱写"]}, follow_redirects=True
    )
    assert "涉及模块" in text(unknown)
    session.refresh(world.intake)
    assert world.intake.status == ApplicationStatus.UNDER_REVIEW


def test_other_committee_secretary_gets_404_everywhere(session, world, as_person):
    client = as_person(world.other_secretary)
    base = f"/committee/dossiers/{world.intake.id}"
    assert client.get(base).status_code == 404
    assert client.post(f"{base}/accept").status_code == 404
    assert client.post(f"{base}/refuse", data={"reason": "越权"}).status_code == 404
    returned = client.post(f"{base}/return", data={"reason": "越权", "sections": ["小结"]})
    assert returned.status_code == 404
    assert client.get(f"/committee/dossiers/{world.evaluating[0].id}").status_code == 404
    session.refresh(world.intake)
    assert world.intake.status == ApplicationStatus.UNDER_REVIEW
    assert world.intake.stage == ReviewStage.COMMITTEE_INTAKE
    count = select(func.count()).select_from(ApplicationHistory)
    assert session.scalar(count) == 0


# --- the secretary's meeting pages ---------------------------------------------------------


GOOD_MEETING = {"name": "第一次评审会", "held_on": "2026-11-02", "place": "兰州", "size": "5"}


def test_create_meeting_through_the_form(session, world, as_person):
    client = as_person(world.secretary)
    response = client.post("/committee/meetings/", data=GOOD_MEETING)
    assert response.status_code == 302
    meeting = session.scalars(select(ReviewMeeting)).one()
    assert response.headers["Location"].endswith(f"/committee/meetings/{meeting.id}")
    assert (meeting.name, meeting.place, meeting.size) == ("第一次评审会", "兰州", 5)
    assert meeting.held_on.isoformat() == "2026-11-02"
    assert meeting.committee_id == world.committee.id
    assert meeting.status == MeetingStatus.PREPARING
    listed = text(client.get("/committee/meetings/"))
    assert f'href="/committee/meetings/{meeting.id}"' in listed
    other = text(as_person(world.other_secretary).get("/committee/meetings/"))
    assert f'href="/committee/meetings/{meeting.id}"' not in other


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"size": "4"}, "抽取的评审专家人数须为奇数"),
        ({"size": "abc"}, "抽取专家人数须为整数"),
        ({"size": ""}, "请填写抽取专家人数"),
        ({"size": "0"}, "抽取专家人数须在1-99之间"),
        ({"size": "-3"}, "抽取专家人数须为整数"),
        ({"name": ""}, "请填写会议名称"),
        ({"name": "   "}, "请填写会议名称"),
        ({"name": "会" * 101}, "会议名称不能超过100字"),
        ({"held_on": "2026-13-40"}, "会议日期格式不正确"),
        ({"held_on": ""}, "请填写会议日期"),
    ],
)
def test_create_meeting_refuses_bad_input(session, world, as_person, change, message):
    client = as_person(world.secretary)
    response = client.post("/committee/meetings/", data={**GOOD_MEETING, **change})
    assert response.status_code == 200
    assert message in text(response)
    assert meeting_count(session) == 0


def test_meeting_page_lists_candidates(session, world, meeting_of, as_person):
    meeting = meeting_of(dossiers=[])
    html = text(as_person(world.secretary).get(f"/committee/meetings/{meeting.id}"))
    assert "筹备中" in html
    for application in world.evaluating:
        assert candidate_box(application) in html
    assert candidate_box(world.intake) not in html
    assert "尚未添加参评申报" in html


def test_add_dossiers_to_a_meeting(session, world, meeting_of, as_person):
    meeting = meeting_of(dossiers=[])
    client = as_person(world.secretary)
    first, second, _ = world.evaluating
    response = client.post(
        f"/committee/meetings/{meeting.id}/add",
        data={"applications": [str(first.id), str(second.id)]},
        follow_redirects=True,
    )
    html = text(response)
    assert "已加入本次评审会议" in html
    assert routed_ids(session, meeting) == {first.id, second.id}
    assert "参评申报（2份）" in html
    assert candidate_box(first) not in html and candidate_box(world.evaluating[2]) in html


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["999999"], NOT_ROUTABLE),
        (["x"], "参评申报的选项无效，请刷新页面后重新选择"),
        (["-1"], "参评申报的选项无效，请刷新页面后重新选择"),
        ([], "请先勾选要加入本次会议的申报"),
        ("intake", NOT_ROUTABLE),
        ("good_and_forged", NOT_ROUTABLE),
    ],
)
def test_add_refuses_bad_ids(session, world, meeting_of, as_person, ids, message):
    meeting = meeting_of(dossiers=[])
    if ids == "intake":
        ids = [str(world.intake.id)]
    elif ids == "good_and_forged":
        ids = [str(world.evaluating[0].id), "999999"]
    client = as_person(world.secretary)
    response = client.post(
        f"/committee/meetings/{meeting.id}/add",
        data={"csrf_token": "", "applications": ids},  # the page's form always sends its token
        follow_redirects=True,
    )
    assert message in text(response)
    assert routed_ids(session, meeting) == set()


def test_add_refuses_a_dossier_held_by_another_open_meeting(session, world, meeting_of, as_person):
    holder = meeting_of(dossiers=[world.evaluating[0]])
    meeting = meeting_of(dossiers=[])
    client = as_person(world.secretary)
    response = client.post(
        f"/committee/meetings/{meeting.id}/add",
        data={"applications": [str(world.evaluating[0].id)]},
        follow_redirects=True,
    )
    assert NOT_ROUTABLE in text(response)
    assert routed_ids(session, meeting) == set()
    assert routed_ids(session, holder) == {world.evaluating[0].id}


def test_remove_a_dossier(session, world, meeting_of, as_person):
    meeting = meeting_of()
    client = as_person(world.secretary)
    gone = world.evaluating[0]
    response = client.post(
        f"/committee/meetings/{meeting.id}/remove/{gone.id}", follow_redirects=True
    )
    html = text(response)
    assert "已移出本次评审会议" in html
    assert routed_ids(session, meeting) == {a.id for a in world.evaluating[1:]}
    assert candidate_box(gone) in html
    not_routed = client.post(f"/committee/meetings/{meeting.id}/remove/{gone.id}")
    assert not_routed.status_code == 404


def test_draw_through_the_page(session, world, as_person):
    client = as_person(world.secretary)
    client.post("/committee/meetings/", data=GOOD_MEETING)
    meeting = session.scalars(select(ReviewMeeting)).one()
    assert "尚未抽取评审专家" in text(client.get(f"/committee/meetings/{meeting.id}"))
    response = client.post(f"/committee/meetings/{meeting.id}/draw", follow_redirects=True)
    html = text(response)
    assert "已随机抽取评审专家" in html
    assert drawn_ids(session, meeting) == {e.id for e in world.experts}
    assert all(f'name="experts" value="{e.id}"' in html for e in world.experts)
    session.expire_all()
    assert session.get(ReviewMeeting, meeting.id).drawn_at is not None


def test_draw_refuses_when_the_pool_is_too_small(session, world, as_person):
    client = as_person(world.secretary)
    client.post("/committee/meetings/", data={**GOOD_MEETING, "size": "7"})
    meeting = session.scalars(select(ReviewMeeting)).one()
    response = client.post(f"/committee/meetings/{meeting.id}/draw", follow_redirects=True)
    assert "评委会专家库中可抽取的专家只有5人，不足7人" in text(response)
    assert drawn_ids(session, meeting) == set()


def test_start_voting_with_attendance(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3)
    client = as_person(world.secretary)
    present = [world.experts[0].id, world.experts[2].id]
    response = client.post(
        f"/committee/meetings/{meeting.id}/start",
        data={"experts": [str(i) for i in present]},
        follow_redirects=True,
    )
    html = text(response)
    assert "已开始表决" in html and "表决中" in html
    assert status_of(session, meeting) == MeetingStatus.VOTING
    attendance = dict(
        session.execute(
            select(MeetingExpert.expert_id, MeetingExpert.attended).where(
                MeetingExpert.meeting_id == meeting.id
            )
        ).all()
    )
    assert attendance == {world.experts[0].id: True, world.experts[1].id: False, present[1]: True}
    assert "缺席" in html


@pytest.mark.parametrize(
    ("experts", "message"),
    [
        ([], "请登记出席会议的评审专家"),
        (["x"], "出席专家的选项无效，请刷新页面后重新选择"),
        ("undrawn", "出席名单中有未抽取到本次会议的专家，请刷新页面后重新登记"),
    ],
)
def test_start_refuses_bad_attendance(session, world, meeting_of, as_person, experts, message):
    meeting = meeting_of(size=3)
    if experts == "undrawn":
        experts = [str(world.experts[4].id)]
    client = as_person(world.secretary)
    response = client.post(
        f"/committee/meetings/{meeting.id}/start",
        data={"csrf_token": "", "experts": experts},  # the page's form always sends its token
        follow_redirects=True,
    )
    assert message in text(response)
    assert status_of(session, meeting) == MeetingStatus.PREPARING


def test_empty_posts_to_add_and_start_are_refused_not_a_500(session, world, meeting_of, as_person):
    """A POST without any field (no checkbox ticked, no token) leaves the id lists as None."""
    meeting = meeting_of(size=3, dossiers=[])
    client = as_person(world.secretary)
    added = client.post(f"/committee/meetings/{meeting.id}/add", follow_redirects=True)
    assert "请先勾选要加入本次会议的申报" in text(added)
    started = client.post(f"/committee/meetings/{meeting.id}/start", follow_redirects=True)
    assert "请先添加参加本次评审会议的申报" in text(started)
    assert routed_ids(session, meeting) == set()
    assert status_of(session, meeting) == MeetingStatus.PREPARING


def test_start_refuses_a_meeting_without_dossiers(session, world, meeting_of, as_person):
    meeting = meeting_of(dossiers=[])
    client = as_person(world.secretary)
    response = client.post(
        f"/committee/meetings/{meeting.id}/start",
        data={"experts": [str(world.experts[2].id)]},
        follow_redirects=True,
    )
    assert "请先添加参加本次评审会议的申报" in text(response)
    assert status_of(session, meeting) == MeetingStatus.PREPARING


def test_close_shows_the_results(session, world, meeting_of, as_person):
    _, failing, passing = world.evaluating
    meeting = meeting_of(size=3, dossiers=[failing, passing], start=True)
    for expert, choice in zip(world.experts[:3], [VoteChoice.AGREE] * 3, strict=True):
        meetings.cast_vote(session, world.actor(expert), meeting.id, passing.id, choice, FIXED_NOW)
    meetings.cast_vote(
        session, world.actor(world.experts[2]), meeting.id, failing.id, VoteChoice.AGREE, FIXED_NOW
    )
    meetings.cast_vote(
        session,
        world.actor(world.experts[0]),
        meeting.id,
        failing.id,
        VoteChoice.DISAGREE,
        FIXED_NOW,
    )
    session.commit()
    client = as_person(world.secretary)
    response = client.post(f"/committee/meetings/{meeting.id}/close", follow_redirects=True)
    html = text(response)
    assert "已结束表决，表决结果已生成" in html and "已结束" in html
    assert "应到3人，实到3人；同意3票，不同意0票，弃权0票" in html
    assert "应到3人，实到3人；同意1票，不同意1票，弃权0票，未投票1人" in html
    assert '<td class="outcome">通过</td>' in html
    assert '<td class="outcome">未通过</td>' in html
    session.expire_all()
    assert passing.status == ApplicationStatus.PUBLICITY
    assert failing.status == ApplicationStatus.FAILED
    outcomes = dict(
        session.execute(
            select(MeetingApplication.application_id, MeetingApplication.outcome).where(
                MeetingApplication.meeting_id == meeting.id
            )
        ).all()
    )
    assert outcomes == {passing.id: VoteOutcome.PASSED, failing.id: VoteOutcome.FAILED}
    again = client.post(f"/committee/meetings/{meeting.id}/close", follow_redirects=True)
    assert "评审会议当前为“已结束”，不能进行此操作" in text(again)


def test_close_refuses_a_meeting_in_preparation(session, world, meeting_of, as_person):
    meeting = meeting_of()
    client = as_person(world.secretary)
    response = client.post(f"/committee/meetings/{meeting.id}/close", follow_redirects=True)
    assert "评审会议当前为“筹备中”，不能进行此操作" in text(response)
    assert status_of(session, meeting) == MeetingStatus.PREPARING


def _snapshot(session, meeting):
    session.expire_all()
    row = session.get(ReviewMeeting, meeting.id)
    return (
        row.status,
        row.drawn_at,
        routed_ids(session, meeting),
        drawn_ids(session, meeting),
        meeting_count(session),
    )


def _meeting_actions(meeting, world) -> list[tuple[str, dict]]:
    base = f"/committee/meetings/{meeting.id}"
    return [
        (f"{base}/add", {"applications": [str(world.evaluating[0].id)]}),
        (f"{base}/add", {}),
        (f"{base}/remove/{world.evaluating[1].id}", {}),
        (f"{base}/draw", {}),
        (f"{base}/start", {"experts": [str(world.experts[2].id)]}),
        (f"{base}/close", {}),
    ]


@pytest.mark.parametrize("start", [False, True])
def test_other_committee_secretary_gets_404_on_every_meeting_action(
    session, world, meeting_of, as_person, start
):
    meeting = meeting_of(dossiers=world.evaluating[1:], start=start)
    before = _snapshot(session, meeting)
    client = as_person(world.other_secretary)
    assert client.get(f"/committee/meetings/{meeting.id}").status_code == 404
    for url, data in _meeting_actions(meeting, world):
        assert client.post(url, data=data).status_code == 404, url
    assert _snapshot(session, meeting) == before


def test_unknown_meeting_is_404(session, world, as_person):
    client = as_person(world.secretary)
    assert client.get("/committee/meetings/999999").status_code == 404
    assert client.post("/committee/meetings/999999/draw").status_code == 404
    assert client.get("/committee/meetings/abc").status_code == 404


@pytest.mark.parametrize("who", ["expert", "applicant", "unit_handler", "province_admin"])
def test_other_roles_cannot_use_committee_pages(session, world, meeting_of, as_person, who):
    meeting = meeting_of(dossiers=world.evaluating[1:], start=True)
    account = {
        "expert": world.experts[2],
        "applicant": world.intake.applicant,
        "unit_handler": make_account(session, Role.UNIT_HANDLER, unit=world.org.unit),
        "province_admin": make_account(session, Role.PROVINCE_ADMIN, unit=world.org.province),
    }[who]
    session.commit()
    before = _snapshot(session, meeting)
    client = as_person(account)
    for url in (
        "/committee/meetings/",
        f"/committee/meetings/{meeting.id}",
        "/committee/dossiers/",
        f"/committee/dossiers/{world.intake.id}",
    ):
        assert client.get(url).status_code != 200, url
    assert client.post("/committee/meetings/", data=GOOD_MEETING).status_code != 200
    for url, data in _meeting_actions(meeting, world):
        assert client.post(url, data=data).status_code != 200, url
    intake = f"/committee/dossiers/{world.intake.id}"
    assert client.post(f"{intake}/accept").status_code != 200
    assert client.post(f"{intake}/refuse", data={"reason": "越权"}).status_code != 200
    assert client.post(f"{intake}/return", data={"reason": "越权"}).status_code != 200
    assert _snapshot(session, meeting) == before
    session.refresh(world.intake)
    assert world.intake.stage == ReviewStage.COMMITTEE_INTAKE
    assert world.intake.history == []


# --- the experts' pages --------------------------------------------------------------------


def test_expert_home_lists_meetings_drawn_for(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3)
    link = f'href="/expert/meetings/{meeting.id}"'
    assert link in text(as_person(world.experts[2]).get("/expert/"))
    for outsider in (world.experts[3], world.other_expert):
        html = text(as_person(outsider).get("/expert/"))
        assert link not in html
        assert "目前没有抽取到您参加的评审会议" in html


def test_expert_meeting_lists_dossiers_except_own_unit(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3)
    same_unit, other, lone = world.evaluating
    for expert, hidden in (
        (world.experts[0], {same_unit.id}),
        (world.experts[1], {same_unit.id}),
        (world.experts[2], set()),
    ):
        html = text(as_person(expert).get(f"/expert/meetings/{meeting.id}"))
        assert "筹备中" in html
        for application in (same_unit, other, lone):
            shown = expert_link(meeting, application) in html
            assert shown == (application.id not in hidden), (expert.name, application.id)


def test_expert_dossier_page_has_a_vote_form_while_voting(session, world, meeting_of, as_person):
    preparing = meeting_of(size=3, dossiers=[world.evaluating[1]])
    client = as_person(world.experts[2])
    page = client.get(f"/expert/meetings/{preparing.id}/dossiers/{world.evaluating[1].id}")
    assert page.status_code == 200
    html = text(page)
    assert world.evaluating[1].applicant.name in html
    assert "vote-form" not in html and "会议开始表决后可以投票" in html
    voting = meeting_of(size=3, dossiers=[world.evaluating[2]], start=True)
    page = client.get(f"/expert/meetings/{voting.id}/dossiers/{world.evaluating[2].id}")
    assert page.status_code == 200
    html = text(page)
    assert world.evaluating[2].applicant.name in html
    assert 'class="vote-form"' in html and 'value="AGREE"' in html


def _vote_url(meeting, application) -> str:
    return f"/expert/meetings/{meeting.id}/dossiers/{application.id}/vote"


def test_vote_is_recorded_and_counted(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3, start=True)
    target = world.evaluating[2]
    client = as_person(world.experts[2])
    response = client.post(_vote_url(meeting, target), data={"choice": "AGREE"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/expert/meetings/{meeting.id}")
    html = text(client.get(response.headers["Location"]))
    assert "已投票" in html
    assert counters(session, meeting, target) == (1, 0, 0)
    assert ballots(session, meeting) == [(target.id, world.experts[2].id, False)]
    page = text(client.get(f"/expert/meetings/{meeting.id}/dossiers/{target.id}"))
    assert "您对该申报：已投票" in page and "vote-form" not in page
    again = client.post(
        _vote_url(meeting, target), data={"choice": "DISAGREE"}, follow_redirects=True
    )
    assert "您已对该申报投过票，不能重复投票" in text(again)
    assert counters(session, meeting, target) == (1, 0, 0)


@pytest.mark.parametrize("data", [{"choice": "MAYBE"}, {}, {"choice": ""}, {"choice": "同意"}])
def test_vote_refuses_a_bad_choice(session, world, meeting_of, as_person, data):
    meeting = meeting_of(size=3, start=True)
    target = world.evaluating[2]
    client = as_person(world.experts[2])
    response = client.post(_vote_url(meeting, target), data=data, follow_redirects=True)
    assert BAD_CHOICE in text(response)
    assert counters(session, meeting, target) == (0, 0, 0)
    assert ballots(session, meeting) == []


def test_vote_refused_before_voting_and_when_absent(session, world, meeting_of, as_person):
    preparing = meeting_of(size=3, dossiers=[world.evaluating[1]])
    client = as_person(world.experts[2])
    early = client.post(
        _vote_url(preparing, world.evaluating[1]), data={"choice": "AGREE"}, follow_redirects=True
    )
    assert "评审会议不在表决中，不能投票" in text(early)
    absent_meeting = meeting_of(
        size=3, dossiers=[world.evaluating[2]], start=True, attending=[world.experts[0].id]
    )
    absent = client.post(
        _vote_url(absent_meeting, world.evaluating[2]),
        data={"choice": "AGREE"},
        follow_redirects=True,
    )
    assert "您未登记出席本次评审会议，不能投票" in text(absent)
    assert counters(session, preparing, world.evaluating[1]) == (0, 0, 0)
    assert counters(session, absent_meeting, world.evaluating[2]) == (0, 0, 0)


def test_recuse_hides_the_dossier(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3, start=True)
    target = world.evaluating[1]
    client = as_person(world.experts[2])
    url = f"/expert/meetings/{meeting.id}/dossiers/{target.id}"
    response = client.post(f"{url}/recuse", follow_redirects=True)
    html = text(response)
    assert "已申请回避" in html
    assert expert_link(meeting, target) not in html
    assert expert_link(meeting, world.evaluating[2]) in html
    assert client.get(url).status_code == 404
    assert ballots(session, meeting) == [(target.id, world.experts[2].id, True)]
    vote = client.post(f"{url}/vote", data={"choice": "AGREE"})
    assert vote.status_code == 302
    assert "您已回避该申报，不能投票" in text(client.get(f"/expert/meetings/{meeting.id}"))
    assert counters(session, meeting, target) == (0, 0, 0)
    assert ballots(session, meeting) == [(target.id, world.experts[2].id, True)]


def test_outsiders_get_404_on_meeting_dossier_and_vote(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3, start=True)
    base = f"/expert/meetings/{meeting.id}"
    for outsider in (world.experts[3], world.other_expert):
        client = as_person(outsider)
        assert client.get(base).status_code == 404
        for application in world.evaluating:
            url = f"{base}/dossiers/{application.id}"
            assert client.get(url).status_code == 404
            assert client.post(f"{url}/vote", data={"choice": "AGREE"}).status_code == 404
            assert client.post(f"{url}/recuse").status_code == 404
    same_unit = as_person(world.experts[0])
    assert same_unit.get(base).status_code == 200
    url = f"{base}/dossiers/{world.evaluating[0].id}"
    assert same_unit.get(url).status_code == 404
    assert same_unit.post(f"{url}/vote", data={"choice": "AGREE"}).status_code == 404
    assert same_unit.post(f"{url}/recuse").status_code == 404
    assert ballots(session, meeting) == []
    for application in world.evaluating:
        assert counters(session, meeting, application) == (0, 0, 0)


def test_unrouted_dossier_and_unknown_meeting_are_404(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3, dossiers=[world.evaluating[2]], start=True)
    client = as_person(world.experts[2])
    url = f"/expert/meetings/{meeting.id}/dossiers/{world.evaluating[1].id}"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/vote", data={"choice": "AGREE"}).status_code == 404
    assert client.get("/expert/meetings/999999").status_code == 404


def test_after_close_dossiers_are_no_longer_open(session, world, meeting_of, as_person):
    meeting = meeting_of(size=3, start=True)
    client = as_person(world.experts[2])
    target = world.evaluating[2]
    url = f"/expert/meetings/{meeting.id}/dossiers/{target.id}"
    assert client.get(url).status_code == 200
    meetings.close_meeting(
        session, world.actor(world.secretary), world.secretary, meeting.id, FIXED_NOW
    )
    session.commit()
    html = text(client.get(f"/expert/meetings/{meeting.id}"))
    assert "已结束" in html and "申报材料不再开放查阅" in html
    assert expert_link(meeting, target) not in html
    assert client.get(url).status_code == 404
    late = client.post(f"{url}/vote", data={"choice": "AGREE"})
    assert late.status_code == 302
    assert "评审会议不在表决中，不能投票" in text(client.get(f"/expert/meetings/{meeting.id}"))
    assert counters(session, meeting, target) == (0, 0, 0)


# --- files of routed dossiers --------------------------------------------------------------


@pytest.fixture
def routed_file(session, world):
    """A JPEG of the org.unit dossier, stored for real (experts 0 and 1 are recused for it)."""
    add_item(session, world.evaluating[0], ItemKind.PAPER, parts=("正文",))
    session.commit()
    return session.scalars(
        select(Attachment).where(Attachment.application_id == world.evaluating[0].id)
    ).one()


def _file_status(client, attachment) -> set[int]:
    codes = set()
    for suffix in ("", "/inline", "/thumb"):
        response = client.get(f"/attachments/{attachment.id}{suffix}")
        codes.add(response.status_code)
        if response.status_code == 200:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    return codes


def test_files_of_a_routed_dossier(session, world, meeting_of, as_person, routed_file):
    meeting_of(size=3)
    drawn = as_person(world.experts[2])
    assert _file_status(drawn, routed_file) == {200}
    thumb = drawn.get(f"/attachments/{routed_file.id}/thumb")
    assert thumb.headers["Content-Type"] == "image/jpeg"
    for outsider in (world.experts[0], world.experts[1], world.experts[3], world.other_expert):
        assert _file_status(as_person(outsider), routed_file) == {404}, outsider.name
    assert _file_status(as_person(world.secretary), routed_file) == {200}
    assert _file_status(as_person(world.other_secretary), routed_file) == {404}


def test_files_close_with_the_meeting(session, world, meeting_of, as_person, routed_file):
    meeting = meeting_of(size=3, start=True)
    drawn = as_person(world.experts[2])
    assert _file_status(drawn, routed_file) == {200}
    meetings.close_meeting(
        session, world.actor(world.secretary), world.secretary, meeting.id, FIXED_NOW
    )
    session.commit()
    assert _file_status(drawn, routed_file) == {404}
    assert _file_status(as_person(world.secretary), routed_file) == {200}


def test_files_close_when_the_expert_declares_a_conflict(
    session, world, meeting_of, as_person, routed_file
):
    meeting = meeting_of(size=3, start=True)
    drawn = as_person(world.experts[2])
    drawn.post(f"/expert/meetings/{meeting.id}/dossiers/{world.evaluating[0].id}/recuse")
    assert _file_status(drawn, routed_file) == {404}


def test_files_of_an_unrouted_dossier_stay_closed(
    session, world, meeting_of, as_person, routed_file
):
    meeting_of(size=3, dossiers=world.evaluating[1:])
    assert _file_status(as_person(world.experts[2]), routed_file) == {404}


# --- query counts --------------------------------------------------------------------------


def _more_dossiers(session, world, n: int):
    made = [
        make_application(
            session,
            unit=world.org.lone_unit,
            committee=world.committee,
            status=ApplicationStatus.EVALUATING,
        )
        for _ in range(n)
    ]
    session.commit()
    return made


def _queries(client, url: str) -> int:
    from app.extensions import db

    assert client.get(url).status_code == 200
    with counting_queries(db.engine) as counter:
        assert client.get(url).status_code == 200
    return counter["n"]


@pytest.mark.parametrize("start", [False, True])
def test_meeting_pages_issue_a_fixed_number_of_queries(
    session, world, meeting_of, as_person, start
):
    small = meeting_of(size=3, dossiers=[world.evaluating[2]], start=start)
    large = meeting_of(size=3, dossiers=_more_dossiers(session, world, 10), start=start)
    secretary, expert = as_person(world.secretary), as_person(world.experts[2])
    assert len(routed_ids(session, large)) == 10
    big_page = text(expert.get(f"/expert/meetings/{large.id}"))
    assert big_page.count(f'href="/expert/meetings/{large.id}/dossiers/') == 10
    for client, base in ((secretary, "/committee/meetings"), (expert, "/expert/meetings")):
        one = _queries(client, f"{base}/{small.id}")
        ten = _queries(client, f"{base}/{large.id}")
        assert one > 0
        assert one == ten, base
