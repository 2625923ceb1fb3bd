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
import os
import random
import statistics
import tempfile
import time

from flask_migrate import upgrade
from sqlalchemy import MetaData, select

from app import create_app
from app.extensions import db
from app.models import Account, Application, Committee
from app.services import meetings
from app.services.catalog import load_catalog
from app.services.scopes import actor_for
from app.workflow.states import ApplicationStatus, Role, VoteChoice
from benchmarks.bench_lists import BenchConfig, _fill, _measure
from config import normalise_database_url
from tests.conftest import IsolatedClient
from tests.factories import PASSWORD, make_account
from tests.helpers import login

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
    url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        BenchConfig.SQLALCHEMY_DATABASE_URI = (
            normalise_database_url(url) if url else f"sqlite:///{tmp}/bench.db"
        )
        BenchConfig.UPLOAD_DIR = tmp
        app = create_app(BenchConfig)
        with app.app_context():
            meta = MetaData()
            meta.reflect(bind=db.engine)
            meta.drop_all(bind=db.engine)
            upgrade()
            load_catalog(db.session)
            db.session.commit()
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
        print(f"{'page':30} {'median ms':>10} {'queries':>8} {'KB':>7}")
        for who, path, label in pages:
            client = IsolatedClient(app, app.response_class, use_cookies=True)
            with app.app_context():
                login(client, names[who], PASSWORD)
                ms, queries, size = _measure(client, path, args.runs)
            print(f"{label:30} {ms:10.1f} {queries:8d} {size / 1024:7.1f}")
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
