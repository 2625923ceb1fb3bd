"""申报回执: a PDF with the submission time, the files' SHA-256 and the verification code."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.documents.receipt import FontUnavailable, Receipt, build_receipt, find_font, receipt_of
from app.models import Application, Attachment
from app.services.attachments import get_store
from tests.submission.support import (
    add_papers,
    complete_dossier,
    pdf_text,
    sign_in,
    snapshots,
    submit_now,
)


@pytest.fixture
def submitted(session, dossier):
    add_papers(session, dossier, 3)
    session.commit()
    submit_now(session, dossier)
    session.expire_all()
    return session.get(Application, dossier.id)


def installed_font(app) -> str:
    font = find_font(app.config["PDF_FONT_PATH"], app.config["PDF_FONT_CANDIDATES"])
    if font is None:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk)")
    return font


def test_the_receipt_lists_every_file_with_the_hash_of_the_stored_bytes(
    app, session, submitted, browser
):
    installed_font(app)
    response = browser.get("/applicant/submission/receipt/1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    body = pdf_text(response.data)
    (snapshot,) = snapshots(session, submitted.id)
    rows = session.scalars(
        select(Attachment).where(Attachment.application_id == submitted.id)
    ).all()
    assert rows and len(snapshot.files) == len(rows)
    store = get_store()
    for row in rows:
        with store.open(row.sha256) as handle:
            actual = hashlib.sha256(handle.read()).hexdigest()
        assert actual == row.sha256
        assert f"SHA-256：{actual}" in body
    assert body.count("SHA-256：") == len(rows)
    assert snapshot.verification_code in body and snapshot.digest in body
    assert "2026年10月15日10:00:00（北京时间）" in body  # FIXED_NOW is 02:00 UTC
    assert "职称申报回执" in body and submitted.applicant.name in body
    number = submitted.applicant.id_number
    assert number[:6] + "********" + number[14:] in body and number not in body


def test_the_receipt_is_built_from_the_frozen_copy(session, world, submitted):
    (snapshot,) = snapshots(session, submitted.id)
    receipt = receipt_of(snapshot)
    assert [f.sha256 for f in receipt.files] == [f["sha256"] for f in snapshot.files]
    assert receipt.verification_code == snapshot.verification_code
    assert ("预分配评委会", world.committee.name) in receipt.base


def test_every_submission_has_its_receipt(session, world, submitted, browser, app):
    installed_font(app)
    application = session.get(Application, submitted.id)
    application.status, application.stage, application.return_reason = "RETURNED", None, "补充"
    session.commit()
    submit_now(session, session.get(Application, submitted.id))
    first, second = snapshots(session, submitted.id)
    html = browser.get("/applicant/").get_data(as_text=True)
    assert "第1次" in html and "第2次" in html
    for snapshot in (first, second):
        response = browser.get(f"/applicant/submission/receipt/{snapshot.sequence}")
        assert snapshot.verification_code in pdf_text(response.data)


def test_a_missing_receipt_is_404(browser, submitted):
    assert browser.get("/applicant/submission/receipt/2").status_code == 404
    assert browser.get("/applicant/submission/receipt/0").status_code == 404


def test_nobody_downloads_another_applicants_receipt(session, world, submitted, new_client):
    other = complete_dossier(session, world)
    client = sign_in(new_client(), other.applicant)
    assert client.get("/applicant/submission/receipt/1").status_code == 404


def test_without_a_font_the_applicant_gets_a_clear_message(app, submitted, browser, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_FONT_PATH", "/nonexistent/font.ttc")
    monkeypatch.setitem(app.config, "PDF_FONT_CANDIDATES", ())
    response = browser.get("/applicant/submission/receipt/1")
    assert response.status_code == 302
    page = browser.get("/applicant/").get_data(as_text=True)
    assert "服务器未安装中文字体" in page


def test_a_file_that_is_no_font_is_reported(tmp_path):
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"not a font")
    receipt = Receipt(1, "2026年10月15日 10:00:00", "张", "1", "单位", [], "已确认", [], "X", "0")
    with pytest.raises(FontUnavailable):
        build_receipt(receipt, str(bogus))


def test_find_font_prefers_the_configured_file(tmp_path):
    configured, fallback = tmp_path / "a.ttf", tmp_path / "b.ttc"
    fallback.write_bytes(b"x")
    assert find_font(str(configured), [str(fallback)]) == str(fallback)
    configured.write_bytes(b"x")
    assert find_font(str(configured), [str(fallback)]) == str(configured)
    assert find_font(None, [str(tmp_path / "none.ttf")]) is None
