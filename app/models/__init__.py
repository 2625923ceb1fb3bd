"""All mapped classes, importable from one place (Alembic and the app import this)."""

from app.models.audit import AuditEvent
from app.models.catalog import (
    DeclarationModeItem,
    OptionKind,
    Qualification,
    Series,
    SeriesOption,
    Specialty,
    ValidityScope,
)
from app.models.certificate import Certificate, IntegrityRecord, ResultPublicity
from app.models.committee import Batch, BatchCommitteeOverride, Committee
from app.models.dossier import Application, ApplicationHistory
from app.models.education import ContinuingEducationRecord
from app.models.items import Attachment, DossierItem, ItemKind, Section
from app.models.meeting import MeetingApplication, MeetingBallot, MeetingExpert, ReviewMeeting
from app.models.notice import Notice, NoticeColumn, NoticeFile
from app.models.org import Account, Unit
from app.models.review import MailState, Notification, UnitPublicity, WorkdayOverride
from app.models.security import LoginChallenge
from app.models.snapshot import SubmissionSnapshot

__all__ = [
    "Account",
    "Application",
    "Attachment",
    "ApplicationHistory",
    "AuditEvent",
    "Batch",
    "Certificate",
    "BatchCommitteeOverride",
    "Committee",
    "ContinuingEducationRecord",
    "DeclarationModeItem",
    "DossierItem",
    "IntegrityRecord",
    "ItemKind",
    "LoginChallenge",
    "OptionKind",
    "Qualification",
    "ResultPublicity",
    "Section",
    "Series",
    "SeriesOption",
    "Specialty",
    "SubmissionSnapshot",
    "MailState",
    "MeetingApplication",
    "MeetingBallot",
    "MeetingExpert",
    "ReviewMeeting",
    "Notice",
    "NoticeColumn",
    "NoticeFile",
    "Notification",
    "Unit",
    "UnitPublicity",
    "ValidityScope",
    "WorkdayOverride",
]
