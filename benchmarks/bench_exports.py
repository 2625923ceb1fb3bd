"""导出名单 and 申报统计 at scale: time, SQL statements and peak Python memory.

Not a test: run it by hand and read the numbers.

    .venv/bin/python -m benchmarks.bench_exports [--rows 20000] [--routed 500] [--runs 3]
    DATABASE_URL=postgresql://postgres@127.0.0.1/bench .venv/bin/python -m benchmarks.bench_exports

It fills a fresh database as bench_lists does, then puts every application in the committee
secretary's list (评审中; every tenth 已发证) and routes ``--routed`` of them to a meeting
(as bench_meetings does). It prints, for the 申报人员名单 built straight from the service
(query → rows → write-only workbook → spooled file), the time and the peak memory Python
allocated (tracemalloc) for a tenth of the rows and for all of them: with streaming the two
peaks are about the same. For contrast it also prints the peak of merely holding all the rows
in a list. Then the download pages through the web client (median time, statements, size).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from datetime import datetime

from sqlalchemy import func, select, update

from app.documents.spreadsheet import write_xlsx
from app.extensions import db
from app.models import Account, Application
from app.services import exports
from app.services.scopes import actor_for
from app.workflow.states import ApplicationStatus
from benchmarks.bench_lists import _fill
from benchmarks.bench_meetings import _meeting
from benchmarks.harness import BenchConfig, fresh_app, print_pages

YEAR = BenchConfig.FIXED_NOW.year
LIST_URL = "/committee/exports/applications.xlsx"


def _all_in_the_committee_list() -> None:
    db.session.execute(
        update(Application).values(
            status=ApplicationStatus.EVALUATING, stage=None, submitted_at=datetime(YEAR, 9, 1)
        )
    )
    db.session.execute(
        update(Application)
        .where(Application.id % 10 == 0)
        .values(status=ApplicationStatus.CERTIFIED)
    )
    db.session.commit()


def _export(actor, status) -> tuple[int, int]:
    """Rows and bytes of one 申报人员名单 built from the service."""
    rows = 0

    def counted():
        nonlocal rows
        for row in exports.applicant_rows(db.session, actor, YEAR, status):
            rows += 1
            yield row

    with write_xlsx("申报人员名单", exports.APPLICANT_HEADER, counted()) as file:
        size = file.seek(0, 2)
    db.session.rollback()  # end the read transaction, as a request does
    return rows, size


def _hold_all(actor) -> None:
    """What an export that first loads the year (``.all()``) would hold at once."""
    held = list(exports.applicant_rows(db.session, actor, YEAR))
    db.session.rollback()
    del held


def _traced(work) -> tuple[float, float]:
    """Seconds (untraced run) and peak MB Python allocated (traced run) of ``work()``."""
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return seconds, peak / 2**20


def print_service(secretary_id: int) -> None:
    actor = actor_for(db.session.get(Account, secretary_id))
    print(f"{'service export':34} {'rows':>7} {'seconds':>8} {'peak MB':>8} {'file KB':>8}")
    for label, status in (
        ("申报人员名单（已发证, a tenth）", ApplicationStatus.CERTIFIED),
        ("申报人员名单（全部）", None),
    ):
        rows, size = _export(actor, status)
        seconds, peak = _traced(lambda status=status: _export(actor, status))
        print(f"{label:30} {rows:7d} {seconds:8.2f} {peak:8.1f} {size / 1024:8.0f}")
    seconds, peak = _traced(lambda: _hold_all(actor))
    print(f"{'contrast: all rows held in a list':30} {'':7} {seconds:8.2f} {peak:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--routed", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = fresh_app(tmp)
        with app.app_context():
            people = _fill(args.rows)
            _all_in_the_committee_list()
            meeting_id, _, secretary, _ = _meeting(args.routed)
            total = db.session.scalar(select(func.count()).select_from(Application))
            print(f"{db.engine.dialect.name}: {total} applications in the secretary's list")
            names = {"secretary": secretary.username, "admin": people["admin"].username}
            print_service(secretary.id)
        print()
        pages = [
            ("secretary", f"{LIST_URL}?status=CERTIFIED", "导出名单, a tenth"),
            ("secretary", LIST_URL, "导出名单, all"),
            ("secretary", f"/committee/exports/meetings/{meeting_id}/results.xlsx", "导出评审结果"),
            ("admin", "/admin/statistics/", "申报统计 page"),
            ("admin", "/admin/statistics/statistics.xlsx", "申报统计 .xlsx"),
        ]
        print_pages(app, pages, names, args.runs, width=30)


if __name__ == "__main__":
    main()
