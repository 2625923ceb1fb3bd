"""The certificate (专业技术资格证书) as a one-page PDF, built from plain data with fpdf2."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from app.documents.receipt import SYSTEM, mask_id_number, with_cjk_font

TITLE = "专业技术资格证书"
_FAMILY = "cjk"


@dataclass(frozen=True)
class CertificateText:
    number: str
    verification_code: str
    holder_name: str
    id_number: str
    unit_name: str
    series_name: str
    qualification_name: str
    specialty_path: str
    scope_name: str
    committee_name: str
    passed_on: date
    issued_on: date


def text_of(certificate) -> CertificateText:
    """The plain data of a Certificate row (duck-typed)."""
    return CertificateText(
        **{field: getattr(certificate, field) for field in CertificateText.__dataclass_fields__}
    )


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def build_certificate(text: CertificateText, font_path: str) -> bytes:
    """PDF bytes; FontUnavailable (app.documents.receipt) when the font cannot be loaded."""
    pdf = with_cjk_font(FPDF(orientation="landscape", format="A4"), font_path)
    pdf.set_title(f"{TITLE}（{text.number}）")
    pdf.set_creator(SYSTEM)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(150, 20, 20)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)
    pdf.set_y(30)
    pdf.set_font(_FAMILY, size=28)
    pdf.cell(0, 16, TITLE, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)
    pdf.set_font(_FAMILY, size=14)
    body = (
        f"{text.holder_name}同志（身份证号 {mask_id_number(text.id_number)}），{text.unit_name}，"
        f"经{text.committee_name}于{_cn(text.passed_on)}评审通过，"
        f"具备{text.series_name}{text.qualification_name}专业技术资格。"
    )
    pdf.set_x(40)
    pdf.multi_cell(217, 10, body, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    for label, value in (
        ("专业", text.specialty_path),
        ("有效范围", text.scope_name),
        ("证书编号", text.number),
        ("发证日期", _cn(text.issued_on)),
        ("校验码", text.verification_code),
    ):
        pdf.set_x(40)
        pdf.cell(40, 10, f"{label}：")
        pdf.cell(177, 10, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(176)
    pdf.set_font(_FAMILY, size=9)
    pdf.cell(
        0, 6, f"{SYSTEM}生成　凭证书编号和校验码可在本系统网站首页“证书查询”核验", align=Align.C
    )
    return bytes(pdf.output())
