"""5 小结 (manual §4.5): the counting rule, the batch's range, 保存 as a draft, 完成填报."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.models import Section
from app.validators.dossier import (
    SUMMARY_MAX_CHARS,
    SUMMARY_RULE,
    SUMMARY_UNCOUNTED,
    count_summary_chars,
)
from app.workflow.states import ApplicationStatus, Role
from tests.dossier.shell_helpers import (
    EDITABLE_STATES,
    READ_ONLY_STATES,
    dossier,
    make_world,
    reload,
    sign_in,
    step_flagged,
    text,
)
from tests.factories import make_account

URL = "/applicant/summary/"
SUMMARY_JS = Path(__file__).resolve().parents[2] / "app" / "static" / "js" / "summary.js"
BASIC_DONE = 1 << Section.BASIC.value
SUMMARY_DONE = 1 << Section.SUMMARY.value

SAMPLES = [
    "",
    "本人自参加工作以来，",
    "结构设计 与 施工管理\n\n第二段",
    "Hello, world!",
    "全角　空格、制表\t符和\r\n换行",
    "零宽\u200b空格与\ufeffBOM",
    "不换行\u00a0空格\u2003和\u3000全角",
    "表情😀与𠀀扩展字",
    "  首尾空白  ",
    "数字2024年和标点：“”（）《》",
]


def sample_text(count: int) -> str:
    """``count`` counted characters, with spaces and line breaks that do not count."""
    body = ("本人长期从事建筑结构设计工作，" * (count // 15 + 1))[:count]
    return "\n".join(body[i : i + 40] for i in range(0, len(body), 40)) + "  \n"


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def application(session, world):
    return dossier(session, world)


@pytest.fixture
def browser(session, client, world, application):
    application.steps_done = BASIC_DONE
    session.commit()
    sign_in(client, world.applicant)
    return client


# --- the counting rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("", 0),
        ("本人自参加工作以来，", 10),
        ("Hello, world!", 12),
        ("全角　空格、制表\t符和\r\n换行", 11),
        ("表情😀与𠀀扩展字", 8),
        ("零宽\u200b空格", 4),
    ],
)
def test_count_skips_whitespace_only(sample, expected):
    assert count_summary_chars(sample) == expected


def test_the_page_script_uses_the_same_character_class():
    script = SUMMARY_JS.read_text(encoding="utf-8")
    match = re.search(r"var UNCOUNTED = /\[(.*?)\]/gu;", script)
    assert match, "summary.js must define UNCOUNTED as a character class"
    assert match.group(1) == SUMMARY_UNCOUNTED


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_page_script_counts_like_the_server():
    program = (
        f"const m = require({json.dumps(str(SUMMARY_JS))});"
        "let data = '';"
        "process.stdin.on('data', c => data += c);"
        "process.stdin.on('end', () => console.log("
        "JSON.stringify(JSON.parse(data).map(m.countSummaryChars))));"
    )
    samples = [*SAMPLES, sample_text(575)]
    result = subprocess.run(
        ["node", "-e", program],
        input=json.dumps(samples),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert json.loads(result.stdout) == [count_summary_chars(s) for s in samples]


# --- the page ----------------------------------------------------------------------------------


def test_page_states_the_rule_and_the_batch_range(browser):
    html = text(browser.get(URL))
    assert SUMMARY_RULE in html
    assert "550-600" in html
    for label in ("小结", "保存", "完成填报", "当前字数"):
        assert label in html
    assert 'data-min="550"' in html and 'data-max="600"' in html


def test_the_range_is_a_batch_setting(session, client):
    world = make_world(session, summary_min=500, summary_max=600)
    application = dossier(session, world)
    application.steps_done = BASIC_DONE
    session.commit()
    sign_in(client, world.applicant)
    assert "500-600" in text(client.get(URL))
    client.post(URL, data={"summary": sample_text(520), "done": "完成填报"})
    assert reload(session, application.id).steps_done & SUMMARY_DONE


def test_the_summary_waits_for_the_basic_info(session, client, world, application):
    sign_in(client, world.applicant)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applicant/")
    client.post(URL, data={"summary": sample_text(575), "save": "保存"})
    assert reload(session, application.id).summary == ""


# --- 保存 and 完成填报 ----------------------------------------------------------------------------------


def test_a_draft_outside_the_range_is_saved_with_a_warning(session, browser, application):
    response = browser.post(URL, data={"summary": "本人自参加工作以来", "save": "保存"})
    assert response.status_code == 302
    saved = reload(session, application.id)
    assert saved.summary == "本人自参加工作以来"
    assert not saved.steps_done & SUMMARY_DONE
    html = text(browser.get(URL))
    assert "小结已保存为草稿" in html and "550-600" in html and "当前9字" in html


@pytest.mark.parametrize("count", [549, 601])
def test_finishing_outside_the_range_keeps_the_text_and_refuses(
    session, browser, application, count
):
    typed = sample_text(count)
    browser.post(URL, data={"summary": typed, "done": "完成填报"})
    saved = reload(session, application.id)
    assert saved.summary == typed.strip()
    assert not saved.steps_done & SUMMARY_DONE
    html = text(browser.get(URL))
    assert f"小结字数应在550-600字之间（当前{count}字）" in html


@pytest.mark.parametrize("count", [550, 575, 600])
def test_finishing_in_range_raises_the_flag(session, browser, application, count):
    response = browser.post(URL, data={"summary": sample_text(count), "done": "完成填报"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applicant/")
    assert reload(session, application.id).steps_done == BASIC_DONE | SUMMARY_DONE
    assert step_flagged(text(browser.get("/applicant/")), Section.SUMMARY)


def test_a_later_draft_outside_the_range_takes_the_flag_down(session, browser, application):
    browser.post(URL, data={"summary": sample_text(575), "done": "完成填报"})
    browser.post(URL, data={"summary": sample_text(100), "save": "保存"})
    assert reload(session, application.id).steps_done == BASIC_DONE


def test_over_long_text_is_refused_and_the_saved_text_kept(session, browser, application):
    browser.post(URL, data={"summary": sample_text(575), "save": "保存"})
    before = reload(session, application.id).summary
    response = browser.post(URL, data={"summary": "字" * (SUMMARY_MAX_CHARS + 1), "save": "保存"})
    assert response.status_code == 200
    assert f"小结不能超过{SUMMARY_MAX_CHARS}字" in text(response)
    assert reload(session, application.id).summary == before


def test_browser_line_breaks_are_stored_as_newlines(session, browser, application):
    browser.post(URL, data={"summary": "第一段\r\n第二段\r第三段", "save": "保存"})
    assert reload(session, application.id).summary == "第一段\n第二段\n第三段"


def test_the_page_keeps_a_draft_for_a_session_timeout(browser, world, application):
    html = text(browser.get(URL))
    assert f'data-draft-key="zc-summary-draft:{world.applicant.id}:{application.id}"' in html
    assert "/static/js/summary.js" in html
    assert "已恢复您在本机上次输入但尚未保存的小结内容" in html


# --- states and people ----------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "stage"), READ_ONLY_STATES)
def test_read_only_after_submission(session, client, world, status, stage):
    application = dossier(session, world, status=status, stage=stage)
    application.summary = "已提交的小结"
    application.steps_done = BASIC_DONE
    session.commit()
    sign_in(client, world.applicant)
    html = text(client.get(URL))
    assert "readonly" in html and 'id="save-summary"' not in html
    assert "申报信息不能修改" in html
    for button in ({"save": "保存"}, {"done": "完成填报"}):
        response = client.post(URL, data={"summary": sample_text(575), **button})
        assert "申报信息不能修改" in text(response)
    saved = reload(session, application.id)
    assert saved.summary == "已提交的小结" and saved.steps_done == BASIC_DONE


@pytest.mark.parametrize(("status", "stage"), EDITABLE_STATES)
def test_editable_while_drafting_or_returned(session, client, world, status, stage):
    application = dossier(session, world, status=status, stage=stage)
    application.steps_done = BASIC_DONE
    session.commit()
    sign_in(client, world.applicant)
    client.post(URL, data={"summary": sample_text(575), "done": "完成填报"})
    assert reload(session, application.id).steps_done & SUMMARY_DONE


def test_another_applicant_writes_only_their_own_summary(session, new_client, world, application):
    theirs = dossier(session, world, applicant=world.other)
    theirs.steps_done = BASIC_DONE
    application.summary = "张建国的小结"
    session.commit()
    other = new_client()
    sign_in(other, world.other)
    assert "张建国的小结" not in text(other.get(URL))
    other.post(URL, data={"summary": "李明华的小结", "save": "保存"})
    assert reload(session, application.id).summary == "张建国的小结"
    assert reload(session, theirs.id).summary == "李明华的小结"


def test_staff_cannot_open_the_summary(session, client, world, application):
    handler = make_account(session, Role.UNIT_HANDLER, unit=world.org.unit)
    session.commit()
    sign_in(client, handler)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"summary": "x", "save": "保存"}).status_code == 403
    assert reload(session, application.id).status == ApplicationStatus.DRAFTING
