"""Which evidence files each dossier entry needs, and what is wrong with a section (pure).

The rules are the manual's: §1.4 (二) for 学历资历 (the proof of a degree follows its year and
kind), §1.4 (四) and §4.4 for 业绩成果 (papers, books and projects are uploaded by part).
The same functions drive the upload dialog's part list, the flags on the section pages and the
completeness check before 提交审核, so the three can never disagree.

Entries are plain mappings (the JSON ``data`` of a DossierItem): dates may be ``date`` objects
or ISO strings. No Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from app.workflow.kinds import ItemKind

EDUCATION = ItemKind.EDUCATION
CERTIFICATE = ItemKind.CERTIFICATE
APPOINTMENT = ItemKind.APPOINTMENT
MATERIAL = ItemKind.MATERIAL
WORK_HISTORY = ItemKind.WORK_HISTORY
SOCIETY = ItemKind.SOCIETY
EXPERIENCE = ItemKind.EXPERIENCE
PAPER = ItemKind.PAPER
BOOK = ItemKind.BOOK
PROJECT = ItemKind.PROJECT
AWARD = ItemKind.AWARD
PATENT = ItemKind.PATENT
OTHER = ItemKind.OTHER

OTHER_PROOF = "其他佐证材料"
GENERIC_PROOF = "佐证材料"

# --- 学习经历 (manual §1.4 (二) 1) ---------------------------------------------------------

EDUCATION_CATEGORIES = (
    "普通高等教育",
    "成人高等教育",
    "高等教育自学考试",
    "网络教育",
    "国外学历学位",
    "港澳台学历学位",
    "党校教育",
    "中专",
    "技工院校",
)
ABROAD, HK_MACAO_TAIWAN, PARTY_SCHOOL, SECONDARY, TECHNICAL = EDUCATION_CATEGORIES[4:]

DIPLOMA = "学历证书"
DEGREE_CERTIFICATE = "学位证书"
CHSI_RECORD = "教育部学历证书电子注册备案表"
CHSI_REPORT = "中国高等教育学历认证报告"
ABROAD_CERTIFICATE = "国外学历学位认证书"
HMT_CERTIFICATE = "港澳台学历学位认证书"
STUDENT_CARD = "学籍卡"
GRADUATE_FORM = "毕业生登记表"
ONLINE_DIPLOMA_CHECK = "网上毕业证书查询结果"

#: degrees from this year on carry the 电子注册备案表 and its 学信网验证码 (manual §1.4 (二) 1 (1))
CHSI_FROM_YEAR = 2002
#: 技工院校 graduates from this year on provide the online check (manual §1.4 (二) 1 (6))
TECHNICAL_ONLINE_FROM_YEAR = 2008
NO_DEGREE = "无"

#: 学信网 online verification code: 12 digits, or 16 letters and digits (reference/rules.md)
XUEXIN_CODE = re.compile(r"\d{12}|[0-9A-Za-z]{16}")

EDUCATION_RULE_TEXT = (
    "除学历证书外还须上传佐证材料：2002年后取得的学历提供《教育部学历证书电子注册备案表》"
    "并填写学信网验证码（验证有效期须至申报年度12月底）；2001年及之前取得的学历提供"
    "《中国高等教育学历认证报告》；国外学历学位提供《国外学历学位认证书》；港澳台地区学历学位"
    "提供《港澳台学历学位认证书》；党校、中专学历提供学籍卡或毕业生登记表；2008年以后的技工院校"
    "毕业生提供网上毕业证书查询结果，2008年之前的提供毕业生登记表或学籍卡。"
)


@dataclass(frozen=True)
class Proof:
    """One file the entry needs (or may have); any one of ``parts`` satisfies it."""

    label: str
    parts: tuple[str, ...]
    required: bool = True

    @classmethod
    def of(cls, part: str, *, required: bool = True, book_title: bool = False) -> Proof:
        return cls(f"《{part}》" if book_title else part, (part,), required)


@dataclass(frozen=True)
class Context:
    """What the rules need to know about the dossier around an entry."""

    batch_year: int
    today: date
    needs_license: bool = False
    needs_exam: bool = False
    paper_min: int = 3
    paper_max: int = 5
    #: the applicant's birth date (from the ID number), to flag impossible work dates
    birth_date: date | None = None
    #: per-series choice lists: 专业技术工作经历类别, 其他业绩类型, 相关材料类型
    experience_categories: tuple[str, ...] = ()
    achievement_types: tuple[str, ...] = ()
    material_types: tuple[str, ...] = ()
    #: 继续教育 from the province's platform; None when it was not looked up (no platform rule)
    platform: PlatformData | None = None

    @property
    def xuexin_valid_until(self) -> date:
        """The 学信网 code must stay valid to the end of December of the batch year."""
        return date(self.batch_year, 12, 31)


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def graduation_year(data: Mapping[str, Any]) -> int | None:
    graduated = as_date(data.get("graduated_on"))
    return graduated.year if graduated else None


def needs_xuexin_code(data: Mapping[str, Any]) -> bool:
    """A degree of 2002 or later in Chinese higher education is checked on 学信网."""
    year = graduation_year(data)
    category = data.get("category") or ""
    return year is not None and year >= CHSI_FROM_YEAR and category in _CHSI_CATEGORIES


_CHSI_CATEGORIES = frozenset(EDUCATION_CATEGORIES[:4])


def education_proofs(data: Mapping[str, Any]) -> list[Proof]:
    """The files a 学习经历 needs, exactly as manual §1.4 (二) 1 lists them."""
    proofs = [Proof.of(DIPLOMA)]
    degree = data.get("degree") or NO_DEGREE
    proofs.append(Proof.of(DEGREE_CERTIFICATE, required=degree != NO_DEGREE))
    year, category = graduation_year(data), data.get("category") or ""
    proofs.extend(_education_rule(year, category))
    return proofs


def _education_rule(year: int | None, category: str) -> list[Proof]:
    either = Proof(f"{STUDENT_CARD}或{GRADUATE_FORM}", (STUDENT_CARD, GRADUATE_FORM))
    if category == ABROAD:
        return [Proof.of(ABROAD_CERTIFICATE, book_title=True)]
    if category == HK_MACAO_TAIWAN:
        return [Proof.of(HMT_CERTIFICATE, book_title=True)]
    if category in (PARTY_SCHOOL, SECONDARY):
        return [either]
    if year is None:
        return []  # not enough to know yet; the form requires the date
    if category == TECHNICAL:
        if year >= TECHNICAL_ONLINE_FROM_YEAR:
            return [Proof.of(ONLINE_DIPLOMA_CHECK)]
        return [Proof(f"{GRADUATE_FORM}或{STUDENT_CARD}", (GRADUATE_FORM, STUDENT_CARD))]
    if year >= CHSI_FROM_YEAR:
        return [Proof.of(CHSI_RECORD, book_title=True)]
    return [Proof.of(CHSI_REPORT, book_title=True)]


def xuexin_problems(data: Mapping[str, Any], context: Context) -> list[str]:
    if not needs_xuexin_code(data):
        return []
    code = (data.get("xuexin_code") or "").strip()
    if not code:
        return ["2002年后取得的学历须填写学信网验证码"]
    problems = []
    if not XUEXIN_CODE.fullmatch(code):
        problems.append("学信网验证码格式不正确（应为12位数字或16位字母数字）")
    valid_until = as_date(data.get("xuexin_valid_until"))
    if valid_until is None:
        problems.append("请填写学信网验证码的验证有效期")
    elif valid_until < context.xuexin_valid_until:
        limit = context.xuexin_valid_until
        problems.append(f"学信网验证码的验证有效期须至{limit.year}年12月31日或之后，请重新申请")
    return problems


# --- the other kinds ---------------------------------------------------------------------------

APPOINTMENT_PROOFS = ("事业单位岗位聘用人员备案表", "工资变动审批表", "单位聘任文件", "聘书")
#: manual §1.4 (二) 3: who provides which proof of appointment
STAFF_TYPES = ("事业单位在编在岗人员", "事业单位聘用人员", "企业人员", "其他人员")
STAFF_PROOFS = {
    STAFF_TYPES[0]: APPOINTMENT_PROOFS[:2],
    STAFF_TYPES[1]: APPOINTMENT_PROOFS[2:],
    STAFF_TYPES[2]: APPOINTMENT_PROOFS[2:],
    STAFF_TYPES[3]: APPOINTMENT_PROOFS,
}

LICENSE = "从业资格证"
CONTINUING_EDUCATION = "继续教育证明"
EXAM_CERTIFICATE = "考试合格证"
#: 继续教育 from this year on comes from the province's platform (manual §1.4 (二) 4)
PLATFORM_FROM_YEAR = 2022
PLATFORM_NOTE = (
    "2022年及以后的继续教育相关数据由系统从甘肃省专业技术人员继续教育工作平台提取，无需上传；"
    "2021年及之前的继续教育情况，需上传继续教育证书等佐证材料。"
)
MATERIAL_PROOF = "证明材料"

TRANSFER = "转系列"
FOREIGN_LANGUAGE = "外文"
SOLE_AUTHOR = "独著"

PAPER_PARTS = ("封面", "主办单位页", "目录页", "正文")
PAPER_TRANSLATION = "中文译文"
PAPER_OPTIONAL = ("版权页", "检索证明", "知网查重报告")
BOOK_PARTS = ("封面", "版权页", "目录", "编委会名单页", "字数页")
PROJECT_START, PROJECT_END, PROJECT_REGISTRATION, PROJECT_RANK = (
    "立项",
    "结题（验收、鉴定）",
    "成果登记",
    "排名页",
)
AWARD_CERTIFICATE = "获奖证书"
PATENT_CERTIFICATE = "专利证书"
#: at most this many papers are flagged 代表作 (manual §4.4.1: "前一篇或两篇为代表作")
MAX_REPRESENTATIVE = 2


def proofs_for(kind: str, data: Mapping[str, Any]) -> list[Proof]:
    """Every file part an entry of ``kind`` may carry, required ones marked, in dialog order."""
    builder = _PROOF_BUILDERS.get(kind)
    proofs = builder(data) if builder else [Proof.of(GENERIC_PROOF, required=False)]
    return [*proofs, Proof.of(OTHER_PROOF, required=False)]


def _appointment(data: Mapping[str, Any]) -> list[Proof]:
    chosen = data.get("proof_type") or ""
    return [Proof.of(p, required=p == chosen) for p in APPOINTMENT_PROOFS]


def _material(data: Mapping[str, Any]) -> list[Proof]:
    return [Proof.of(MATERIAL_PROOF, required=not platform_continuing_education(data))]


def _paper(data: Mapping[str, Any]) -> list[Proof]:
    foreign = data.get("language") == FOREIGN_LANGUAGE
    proofs = [Proof.of(p) for p in PAPER_PARTS]
    proofs.append(Proof.of(PAPER_TRANSLATION, required=foreign))
    return proofs + [Proof.of(p, required=False) for p in PAPER_OPTIONAL]


def _book(data: Mapping[str, Any]) -> list[Proof]:
    sole = data.get("role") == SOLE_AUTHOR
    return [Proof.of(p, required=not (sole and p == "编委会名单页")) for p in BOOK_PARTS]


def _project(data: Mapping[str, Any]) -> list[Proof]:
    finished = bool(as_date(data.get("finished_on")))
    return [
        Proof.of(PROJECT_START),
        Proof.of(PROJECT_END, required=finished),
        Proof.of(PROJECT_REGISTRATION, required=False),
        Proof.of(PROJECT_RANK),
    ]


_PROOF_BUILDERS = {
    EDUCATION: education_proofs,
    CERTIFICATE: lambda data: [Proof.of(CERTIFICATE)],
    APPOINTMENT: _appointment,
    MATERIAL: _material,
    EXPERIENCE: lambda data: [Proof.of(GENERIC_PROOF)],
    PAPER: _paper,
    BOOK: _book,
    PROJECT: _project,
    AWARD: lambda data: [Proof.of(AWARD_CERTIFICATE)],
    PATENT: lambda data: [Proof.of(PATENT_CERTIFICATE)],
    OTHER: lambda data: [Proof.of(GENERIC_PROOF)],
}


def required_proofs(kind: str, data: Mapping[str, Any]) -> list[Proof]:
    return [proof for proof in proofs_for(kind, data) if proof.required]


def all_parts(kind: str) -> frozenset[str]:
    """Every part name an entry of ``kind`` can ever accept (whatever its fields say)."""
    samples: list[dict[str, Any]] = [{}]
    if kind == EDUCATION:
        samples = [
            {"category": c, "graduated_on": date(y, 7, 1), "degree": "学士"}
            for c in EDUCATION_CATEGORIES
            for y in (2000, 2010)
        ]
    return frozenset(part for s in samples for p in proofs_for(kind, s) for part in p.parts)


def missing_proofs(kind: str, data: Mapping[str, Any], parts: Iterable[str]) -> list[Proof]:
    present = set(parts)
    return [p for p in required_proofs(kind, data) if not present.intersection(p.parts)]


def platform_continuing_education(data: Mapping[str, Any]) -> bool:
    """A 继续教育 year the province's platform supplies (no upload)."""
    year = data.get("year")
    return (
        data.get("material_type") == CONTINUING_EDUCATION
        and isinstance(year, int)
        and year >= PLATFORM_FROM_YEAR
    )


# --- 继续教育 from the province's platform (manual §1.4 (二) 4, §4.2.4) ------------------------


@dataclass(frozen=True)
class HoursRule:
    """The yearly 继续教育 requirement: at least ``total`` 学时, of which ``public`` 公需科目 and
    ``professional`` 专业科目.

    Source: reference/rules.md (90 学时 a year, 30 公需 + 60 专业), taken from secondary copies of
    the national 《专业技术人员继续教育规定》; the Gansu manual gives no number. The numbers are
    settings (see ``app.services.continuing_education.hours_rule``).
    """

    total: Decimal = Decimal(90)
    public: Decimal = Decimal(30)
    professional: Decimal = Decimal(60)

    @property
    def text(self) -> str:
        return (
            f"每年不少于{format_hours(self.total)}学时，其中公需科目不少于"
            f"{format_hours(self.public)}学时、专业科目不少于{format_hours(self.professional)}学时"
        )


@dataclass(frozen=True)
class PlatformHours:
    """One year's 学时 as the platform reported them."""

    year: int
    public: Decimal
    professional: Decimal

    @property
    def total(self) -> Decimal:
        return self.public + self.professional


@dataclass(frozen=True)
class PlatformData:
    """What the platform supplied for the applicant, and the years it has to cover."""

    records: tuple[PlatformHours, ...] = ()
    required_years: tuple[int, ...] = ()
    rule: HoursRule = HoursRule()


@dataclass(frozen=True)
class PlatformYear:
    """One line of the read-only 继续教育 table of 相关材料."""

    year: int
    hours: PlatformHours | None
    shortfalls: tuple[str, ...] = ()
    #: a year 任现职以来 that the dossier has to show
    required: bool = True

    @property
    def meets(self) -> bool:
        return self.hours is not None and not self.shortfalls

    @property
    def status(self) -> str:
        if self.hours is None:
            return missing_platform_year_message(self.year)
        return "达标" if self.meets else "未达标：" + "，".join(self.shortfalls)


def format_hours(value: Decimal | int) -> str:
    """30 → "30", 30.5 → "30.5" (学时 have at most one decimal place)."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def platform_required_years(batch_year: int, title_date: date | None) -> tuple[int, ...]:
    """The platform years the dossier has to show: 任现职以来 (manual §1.4 (二) 4).

    From 2022 (the platform's first year), or from the year after the current title was
    obtained if that is later, up to the year before the batch: the batch year's own learning
    is still under way while people apply.
    """
    first = PLATFORM_FROM_YEAR
    if title_date is not None:
        first = max(first, title_date.year + 1)
    return tuple(range(first, batch_year))


def hours_shortfalls(hours: PlatformHours, rule: HoursRule) -> tuple[str, ...]:
    """What a year lacks against the rule, in words; empty when it meets it."""
    checks = (
        ("公需科目", hours.public, rule.public),
        ("专业科目", hours.professional, rule.professional),
        ("合计", hours.total, rule.total),
    )
    return tuple(
        f"{name}{format_hours(have)}学时（应不少于{format_hours(need)}学时）"
        for name, have, need in checks
        if have < need
    )


def missing_platform_year_message(year: int) -> str:
    return f"未从继续教育平台获取到{year}年度学时记录"


def platform_years(platform: PlatformData) -> list[PlatformYear]:
    """Every imported year and every required one, oldest first."""
    by_year = {record.year: record for record in platform.records}
    required = set(platform.required_years)
    rows = []
    for year in sorted(required | set(by_year)):
        hours = by_year.get(year)
        shortfalls = hours_shortfalls(hours, platform.rule) if hours is not None else ()
        rows.append(PlatformYear(year, hours, shortfalls, year in required))
    return rows


def platform_problems(platform: PlatformData) -> list[Problem]:
    """Required platform years with no record or too few 学时.

    Shown (and listed before 提交审核) but not blocking: the applicant cannot supply these
    numbers (uploads for 2022 and later are refused), and whether the hours satisfy the title's
    conditions is for the reviewers to judge.
    """
    problems = []
    for row in platform_years(platform):
        if not row.required or row.meets:
            continue
        if row.hours is None:
            message = missing_platform_year_message(row.year)
        else:
            message = f"{row.year}年度继续教育学时未达标：" + "，".join(row.shortfalls)
        problems.append(Problem(MATERIAL, message, None, False))
    return problems


# --- problems of one entry and of a whole section ----------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A saved entry as the rules see it."""

    id: int
    kind: str
    data: Mapping[str, Any]
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """Something to fix; ``entry_id`` is None for a rule about the whole list of a kind."""

    kind: str
    message: str
    entry_id: int | None = None
    #: a warning is shown but does not block 提交审核
    blocking: bool = True


def entry_problems(entry: Entry, context: Context) -> list[Problem]:
    messages = [f"缺少{p.label}" for p in missing_proofs(entry.kind, entry.data, entry.parts)]
    if entry.kind == EDUCATION:
        messages += xuexin_problems(entry.data, context)
    elif entry.kind == EXPERIENCE:
        category = entry.data.get("category")
        if context.experience_categories and category not in context.experience_categories:
            messages.append("经历类别不在所报系列的类别中，请重新选择")
    elif entry.kind == OTHER:
        kind_name = entry.data.get("achievement_type")
        if context.achievement_types and kind_name not in context.achievement_types:
            messages.append("业绩类型不在所报系列的类型中，请重新选择")
    problems = [Problem(entry.kind, m, entry.id) for m in messages]
    if entry.kind == PAPER and not entry.data.get("cnki_url") and "知网查重报告" not in entry.parts:
        problems.append(
            Problem(entry.kind, "未填写检索验证地址的论文须上传知网查重报告", entry.id, False)
        )
    return problems


def list_problems(kind: str, entries: Sequence[Entry], context: Context) -> list[Problem]:
    """Rules about all entries of one kind together."""
    if kind == CERTIFICATE:
        return _transfer_problems(entries)
    if kind == MATERIAL:
        return _material_problems(entries, context)
    if kind == PAPER:
        return _paper_problems(entries, context)
    if kind == WORK_HISTORY:
        flags = work_history_flags(entries, context)
        return [Problem(kind, m, entry_id, False) for entry_id, ms in flags.items() for m in ms]
    return []


def _transfer_problems(entries: Sequence[Entry]) -> list[Problem]:
    transferred = any(e.data.get("obtained_by") == TRANSFER for e in entries)
    former = any(e.data.get("former_series") for e in entries)
    if transferred and not former:
        message = "现资格是转系列后取得的，还需上传所转系列的专业技术资格证书"
        return [Problem(CERTIFICATE, message)]
    return []


def _material_problems(entries: Sequence[Entry], context: Context) -> list[Problem]:
    types = {e.data.get("material_type") for e in entries}
    problems = []
    if context.needs_license and LICENSE not in types:
        problems.append(Problem(MATERIAL, "所报系列有行业准入制度，须提供从业资格证"))
    if context.needs_exam and EXAM_CERTIFICATE not in types:
        problems.append(Problem(MATERIAL, "所报系列为考评结合，须提供考试合格证"))
    if context.platform is not None:
        problems.extend(platform_problems(context.platform))
    return problems


def _paper_problems(entries: Sequence[Entry], context: Context) -> list[Problem]:
    problems = []
    if len(entries) > context.paper_max:
        problems.append(Problem(PAPER, paper_limit_message(context, len(entries))))
    representative = sum(1 for e in entries if e.data.get("representative"))
    if representative > MAX_REPRESENTATIVE:
        problems.append(Problem(PAPER, f"代表作最多{MAX_REPRESENTATIVE}篇"))
    return problems


def paper_limit_message(context: Context, count: int) -> str:
    return (
        f"论文限传{context.paper_min}-{context.paper_max}篇（评委会要求），"
        f"已填报{count}篇，最多{context.paper_max}篇"
    )


def section_problems(
    kinds: Iterable[str], entries: Sequence[Entry], context: Context
) -> list[Problem]:
    """Everything wrong with the entries of ``kinds`` (rules on empty lists included)."""
    kinds = list(kinds)
    by_kind: dict[str, list[Entry]] = {kind: [] for kind in kinds}
    problems: list[Problem] = []
    for entry in entries:
        if entry.kind in by_kind:
            by_kind[entry.kind].append(entry)
            problems.extend(entry_problems(entry, context))
    for kind in kinds:
        problems.extend(list_problems(kind, by_kind[kind], context))
    return problems


# --- 工作履历 ---------------------------------------------------------------------------------

#: the youngest age at which anyone may be employed (劳动法 第十五条)
MIN_WORKING_AGE = 16


@dataclass(order=True)
class _Span:
    start: date
    end: date
    entry_id: int = field(compare=False)
    label: str = field(compare=False)
    open_ended: bool = field(compare=False, default=False)


def work_history_flags(entries: Sequence[Entry], context: Context) -> dict[int, list[str]]:
    """Impossible or overlapping periods of 工作履历, by entry id (shown, not blocking)."""
    flags: dict[int, list[str]] = {}
    spans: list[_Span] = []
    for entry in entries:
        start, end = as_date(entry.data.get("started_on")), as_date(entry.data.get("ended_on"))
        messages = _impossible_dates(start, end, context)
        if messages:
            flags.setdefault(entry.id, []).extend(messages)
        if start is not None and (end is None or end >= start):
            label = entry.data.get("employer") or "另一段工作履历"
            spans.append(_Span(start, end or context.today, entry.id, label, end is None))
    spans.sort()
    for index, span in enumerate(spans):
        for other in spans[index + 1 :]:
            if other.start >= span.end:
                break
            _flag_overlap(flags, span, other)
            _flag_overlap(flags, other, span)
    return flags


def _impossible_dates(start: date | None, end: date | None, context: Context) -> list[str]:
    messages = []
    if start is None:
        return ["缺少起始时间"]
    if end is not None and end < start:
        messages.append("终止时间早于起始时间")
    if start > context.today or (end is not None and end > context.today):
        messages.append("时间晚于今天")
    birth = context.birth_date
    if birth is not None and start < _add_years(birth, MIN_WORKING_AGE):
        messages.append(f"起始时间早于本人{MIN_WORKING_AGE}周岁")
    return messages


def _flag_overlap(flags: dict[int, list[str]], span: _Span, other: _Span) -> None:
    period = f"{other.start.isoformat()}至{'今' if other.open_ended else other.end.isoformat()}"
    flags.setdefault(span.entry_id, []).append(f"与“{other.label}”（{period}）时间重叠")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def newest_first_key(data: Mapping[str, Any]) -> tuple[int, str]:
    """Sort key for 工作履历 (manual §4.2.5: 由近到远): newest start first, undated last."""
    start = as_date(data.get("started_on"))
    return (0, "") if start is None else (1, start.isoformat())


def birth_date_from_id(id_number: str | None) -> date | None:
    """YYYYMMDD at positions 7-14 of an 18-digit resident ID number."""
    if not id_number or len(id_number) != 18:
        return None
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
