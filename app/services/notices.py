"""通知公告 and 职称政策: what the public reads, and the province admin's files on each notice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from app.clock import to_naive_utc
from app.models import Account, Notice, NoticeColumn, NoticeFile
from app.services import audit
from app.services.attachments import PendingFile, validate_files
from app.storage import FileStore
from app.validators.files import FileRejected
from app.workflow.errors import RuleViolation

#: notices of each column shown on the home page
HOME_COUNT = 8
MAX_FILES_PER_NOTICE = 20
MSG_NOT_FOUND = "该通知不存在或尚未发布"
MSG_FILE_NOT_FOUND = "文件不存在或已被删除"
MSG_NO_FILES = "请选择要上传的文件"
MSG_TOO_MANY_FILES = f"每条通知最多{MAX_FILES_PER_NOTICE}个附件"


class NoticeNotFound(LookupError):
    message = MSG_NOT_FOUND


class NoticeFileRefused(RuleViolation):
    """A file refused (type, size, broken...), too many files, or a file not of this notice."""


def published(category: NoticeColumn) -> Select:
    """The column's published notices, 置顶 first, newest first."""
    return (
        select(Notice)
        .where(Notice.category == category, Notice.is_published)
        .order_by(Notice.pinned.desc(), Notice.published_at.desc(), Notice.id.desc())
    )


def home_columns(session: Session) -> dict[NoticeColumn, Sequence[Notice]]:
    return {
        category: session.scalars(published(category).limit(HOME_COUNT)).all()
        for category in NoticeColumn
    }


def published_notice(session: Session, notice_id: int) -> Notice:
    stmt = (
        select(Notice)
        .where(Notice.id == notice_id, Notice.is_published)
        .options(selectinload(Notice.files))
    )
    notice = session.scalars(stmt).first()
    if notice is None:
        raise NoticeNotFound(notice_id)
    return notice


def published_file(session: Session, file_id: int) -> NoticeFile:
    """A file of a published notice: drafts' files stay private to the province admin."""
    stmt = (
        select(NoticeFile)
        .join(Notice, Notice.id == NoticeFile.notice_id)
        .where(NoticeFile.id == file_id, Notice.is_published)
    )
    row = session.scalars(stmt).first()
    if row is None:
        raise NoticeNotFound(file_id)
    return row


def stamp_publication(notice: Notice, now: datetime) -> None:
    """The first publication dates the notice; unpublishing and republishing keeps that date."""
    if notice.is_published and notice.published_at is None:
        notice.published_at = to_naive_utc(now)


def _label(notice: Notice) -> str:
    return f"{notice.category.value}：{notice.title}"


def saved(session: Session, by: Account, notice: Notice, now: datetime, *, created: bool) -> None:
    """What the admin's form saves: the publication date, and the audit line."""
    stamp_publication(notice, now)
    state = "已发布" if notice.is_published else "未发布"
    detail = f"{'新建' if created else '修改'}，{state}{'，置顶' if notice.pinned else ''}"
    audit.record(session, "notice_saved", actor=by, target=_label(notice), detail=detail)


def deleted(session: Session, by: Account, notice: Notice) -> None:
    audit.record(session, "notice_deleted", actor=by, target=_label(notice))


def add_files(
    session: Session,
    store: FileStore,
    notice: Notice,
    files: Sequence[PendingFile],
    by: Account | None = None,
) -> list[NoticeFile]:
    """Validate every file by content first (one refusal stores nothing), then store them all."""
    if not files:
        raise NoticeFileRefused(MSG_NO_FILES)
    try:
        checked = validate_files(files)
    except FileRejected as exc:
        raise NoticeFileRefused(exc.message) from exc
    count = session.scalar(select(func.count()).where(NoticeFile.notice_id == notice.id)) or 0
    if count + len(checked) > MAX_FILES_PER_NOTICE:
        raise NoticeFileRefused(MSG_TOO_MANY_FILES)
    last = session.scalar(
        select(func.max(NoticeFile.position)).where(NoticeFile.notice_id == notice.id)
    )
    start = -1 if last is None else last
    rows = []
    for offset, valid in enumerate(checked, start=1):
        row = NoticeFile(
            notice_id=notice.id,
            sha256=store.put(valid.content),
            original_name=valid.original_name,
            mime=valid.mime,
            size=valid.size,
            pages=valid.pages,
            has_javascript=valid.has_javascript,
            position=start + offset,
        )
        session.add(row)
        rows.append(row)
    names = "、".join(row.original_name for row in rows)
    audit.record(session, "notice_files_added", actor=by, target=_label(notice), detail=names)
    session.flush()
    return rows


def notice_file(session: Session, notice: Notice, file_id: int) -> NoticeFile:
    row = session.scalars(
        select(NoticeFile).where(NoticeFile.id == file_id, NoticeFile.notice_id == notice.id)
    ).first()
    if row is None:
        raise NoticeFileRefused(MSG_FILE_NOT_FOUND)
    return row


def delete_file(session: Session, notice: Notice, file_id: int, by: Account | None = None) -> None:
    """Remove one file row (the bytes go with `flask storage gc` once nothing names them)."""
    row = notice_file(session, notice, file_id)
    audit.record(
        session, "notice_file_deleted", actor=by, target=_label(notice), detail=row.original_name
    )
    session.delete(row)
    session.flush()
