"""1 基本信息 (manual §4.1): 个人信息, 证件照, 考核情况 with its proof, 完成填报下一步.

个人信息 is one PERSONAL entry and each 考核 year one ASSESSMENT entry (JSON bodies shaped by
app/forms/basic.py); the 证件照 and the 考核证明材料 are attachments of the dossier itself
(``item_id`` NULL, told apart by ``part``). Every change re-checks that the dossier is the
actor's and editable; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.forms import from_iso
from app.models import Application, Attachment, DossierItem, ItemKind, Section
from app.services.attachments import PHOTO_PART, add_attachment, get_store
from app.services.dossier import DossierNotFound, mark_step_done, require_editable
from app.storage import FileStore
from app.validators.dossier import ASSESSMENT_RESULTS
from app.workflow.actors import Actor
from app.workflow.errors import RuleViolation
from app.workflow.rules import check_committee_assessment
from app.workflow.states import DeclarationMode

PROOF_PART = "考核证明材料"
#: the PERSONAL entry's JSON keys (filled by PersonalInfoForm), besides 优秀年度
PERSONAL_FIELDS = (
    "ethnicity",
    "political_status",
    "mobile",
    "email",
    "work_start",
    "current_specialty",
    "current_title",
    "title_date",
    "current_post",
    "post_date",
)
EXCELLENT_YEARS = "excellent_years"
MAX_PROOFS = 20
COMMITTEE_NEEDS_NORMAL = (
    "只有申报方式为“正常申报（评审正常）”时，才能在个人信息中选择评委会考核认定"
)
PERSONAL_FIRST = "请先填写并保存个人信息，再填写考核情况"


@dataclass(frozen=True)
class AssessmentRow:
    year: int
    result: str
    #: 师德 / 医德医风 result, for the series that ask for it
    ethics: str | None = None


@dataclass
class BasicInfo:
    """Everything the 基本信息 page shows, loaded in two queries."""

    personal: DossierItem | None
    assessments: list[DossierItem]
    photo: Attachment | None
    proofs: list[Attachment]

    @property
    def personal_data(self) -> dict[str, Any]:
        return dict(self.personal.data) if self.personal else {}

    @property
    def excellent_years(self) -> list[int]:
        return list(self.personal_data.get(EXCELLENT_YEARS) or [])


def load_basic(session: Session, application: Application) -> BasicInfo:
    items = session.scalars(
        select(DossierItem)
        .where(
            DossierItem.application_id == application.id,
            DossierItem.kind.in_((ItemKind.PERSONAL, ItemKind.ASSESSMENT)),
        )
        .order_by(DossierItem.kind, DossierItem.position, DossierItem.id)
    ).all()
    files = session.scalars(
        select(Attachment)
        .where(
            Attachment.application_id == application.id,
            Attachment.item_id.is_(None),
            Attachment.part.in_((PHOTO_PART, PROOF_PART)),
        )
        .order_by(Attachment.position, Attachment.id)
    ).all()
    personal = next((i for i in items if i.kind == ItemKind.PERSONAL), None)
    assessments = [i for i in items if i.kind == ItemKind.ASSESSMENT]
    assessments.sort(key=lambda i: -int(i.data.get("year") or 0))
    photos = [f for f in files if f.part == PHOTO_PART]
    return BasicInfo(
        personal=personal,
        assessments=assessments,
        photo=photos[-1] if photos else None,
        proofs=[f for f in files if f.part == PROOF_PART],
    )


# --- 个人信息 -------------------------------------------------------------------------------


def save_personal(
    session: Session,
    application: Application,
    actor: Actor,
    data: dict[str, Any],
    *,
    committee_assessment: bool,
) -> DossierItem:
    """保存 个人信息, and the second choice 评委会考核认定 (manual §3, after 图13)."""
    require_editable(application, actor)
    if committee_assessment:
        if application.mode_item.code != DeclarationMode.NORMAL.value:
            raise RuleViolation(COMMITTEE_NEEDS_NORMAL)
        check_committee_assessment(application.qualification.grade, application.scope.code)
    basic = load_basic(session, application)
    body = {key: data.get(key) for key in PERSONAL_FIELDS}
    _check_excellent_years(basic.excellent_years, from_iso(body.get("title_date")))
    body[EXCELLENT_YEARS] = basic.excellent_years
    item = basic.personal
    if item is None:
        item = DossierItem(application_id=application.id, kind=ItemKind.PERSONAL, position=0)
        session.add(item)
    item.data = body
    application.committee_assessment = committee_assessment
    session.flush()
    return item


# --- 考核情况 -------------------------------------------------------------------------------


def save_assessments(
    session: Session,
    application: Application,
    actor: Actor,
    rows: list[AssessmentRow],
    excellent_years: list[int],
    today: date,
) -> None:
    """保存 考核情况: the yearly rows replace the saved ones; 优秀年度 goes into 个人信息."""
    require_editable(application, actor)
    basic = load_basic(session, application)
    if basic.personal is None:
        raise RuleViolation(PERSONAL_FIRST)
    _check_rows(rows, application.series.ethics_check, today)
    personal = basic.personal_data
    _check_excellent_years(excellent_years, from_iso(personal.get("title_date")))
    _check_excellent_against_rows(excellent_years, rows)
    session.execute(
        delete(DossierItem).where(
            DossierItem.application_id == application.id,
            DossierItem.kind == ItemKind.ASSESSMENT,
        )
    )
    for position, row in enumerate(sorted(rows, key=lambda r: -r.year)):
        body = {"year": row.year, "result": row.result, "ethics": row.ethics}
        session.add(
            DossierItem(
                application_id=application.id,
                kind=ItemKind.ASSESSMENT,
                position=position,
                data=body,
            )
        )
    personal[EXCELLENT_YEARS] = sorted(excellent_years)
    basic.personal.data = personal
    session.flush()


def _check_rows(rows: list[AssessmentRow], ethics_check: str | None, today: date) -> None:
    seen: set[int] = set()
    for row in rows:
        if row.year in seen:
            raise RuleViolation(f"考核年度{row.year}重复填写，每个年度只能填写一行")
        seen.add(row.year)
        if row.year > today.year:
            raise RuleViolation(f"考核年度{row.year}晚于今年")
        if row.result not in ASSESSMENT_RESULTS:
            raise RuleViolation(f"{row.year}年度的考核结果无效")
        if ethics_check and row.ethics not in ASSESSMENT_RESULTS:
            raise RuleViolation(f"请填写{row.year}年度的{ethics_check}考核情况")
        if not ethics_check and row.ethics:
            raise RuleViolation("所选申报系列没有师德（医德医风）考核，请不要填写")


def _check_excellent_years(years: list[int], title_date: date | None) -> None:
    if title_date is None:
        return
    early = [y for y in years if y < title_date.year]
    if early:
        raise RuleViolation(
            f"现资格以来取得优秀年度不能早于取得现资格的年份{title_date.year}（{early[0]}年）"
        )


def _check_excellent_against_rows(years: list[int], rows: list[AssessmentRow]) -> None:
    results = {row.year: row.result for row in rows}
    for year in years:
        if year in results and results[year] != "优秀":
            raise RuleViolation(
                f"{year}年度考核结果为“{results[year]}”，不能填入现资格以来取得优秀年度"
            )


# --- files ----------------------------------------------------------------------------------


def store_photo(
    session: Session,
    application: Application,
    actor: Actor,
    data: bytes,
    filename: str,
    store: FileStore | None = None,
) -> Attachment:
    """上传证件照: JPG, ≤ 1 MB, 1-inch proportions; replaces the previous photo."""
    return add_attachment(
        session,
        store or get_store(),
        application,
        actor,
        data=data,
        filename=filename,
        part=PHOTO_PART,
        photo=True,
    )


def store_proof(
    session: Session,
    application: Application,
    actor: Actor,
    data: bytes,
    filename: str,
    store: FileStore | None = None,
) -> Attachment:
    """考核证明材料: JPG, JPEG or PDF by content, ≤ 2 MB each."""
    require_editable(application, actor)
    if len(load_basic(session, application).proofs) >= MAX_PROOFS:
        raise RuleViolation(f"考核证明材料最多上传{MAX_PROOFS}个文件，请合并后上传")
    return add_attachment(
        session,
        store or get_store(),
        application,
        actor,
        data=data,
        filename=filename,
        part=PROOF_PART,
    )


def delete_proof(
    session: Session, application: Application, actor: Actor, attachment_id: int
) -> None:
    """删除 one 考核证明材料 file; an id of anything else answers as if it did not exist."""
    require_editable(application, actor)
    row = session.get(Attachment, attachment_id)
    if (
        row is None
        or row.application_id != application.id
        or row.item_id is not None
        or row.part != PROOF_PART
    ):
        raise DossierNotFound(attachment_id)
    session.delete(row)
    session.flush()


def own_photo(session: Session, application: Application) -> Attachment | None:
    return load_basic(session, application).photo


# --- 完成填报下一步 ---------------------------------------------------------------------------


def missing_items(application: Application, basic: BasicInfo) -> list[str]:
    missing = []
    if basic.personal is None:
        missing.append("个人信息尚未保存")
    if basic.photo is None:
        missing.append("尚未上传证件照")
    if not basic.assessments:
        missing.append("考核情况至少填写一个年度")
    if not basic.proofs:
        missing.append("尚未上传考核证明材料")
    return missing


def complete_basic(session: Session, application: Application, actor: Actor) -> None:
    """完成填报下一步 of 1 基本信息: the section is complete, its flag goes up."""
    require_editable(application, actor)
    missing = missing_items(application, load_basic(session, application))
    if missing:
        raise RuleViolation("基本信息尚未填写完整：" + "；".join(missing))
    mark_step_done(application, actor, Section.BASIC)
    session.flush()
