"""`flask storage gc`: remove stored files no row names (dossier attachments, notice files);
report rows whose file is gone.

Works in chunks on both sides (stored hashes against the database, row hashes against the
store), so memory stays bounded whatever the number of files. Files younger than the grace
period are kept: an upload is stored before the row naming it commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import islice

import click
from flask.cli import AppGroup
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Attachment, NoticeFile
from app.storage import DEFAULT_GC_GRACE, FileStore, GcReport, collect_garbage

storage_cli = AppGroup("storage", help="附件存储")
CHUNK = 1000
#: how many hashes of each kind the command prints (the counts are always complete)
SHOWN = 20


def _chunks(values: Iterable[str], size: int = CHUNK) -> Iterator[list[str]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Slice(FileStore):
    """A view of a store limited to some hashes, so collect_garbage works one chunk at a time."""

    def __init__(self, store: FileStore, hashes: list[str]) -> None:
        self.store, self.hashes = store, hashes

    def put(self, data: bytes) -> str:  # pragma: no cover - GC never stores
        return self.store.put(data)

    def open(self, sha: str):  # pragma: no cover - GC never reads
        return self.store.open(sha)

    def exists(self, sha: str) -> bool:
        return self.store.exists(sha)

    def delete(self, sha: str) -> None:
        self.store.delete(sha)

    def iter_hashes(self) -> Iterator[str]:
        return iter(self.hashes)

    def stored_at(self, sha: str) -> datetime:
        return self.store.stored_at(sha)


#: every table whose rows name stored files, with the label the command prints for a row
FILE_TABLES = ((Attachment, "附件"), (NoticeFile, "通知附件"))


def referenced_among(session: Session, hashes: list[str]) -> set[str]:
    stmt = union(
        *(select(model.sha256).where(model.sha256.in_(hashes)) for model, _ in FILE_TABLES)
    )
    return set(session.scalars(stmt))


def missing_files(session: Session, store: FileStore) -> Iterator[tuple[str, int, str]]:
    """(label, row id, hash) of every row whose bytes are not in the store."""
    for model, label in FILE_TABLES:
        stmt = select(model.id, model.sha256).order_by(model.id)
        for row_id, sha in session.execute(stmt.execution_options(yield_per=CHUNK)):
            if not store.exists(sha):
                yield label, row_id, sha


def garbage_collect(
    session: Session,
    store: FileStore,
    *,
    dry_run: bool = False,
    grace: timedelta = DEFAULT_GC_GRACE,
    now: datetime | None = None,
) -> tuple[GcReport, list[tuple[int, str]]]:
    """Remove unreferenced old files (unless ``dry_run``); list rows whose file is missing."""
    report = GcReport()
    for chunk in _chunks(store.iter_hashes()):
        wanted = referenced_among(session, chunk)
        part = collect_garbage(_Slice(store, chunk), wanted, dry_run=dry_run, grace=grace, now=now)
        report.removed += part.removed
        report.recent += part.recent
    missing = list(missing_files(session, store))
    report.missing = sorted({sha for _, _, sha in missing})
    return report, missing


@storage_cli.command("gc")
@click.option("--dry-run", is_flag=True, help="只报告，不删除")
@click.option(
    "--grace-hours",
    type=click.FloatRange(min=0),
    default=DEFAULT_GC_GRACE.total_seconds() / 3600,
    show_default=True,
    help="保留最近这么多小时内存入的文件（可能尚未提交）",
)
def gc_command(dry_run: bool, grace_hours: float) -> None:
    """Remove stored files no row refers to; report rows whose file is missing."""
    from app.services.attachments import get_store

    report, missing = garbage_collect(
        db.session, get_store(), dry_run=dry_run, grace=timedelta(hours=grace_hours)
    )
    verb = "可删除" if dry_run else "已删除"
    click.echo(f"{verb}无引用文件 {len(report.removed)} 个")
    for sha in report.removed[:SHOWN]:
        click.echo(f"  {sha}")
    click.echo(f"保留最近存入的无引用文件 {len(report.recent)} 个")
    click.echo(f"记录指向的文件缺失 {len(missing)} 条")
    for label, row_id, sha in missing[:SHOWN]:
        click.echo(f"  {label} {row_id}: {sha}")
    if missing:
        raise SystemExit(1)


def register(app) -> None:
    app.cli.add_command(storage_cli)
