"""What was submitted: a frozen copy of the dossier at each 提交审核 (DESIGN §5, issue 6).

One row per submission, never changed afterwards (guarded below): the whole dossier as plain
JSON (the same shape the read-only pages render), every file with its SHA-256, the 诚信提示
text the applicant confirmed with its time and address, and a verification code printed on the
申报回执. The live dossier may change after a 退回修改; the copy does not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.types import utcnow


class SubmissionSnapshot(Model):
    __tablename__ = "submission_snapshot"
    __table_args__ = (
        UniqueConstraint("application_id", "sequence", name="uq_snapshot_application_sequence"),
        UniqueConstraint("verification_code", name="uq_snapshot_verification_code"),
        CheckConstraint("sequence >= 1", name="ck_snapshot_sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the dossier goes with its copies when 一键删除申报信息 removes it after a 退回修改
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"))
    #: 1 for the first 提交审核, 2 for the one after the first 退回修改 ...
    sequence: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    #: the 诚信提示 exactly as shown, and when and from where it was confirmed with 确定
    pledge_text: Mapped[str] = mapped_column(Text)
    pledged_at: Mapped[datetime] = mapped_column(DateTime)
    ip: Mapped[str] = mapped_column(String(64), default="")
    #: Application.version the submitting page was rendered from (a second click is recognised)
    form_version: Mapped[int | None] = mapped_column(Integer)
    #: the whole dossier as the read-only pages show it (app/services/dossier_view.py)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: every file: section, entry, part, name, size, type, pages and SHA-256
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: SHA-256 of the canonical JSON of everything above; the code is derived from it
    digest: Mapped[str] = mapped_column(String(64))
    verification_code: Mapped[str] = mapped_column(String(24))


@event.listens_for(SubmissionSnapshot, "before_update")
def _snapshot_is_frozen(mapper, connection, target) -> None:
    raise RuntimeError("submission_snapshot rows are immutable")
