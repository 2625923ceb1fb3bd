"""The whole dossier as plain data, and what changed between two submissions.

``dossier_view`` is what 预览填报信息 and the reviewers' page render (``dossier/_readonly.html``)
and, stored as JSON, the frozen copy of each 提交审核 (``SubmissionSnapshot.data``): the same
shape in all three places, so a submitted copy can be shown or compared like the live dossier.
It loads in a fixed number of queries whatever the dossier's size.

The shape: ``{"shape", "application_id", "applicant", "base", "sections"}``; each section
``{"number", "label", "blocks"}``; each block ``{"key", "title", "columns", "rows", "pairs",
"files", "text"}``; each row ``{"key", "cells", "details", "files"}``; each file ``{"id", "part",
"name", "mime", "size", "pages", "sha256", "image", "script"}``. Keys avoid dict method names
(``items``, ``values``) so templates can use attribute syntax.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.forms.basic import PersonalInfoForm
from app.forms.items import FORMS, display_value, field_labels
from app.models import (
    Application,
    Attachment,
    DossierItem,
    ItemKind,
    OptionKind,
    Section,
    SeriesOption,
    SubmissionSnapshot,
)
from app.services.attachments import PHOTO_PART
from app.services.basic_info import EXCELLENT_YEARS, PERSONAL_FIELDS, PROOF_PART
from app.services.dossier_items import SECTION_KINDS, display_order
from app.validators.dossier import count_summary_chars
from app.workflow.evidence import birth_date_from_id

SHAPE = 1
OTHER_CATEGORY = "其他（类别已不在所报系列中）"


# --- the dossier as data ------------------------------------------------------------------------


def dossier_view(session: Session, application: Application) -> dict[str, Any]:
    """Everything the applicant entered, in the order of the five sections (three queries)."""
    items = session.scalars(
        select(DossierItem)
        .where(DossierItem.application_id == application.id)
        .order_by(DossierItem.position, DossierItem.id)
    ).all()
    files = session.scalars(
        select(Attachment)
        .where(Attachment.application_id == application.id)
        .order_by(Attachment.position, Attachment.id)
    ).all()
    categories = session.scalars(
        select(SeriesOption.name)
        .where(
            SeriesOption.series_id == application.series_id,
            SeriesOption.kind == OptionKind.EXPERIENCE,
            SeriesOption.active,
        )
        .order_by(SeriesOption.sort, SeriesOption.id)
    ).all()
    by_kind: dict[ItemKind, list[DossierItem]] = {kind: [] for kind in ItemKind}
    for item in items:
        by_kind[item.kind].append(item)
    by_item: dict[int | None, list[Attachment]] = {}
    for row in files:
        by_item.setdefault(row.item_id, []).append(row)
    sections = [_basic_section(application, by_kind, by_item.get(None, []))]
    for section in (Section.EDUCATION, Section.EXPERIENCE, Section.ACHIEVEMENT):
        sections.append(_item_section(section, by_kind, by_item, list(categories)))
    sections.append(_summary_section(application))
    return {
        "shape": SHAPE,
        "application_id": application.id,
        "applicant": _applicant(application),
        "base": _base_pairs(application),
        "sections": sections,
    }


def _applicant(application: Application) -> dict[str, str]:
    account = application.applicant
    return {
        "name": account.name,
        "id_number": account.id_number or "",
        "unit": application.unit.name,
    }


def _base_pairs(application: Application) -> list[list[str]]:
    qualification = application.qualification.name
    if application.committee_assessment:
        qualification += "（评委会考核认定）"
    return [
        ["申报方式", application.mode_item.name],
        ["申报系列", application.series.name],
        ["申报资格", qualification],
        ["申报专业", application.specialty.path],
        ["有效范围", application.scope.name],
        ["预分配评委会", application.committee.name],
        ["年度批次", application.batch.name],
    ]


def _file(row: Attachment) -> dict[str, Any]:
    return {
        "id": row.id,
        "part": row.part or "",
        "name": row.original_name,
        "mime": row.mime,
        "size": row.size,
        "pages": row.pages,
        "sha256": row.sha256,
        "image": row.is_image,
        "script": bool(row.has_javascript),
    }


def _block(key: str, title: str, **parts: Any) -> dict[str, Any]:
    block = {"key": key, "title": title, "columns": [], "rows": [], "pairs": [], "files": []}
    block["text"] = None
    block.update(parts)
    return block


# --- 1 基本信息 ----------------------------------------------------------------------------------


@cache
def personal_labels() -> dict[str, str]:
    """个人信息 field → label, as the 基本信息 form shows them."""
    return {name: getattr(PersonalInfoForm, name).args[0] for name in PERSONAL_FIELDS}


def _identity_pairs(id_number: str) -> list[list[str]]:
    birth = birth_date_from_id(id_number)
    gender = ""
    if len(id_number) == 18 and id_number[16].isdigit():
        gender = "男" if int(id_number[16]) % 2 else "女"
    return [["性别", gender], ["出生日期", birth.isoformat() if birth else ""]]


def _basic_section(
    application: Application, by_kind: dict[ItemKind, list[DossierItem]], own_files
) -> dict[str, Any]:
    personal_items = by_kind[ItemKind.PERSONAL]
    data = dict(personal_items[0].data or {}) if personal_items else {}
    applicant = _applicant(application)
    pairs = [["姓名", applicant["name"]], ["身份证号", applicant["id_number"]]]
    pairs += _identity_pairs(applicant["id_number"])
    pairs += [[label, display_value(data.get(key))] for key, label in personal_labels().items()]
    pairs.append(["工作单位", applicant["unit"]])
    if application.committee_assessment:
        pairs.append(["申报方式二次选择", "评委会考核认定"])
    photos = [_file(f) for f in own_files if f.part == PHOTO_PART][-1:]
    personal = _block("personal", "个人信息", pairs=pairs, files=photos)
    return {
        "number": Section.BASIC.value,
        "label": Section.BASIC.label,
        "blocks": [personal, _assessment_block(application, by_kind, own_files, data)],
    }


def _assessment_block(application, by_kind, own_files, personal: dict) -> dict[str, Any]:
    ethics = application.series.ethics_check
    columns = ["年度", "考核结果"] + ([f"{ethics}考核情况"] if ethics else [])
    rows = []
    ordered = sorted(by_kind[ItemKind.ASSESSMENT], key=lambda i: -int(i.data.get("year") or 0))
    for item in ordered:
        data = item.data or {}
        cells = [display_value(data.get("year")), display_value(data.get("result"))]
        if ethics:
            cells.append(display_value(data.get("ethics")))
        rows.append({"key": f"year:{data.get('year')}", "cells": cells, "details": [], "files": []})
    years = "、".join(str(y) for y in personal.get(EXCELLENT_YEARS) or []) or "无"
    proofs = [_file(f) for f in own_files if f.part == PROOF_PART]
    return _block(
        "assessment",
        "考核情况",
        columns=columns,
        rows=rows,
        pairs=[["现资格以来取得优秀年度", years]],
        files=proofs,
    )


# --- 2-4: entries ---------------------------------------------------------------------------------


@cache
def _field_order(kind: ItemKind) -> tuple[tuple[str, str], ...]:
    """(field, label) of a kind's form in the order the form declares them."""
    labels = field_labels(kind)
    form_class = FORMS[kind]
    names = sorted(labels, key=lambda name: getattr(form_class, name).creation_counter)
    return tuple((name, labels[name]) for name in names)


def _row(kind: ItemKind, item: DossierItem, files: Sequence[Attachment]) -> dict[str, Any]:
    data = item.data or {}
    columns = FORMS[kind].columns
    cells = [display_value(data.get(name)) for name in columns]
    details = [
        [label, display_value(data.get(name))]
        for name, label in _field_order(kind)
        if name not in columns and display_value(data.get(name))
    ]
    return {
        "key": f"item:{item.id}",
        "cells": cells,
        "details": details,
        "files": [_file(f) for f in files],
    }


def _kind_block(kind, items, by_item, *, key=None, title=None) -> dict[str, Any]:
    labels = dict(_field_order(kind))
    rows = [_row(kind, item, by_item.get(item.id, [])) for item in display_order(kind, items)]
    return _block(
        key or f"kind:{kind.name}",
        title or kind.label,
        columns=[labels[name] for name in FORMS[kind].columns],
        rows=rows,
    )


def _item_section(section, by_kind, by_item, categories: list[str]) -> dict[str, Any]:
    blocks = []
    for kind in SECTION_KINDS[section]:
        if kind != ItemKind.EXPERIENCE:
            blocks.append(_kind_block(kind, by_kind[kind], by_item))
            continue
        grouped: dict[str, list[DossierItem]] = {c: [] for c in categories}
        stray: list[DossierItem] = []
        for item in by_kind[kind]:
            grouped.get((item.data or {}).get("category"), stray).append(item)
        for category, items in grouped.items():
            key = f"experience:{category}"
            blocks.append(_kind_block(kind, items, by_item, key=key, title=category))
        if stray:
            key = "experience:"
            blocks.append(_kind_block(kind, stray, by_item, key=key, title=OTHER_CATEGORY))
    return {"number": section.value, "label": section.label, "blocks": blocks}


# --- 5 小结 ----------------------------------------------------------------------------------------


def _summary_section(application: Application) -> dict[str, Any]:
    text = application.summary or ""
    batch = application.batch
    count = f"{count_summary_chars(text)}字（要求{batch.summary_min}-{batch.summary_max}字）"
    block = _block("summary", Section.SUMMARY.label, pairs=[["字数", count]], text=text)
    return {"number": Section.SUMMARY.value, "label": Section.SUMMARY.label, "blocks": [block]}


# --- the list of files (receipt, snapshot) -------------------------------------------------------


def file_list(view: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file of a dossier view, in page order, with where it belongs."""
    listed = []
    for section in view["sections"]:
        for block in section["blocks"]:
            place = f"{section['number']} {section['label']}·{block['title']}"
            for file in block["files"]:
                listed.append(_listed(file, place))
            for index, row in enumerate(block["rows"], start=1):
                for file in row["files"]:
                    listed.append(_listed(file, f"{place}·第{index}条"))
    return listed


def _listed(file: dict[str, Any], place: str) -> dict[str, Any]:
    keys = ("part", "name", "mime", "size", "pages", "sha256")
    return {"place": place, **{key: file[key] for key in keys}}


# --- what changed between two submissions ------------------------------------------------------


def changes_since_previous(session: Session, application: Application) -> dict[str, Any] | None:
    """The latest submitted copy against the one before it (None before a resubmission)."""
    latest_two = session.scalars(
        select(SubmissionSnapshot)
        .where(SubmissionSnapshot.application_id == application.id)
        .order_by(SubmissionSnapshot.sequence.desc())
        .limit(2)
    ).all()
    if len(latest_two) < 2:
        return None
    current, previous = latest_two
    sections = diff_views(previous.data, current.data)
    return {
        "previous": {"sequence": previous.sequence, "at": previous.submitted_at},
        "current": {"sequence": current.sequence, "at": current.submitted_at},
        "sections": sections,
        "changed": any(s["changed"] for s in sections),
    }


def diff_views(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Per section, what the newer view adds, removes or changes compared with the older."""
    before = {s["number"]: s for s in old.get("sections", [])}
    result = []
    for section in new.get("sections", []):
        earlier = before.get(section["number"], {"blocks": []})
        blocks = _diff_blocks(earlier["blocks"], section["blocks"])
        result.append(
            {
                "number": section["number"],
                "label": section["label"],
                "changed": bool(blocks),
                "blocks": blocks,
            }
        )
    return result


def _diff_blocks(old_blocks: list[dict], new_blocks: list[dict]) -> list[dict[str, Any]]:
    old_by_key = {b["key"]: b for b in old_blocks}
    new_keys = {b["key"] for b in new_blocks}
    pairs = [(old_by_key.get(b["key"]), b) for b in new_blocks]
    pairs += [(b, None) for b in old_blocks if b["key"] not in new_keys]
    changed = []
    for old, new in pairs:
        diff = _diff_block(old or _block("", ""), new or _block("", ""))
        if diff is not None:
            diff["title"] = (new or old)["title"]
            changed.append(diff)
    return changed


def _diff_block(old: dict, new: dict) -> dict[str, Any] | None:
    old_rows = {r["key"]: r for r in old["rows"]}
    new_rows = {r["key"]: r for r in new["rows"]}
    added = [_row_title(r) for r in new["rows"] if r["key"] not in old_rows]
    removed = [_row_title(r) for r in old["rows"] if r["key"] not in new_rows]
    edited = []
    for row in new["rows"]:
        if row["key"] in old_rows:
            change = _diff_row(old["columns"], old_rows[row["key"]], new["columns"], row)
            if change:
                edited.append(change)
    common_old = [k for k in old_rows if k in new_rows]
    common_new = [k for k in new_rows if k in old_rows]
    files_added, files_removed = _diff_files(old["files"], new["files"])
    diff = {
        "added": added,
        "removed": removed,
        "edited": edited,
        "reordered": common_old != common_new,
        "pairs": _diff_pairs(old["pairs"], new["pairs"]),
        "files_added": files_added,
        "files_removed": files_removed,
        "text": _diff_text(old["text"], new["text"]),
    }
    return diff if any(diff.values()) else None


def _row_title(row: dict) -> str:
    shown = [cell for cell in row["cells"] if cell][:3]
    return "，".join(shown) or "（未填写）"


def _fields(columns: list[str], row: dict) -> dict[str, str]:
    fields = dict(zip(columns, row["cells"], strict=False))
    fields.update({label: value for label, value in row["details"]})
    return fields


def _diff_row(old_columns, old_row, new_columns, new_row) -> dict[str, Any] | None:
    before, after = _fields(old_columns, old_row), _fields(new_columns, new_row)
    fields = [
        [label, before.get(label, ""), after.get(label, "")]
        for label in dict.fromkeys([*after, *before])
        if before.get(label, "") != after.get(label, "")
    ]
    files_added, files_removed = _diff_files(old_row["files"], new_row["files"])
    if not (fields or files_added or files_removed):
        return None
    return {
        "title": _row_title(new_row),
        "fields": fields,
        "files_added": files_added,
        "files_removed": files_removed,
    }


def _diff_pairs(old: Iterable[list[str]], new: Iterable[list[str]]) -> list[list[str]]:
    before, after = dict(map(tuple, old)), dict(map(tuple, new))
    return [
        [label, before.get(label, ""), after.get(label, "")]
        for label in dict.fromkeys([*after, *before])
        if before.get(label, "") != after.get(label, "")
    ]


def _file_label(file: dict) -> str:
    return f"{file['part'] or '附件'}：{file['name']}"


def _diff_files(old: list[dict], new: list[dict]) -> tuple[list[str], list[str]]:
    """Files told apart by content and part: a renamed copy of the same bytes is no change."""
    before = [(f["part"], f["sha256"]) for f in old]
    after = [(f["part"], f["sha256"]) for f in new]
    added = [_file_label(f) for f in new if (f["part"], f["sha256"]) not in before]
    removed = [_file_label(f) for f in old if (f["part"], f["sha256"]) not in after]
    return added, removed


def _diff_text(old: str | None, new: str | None) -> dict[str, Any] | None:
    old, new = old or "", new or ""
    if old == new:
        return None
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "delete", "replace") and i2 > i1:
            ops.append(["equal" if tag == "equal" else "delete", old[i1:i2]])
        if tag in ("insert", "replace") and j2 > j1:
            ops.append(["insert", new[j1:j2]])
    return {
        "old_count": count_summary_chars(old),
        "new_count": count_summary_chars(new),
        "ops": ops,
    }
