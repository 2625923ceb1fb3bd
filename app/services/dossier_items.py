"""Entries of sections 2-4 (学历资历, 专业技术工作经历, 业绩成果): load, add, edit, order, delete.

Views hand in the dossier already row-locked (``own_application_for_update``), validated form
data and the uploaded files; every function here re-checks that the dossier is editable by the
actor and that the entry belongs to it, validates every file before anything changes, then
changes rows and flushes. A section page loads in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Application,
    Attachment,
    DossierItem,
    ItemKind,
    OptionKind,
    Section,
    SeriesOption,
)
from app.services import attachments as files_service
from app.services import continuing_education
from app.services.attachments import PendingFile
from app.services.dossier import mark_step_done, require_basic_saved, require_editable
from app.storage import FileStore
from app.validators.files import FileRejected
from app.workflow import evidence
from app.workflow.actors import Actor
from app.workflow.errors import RuleViolation
from app.workflow.evidence import Context, Entry, Problem

SECTION_KINDS: dict[Section, tuple[ItemKind, ...]] = {
    Section.EDUCATION: (
        ItemKind.EDUCATION,
        ItemKind.CERTIFICATE,
        ItemKind.APPOINTMENT,
        ItemKind.MATERIAL,
        ItemKind.WORK_HISTORY,
        ItemKind.SOCIETY,
    ),
    Section.EXPERIENCE: (ItemKind.EXPERIENCE,),
    Section.ACHIEVEMENT: (
        ItemKind.PAPER,
        ItemKind.BOOK,
        ItemKind.PROJECT,
        ItemKind.AWARD,
        ItemKind.PATENT,
        ItemKind.OTHER,
    ),
}
ITEM_SECTIONS = frozenset(SECTION_KINDS)
#: kinds always shown in a fixed order, not the applicant's
FIXED_ORDER = frozenset({ItemKind.WORK_HISTORY})
MSG_ITEM_NOT_FOUND = "该条目不存在或已被删除，请刷新页面"
MSG_WORK_HISTORY_ORDER = "工作履历按起始时间由近到远自动排列"
MSG_BAD_PART = "请为每个文件选择有效的材料类别"
MSG_PLATFORM_FILES = "2022年及以后的继续教育数据由平台提取，无需上传文件"


class ItemNotFound(LookupError):
    """No such entry in this dossier (deleted meanwhile, or someone else's)."""

    message = MSG_ITEM_NOT_FOUND


def section_for(number: int) -> Section | None:
    try:
        section = Section(number)
    except ValueError:
        return None
    return section if section in ITEM_SECTIONS else None


def kind_for(slug: str) -> ItemKind | None:
    kind = ItemKind.__members__.get((slug or "").upper())
    return kind if kind is not None and kind.section in ITEM_SECTIONS else None


def slug(kind: ItemKind) -> str:
    return kind.name.lower()


# --- context ------------------------------------------------------------------------------------

_OPTION_ATTRIBUTES = {
    OptionKind.EXPERIENCE: "experience_categories",
    OptionKind.ACHIEVEMENT: "achievement_types",
    OptionKind.MATERIAL: "material_types",
}


def build_context(session: Session, application: Application, today: date) -> Context:
    """What the rules need around an entry: one query for the series' choice lists, two for
    the 继续教育 platform data.

    ``application`` comes from ``visible_applications`` (series, committee and applicant
    loaded); the batch is one more lookup.
    """
    stmt = (
        select(SeriesOption.kind, SeriesOption.name)
        .where(SeriesOption.series_id == application.series_id, SeriesOption.active)
        .order_by(SeriesOption.kind, SeriesOption.sort, SeriesOption.id)
    )
    options: dict[str, list[str]] = {name: [] for name in _OPTION_ATTRIBUTES.values()}
    for kind, name in session.execute(stmt):
        options[_OPTION_ATTRIBUTES[OptionKind(kind)]].append(name)
    series, committee = application.series, application.committee
    return Context(
        batch_year=application.batch.year,
        today=today,
        needs_license=series.needs_license,
        needs_exam=series.needs_exam,
        paper_min=committee.paper_min,
        paper_max=committee.paper_max,
        birth_date=evidence.birth_date_from_id(application.applicant.id_number),
        platform=continuing_education.platform_data(session, application),
        **{key: tuple(values) for key, values in options.items()},
    )


# --- reading ------------------------------------------------------------------------------------


def load_items(
    session: Session, application: Application, kinds: Sequence[ItemKind]
) -> list[DossierItem]:
    """The entries of ``kinds`` with their files: two queries whatever their number."""
    stmt = (
        select(DossierItem)
        .where(DossierItem.application_id == application.id, DossierItem.kind.in_(kinds))
        .options(selectinload(DossierItem.attachments))
        .order_by(DossierItem.position, DossierItem.id)
    )
    return list(session.scalars(stmt))


def get_item(session: Session, application: Application, item_id: int) -> DossierItem:
    """One entry of sections 2-4 of this dossier, with its files; ItemNotFound otherwise."""
    stmt = (
        select(DossierItem)
        .where(DossierItem.id == item_id, DossierItem.application_id == application.id)
        .options(selectinload(DossierItem.attachments))
        .execution_options(populate_existing=True)
    )
    item = session.scalars(stmt).first()
    if item is None or item.kind.section not in ITEM_SECTIONS:
        raise ItemNotFound(item_id)
    return item


def entry(item: DossierItem) -> Entry:
    return Entry(item.id, item.kind.value, item.data or {}, tuple(a.part for a in item.attachments))


def group_key(kind: ItemKind, data: Mapping[str, Any]) -> Any:
    """Entries move up and down only inside their group: 代表作 / the others; one category."""
    if kind == ItemKind.PAPER:
        return not data.get("representative")
    if kind == ItemKind.EXPERIENCE:
        return data.get("category") or ""
    return None


def display_order(kind: ItemKind, items: Sequence[DossierItem]) -> list[DossierItem]:
    """The order a list shows: 工作履历 newest first; 代表作 first; otherwise the applicant's."""
    if kind == ItemKind.WORK_HISTORY:
        return sorted(
            items, key=lambda i: (evidence.newest_first_key(i.data or {}), i.id), reverse=True
        )
    if kind == ItemKind.PAPER:
        return sorted(items, key=lambda i: (group_key(kind, i.data or {}), i.position, i.id))
    return sorted(items, key=lambda i: (i.position, i.id))


@dataclass
class Row:
    item: DossierItem
    problems: list[Problem]
    can_move_up: bool = False
    can_move_down: bool = False

    @property
    def files(self) -> list[Attachment]:
        return self.item.attachments


@dataclass
class Block:
    """One list of the page (a kind; in section 3 one category of experience)."""

    kind: ItemKind
    title: str
    rows: list[Row]
    problems: list[Problem] = field(default_factory=list)
    category: str = ""
    can_add: bool = True
    notes: list[str] = field(default_factory=list)
    #: 相关材料: the 继续教育 years from the province's platform (read-only), with the rule
    platform: list[evidence.PlatformYear] | None = None
    platform_rule: evidence.HoursRule | None = None

    @property
    def slug(self) -> str:
        return slug(self.kind)

    @property
    def movable(self) -> bool:
        return self.kind not in FIXED_ORDER


@dataclass
class SectionPage:
    section: Section
    blocks: list[Block]
    problems: list[Problem]
    item_count: int


def section_page(
    session: Session, application: Application, section: Section, context: Context
) -> SectionPage:
    kinds = SECTION_KINDS[section]
    items = load_items(session, application, kinds)
    by_kind: dict[ItemKind, list[DossierItem]] = {kind: [] for kind in kinds}
    for item in items:
        by_kind[item.kind].append(item)
    problems = evidence.section_problems(
        [k.value for k in kinds], [entry(i) for i in items], context
    )
    blocks: list[Block] = []
    for kind in kinds:
        blocks.extend(_blocks(kind, by_kind[kind], problems, context))
    return SectionPage(section, blocks, problems, len(items))


def _rows(kind: ItemKind, items: Sequence[DossierItem], problems: Sequence[Problem]) -> list[Row]:
    by_entry: dict[int, list[Problem]] = {}
    for problem in problems:
        if problem.entry_id is not None:
            by_entry.setdefault(problem.entry_id, []).append(problem)
    ordered = display_order(kind, items)
    rows = [Row(item, by_entry.get(item.id, [])) for item in ordered]
    if kind in FIXED_ORDER:
        return rows
    for index, row in enumerate(rows):
        group = group_key(kind, row.item.data or {})
        before = rows[index - 1] if index else None
        after = rows[index + 1] if index + 1 < len(rows) else None
        row.can_move_up = before is not None and group_key(kind, before.item.data) == group
        row.can_move_down = after is not None and group_key(kind, after.item.data) == group
    return rows


def _blocks(
    kind: ItemKind, items: list[DossierItem], problems: Sequence[Problem], context: Context
) -> list[Block]:
    list_problems = [p for p in problems if p.kind == kind.value and p.entry_id is None]
    if kind == ItemKind.EXPERIENCE:
        return _experience_blocks(items, problems, context)
    block = Block(kind, kind.label, _rows(kind, items, problems), list_problems)
    if kind == ItemKind.PAPER:
        block.notes.append(
            f"论文限传{context.paper_min}-{context.paper_max}篇（评委会要求），前一篇或两篇为代表作，"
            "按质量高低填报；外文论文须上传中文译文。"
        )
        block.can_add = len(items) < context.paper_max
    elif kind == ItemKind.MATERIAL:
        block.notes.append(evidence.PLATFORM_NOTE)
        if context.platform is not None:
            _platform_table(block, context.platform)
    elif kind == ItemKind.EDUCATION:
        block.notes.append(evidence.EDUCATION_RULE_TEXT)
    elif kind == ItemKind.WORK_HISTORY:
        block.notes.append("工作履历按起始时间由近到远排列。")
    return [block]


def _platform_table(block: Block, platform: evidence.PlatformData) -> None:
    """The platform's years go in their own table; their problems are shown there, not twice."""
    block.platform = evidence.platform_years(platform)
    block.platform_rule = platform.rule
    shown = {p.message for p in evidence.platform_problems(platform)}
    block.problems = [p for p in block.problems if p.message not in shown]


def _experience_blocks(
    items: list[DossierItem], problems: Sequence[Problem], context: Context
) -> list[Block]:
    kind = ItemKind.EXPERIENCE
    categories = list(context.experience_categories)
    grouped: dict[str, list[DossierItem]] = {c: [] for c in categories}
    stray: list[DossierItem] = []
    for item in items:
        grouped.get((item.data or {}).get("category"), stray).append(item)
    blocks = [Block(kind, c, _rows(kind, grouped[c], problems), category=c) for c in categories]
    if stray:
        rows = _rows(kind, stray, problems)
        blocks.append(Block(kind, "其他（类别已不在所报系列中）", rows, can_add=False))
    return blocks


# --- changing -----------------------------------------------------------------------------------


def _check_kind(application: Application, actor: Actor, kind: ItemKind) -> None:
    require_editable(application, actor)
    require_basic_saved(application, kind.section)
    if kind.section not in ITEM_SECTIONS:
        raise ItemNotFound(kind.value)


def _same_kind(session: Session, application: Application, kind: ItemKind) -> list[DossierItem]:
    stmt = (
        select(DossierItem)
        .where(DossierItem.application_id == application.id, DossierItem.kind == kind)
        .order_by(DossierItem.position, DossierItem.id)
    )
    return list(session.scalars(stmt))


def _check_rules(
    kind: ItemKind,
    data: Mapping[str, Any],
    others: Sequence[DossierItem],
    context: Context,
    *,
    adding: bool,
) -> None:
    """Rules that look beyond one form: counts per committee, 代表作, platform years."""
    if kind == ItemKind.PAPER:
        if adding and len(others) >= context.paper_max:
            raise RuleViolation(evidence.paper_limit_message(context, len(others)))
        representative = sum(1 for o in others if (o.data or {}).get("representative"))
        if data.get("representative") and representative >= evidence.MAX_REPRESENTATIVE:
            raise RuleViolation(
                f"代表作最多{evidence.MAX_REPRESENTATIVE}篇，请先取消其他论文的代表作标记"
            )
    if kind == ItemKind.MATERIAL and evidence.platform_continuing_education(data):
        raise RuleViolation(evidence.PLATFORM_NOTE)
    allowed = {
        ItemKind.EXPERIENCE: ("category", context.experience_categories),
        ItemKind.OTHER: ("achievement_type", context.achievement_types),
        ItemKind.MATERIAL: ("material_type", context.material_types),
    }.get(kind)
    if allowed and data.get(allowed[0]) not in allowed[1]:
        raise RuleViolation("所选类别不在所报系列的选项中，请重新选择")


def _check_files(kind: ItemKind, data: Mapping[str, Any], files: Sequence[PendingFile]):
    if not files:
        return []
    if kind == ItemKind.MATERIAL and evidence.platform_continuing_education(data):
        raise FileRejected(MSG_PLATFORM_FILES)
    parts = evidence.all_parts(kind.value)
    if any(f.part not in parts for f in files):
        raise FileRejected(MSG_BAD_PART)
    checked = files_service.validate_files(files)
    return list(zip(checked, [f.part for f in files], strict=True))


def add_refusal(
    session: Session, application: Application, kind: ItemKind, context: Context
) -> str | None:
    """Why 新增 is not offered now (the committee's paper limit is reached), or None."""
    if kind != ItemKind.PAPER:
        return None
    count = len(_same_kind(session, application, kind))
    return evidence.paper_limit_message(context, count) if count >= context.paper_max else None


def create_item(
    session: Session,
    store: FileStore,
    application: Application,
    actor: Actor,
    context: Context,
    kind: ItemKind,
    data: Mapping[str, Any],
    files: Sequence[PendingFile] = (),
) -> DossierItem:
    """新增 + 保存: the entry and its files together, or nothing at all."""
    _check_kind(application, actor, kind)
    others = _same_kind(session, application, kind)
    _check_rules(kind, data, others, context, adding=True)
    checked = _check_files(kind, data, files)
    position = max((o.position for o in others), default=0) + 1
    item = DossierItem(application_id=application.id, kind=kind, position=position, data=dict(data))
    session.add(item)
    session.flush()
    files_service.store_validated(session, store, application, actor, checked, item=item)
    return item


def update_item(
    session: Session,
    store: FileStore,
    application: Application,
    actor: Actor,
    context: Context,
    item_id: int,
    data: Mapping[str, Any],
    files: Sequence[PendingFile] = (),
) -> DossierItem:
    """编辑 + 保存: new field values and any newly chosen files; saved files stay."""
    require_editable(application, actor)
    item = get_item(session, application, item_id)
    _check_kind(application, actor, item.kind)
    others = [o for o in _same_kind(session, application, item.kind) if o.id != item.id]
    _check_rules(item.kind, data, others, context, adding=False)
    checked = _check_files(item.kind, data, files)
    item.data = dict(data)
    session.flush()
    files_service.store_validated(session, store, application, actor, checked, item=item)
    return item


def delete_item(session: Session, application: Application, actor: Actor, item_id: int) -> None:
    require_editable(application, actor)
    item = get_item(session, application, item_id)
    session.delete(item)  # its files' rows go with it (loaded, so the ORM deletes them)
    session.flush()


def move_item(
    session: Session, application: Application, actor: Actor, item_id: int, step: int
) -> None:
    """上移 / 下移 inside the item's group; the applicant's order is kept as 1..n."""
    require_editable(application, actor)
    item = get_item(session, application, item_id)
    if item.kind in FIXED_ORDER:
        raise RuleViolation(MSG_WORK_HISTORY_ORDER)
    ordered = display_order(item.kind, _same_kind(session, application, item.kind))
    index = next(i for i, other in enumerate(ordered) if other.id == item.id)
    target = index + (1 if step > 0 else -1)
    group = group_key(item.kind, item.data or {})
    if 0 <= target < len(ordered) and group_key(item.kind, ordered[target].data or {}) == group:
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, other in enumerate(ordered, start=1):
        if other.position != position:
            other.position = position
    session.flush()


def complete_section(
    session: Session,
    application: Application,
    actor: Actor,
    section: Section,
    context: Context,
) -> list[Problem]:
    """完成填报下一步: the flag goes up; what still needs fixing is returned to be shown.

    None of the lists is mandatory (manual §4.2, §4.4), so missing proof does not block the
    flag; the completeness check before 提交审核 refuses what is still missing.
    """
    mark_step_done(application, actor, section)
    kinds = SECTION_KINDS[section]
    entries = [entry(i) for i in load_items(session, application, kinds)]
    session.flush()
    return evidence.section_problems([k.value for k in kinds], entries, context)


def dossier_problems(session: Session, application: Application, context: Context) -> list[Problem]:
    """Everything wrong in sections 2-4, for the completeness check before 提交审核."""
    kinds = [kind for section in SECTION_KINDS for kind in SECTION_KINDS[section]]
    entries = [entry(i) for i in load_items(session, application, kinds)]
    return evidence.section_problems([k.value for k in kinds], entries, context)
