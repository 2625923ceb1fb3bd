"""评审会议 at scale: the secretary's and the experts' pages, a ballot, and 结束表决.

Not a test: run it by hand and read the numbers.

    .venv/bin/python -m benchmarks.bench_meetings [--applications 20000] [--routed 500] [--runs 7]
    DATABASE_URL=postgresql://postgres@127.0.0.1/bench .venv/bin/python -m benchmarks.bench_meetings

It fills a fresh database as bench_lists does (a sixth of the applications are 评审中), gives the
committee a pool of 25 experts, routes ``--routed`` dossiers to one meeting of 15 drawn experts
and opens the vote; then prints the pages' median time and SQL statements, the time of one
ballot, and the time 结束表决 takes to tally and move every routed dossier.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time

from sqlalchemy import select

from app.extensions import db
from app.models import Account, Application, Committee
from app.services import meetings
from app.services.scopes import actor_for
from app.workflow.states import ApplicationStatus, Role, VoteChoice
from benchmarks.bench_lists import _fill
from benchmarks.harness import BenchConfig, fresh_app, print_pages
from tests.factories import make_account

SIZE = 15
POOL = 25


def _meeting(routed: int) -> tuple[int, list[int], Account, list[Account]]:
    committee = db.session.scalars(select(Committee)).one()
    secretary = make_account(db.session, Role.COMMITTEE_SECRETARY, committee=committee)
    for _ in range(POOL):
        make_account(db.session, Role.EXPERT, committee=committee)
    now = BenchConfig.FIXED_NOW
    actor = actor_for(secretary)
    meeting = meetings.create_meeting(
        db.session, actor, secretary, name="基准测试会议", held_on=now.date(), place="", size=SIZE
    )
    ids = db.session.scalars(
        select(Application.id)
        .where(Application.status == ApplicationStatus.EVALUATING)
        .order_by(Application.id)
        .limit(routed)
    ).all()
    meetings.add_dossiers(db.session, actor, meeting.id, ids)
    drawn = meetings.draw(db.session, actor, secretary, meeting.id, now, rng=random.Random(1))
    meetings.start_voting(db.session, actor, secretary, meeting.id, [e.id for e in drawn], now)
    db.session.commit()
    return meeting.id, list(ids), secretary, drawn


def _ballots(meeting_id: int, routed: list[int], experts: list[Account]) -> tuple[float, int]:
    """Every drawn expert votes on every routed dossier; the median time of one ballot."""
    times = []
    for expert in experts:
        actor = actor_for(expert)
        for application_id in routed:
            started = time.perf_counter()
            meetings.cast_vote(
                db.session,
                actor,
                meeting_id,
                application_id,
                VoteChoice.AGREE,
                BenchConfig.FIXED_NOW,
            )
            db.session.commit()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, len(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--routed", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = fresh_app(tmp)
        with app.app_context():
            _fill(args.applications)
            meeting_id, routed, secretary, drawn = _meeting(args.routed)
            print(
                f"{db.engine.dialect.name}: {args.applications} applications, "
                f"{args.routed} routed to one meeting of {SIZE} experts"
            )
            names = {"secretary": secretary.username, "expert": drawn[0].username}
            secretary_id, drawn_ids = secretary.id, [e.id for e in drawn]
        pages = [
            ("secretary", f"/committee/meetings/{meeting_id}", "会议页（秘书）"),
            ("secretary", "/committee/meetings/", "评审会议列表"),
            ("expert", "/expert/", "评审会议（专家）"),
            ("expert", f"/expert/meetings/{meeting_id}", "会议页（专家）"),
        ]
        print_pages(app, pages, names, args.runs, width=30)
        with app.app_context():
            drawn = [db.session.get(Account, i) for i in drawn_ids]
            ballot_ms, count = _ballots(meeting_id, routed, drawn)
            print(f"one ballot (median of {count}): {ballot_ms:.1f} ms")
            secretary = db.session.get(Account, secretary_id)
            started = time.perf_counter()
            meetings.close_meeting(
                db.session, actor_for(secretary), secretary, meeting_id, BenchConfig.FIXED_NOW
            )
            db.session.commit()
            print(f"结束表决 ({args.routed} dossiers): {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
