"""继续教育 hours imported from the province's continuing-education platform (manual §1.4 (二) 4).

From 2022 on, an applicant's yearly 继续教育 hours are not uploaded: they come from
甘肃省专业技术人员继续教育工作平台, whose export the province admin imports (app/services/
continuing_education.py). Rows are keyed by the person's ID number, not by an account, because
the platform covers every professional, including those who have no account here yet.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, DateTime, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.types import utcnow

#: 学时 with at most one decimal place (platform courses may count half hours)
HOURS = Numeric(5, 1)


class ContinuingEducationRecord(Model):
    """One person's 学时 of one year, as the platform reported them."""

    __tablename__ = "continuing_education_record"
    __table_args__ = (
        # also the index of every lookup: they are all by id_number (and year)
        UniqueConstraint("id_number", "year", name="uq_continuing_education_person_year"),
        CheckConstraint(
            "public_hours >= 0 AND professional_hours >= 0", name="ck_continuing_education_hours"
        ),
        CheckConstraint("year >= 2022", name="ck_continuing_education_platform_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: normalised 18-character resident ID number (upper-case X), as accounts store it
    id_number: Mapped[str] = mapped_column(String(18))
    year: Mapped[int] = mapped_column(Integer)
    #: 公需科目学时
    public_hours: Mapped[Decimal] = mapped_column(HOURS)
    #: 专业科目学时
    professional_hours: Mapped[Decimal] = mapped_column(HOURS)
    #: where the numbers came from: the imported file's name
    source: Mapped[str] = mapped_column(String(200), default="")
    #: when an import last changed the numbers (re-importing the same file changes nothing)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def total_hours(self) -> Decimal:
        """合计学时: always the sum, so the two can never disagree."""
        return self.public_hours + self.professional_hours

    def __repr__(self) -> str:
        return f"<继续教育 {self.id_number} {self.year}>"
