"""申报回执: the PDF receipt of one 提交审核, built from plain data with fpdf2.

It states when the dossier was submitted (Beijing time), by whom and for what, the 诚信提示
confirmation, every file with its SHA-256, and the verification code of the frozen copy, so
the applicant can later prove what was submitted. Chinese needs a CJK font: the caller passes
the path of a TrueType/OpenType font or collection (Debian: ``fonts-noto-cjk`` or
``fonts-wqy-microhei``); ``find_font`` picks the configured one or the first installed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

TITLE = "职称申报回执"
SYSTEM = "甘肃省职称申报评审管理信息系统"
NOTE = (
    "说明：本回执由系统在申报人点击“提交审核”并确认诚信提示后自动生成。提交的申报信息和材料已由"
    "系统封存，校验码和内容摘要与封存的内容一一对应；下列每个文件的SHA-256值是该文件内容的"
    "数字指纹，文件内容有任何改动，其值都会不同。如需核验，请向单位经办人或评委会办事机构提供"
    "本回执的校验码。"
)
BEIJING = ZoneInfo("Asia/Shanghai")
_FAMILY = "cjk"
#: the first bytes of TrueType, OpenType (CFF), Apple TrueType and collection files
_FONT_MAGIC = frozenset({b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf"})


class FontUnavailable(RuntimeError):
    """No usable CJK font: the receipt cannot be drawn."""


@dataclass(frozen=True)
class ReceiptFile:
    place: str
    part: str
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Receipt:
    sequence: int
    #: already in Beijing time, e.g. 2026年10月15日 10:00:00
    submitted_at: str
    applicant: str
    #: masked by the caller where it should be
    id_number: str
    unit: str
    base: Sequence[tuple[str, str]]
    pledge: str
    files: Sequence[ReceiptFile]
    verification_code: str
    digest: str


def _beijing(stored: datetime, fmt: str) -> str:
    """A stored (naive UTC) time in Beijing time."""
    return stored.replace(tzinfo=UTC).astimezone(BEIJING).strftime(fmt)


def mask_id_number(number: str) -> str:
    """620102********0113: a receipt may be printed and handed around."""
    if len(number) != 18:
        return number
    return number[:6] + "*" * 8 + number[14:]


def receipt_of(snapshot: Any) -> Receipt:
    """The receipt of one frozen copy (a SubmissionSnapshot, duck-typed): built from the copy
    alone, never from the live dossier."""
    data = snapshot.data
    applicant = data["applicant"]
    pledged = _beijing(snapshot.pledged_at, "%Y-%m-%d %H:%M:%S")
    return Receipt(
        sequence=snapshot.sequence,
        submitted_at=_beijing(snapshot.submitted_at, "%Y年%m月%d日 %H:%M:%S"),
        applicant=applicant["name"],
        id_number=mask_id_number(applicant["id_number"]),
        unit=applicant["unit"],
        base=[(label, value) for label, value in data["base"]],
        pledge=f"已阅读诚信提示并点击“确定”（{pledged}，IP地址 {snapshot.ip or '未知'}）",
        files=[
            ReceiptFile(f["place"], f["part"], f["name"], f["size"], f["sha256"])
            for f in snapshot.files
        ],
        verification_code=snapshot.verification_code,
        digest=snapshot.digest,
    )


def find_font(configured: str | None, candidates: Iterable[str]) -> str | None:
    """The configured font if it exists, else the first installed candidate, else None."""
    for path in ([configured] if configured else []) + list(candidates):
        if path and Path(path).is_file():
            return path
    return None


@lru_cache(maxsize=8)
def _collection_index(path: str) -> int:
    """In a font collection (.ttc), the Simplified Chinese face if there is one."""
    if Path(path).suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        for index, font in enumerate(collection.fonts):
            family = font["name"].getDebugName(1) or ""
            if family.endswith((" SC", " CN", "GB")):
                return index
    return 0


def _size(size: int) -> str:
    return f"{max(1, round(size / 1024))} KB" if size < 1024 * 1024 else f"{size / 1048576:.1f} MB"


class _ReceiptPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FAMILY, size=8)
        self.cell(0, 6, f"{TITLE}　第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")


def _check_font_file(path: str) -> None:
    """Refuse what is no TrueType/OpenType font or collection before a parser opens it."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise FontUnavailable(str(exc)) from exc
    if magic not in _FONT_MAGIC:
        raise FontUnavailable(f"{path} is not a TrueType/OpenType font")


def with_cjk_font(pdf: FPDF, font_path: str) -> FPDF:
    """Load the CJK font as family ``cjk``; FontUnavailable when it cannot be loaded."""
    _check_font_file(font_path)
    try:
        pdf.add_font(_FAMILY, fname=font_path, collection_font_number=_collection_index(font_path))
    except Exception as exc:  # fpdf2 and fontTools raise many kinds on a bad file
        raise FontUnavailable(str(exc)) from exc
    return pdf


def build_receipt(receipt: Receipt, font_path: str) -> bytes:
    """The receipt as PDF bytes; FontUnavailable when the font cannot be loaded."""
    pdf = with_cjk_font(_ReceiptPDF(format="A4"), font_path)
    pdf.set_title(TITLE)
    pdf.set_creator(SYSTEM)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    _heading(pdf)
    _details(pdf, receipt)
    _files(pdf, receipt.files)
    pdf.ln(4)
    pdf.set_font(_FAMILY, size=8)
    pdf.multi_cell(0, 4.5, NOTE, wrapmode=WrapMode.CHAR)
    return bytes(pdf.output())


def _heading(pdf: FPDF) -> None:
    pdf.set_font(_FAMILY, size=18)
    pdf.cell(0, 12, TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FAMILY, size=10)
    pdf.cell(0, 6, SYSTEM, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _details(pdf: FPDF, receipt: Receipt) -> None:
    rows = [
        ("提交时间", f"{receipt.submitted_at}（北京时间）"),
        ("提交次数", f"第{receipt.sequence}次提交审核"),
        ("申报人", receipt.applicant),
        ("身份证号", receipt.id_number),
        ("工作单位", receipt.unit),
        *receipt.base,
        ("诚信承诺", receipt.pledge),
        ("校验码", receipt.verification_code),
        ("内容摘要", f"SHA-256 {receipt.digest}"),
    ]
    pdf.set_font(_FAMILY, size=10)
    with pdf.table(col_widths=(28, 152), wrapmode=WrapMode.CHAR, first_row_as_headings=False) as t:
        for label, value in rows:
            row = t.row()
            row.cell(label)
            row.cell(value or "—")


def _files(pdf: FPDF, files: Sequence[ReceiptFile]) -> None:
    pdf.ln(5)
    pdf.set_font(_FAMILY, size=12)
    pdf.cell(0, 8, f"提交材料清单（共{len(files)}个文件）", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not files:
        pdf.set_font(_FAMILY, size=10)
        pdf.cell(0, 6, "未上传文件", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    for number, file in enumerate(files, start=1):
        pdf.set_font(_FAMILY, size=9)
        label = f"{number}. {file.place}·{file.part or '附件'}：{file.name}（{_size(file.size)}）"
        pdf.multi_cell(0, 5, label, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(_FAMILY, size=8)
        pdf.cell(0, 4.5, f"SHA-256：{file.sha256}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
