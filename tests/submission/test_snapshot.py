"""The frozen copy of each 提交审核, 退回修改 and resubmission, and what reviewers see changed."""

from __future__ import annotations

import copy
import re

import pytest
from sqlalchemy import delete, select

from app.models import Application, Attachment, DossierItem, ItemKind, SubmissionSnapshot
from app.services import review, submission
from app.services.dossier_view import changes_since_previous, diff_views, dossier_view
from app.services.scopes import actor_for
from app.workflow.states import ApplicationStatus, ReviewStage
from tests.conftest import FIXED_NOW
from tests.items.support import add_item
from tests.submission.support import (
    SUMMARY,
    add_papers,
    count,
    sign_in,
    snapshots,
    submit_now,
    text,
)

S = ApplicationStatus


def return_it(session, world, application, sections=("业绩成果", "小结")) -> None:
    handler = world.handler
    review.return_for_revision(
        session,
        actor_for(handler),
        handler.name,
        application.id,
        FIXED_NOW,
        reason="论文佐证材料不全，小结需充实",
        sections=list(sections),
    )
    session.commit()


def the_paper(session, application) -> DossierItem:
    return session.scalars(
        select(DossierItem).where(
            DossierItem.application_id == application.id, DossierItem.kind == ItemKind.PAPER
        )
    ).first()


@pytest.fixture
def submitted(session, world, dossier):
    add_papers(session, dossier, 3)
    session.commit()
    submit_now(session, dossier)
    session.expire_all()
    return session.get(Application, dossier.id)


def test_the_copy_holds_the_whole_dossier_and_every_file_hash(session, submitted):
    (snapshot,) = snapshots(session, submitted.id)
    assert snapshot.data == dossier_view(session, submitted)
    hashes = {f["sha256"] for f in snapshot.files}
    stored = set(
        session.scalars(select(Attachment.sha256).where(Attachment.application_id == submitted.id))
    )
    assert hashes == stored
    assert len(snapshot.files) == count(session, Attachment, application_id=submitted.id)
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", snapshot.verification_code)


def test_the_copy_cannot_be_changed(session, submitted):
    (snapshot,) = snapshots(session, submitted.id)
    snapshot.data = {"forged": True}
    with pytest.raises(RuntimeError, match="immutable"):
        session.flush()
    session.rollback()


def test_a_tampered_copy_fails_verification(session, submitted):
    (snapshot,) = snapshots(session, submitted.id)
    assert submission.verify(snapshot)
    forged = copy.deepcopy(snapshot.data)
    forged["sections"][4]["blocks"][0]["text"] = "改过的小结"
    session.expunge(snapshot)
    snapshot.data = forged
    assert not submission.verify(snapshot)


def test_the_copy_does_not_change_when_the_dossier_changes_after_a_return(
    session, world, submitted, new_client
):
    (before,) = snapshots(session, submitted.id)
    frozen = copy.deepcopy(before.data), copy.deepcopy(before.files), before.digest
    return_it(session, world, submitted)
    client = sign_in(new_client(), submitted.applicant)
    summary = SUMMARY[:-20] + "此外还参与编制了省级地方标准两项并主持一项工法。"
    response = client.post("/applicant/summary/", data={"summary": summary, "done": "完成填报"})
    assert response.status_code == 302
    paper = the_paper(session, submitted)
    paper.data = {**paper.data, "title": "改后的论文题目"}
    session.execute(
        delete(Attachment).where(Attachment.item_id == paper.id, Attachment.part == "正文")
    )
    session.commit()
    (after,) = snapshots(session, submitted.id)
    assert (after.data, after.files, after.digest) == frozen
    assert submission.verify(after)
    live = dossier_view(session, session.get(Application, submitted.id))
    assert live != after.data


def test_resubmission_makes_a_second_copy_and_reviewers_see_the_changes(
    session, world, submitted, new_client
):
    return_it(session, world, submitted)
    application = session.get(Application, submitted.id)
    paper = the_paper(session, application)
    paper.data = {**paper.data, "title": "改后的论文题目"}
    add_item(session, application, ItemKind.PATENT, parts=("专利证书",))
    application.summary = SUMMARY[:-10] + "并获省级表彰奖励一次。"
    session.commit()
    result = submit_now(session, application)
    assert result.snapshot.sequence == 2
    first, second = snapshots(session, submitted.id)
    assert first.data != second.data and submission.verify(first) and submission.verify(second)

    changes = changes_since_previous(session, application)
    changed = {s["label"]: s for s in changes["sections"]}
    assert [label for label, s in changed.items() if s["changed"]] == ["业绩成果", "小结"]
    blocks = {b["title"]: b for b in changed["业绩成果"]["blocks"]}
    assert blocks["专利"]["added"]
    (edit,) = blocks["论文"]["edited"]
    assert ["论文题目", "论文0", "改后的论文题目"] in edit["fields"]

    client = sign_in(new_client(), world.handler)
    html = text(client.get(f"/review/dossier/{application.id}"))
    assert "本次提交与上次提交相比的修改" in html and "改后的论文题目" in html
    assert "第1次提交" in html and "第2次提交" in html
    assert 'id="dossier-readonly"' in html


def test_no_changes_block_after_a_single_submission(session, world, submitted, new_client):
    assert changes_since_previous(session, submitted) is None
    client = sign_in(new_client(), world.handler)
    html = text(client.get(f"/review/dossier/{submitted.id}"))
    assert "本次提交与上次提交相比的修改" not in html
    for heading in ("1 基本信息", "2 学历资历", "3 专业技术工作经历", "4 业绩成果", "5 小结"):
        assert heading in html
    assert "/attachments/" in html


def test_the_applicant_sees_the_reason_and_the_sections_to_fix(
    session, world, submitted, new_client
):
    return_it(session, world, submitted, sections=("学历资历", "小结"))
    client = sign_in(new_client(), submitted.applicant)
    html = text(client.get("/applicant/"))
    assert "退回修改" in html and "论文佐证材料不全，小结需充实" in html
    assert "学历资历、小结" in html
    marked = re.findall(r'<li class="step[^"]*\breturned\b[^"]*" data-section="(\d)"', html)
    assert marked == ["2", "5"]
    assert 'id="pledge-dialog"' in html  # edits, then 提交审核 again
    preview = text(client.get("/applicant/submission/preview"))
    assert "returned-section" in preview


def test_deleting_a_returned_dossier_takes_its_copies_along(session, world, submitted, new_client):
    return_it(session, world, submitted)
    ref = submitted.id
    client = sign_in(new_client(), submitted.applicant)
    response = client.post("/applicant/basic/delete")
    assert response.status_code == 302
    assert count(session, Application, id=ref) == 0
    assert count(session, SubmissionSnapshot, application_id=ref) == 0


# --- the diff itself (pure) ----------------------------------------------------------------------


def _view(rows=(), text="小结", pairs=(("字数", "1"),), files=()):
    block = {"key": "kind:PAPER", "title": "论文", "columns": ["题目"], "rows": list(rows)}
    block.update(pairs=[], files=list(files), text=None)
    summary = {"key": "summary", "title": "小结", "columns": [], "rows": [], "files": []}
    summary.update(pairs=[list(p) for p in pairs], text=text)
    return {
        "sections": [
            {"number": 4, "label": "业绩成果", "blocks": [block]},
            {"number": 5, "label": "小结", "blocks": [summary]},
        ]
    }


def _row(key, title, files=()):
    return {"key": key, "cells": [title], "details": [], "files": list(files)}


def _file(sha, part="正文", name="a.pdf"):
    return {"part": part, "sha256": sha, "name": name}


def test_diff_of_identical_views_is_empty():
    view = _view([_row("item:1", "甲")])
    assert not any(s["changed"] for s in diff_views(view, copy.deepcopy(view)))


def test_diff_names_added_removed_and_edited_rows_and_files():
    old = _view([_row("item:1", "甲", [_file("a")]), _row("item:2", "乙")])
    new = _view([_row("item:1", "甲改", [_file("b")]), _row("item:3", "丙")])
    (papers,) = diff_views(old, new)[0]["blocks"]
    assert papers["added"] == ["丙"] and papers["removed"] == ["乙"]
    (edit,) = papers["edited"]
    assert edit["fields"] == [["题目", "甲", "甲改"]]
    assert edit["files_added"] == ["正文：a.pdf"] and edit["files_removed"] == ["正文：a.pdf"]


def test_renaming_a_file_with_the_same_content_is_no_change():
    old = _view([_row("item:1", "甲", [_file("a", name="旧.pdf")])])
    new = _view([_row("item:1", "甲", [_file("a", name="新.pdf")])])
    assert not diff_views(old, new)[0]["changed"]


def test_diff_of_the_summary_marks_inserted_and_deleted_text():
    (_, summary) = diff_views(_view(text="本人从事设计"), _view(text="本人长期从事结构设计"))
    (block,) = summary["blocks"]
    ops = block["text"]["ops"]
    assert ["insert", "长期"] in ops
    assert "".join(part for tag, part in ops if tag != "delete") == "本人长期从事结构设计"
    assert "".join(part for tag, part in ops if tag != "insert") == "本人从事设计"


def test_reordering_is_reported():
    old = _view([_row("item:1", "甲"), _row("item:2", "乙")])
    new = _view([_row("item:2", "乙"), _row("item:1", "甲")])
    (papers,) = diff_views(old, new)[0]["blocks"]
    assert papers["reordered"] and not papers["added"] and not papers["edited"]


def test_status_and_stage_after_resubmission(session, world, submitted):
    return_it(session, world, submitted)
    submit_now(session, session.get(Application, submitted.id))
    session.expire_all()
    application = session.get(Application, submitted.id)
    assert (application.status, application.stage) == (S.UNDER_REVIEW, ReviewStage.UNIT_HANDLER)
