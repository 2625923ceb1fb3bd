"""提交审核 (manual §1.3 (5), end of §4.5): the completeness check, the 诚信提示 pledge, the
submission itself, its frozen copy and the 申报回执.

The completeness check gathers the rules that already live elsewhere (``missing_items`` of
1 基本信息; ``evidence.section_problems`` for sections 2-4, as ``dossier_problems`` does; the
batch's 小结 range; the steps' flags) and adds the paper count and 代表作 rules, so the list shown
before submission names *every* missing or invalid item at once, each with the place to fix it.
``submit`` locks the dossier row, refuses anything the workflow refuses (state, person, window,
completeness, pledge), records the transition and freezes the copy, all in the caller's
transaction; a repeated click of the same page submits once.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.clock import BEIJING, from_naive_utc, to_naive_utc
from app.models import (
    Application,
    Attachment,
    DossierItem,
    ItemKind,
    Section,
    SubmissionSnapshot,
)
from app.services import integrity
from app.services.applications import perform
from app.services.basic_info import load_basic, missing_items
from app.services.dossier import application_in_scope, step_done
from app.services.dossier_items import SECTION_KINDS, build_context, slug
from app.services.dossier_view import dossier_view, file_list, personal_labels
from app.validators.dossier import count_summary_chars
from app.workflow import evidence, permissions, transitions
from app.workflow.actors import Actor
from app.workflow.errors import RuleViolation
from app.workflow.evidence import Context, Entry
from app.workflow.rules import Window, format_time, in_window
from app.workflow.states import EDITABLE_STATUSES, Action, ApplicationStatus, DeclarationMode

#: the 诚信提示 dialog (manual 图44); stored verbatim with every submission
PLEDGE_TEXT = (
    "本人郑重承诺：\n"
    "一、本人所填报的申报信息及上传的全部佐证材料（包括学历资历、专业技术工作经历、业绩成果、"
    "小结等）真实、准确、完整，不存在伪造、变造、冒用、抄袭或虚报等情况。\n"
    "二、本人已认真阅读申报须知及有关职称评审文件，所报内容符合申报条件；提交审核后本人不能再"
    "修改申报信息，如被退回修改，将按照退回原因补充完善后再次提交。\n"
    "三、如有弄虚作假，本人自愿接受职称评审监管有关规定的处理：已取得的职称予以撤销，"
    "相关情况记入职称评审诚信档案，三年内不得申报职称评审；涉嫌违法的，依法承担法律责任。\n"
    "点击“确定”即表示本人已阅读并同意以上承诺，申报信息将提交单位审查。"
)
#: what the 诚信提示 form sends when 确定 is clicked there
PLEDGE_ACCEPTED = "accepted"
SUBMITTED = "提交成功"
INCOMPLETE = "申报信息尚未填写完整，请按提示补充完善后再提交审核"
NOT_ENTERED = "请先填报申报基础信息并点击“进入申报”"
CONFLICT = "申报信息已被其他操作修改，请刷新页面后重试"
EMPLOYER_EXEMPT = "用人单位考核认定不受个人申报截止时间限制"

_BASIC_ANCHORS = {
    "个人信息尚未保存": "personal-form",
    "尚未上传证件照": "personal-form",
    "考核情况至少填写一个年度": "assessment-form",
    "尚未上传考核证明材料": "proof-list",
}
#: 个人信息 fields the form requires (the others are optional or paired)
_REQUIRED_PERSONAL = ("ethnicity", "political_status", "mobile", "work_start", "current_specialty")
#: what names an entry in a message, by kind: the first of these fields that is filled in
_TITLE_FIELDS = ("school", "title", "name", "organisation", "employer", "post", "content")


# --- the completeness check -------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """One item to fix before 提交审核: where (the section's page and an anchor on it) and what."""

    section: Section
    message: str
    anchor: str = ""
    #: a warning is listed but does not stop the submission
    blocking: bool = True


@dataclass
class Completeness:
    problems: list[Missing] = field(default_factory=list)
    warnings: list[Missing] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems


def completeness(session: Session, application: Application, today: date) -> Completeness:
    """Every missing or invalid item of the dossier, in the order of the five sections."""
    found = _basic_problems(session, application)
    context = build_context(session, application, today)
    found += _item_problems(session, application, context)
    found += _summary_problems(application)
    found += _unfinished_steps(application)
    found.sort(key=lambda m: m.section.value)  # stable: each section's own order is kept
    return Completeness(
        problems=[m for m in found if m.blocking],
        warnings=[m for m in found if not m.blocking],
    )


def _basic_problems(session: Session, application: Application) -> list[Missing]:
    basic = load_basic(session, application)
    found = [
        Missing(Section.BASIC, message, _BASIC_ANCHORS.get(message, ""))
        for message in missing_items(application, basic)
    ]
    if basic.personal is not None:
        data, labels = basic.personal_data, personal_labels()
        empty = [labels[key] for key in _REQUIRED_PERSONAL if not data.get(key)]
        if empty:
            message = "个人信息尚未填写：" + "、".join(empty)
            found.append(Missing(Section.BASIC, message, "personal-form"))
    return found


def _item_problems(session: Session, application: Application, context: Context) -> list[Missing]:
    """The evidence rules of sections 2-4 (the same ``section_problems`` the pages flag with),
    on entries read in two plain queries: their number never changes the number of queries."""
    kinds = [kind for section in SECTION_KINDS for kind in SECTION_KINDS[section]]
    rows = session.execute(
        select(DossierItem.id, DossierItem.kind, DossierItem.data)
        .where(DossierItem.application_id == application.id, DossierItem.kind.in_(kinds))
        .order_by(DossierItem.position, DossierItem.id)
    ).all()
    parts: dict[int, list[str]] = {}
    for item_id, part in session.execute(
        select(Attachment.item_id, Attachment.part).where(
            Attachment.application_id == application.id, Attachment.item_id.is_not(None)
        )
    ):
        parts.setdefault(item_id, []).append(part)
    entries = [
        Entry(row.id, ItemKind(row.kind).value, row.data or {}, tuple(parts.get(row.id, ())))
        for row in rows
    ]
    titles = {entry.id: _entry_title(entry.data) for entry in entries}
    found = []
    for problem in evidence.section_problems([k.value for k in kinds], entries, context):
        kind = ItemKind(problem.kind)
        if problem.entry_id is None:
            message, anchor = f"{kind.label}：{problem.message}", f"list-{slug(kind)}"
        else:
            name = titles.get(problem.entry_id) or "未命名条目"
            message = f"{kind.label}“{name}”：{problem.message}"
            anchor = f"item-{problem.entry_id}"
        found.append(Missing(kind.section, message, anchor, problem.blocking))
    papers = [dict(e.data) for e in entries if e.kind == ItemKind.PAPER.value]
    found += [
        Missing(Section.ACHIEVEMENT, f"{ItemKind.PAPER.label}：{message}", "list-paper")
        for message in paper_rules(papers, context)
    ]
    return found


def paper_rules(papers: list[dict[str, Any]], context: Context) -> list[str]:
    """论文 (manual §4.4.1): none at all is allowed (业绩成果 are not required), but papers
    that are listed number at least the committee's minimum and lead with a 代表作.

    (The maximum and the at-most-two 代表作 rule are the evidence module's.)
    """
    if not papers:
        return []
    messages = []
    if len(papers) < context.paper_min:
        messages.append(
            f"论文限传{context.paper_min}-{context.paper_max}篇（评委会要求），"
            f"已填报{len(papers)}篇，至少须填报{context.paper_min}篇"
        )
    if not any(p.get("representative") for p in papers):
        messages.append("论文前一篇或两篇为代表作，请至少将一篇论文标为代表作")
    return messages


def _entry_title(data: dict[str, Any]) -> str:
    for key in _TITLE_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            text = value.strip()
            return text if len(text) <= 30 else text[:30] + "…"
    return ""


def _summary_problems(application: Application) -> list[Missing]:
    text, batch = application.summary or "", application.batch
    if not text.strip():
        return [Missing(Section.SUMMARY, "小结尚未填写", "summary-form")]
    count = count_summary_chars(text)
    if batch.summary_min <= count <= batch.summary_max:
        return []
    message = f"小结字数应在{batch.summary_min}-{batch.summary_max}字之间（当前{count}字）"
    return [Missing(Section.SUMMARY, message, "summary-form")]


def _unfinished_steps(application: Application) -> list[Missing]:
    found = []
    for section in Section:
        if not step_done(application, section):
            button = "完成填报" if section == Section.SUMMARY else "完成填报下一步"
            message = f"“{section.value} {section.label}”尚未完成填报，请填写后点击“{button}”"
            found.append(Missing(section, message))
    return found


# --- the batch window ----------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """The applicant's window as the 填报信息 page states it beforehand (Beijing time)."""

    window: Window
    exempt: bool
    open_now: bool
    before_opening: bool

    @property
    def text(self) -> str:
        if self.exempt:
            return EMPLOYER_EXEMPT
        return f"个人申报截止时间：{format_time(self.window.personal_deadline)}（北京时间）"


def submission_window(application: Application) -> Window:
    """The batch's window, with the committee's own personal deadline where it has one."""
    batch = application.batch
    deadline = batch.personal_deadline
    for override in batch.overrides:
        own = override.personal_deadline
        if override.committee_id == application.committee_id and own and own > batch.opens_at:
            deadline = own
    return Window(from_naive_utc(batch.opens_at), from_naive_utc(deadline))


def deadline(application: Application, now: datetime) -> Deadline:
    window = submission_window(application)
    return Deadline(
        window=window,
        exempt=application.mode == DeclarationMode.EMPLOYER,
        open_now=in_window(window, now, application.mode),
        before_opening=now < window.opens_at,
    )


# --- 提交审核 ---------------------------------------------------------------------------------


class DossierIncomplete(RuleViolation):
    """Submission refused because of the check; the list says what to fix."""

    def __init__(self, check: Completeness) -> None:
        super().__init__(INCOMPLETE)
        self.check = check


@dataclass(frozen=True)
class Submitted:
    snapshot: SubmissionSnapshot
    #: the same page was submitted twice (a double click, a second tab): nothing new happened
    repeated: bool = False


def submit(
    session: Session,
    actor: Actor,
    actor_name: str,
    application_id: int,
    now: datetime,
    *,
    pledged: bool,
    ip: str = "",
    form_version: int | None = None,
) -> Submitted:
    """提交审核 of one dossier: lock it, check, move it to the unit handler, freeze a copy.

    Raises DossierNotFound outside the actor's scope, DossierIncomplete with the list of items
    to fix, and the workflow's errors (state, person, window, pledge) with their messages.
    """
    application = application_in_scope(session, actor, application_id, for_update=True)
    earlier = _same_page_submitted(session, application, actor, form_version)
    if earlier is not None:
        return Submitted(earlier, repeated=True)
    integrity.check_may_apply(session, application.applicant.id_number, now)
    check = completeness(session, application, now.astimezone(BEIJING).date())
    window = submission_window(application)
    allowed = permissions.can_submit(application, actor)
    if not check.complete and allowed and in_window(window, now, application.mode):
        raise DossierIncomplete(check)
    version = application.version
    try:
        perform(
            session,
            application,
            actor,
            actor_name,
            transitions.submit,
            now,
            complete=check.complete,
            pledged=pledged,
            window=window,
        )
    except StaleDataError as exc:
        raise RuleViolation(CONFLICT) from exc
    snapshot = freeze(
        session,
        application,
        actor,
        now,
        ip=ip,
        form_version=version if form_version is None else form_version,
    )
    return Submitted(snapshot)


def _same_page_submitted(
    session: Session, application: Application, actor: Actor, form_version: int | None
) -> SubmissionSnapshot | None:
    """The copy made from the very page now submitted again, if the dossier has not moved on."""
    if form_version is None or application.status in EDITABLE_STATUSES:
        return None
    if not permissions.is_owner(application, actor):
        return None
    latest = latest_snapshot(session, application.id)
    return latest if latest is not None and latest.form_version == form_version else None


# --- the frozen copy ----------------------------------------------------------------------------


def freeze(
    session: Session,
    application: Application,
    actor: Actor,
    now: datetime,
    *,
    ip: str,
    form_version: int | None,
) -> SubmissionSnapshot:
    """Keep what is submitted now: the dossier as data, its files' hashes and the pledge."""
    data = dossier_view(session, application)
    files = file_list(data)
    previous = session.scalar(
        select(func.max(SubmissionSnapshot.sequence)).where(
            SubmissionSnapshot.application_id == application.id
        )
    )
    at = to_naive_utc(now)
    snapshot = SubmissionSnapshot(
        application_id=application.id,
        sequence=(previous or 0) + 1,
        submitted_at=at,
        submitted_by=actor.user_id,
        pledge_text=PLEDGE_TEXT,
        pledged_at=at,
        ip=(ip or "")[:64],
        form_version=form_version,
        data=data,
        files=files,
    )
    snapshot.digest = snapshot_digest(snapshot)
    snapshot.verification_code = verification_code(snapshot.digest)
    session.add(snapshot)
    session.flush()
    return snapshot


def snapshot_digest(snapshot: SubmissionSnapshot) -> str:
    """SHA-256 of the canonical JSON of everything the copy holds."""
    body = {
        "application_id": snapshot.application_id,
        "sequence": snapshot.sequence,
        "submitted_at": snapshot.submitted_at.isoformat(),
        "pledge_text": snapshot.pledge_text,
        "pledged_at": snapshot.pledged_at.isoformat(),
        "ip": snapshot.ip,
        "data": snapshot.data,
        "files": snapshot.files,
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verification_code(digest: str) -> str:
    """16 characters of the digest in base32, grouped by four: ``ABCD-EFGH-JKLM-NPQR``."""
    text = base64.b32encode(bytes.fromhex(digest)).decode("ascii")[:16]
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def verify(snapshot: SubmissionSnapshot) -> bool:
    """Whether the stored copy still matches its digest and verification code."""
    digest = snapshot_digest(snapshot)
    return digest == snapshot.digest and verification_code(digest) == snapshot.verification_code


def latest_snapshot(session: Session, application_id: int) -> SubmissionSnapshot | None:
    return session.scalars(
        select(SubmissionSnapshot)
        .where(SubmissionSnapshot.application_id == application_id)
        .order_by(SubmissionSnapshot.sequence.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class SnapshotLine:
    sequence: int
    submitted_at: datetime
    verification_code: str


def snapshot_lines(session: Session, application_id: int) -> list[SnapshotLine]:
    """提交记录 of the 填报信息 page, without loading the copies' data."""
    rows = session.execute(
        select(
            SubmissionSnapshot.sequence,
            SubmissionSnapshot.submitted_at,
            SubmissionSnapshot.verification_code,
        )
        .where(SubmissionSnapshot.application_id == application_id)
        .order_by(SubmissionSnapshot.sequence)
    ).all()
    return [SnapshotLine(*row) for row in rows]


def snapshot_by_sequence(
    session: Session, application_id: int, sequence: int
) -> SubmissionSnapshot | None:
    return session.scalars(
        select(SubmissionSnapshot).where(
            SubmissionSnapshot.application_id == application_id,
            SubmissionSnapshot.sequence == sequence,
        )
    ).first()


# --- what the 填报信息 page shows -----------------------------------------------------------


@dataclass
class Progress:
    """评审进度 and what the applicant can do next."""

    deadline: Deadline
    #: None outside 申报中 / 退回修改 (nothing to check)
    check: Completeness | None
    snapshots: list[SnapshotLine]
    #: sections named by the last 退回修改, highlighted on the step bar
    returned_sections: tuple[str, ...]
    form_version: int
    #: 点击查询证书下载 (manual §4.5): the certificate is built by the committee's issue; until
    #: a certificate exists for the dossier there is nothing to download and no button
    certificate_url: str | None = None

    @property
    def can_submit_now(self) -> bool:
        return self.check is not None and self.check.complete and self.deadline.open_now


def progress(session: Session, application: Application, actor: Actor, now: datetime) -> Progress:
    editable = permissions.can_submit(application, actor)
    today = now.astimezone(BEIJING).date()
    return Progress(
        deadline=deadline(application, now),
        check=completeness(session, application, today) if editable else None,
        snapshots=snapshot_lines(session, application.id),
        returned_sections=returned_sections(application),
        form_version=application.version,
    )


def returned_sections(application: Application) -> tuple[str, ...]:
    """The section labels the last 退回修改 names, in the order of the five sections."""
    if application.status != ApplicationStatus.RETURNED:
        return ()
    returns = [h for h in application.history if h.action == Action.RETURN]
    named = set((returns[-1].sections or "").split("、")) if returns else set()
    return tuple(section.label for section in Section if section.label in named)
