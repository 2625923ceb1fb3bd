"""A province with complete dossiers, for the tests of 提交审核 and what follows it."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

from pypdf import PdfReader
from sqlalchemy import func, select

from app.models import (
    Account,
    Application,
    ApplicationHistory,
    Attachment,
    Batch,
    Committee,
    DossierItem,
    ItemKind,
    Section,
    SubmissionSnapshot,
)
from app.services import submission
from app.services.attachments import PHOTO_PART, get_store
from app.services.basic_info import PROOF_PART
from app.services.scopes import actor_for
from app.workflow.states import Action, ApplicationStatus, Role
from tests.conftest import FIXED_NOW
from tests.dossier.shell_helpers import personal_form
from tests.factories import (
    PASSWORD,
    Org,
    make_account,
    make_application,
    make_batch,
    make_committee,
    make_org,
)
from tests.files.file_corpus import jpeg, pdf
from tests.helpers import login
from tests.items.support import add_item

SUMMARY = ("本人长期从事建筑结构设计工作，主持完成多项大型公共建筑的结构设计。" * 20)[:575]
ALL_STEPS = sum(1 << section.value for section in Section)
#: 个人信息 as stored: the form's fields (without its buttons) plus one 优秀 year
PERSONAL = {
    **{k: v for k, v in personal_form().items() if k not in ("assessment_mode", "save")},
    "excellent_years": [2019],
}
#: the files a 2002+ degree needs (manual §1.4 (二) 1 (1))
EDUCATION_PARTS = ("学历证书", "学位证书", "教育部学历证书电子注册备案表")
PAPER_PARTS = ("封面", "主办单位页", "目录页", "正文")
TEACHER_LEAF = "中小学教育》中学》数学"


@dataclass
class World:
    org: Org
    batch: Batch
    committee: Committee
    handler: Account
    leader: Account


def make_world(session) -> World:
    org = make_org(session)
    batch = make_batch(session, FIXED_NOW)
    committee = make_committee(session, series=("engineering", "school_teacher"))
    handler = make_account(session, Role.UNIT_HANDLER, unit=org.unit)
    leader = make_account(session, Role.UNIT_LEADER, unit=org.unit)
    session.commit()
    return World(org, batch, committee, handler, leader)


def own_file(session, application: Application, part: str, content: bytes | None = None):
    """A file of the dossier itself (证件照, 考核证明材料), stored for real."""
    content = content if content is not None else pdf()
    image = content[:2] == b"\xff\xd8"
    row = Attachment(
        application_id=application.id,
        part=part,
        sha256=get_store().put(content),
        original_name=f"{part}.{'jpg' if image else 'pdf'}",
        mime="image/jpeg" if image else "application/pdf",
        size=len(content),
        pages=1,
        width=295 if image else None,
        height=413 if image else None,
    )
    session.add(row)
    session.flush()
    return row


def complete_dossier(
    session,
    world: World,
    *,
    applicant: Account | None = None,
    status=ApplicationStatus.DRAFTING,
    stage=None,
    mode: str = "normal",
    level: str = "engineering-fg",
    specialty: str = "工学》建设工程》土木工程",
) -> Application:
    """A dossier that passes every rule of the completeness check."""
    applicant = applicant or make_account(session, unit=world.org.unit)
    application = make_application(
        session,
        applicant=applicant,
        committee=world.committee,
        batch=world.batch,
        status=status,
        stage=stage,
        mode=mode,
        level=level,
        specialty=specialty,
    )
    application.steps_done = ALL_STEPS
    application.summary = SUMMARY
    teacher = level.startswith("school_teacher")
    session.add(DossierItem(application_id=application.id, kind=ItemKind.PERSONAL, data=PERSONAL))
    assessment = {"year": 2024, "result": "优秀", "ethics": "合格" if teacher else None}
    session.add(
        DossierItem(application_id=application.id, kind=ItemKind.ASSESSMENT, data=assessment)
    )
    own_file(session, application, PHOTO_PART, jpeg((295, 413)))
    own_file(session, application, PROOF_PART, pdf(2))
    add_item(session, application, ItemKind.EDUCATION, parts=EDUCATION_PARTS)
    if teacher:
        add_item(
            session,
            application,
            ItemKind.MATERIAL,
            parts=("证明材料",),
            material_type="从业资格证",
            name="教师资格证",
            year=2010,
        )
    session.commit()
    return application


def add_papers(session, application, count: int, *, representative: int = 1, **data) -> list:
    return [
        add_item(
            session,
            application,
            ItemKind.PAPER,
            parts=PAPER_PARTS,
            title=f"论文{index}",
            representative=index < representative,
            **data,
        )
        for index in range(count)
    ]


def sign_in(client, account: Account):
    response = login(client, account.username, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def submit_now(session, application: Application, when: datetime = FIXED_NOW, **kw):
    """提交审核 through the service, committed, as the applicant."""
    applicant = application.applicant
    result = submission.submit(
        session,
        actor_for(applicant),
        applicant.name,
        application.id,
        when,
        pledged=kw.pop("pledged", True),
        ip=kw.pop("ip", "10.1.2.3"),
        **kw,
    )
    session.commit()
    return result


def messages(check) -> list[str]:
    return [m.message for m in check.problems]


def count(session, model, **by) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).filter_by(**by))


def submissions(session, application_id: int) -> int:
    session.expire_all()
    return session.scalar(
        select(func.count()).where(
            ApplicationHistory.application_id == application_id,
            ApplicationHistory.action == Action.SUBMIT,
        )
    )


def snapshots(session, application_id: int) -> list[SubmissionSnapshot]:
    session.expire_all()
    stmt = select(SubmissionSnapshot).where(SubmissionSnapshot.application_id == application_id)
    return list(session.scalars(stmt.order_by(SubmissionSnapshot.sequence)))


def text(response) -> str:
    return response.get_data(as_text=True)


def pdf_text(data: bytes) -> str:
    """The PDF's text without whitespace (pypdf spaces out CJK glyphs and, for fpdf2's CFF
    fonts, adds NUL characters: neither is in the document)."""
    raw = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[\s\x00]+", "", raw)
