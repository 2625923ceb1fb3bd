"""评审结果公示 and the certificates (证书) issued after it."""

from __future__ import annotations

from datetime import date, datetime

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.dossier import Application
from app.models.review import PublicityRecord
from app.models.types import utcnow

result_publicity_application = Table(
    "result_publicity_application",
    Model.metadata,
    Column("publicity_id", ForeignKey("result_publicity.id", ondelete="CASCADE"), primary_key=True),
    Column("application_id", ForeignKey("application.id", ondelete="CASCADE"), primary_key=True),
)


class ResultPublicity(PublicityRecord, Model):
    """A committee's publicity of the dossiers its meeting passed, before certificates issue."""

    __tablename__ = "result_publicity"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ck_result_publicity_dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)

    applications: Mapped[list[Application]] = relationship(secondary=result_publicity_application)


class Certificate(Model):
    """The certificate of one dossier; its text is fixed when issued (names may change later)."""

    __tablename__ = "certificate"
    __table_args__ = (
        CheckConstraint(
            "(revoked_on IS NULL AND revoke_reason IS NULL)"
            " OR (revoked_on IS NOT NULL AND revoke_reason IS NOT NULL)",
            name="ck_certificate_revoked",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    #: 证书编号, derived from the year, committee and dossier so it needs no counter
    number: Mapped[str] = mapped_column(String(40), unique=True)
    #: quoted by anyone checking the certificate
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    holder_name: Mapped[str] = mapped_column(String(128))
    id_number: Mapped[str] = mapped_column(String(18))
    unit_name: Mapped[str] = mapped_column(String(200))
    series_name: Mapped[str] = mapped_column(String(100))
    qualification_name: Mapped[str] = mapped_column(String(100))
    specialty_path: Mapped[str] = mapped_column(String(300))
    scope_name: Mapped[str] = mapped_column(String(100))
    committee_name: Mapped[str] = mapped_column(String(200))
    #: 评审通过时间 (the meeting's date) and the issue date, Beijing dates
    passed_on: Mapped[date] = mapped_column(Date)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: 撤销职称 (fraud): the Beijing date and the reason; both or neither
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_on is not None


class IntegrityRecord(Model):
    """诚信档案: who was found to have cheated, why, and until when they may not apply."""

    __tablename__ = "integrity_record"
    __table_args__ = (CheckConstraint("ban_ends_on >= recorded_on", name="ck_integrity_ban"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    holder_name: Mapped[str] = mapped_column(String(128))
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate.id", ondelete="SET NULL"), unique=True
    )
    reason: Mapped[str] = mapped_column(Text)
    #: Beijing dates; the ban includes its last day
    recorded_on: Mapped[date] = mapped_column(Date)
    ban_ends_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    certificate: Mapped[Certificate | None] = relationship()
