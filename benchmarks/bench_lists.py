"""List pages at province scale: 审查推荐, 全部申报, the unit's progress, the admin's overview.

Not a test: run it by hand and read the numbers.

    .venv/bin/python -m benchmarks.bench_lists [--applications 100000] [--runs 7]
    DATABASE_URL=postgresql://postgres@127.0.0.1/bench .venv/bin/python -m benchmarks.bench_lists

It fills a fresh database (a temporary SQLite file by default; an emptied PostgreSQL database
when DATABASE_URL is given) with applications spread over 200 units, then prints for each page
the median time, the SQL statements and the HTML size, first page and a deep page.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from sqlalchemy import insert, select

from app.extensions import db
from app.models import Account, Specialty
from app.workflow.states import ApplicationStatus, ReviewStage, Role
from benchmarks.harness import BenchConfig, fresh_app, print_pages
from tests.factories import make_account, make_batch, make_committee, make_org, make_unit

STATES = [
    (ApplicationStatus.DRAFTING, None),
    (ApplicationStatus.UNDER_REVIEW, ReviewStage.UNIT_HANDLER),
    (ApplicationStatus.UNDER_REVIEW, ReviewStage.UNIT_LEADER),
    (ApplicationStatus.UNDER_REVIEW, ReviewStage.DEPT_HANDLER),
    (ApplicationStatus.EVALUATING, None),
    (ApplicationStatus.CERTIFIED, None),
]


def _fill(total: int) -> dict:
    """Org, accounts and `total` applications (Core bulk inserts: this is set-up, not measured)."""
    org = make_org(db.session)
    units = [org.unit] + [make_unit(db.session, parent=org.dept) for _ in range(199)]
    batch = make_batch(db.session, BenchConfig.FIXED_NOW)
    committee = make_committee(db.session)
    people = {
        "handler": make_account(db.session, Role.UNIT_HANDLER, unit=org.unit),
        "dept": make_account(db.session, Role.DEPT_HANDLER, unit=org.dept),
        "admin": make_account(db.session, Role.PROVINCE_ADMIN, unit=org.province),
    }
    db.session.commit()
    applicant_role = db.session.scalar(
        select(db.Model.metadata.tables["ab_role"].c.id).where(
            db.Model.metadata.tables["ab_role"].c.name == Role.APPLICANT.value
        )
    )
    specialty = db.session.scalars(
        select(Specialty).filter_by(path="工学》建设工程》土木工程")
    ).one()
    level_id = db.session.scalar(
        select(db.Model.metadata.tables["qualification"].c.id).where(
            db.Model.metadata.tables["qualification"].c.code == "engineering-fg"
        )
    )
    _bulk_applicants(total, units, batch, committee, specialty, level_id, applicant_role)
    return people


def _bulk_applicants(total, units, batch, committee, specialty, level_id, role_id) -> None:
    tables = db.Model.metadata.tables
    mode_id = db.session.scalar(select(tables["declaration_mode"].c.id).limit(1))
    scope_id = db.session.scalar(select(tables["validity_scope"].c.id).limit(1))
    chunk = 5000
    for start in range(0, total, chunk):
        numbers = range(start, min(start + chunk, total))
        db.session.execute(
            insert(Account),
            [
                {
                    "first_name": f"申报人{n}",
                    "last_name": "",
                    "username": f"app{n}",
                    "email": f"app{n}@accounts.invalid",
                    "password": "x",
                    "active": True,
                    "unit_id": units[n % len(units)].id,
                    "must_change_password": False,
                }
                for n in numbers
            ],
        )
        ids = db.session.scalars(
            select(Account.id).where(Account.username.in_([f"app{n}" for n in numbers]))
        ).all()
        db.session.execute(
            insert(tables["ab_user_role"]), [{"user_id": i, "role_id": role_id} for i in ids]
        )
        rows = []
        for k, (n, account_id) in enumerate(zip(numbers, sorted(ids), strict=True)):
            status, stage = STATES[(n + k) % len(STATES)]
            unit = units[n % len(units)]
            rows.append(
                {
                    "applicant_id": account_id,
                    "batch_id": batch.id,
                    "mode_id": mode_id,
                    "series_id": specialty.series_id,
                    "qualification_id": level_id,
                    "specialty_id": specialty.id,
                    "scope_id": scope_id,
                    "committee_id": committee.id,
                    "unit_id": unit.id,
                    "department_id": unit.parent_id,
                    "status": status.name,
                    "stage": stage.name if stage else None,
                    "version": 1,
                    "steps_done": 0,
                    "committee_assessment": False,
                    "summary": "",
                }
            )
        db.session.execute(insert(tables["application"]), rows)
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = fresh_app(tmp)
        with app.app_context():
            started = time.perf_counter()
            people = _fill(args.applications)
            print(
                f"{db.engine.dialect.name}: {args.applications} applications in "
                f"{time.perf_counter() - started:.1f} s set-up"
            )
            usernames = {k: v.username for k, v in people.items()}
        pages = [
            ("handler", "/review/", "审查推荐 (one unit)"),
            ("handler", "/review/?tab=all&page=20", "全部申报, page 20"),
            ("handler", "/review/progress/", "申报进度"),
            ("dept", "/review/?tab=all", "全部申报 (department: 200 units)"),
            ("dept", "/review/?tab=all&page=2000", "全部申报 (department), page 2000"),
            ("dept", "/review/?tab=all&name=申报人99", "全部申报, name filter"),
            ("admin", "/admin/", "全省申报概况"),
        ]
        print_pages(app, pages, usernames, args.runs)


if __name__ == "__main__":
    main()
