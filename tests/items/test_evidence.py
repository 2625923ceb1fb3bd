"""The proof rules of manual §1.4 (二)-(四) as pure functions (no app, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from app.workflow import evidence as ev
from app.workflow.evidence import Context, Entry

CTX = Context(batch_year=2026, today=date(2026, 10, 15), birth_date=date(1985, 3, 1))


def _proof_labels(data):
    return [p.label for p in ev.required_proofs(ev.EDUCATION, data)]


@pytest.mark.parametrize(
    ("year", "category", "expected"),
    [
        # (1) 2002 年后: 电子注册备案表 (+ 学信网验证码)
        (2002, "普通高等教育", ["《教育部学历证书电子注册备案表》"]),
        (2015, "成人高等教育", ["《教育部学历证书电子注册备案表》"]),
        (2010, "高等教育自学考试", ["《教育部学历证书电子注册备案表》"]),
        (2020, "网络教育", ["《教育部学历证书电子注册备案表》"]),
        # (2) 2001 年及之前: 学历认证报告
        (2001, "普通高等教育", ["《中国高等教育学历认证报告》"]),
        (1995, "成人高等教育", ["《中国高等教育学历认证报告》"]),
        # (3) 国外, (4) 港澳台: whatever the year
        (1998, "国外学历学位", ["《国外学历学位认证书》"]),
        (2018, "国外学历学位", ["《国外学历学位认证书》"]),
        (2018, "港澳台学历学位", ["《港澳台学历学位认证书》"]),
        # (5) 党校、中专: 学籍卡 or 毕业生登记表
        (1999, "党校教育", ["学籍卡或毕业生登记表"]),
        (2012, "中专", ["学籍卡或毕业生登记表"]),
        # (6) 技工院校: 2008 年以后 online check, before: 毕业生登记表 or 学籍卡
        (2008, "技工院校", ["网上毕业证书查询结果"]),
        (2019, "技工院校", ["网上毕业证书查询结果"]),
        (2007, "技工院校", ["毕业生登记表或学籍卡"]),
    ],
)
def test_education_proof_follows_year_and_kind(year, category, expected):
    data = {"graduated_on": f"{year}-07-01", "category": category, "degree": "无"}
    assert _proof_labels(data) == ["学历证书", *expected]


def test_degree_certificate_required_only_with_a_degree():
    base = {"graduated_on": "2010-07-01", "category": "普通高等教育"}
    assert "学位证书" in _proof_labels({**base, "degree": "学士"})
    assert "学位证书" not in _proof_labels({**base, "degree": "无"})
    # still offered in the dialog
    offered = [p.label for p in ev.proofs_for(ev.EDUCATION, {**base, "degree": "无"})]
    assert "学位证书" in offered


def test_either_part_satisfies_an_alternative():
    data = {"graduated_on": "2005-07-01", "category": "中专", "degree": "无"}
    assert [p.label for p in ev.missing_proofs(ev.EDUCATION, data, ["学历证书"])] == [
        "学籍卡或毕业生登记表"
    ]
    assert ev.missing_proofs(ev.EDUCATION, data, ["学历证书", "毕业生登记表"]) == []
    assert ev.missing_proofs(ev.EDUCATION, data, ["学历证书", "学籍卡"]) == []


@pytest.mark.parametrize(
    ("year", "category", "needed"),
    [
        (2002, "普通高等教育", True),
        (2001, "普通高等教育", False),
        (2015, "国外学历学位", False),
        (2015, "技工院校", False),
        (2015, "党校教育", False),
    ],
)
def test_xuexin_code_needed_for_chinese_higher_education_from_2002(year, category, needed):
    assert ev.needs_xuexin_code({"graduated_on": f"{year}-06-30", "category": category}) is needed


@pytest.mark.parametrize(
    ("code", "valid_until", "messages"),
    [
        ("123456789012", "2026-12-31", []),
        ("ABCD1234EFGH5678", "2027-03-01", []),
        ("", "2027-01-01", ["2002年后取得的学历须填写学信网验证码"]),
        ("12345678901", "2027-01-01", ["学信网验证码格式不正确（应为12位数字或16位字母数字）"]),
        (
            "ABCD1234EFGH567!",
            "2027-01-01",
            ["学信网验证码格式不正确（应为12位数字或16位字母数字）"],
        ),
        ("123456789012", None, ["请填写学信网验证码的验证有效期"]),
        (
            "123456789012",
            "2026-12-30",
            ["学信网验证码的验证有效期须至2026年12月31日或之后，请重新申请"],
        ),
    ],
)
def test_xuexin_problems(code, valid_until, messages):
    data = {
        "graduated_on": "2008-07-01",
        "category": "普通高等教育",
        "xuexin_code": code,
        "xuexin_valid_until": valid_until,
    }
    assert ev.xuexin_problems(data, CTX) == messages


def test_all_parts_cover_every_education_case():
    parts = ev.all_parts(ev.EDUCATION)
    for part in (
        "学历证书",
        "学位证书",
        "教育部学历证书电子注册备案表",
        "中国高等教育学历认证报告",
        "国外学历学位认证书",
        "港澳台学历学位认证书",
        "学籍卡",
        "毕业生登记表",
        "网上毕业证书查询结果",
        "其他佐证材料",
    ):
        assert part in parts
    assert "正文" not in parts


def test_paper_parts_and_translation():
    chinese = [p.label for p in ev.required_proofs(ev.PAPER, {"language": "中文"})]
    assert chinese == ["封面", "主办单位页", "目录页", "正文"]
    foreign = [p.label for p in ev.required_proofs(ev.PAPER, {"language": "外文"})]
    assert foreign == ["封面", "主办单位页", "目录页", "正文", "中文译文"]


def test_book_and_project_parts():
    assert [p.label for p in ev.required_proofs(ev.BOOK, {"role": "主编"})] == [
        "封面",
        "版权页",
        "目录",
        "编委会名单页",
        "字数页",
    ]
    assert "编委会名单页" not in [p.label for p in ev.required_proofs(ev.BOOK, {"role": "独著"})]
    ongoing = [p.label for p in ev.required_proofs(ev.PROJECT, {"started_on": "2020-01-01"})]
    assert ongoing == ["立项", "排名页"]
    finished = {"started_on": "2020-01-01", "finished_on": "2022-01-01"}
    assert [p.label for p in ev.required_proofs(ev.PROJECT, finished)] == [
        "立项",
        "结题（验收、鉴定）",
        "排名页",
    ]
    assert "成果登记" in ev.all_parts(ev.PROJECT)


def test_appointment_proof_is_the_chosen_type():
    data = {"staff_type": "事业单位在编在岗人员", "proof_type": "工资变动审批表"}
    assert [p.label for p in ev.required_proofs(ev.APPOINTMENT, data)] == ["工资变动审批表"]


def test_continuing_education_from_2022_comes_from_the_platform():
    assert ev.platform_continuing_education({"material_type": "继续教育证明", "year": 2022})
    assert not ev.platform_continuing_education({"material_type": "继续教育证明", "year": 2021})
    assert not ev.platform_continuing_education({"material_type": "从业资格证", "year": 2023})
    assert ev.required_proofs(ev.MATERIAL, {"material_type": "继续教育证明", "year": 2023}) == []
    older = ev.required_proofs(ev.MATERIAL, {"material_type": "继续教育证明", "year": 2020})
    assert [p.label for p in older] == ["证明材料"]


def _entry(id_, kind, parts=(), **data):
    return Entry(id_, kind, data, tuple(parts))


def test_transfer_needs_the_former_series_certificate():
    current = _entry(1, ev.CERTIFICATE, ["专业技术资格证书"], obtained_by="转系列")
    problems = ev.list_problems(ev.CERTIFICATE, [current], CTX)
    assert [p.message for p in problems] == [
        "现资格是转系列后取得的，还需上传所转系列的专业技术资格证书"
    ]
    former = _entry(2, ev.CERTIFICATE, ["专业技术资格证书"], obtained_by="评审", former_series=True)
    assert ev.list_problems(ev.CERTIFICATE, [current, former], CTX) == []


@pytest.mark.parametrize(
    ("license_", "exam", "types", "messages"),
    [
        (False, False, [], []),
        (True, False, [], ["所报系列有行业准入制度，须提供从业资格证"]),
        (True, False, ["从业资格证"], []),
        (False, True, ["从业资格证"], ["所报系列为考评结合，须提供考试合格证"]),
    ],
)
def test_license_and_exam_certificates_per_series(license_, exam, types, messages):
    ctx = Context(batch_year=2026, today=CTX.today, needs_license=license_, needs_exam=exam)
    entries = [_entry(i, ev.MATERIAL, ["证明材料"], material_type=t) for i, t in enumerate(types)]
    problems = ev.section_problems([ev.MATERIAL], entries, ctx)
    assert [p.message for p in problems] == messages


def test_paper_limits_come_from_the_committee():
    ctx = Context(batch_year=2026, today=CTX.today, paper_min=2, paper_max=3)
    papers = [
        _entry(i, ev.PAPER, ev.PAPER_PARTS, cnki_url="https://kns.cnki.net/x") for i in range(4)
    ]
    messages = [p.message for p in ev.list_problems(ev.PAPER, papers, ctx)]
    assert messages == ["论文限传2-3篇（评委会要求），已填报4篇，最多3篇"]
    reps = [
        _entry(i, ev.PAPER, ev.PAPER_PARTS, representative=True, cnki_url="https://cnki.net")
        for i in range(3)
    ]
    assert [p.message for p in ev.list_problems(ev.PAPER, reps, CTX)] == ["代表作最多2篇"]


def test_paper_without_cnki_address_warns_about_the_duplicate_check():
    paper = _entry(1, ev.PAPER, ev.PAPER_PARTS, language="中文")
    problems = ev.entry_problems(paper, CTX)
    assert [(p.message, p.blocking) for p in problems] == [
        ("未填写检索验证地址的论文须上传知网查重报告", False)
    ]
    checked = _entry(1, ev.PAPER, [*ev.PAPER_PARTS, "知网查重报告"], language="中文")
    assert ev.entry_problems(checked, CTX) == []


def test_no_achievements_is_no_problem():
    kinds = [ev.PAPER, ev.BOOK, ev.PROJECT, ev.AWARD, ev.PATENT, ev.OTHER]
    assert ev.section_problems(kinds, [], CTX) == []


def test_missing_files_are_named_per_entry():
    paper = _entry(7, ev.PAPER, ["封面", "正文"], language="外文", cnki_url="https://cnki.net/a")
    messages = [p.message for p in ev.entry_problems(paper, CTX)]
    assert messages == ["缺少主办单位页", "缺少目录页", "缺少中文译文"]
    assert all(p.entry_id == 7 for p in ev.entry_problems(paper, CTX))


def test_experience_category_must_belong_to_the_series():
    ctx = Context(batch_year=2026, today=CTX.today, experience_categories=("甲", "乙"))
    stray = _entry(1, ev.EXPERIENCE, ["佐证材料"], category="丙")
    assert [p.message for p in ev.entry_problems(stray, ctx)] == [
        "经历类别不在所报系列的类别中，请重新选择"
    ]


def _job(id_, start, end=None, employer="单位"):
    return _entry(id_, ev.WORK_HISTORY, started_on=start, ended_on=end, employer=employer)


def test_work_history_overlaps_are_flagged_both_ways():
    jobs = [
        _job(1, "2008-07-01", "2012-06-30", "甲公司"),
        _job(2, "2012-03-01", None, "乙公司"),
        _job(3, "2005-01-01", "2006-01-01", "丙公司"),
    ]
    flags = ev.work_history_flags(jobs, CTX)
    assert flags[1] == ["与“乙公司”（2012-03-01至今）时间重叠"]
    assert flags[2] == ["与“甲公司”（2008-07-01至2012-06-30）时间重叠"]
    assert 3 not in flags


def test_adjacent_jobs_do_not_overlap():
    jobs = [_job(1, "2008-07-01", "2012-03-01"), _job(2, "2012-03-01", "2015-01-01")]
    assert ev.work_history_flags(jobs, CTX) == {}


def test_impossible_work_dates_are_flagged():
    jobs = [
        _job(1, "2015-01-01", "2014-01-01"),
        _job(2, "2027-01-01"),
        _job(3, "1995-01-01", "1999-01-01"),  # before turning 16 (born 1985-03-01)
    ]
    flags = ev.work_history_flags(jobs, CTX)
    assert "终止时间早于起始时间" in flags[1]
    assert "时间晚于今天" in flags[2]
    assert "起始时间早于本人16周岁" in flags[3]


def test_work_history_newest_first():
    rows = [{"started_on": "2001-01-01"}, {"started_on": "2019-05-01"}, {"started_on": None}]
    ordered = sorted(rows, key=ev.newest_first_key, reverse=True)
    assert [r["started_on"] for r in ordered] == ["2019-05-01", "2001-01-01", None]


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("620102198003120113", date(1980, 3, 12)),
        ("62010219800230011X", None),
        ("", None),
        (None, None),
    ],
)
def test_birth_date_from_id(number, expected):
    assert ev.birth_date_from_id(number) == expected
