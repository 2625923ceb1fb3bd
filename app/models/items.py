"""The dossier's contents (填报信息): typed entries of the five sections, and their files.

Entries are rows of one table with a kind and a JSON body validated by the kind's form
(app/forms), so a whole dossier loads in two queries and a submitted copy is plain data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.types import enum_type, utcnow
from app.workflow.kinds import KIND_SECTION, SECTION_LABELS, ItemKind, Section


class DossierItem(Model):
    """One entry of a section (a 学习经历, a 论文 ...); ``position`` is the applicant's order."""

    __tablename__ = "dossier_item"
    __table_args__ = (Index("ix_dossier_item_app_kind", "application_id", "kind", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"))
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind, "ck_dossier_item_kind"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: the fields of the kind's form, as JSON-safe values (dates as ISO strings)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="item",
        order_by="Attachment.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Attachment(Model):
    """An evidence file: a row pointing at content-addressed bytes in the file store."""

    __tablename__ = "attachment"
    __table_args__ = (
        Index("ix_attachment_item_position", "item_id", "position"),
        Index("ix_attachment_application", "application_id"),
        Index("ix_attachment_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: always set, so every permission check is one lookup away from the dossier
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"))
    #: NULL for files that belong to the dossier itself (the 证件照)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("dossier_item.id", ondelete="CASCADE"))
    #: which part of the item this file is: 证件照, 封面, 目录页, 正文, 立项, 结题 ...
    part: Mapped[str] = mapped_column(String(40), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    has_javascript: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    item: Mapped[DossierItem | None] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.mime == "image/jpeg"


#: the kinds are pure vocabulary (app/workflow/kinds.py); models re-export them
__all__ = [
    "KIND_SECTION",
    "SECTION_LABELS",
    "Attachment",
    "DossierItem",
    "ItemKind",
    "Section",
]
