"""Evidence files as rows: validate, store once by hash, order, merge, and find them for a reader.

Every change starts with ``require_editable`` (the owner, in 申报中 / 退回修改); every read goes
through ``attachment_for``, which applies the workflow's ``can_view`` to the file's dossier.
Bytes are put in the store before the row that names them is flushed, so a row never points at
nothing; a file whose row never commits is an orphan the ``storage gc`` command removes later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Application, Attachment, DossierItem
from app.services.dossier import require_editable
from app.services.scopes import scope_condition
from app.storage import FileStore, LocalFileStore
from app.validators.files import (
    MAX_ATTACHMENT_BYTES,
    MAX_ID_PHOTO_BYTES,
    FileRejected,
    ValidatedFile,
    merge_to_pdf,
    validate_id_photo,
    validate_upload,
)
from app.workflow import permissions
from app.workflow.actors import Actor
from app.workflow.errors import NotAllowed, RuleViolation

PHOTO_PART = "证件照"
#: most files one save may carry (the request body limit is derived from it)
MAX_FILES_PER_REQUEST = 10
MSG_NOT_FOUND = "文件不存在或已被删除"
MSG_TOO_MANY = "一次最多上传{n}个文件，请分批上传"
MSG_MERGE_FEW = "请至少选择两个文件合成PDF"
MSG_MISSING_BLOB = "文件“{name}”的内容已丢失，无法合成，请删除后重新上传"
MSG_CHANGED = "文件列表已变化，请刷新页面后重试"


class AttachmentNotFound(LookupError):
    """No such file in the reader's scope; views answer 404 and never say which."""

    message = MSG_NOT_FOUND


@dataclass(frozen=True)
class PendingFile:
    """An uploaded file as it came from the request, with the part chosen for it."""

    data: bytes
    filename: str
    part: str = ""


# --- configuration ------------------------------------------------------------------------------


def get_store(app: Flask | None = None) -> FileStore:
    """The application's file store: ``LocalFileStore(UPLOAD_DIR)``, the folder created."""
    app = app or current_app._get_current_object()
    store = app.extensions.get("zc_file_store")
    root = Path(app.config.get("UPLOAD_DIR") or Path(app.instance_path) / "uploads")
    if store is None or Path(store.root) != root:
        root.mkdir(parents=True, exist_ok=True)
        store = app.extensions["zc_file_store"] = LocalFileStore(root)
    return store


def max_upload_bytes() -> int:
    return int(current_app.config.get("MAX_UPLOAD_BYTES", MAX_ATTACHMENT_BYTES))


def max_photo_bytes() -> int:
    return int(current_app.config.get("MAX_PHOTO_BYTES", MAX_ID_PHOTO_BYTES))


def request_body_limit(upload_bytes: int, files: int = MAX_FILES_PER_REQUEST) -> int:
    """Largest request body worth reading: ``files`` full-size files plus the form."""
    return files * upload_bytes + 1024 * 1024


# --- adding -------------------------------------------------------------------------------------


def validate_files(files: Sequence[PendingFile], *, photo: bool = False) -> list[ValidatedFile]:
    """Every file checked before anything is stored; the message names the file at fault."""
    if len(files) > MAX_FILES_PER_REQUEST:
        raise FileRejected(MSG_TOO_MANY.format(n=MAX_FILES_PER_REQUEST))
    checked = []
    for pending in files:
        try:
            if photo:
                checked.append(
                    validate_id_photo(pending.data, pending.filename, max_bytes=max_photo_bytes())
                )
            else:
                checked.append(
                    validate_upload(pending.data, pending.filename, max_bytes=max_upload_bytes())
                )
        except FileRejected as exc:
            name = (pending.filename or "").replace("\\", "/").rsplit("/", 1)[-1][:60]
            raise FileRejected(f"文件“{name}”：{exc.message}") from exc
    return checked


def store_validated(
    session: Session,
    store: FileStore,
    application: Application,
    actor: Actor,
    files: Sequence[tuple[ValidatedFile, str]],
    *,
    item: DossierItem | None = None,
) -> list[Attachment]:
    """Put already validated files in the store and add their rows after the item's last file."""
    position = _next_position(session, application, item)
    rows = []
    for offset, (checked, part) in enumerate(files):
        sha = store.put(checked.content)
        row = _row(application, actor, checked, sha, part, item, position + offset)
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def add_attachment(
    session: Session,
    store: FileStore,
    application: Application,
    actor: Actor,
    *,
    data: bytes,
    filename: str,
    item: DossierItem | None = None,
    part: str = "",
    photo: bool = False,
) -> Attachment:
    """Validate and store one upload for ``item`` (or the dossier itself when ``item`` is None).

    ``photo=True`` applies the 证件照 rule (JPG, 1-inch, ≤ MAX_PHOTO_BYTES), files it under part
    "证件照" and replaces the dossier's previous photo. Raises ``FileRejected`` (Chinese message),
    ``InvalidState`` / ``NotAllowed`` when the dossier is not editable by ``actor``.
    """
    require_editable(application, actor)
    if item is not None and item.application_id != application.id:
        raise NotAllowed("该条目不属于本人的申报")
    (checked,) = validate_files([PendingFile(data, filename, part)], photo=photo)
    if photo:
        part = part or PHOTO_PART
        for old in _dossier_files(session, application, part):
            session.delete(old)
        session.flush()
    (row,) = store_validated(session, store, application, actor, [(checked, part)], item=item)
    return row


def _row(application, actor, checked: ValidatedFile, sha, part, item, position) -> Attachment:
    return Attachment(
        application_id=application.id,
        item_id=item.id if item is not None else None,
        part=part[:40],
        sha256=sha,
        original_name=checked.original_name,
        mime=checked.mime,
        size=checked.size,
        pages=checked.pages,
        width=checked.width,
        height=checked.height,
        has_javascript=checked.has_javascript,
        position=position,
        uploaded_by=actor.user_id,
    )


def _next_position(session: Session, application: Application, item: DossierItem | None) -> int:
    stmt = select(func.max(Attachment.position)).where(Attachment.application_id == application.id)
    if item is None:
        stmt = stmt.where(Attachment.item_id.is_(None))
    else:
        stmt = stmt.where(Attachment.item_id == item.id)
    return (session.scalar(stmt) or 0) + 1


def _dossier_files(session: Session, application: Application, part: str) -> list[Attachment]:
    stmt = select(Attachment).where(
        Attachment.application_id == application.id,
        Attachment.item_id.is_(None),
        Attachment.part == part,
    )
    return list(session.scalars(stmt))


# --- ordering, deleting, merging -----------------------------------------------------------------


def item_files(session: Session, item: DossierItem) -> list[Attachment]:
    stmt = (
        select(Attachment)
        .where(Attachment.item_id == item.id, Attachment.application_id == item.application_id)
        .order_by(Attachment.position, Attachment.id)
    )
    return list(session.scalars(stmt))


def _file_of(files: Sequence[Attachment], attachment_id: int) -> Attachment:
    for row in files:
        if row.id == attachment_id:
            return row
    raise AttachmentNotFound(attachment_id)


def _renumber(files: Sequence[Attachment]) -> None:
    for position, row in enumerate(files, start=1):
        if row.position != position:
            row.position = position


def move_attachment(
    session: Session,
    application: Application,
    actor: Actor,
    item: DossierItem,
    attachment_id: int,
    step: int,
) -> None:
    """Move a file one place up (``step=-1``) or down (``step=1``) among the item's files."""
    require_editable(application, actor)
    files = item_files(session, item)
    row = _file_of(files, attachment_id)
    index = files.index(row)
    target = index + (1 if step > 0 else -1)
    if 0 <= target < len(files):
        files[index], files[target] = files[target], files[index]
    _renumber(files)
    session.flush()


def reorder_attachments(
    session: Session,
    application: Application,
    actor: Actor,
    item: DossierItem,
    ordered_ids: Sequence[int],
) -> None:
    """Put the item's files in the given order; the ids must be exactly the item's files."""
    require_editable(application, actor)
    files = item_files(session, item)
    if sorted(ordered_ids) != sorted(row.id for row in files):
        raise RuleViolation(MSG_CHANGED)
    by_id = {row.id: row for row in files}
    _renumber([by_id[i] for i in ordered_ids])
    session.flush()


def set_attachment_part(
    session: Session,
    application: Application,
    actor: Actor,
    item: DossierItem,
    attachment_id: int,
    part: str,
    allowed: frozenset[str],
) -> None:
    require_editable(application, actor)
    if part not in allowed:
        raise RuleViolation("请选择有效的材料类别")
    _file_of(item_files(session, item), attachment_id).part = part
    session.flush()


def delete_attachment(
    session: Session,
    application: Application,
    actor: Actor,
    attachment_id: int,
    *,
    item: DossierItem | None = None,
) -> None:
    """Remove a file's row (the bytes stay until no row names them and ``storage gc`` runs)."""
    require_editable(application, actor)
    if item is not None:
        files = item_files(session, item)
        row = _file_of(files, attachment_id)
        session.delete(row)
        files.remove(row)
        _renumber(files)
    else:
        row = session.get(Attachment, attachment_id)
        if row is None or row.application_id != application.id or row.item_id is not None:
            raise AttachmentNotFound(attachment_id)
        session.delete(row)
    session.flush()


def merge_item_files_to_pdf(
    session: Session,
    store: FileStore,
    application: Application,
    actor: Actor,
    item: DossierItem,
    attachment_ids: Sequence[int] | None = None,
) -> Attachment:
    """合成PDF: the chosen files (all the item's by default), in order, become one PDF.

    The PDF takes the place of the first merged file and the merged files' rows are removed.
    Refused (FileRejected) when the result exceeds the upload limit; nothing changes then.
    """
    require_editable(application, actor)
    files = item_files(session, item)
    chosen = files if not attachment_ids else [_file_of(files, i) for i in attachment_ids]
    chosen = sorted(set(chosen), key=files.index)
    if len(chosen) < 2:
        raise FileRejected(MSG_MERGE_FEW)
    merged = merge_to_pdf([_load(store, row) for row in chosen], max_bytes=max_upload_bytes())
    part = chosen[0].part
    name = f"{part or item.kind.label}（合成）.pdf"
    (checked,) = validate_files([PendingFile(merged, name, part)])
    sha = store.put(checked.content)
    new = _row(application, actor, checked, sha, part, item, chosen[0].position)
    for row in chosen:
        session.delete(row)
    session.add(new)
    remaining = [row for row in files if row not in chosen]
    remaining.insert(files.index(chosen[0]), new)  # nothing before the first chosen one moved
    _renumber(remaining)
    session.flush()
    return new


def _load(store: FileStore, row: Attachment) -> ValidatedFile:
    try:
        with store.open(row.sha256) as handle:
            content = handle.read()
    except FileNotFoundError as exc:
        raise FileRejected(MSG_MISSING_BLOB.format(name=row.original_name)) from exc
    return ValidatedFile(
        content=content,
        kind="image" if row.is_image else "pdf",
        mime=row.mime,
        size=row.size,
        pages=row.pages,
        width=row.width,
        height=row.height,
        original_name=row.original_name,
        sha256=row.sha256,
        has_javascript=row.has_javascript,
    )


# --- reading ------------------------------------------------------------------------------------


def attachment_for(session: Session, actor: Actor, attachment_id: int) -> Attachment:
    """The file if ``actor`` may see its dossier, else AttachmentNotFound.

    The applicant sees their own; unit and department staff their scope's submitted dossiers;
    a committee secretary the dossiers routed to the committee; a drawn expert the dossiers of
    their open meetings they are not recused for; the province admin all. The row must pass
    both the SQL scope and the workflow's ``can_view``.
    """
    stmt = (
        select(Attachment, Application)
        .join(Application, Attachment.application_id == Application.id)
        .where(Attachment.id == attachment_id, scope_condition(actor))
    )
    found = session.execute(stmt).first()
    if found is None or not permissions.can_view(found[1], actor, drawn=True):
        raise AttachmentNotFound(attachment_id)
    return found[0]
