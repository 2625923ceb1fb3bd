"""证书查询 on the public website: a certificate is shown only when its number and 校验码 match."""

from __future__ import annotations

import pytest

from app.documents.receipt import mask_id_number
from app.services import certificates

MISMATCH = "未查到与该证书编号和校验码相符的证书"


def check(client, number, code):
    response = client.get("/portal/certificate", query_string={"number": number, "code": code})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_number_and_code_show_the_certificate(client, certificate):
    html = check(client, certificate.number, certificate.verification_code)
    assert "证书真实有效" in html
    for value in (
        certificate.number,
        certificate.holder_name,
        certificate.qualification_name,
        certificate.committee_name,
        mask_id_number(certificate.id_number),
    ):
        assert value in html
    assert certificate.id_number not in html


def test_the_code_is_read_as_typed_from_paper(client, certificate):
    code = f"  {certificate.verification_code.lower()} "
    assert "证书真实有效" in check(client, f" {certificate.number} ", code)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("{number}", "{wrong}"),
        ("{number}X", "{code}"),
        ("2026000100000000", "{code}"),
        ("' OR 1=1 --", "{code}"),
    ],
)
def test_anything_else_shows_nothing(client, certificate, number, code):
    wrong = certificate.verification_code[::-1]
    values = {"number": certificate.number, "code": certificate.verification_code, "wrong": wrong}
    html = check(client, number.format(**values), code.format(**values))
    assert MISMATCH in html and certificate.holder_name not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"number": "", "code": "ABC"}, "请填写证书编号"),
        ({"number": "123", "code": ""}, "请填写校验码"),
        ({"number": "1" * 41, "code": "ABC"}, "证书编号不能超过40个字符"),
        ({"number": "123", "code": "A" * 17}, "校验码不能超过16个字符"),
    ],
)
def test_bad_input_is_told_in_chinese(client, certificate, query, message):
    response = client.get("/portal/certificate", query_string=query)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html and MISMATCH not in html


def test_the_empty_form_asks_without_complaining(client):
    html = client.get("/portal/certificate").get_data(as_text=True)
    assert "证书编号" in html and "校验码" in html and "alert" not in html.split("</form>")[1]


def test_verify_compares_the_whole_code(session, certificate):
    assert (
        certificates.verify(session, certificate.number, certificate.verification_code[:-1]) is None
    )
    assert certificates.verify(session, certificate.number, "") is None
    assert certificates.verify(session, "", certificate.verification_code) is None


def test_guessing_is_rate_limited(app, client, certificate):
    app.config["CERTIFICATE_CHECK_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [
            client.get(
                "/portal/certificate", query_string={"number": "1", "code": f"X{n}"}
            ).status_code
            for n in range(4)
        ]
    finally:
        app.config["CERTIFICATE_CHECK_RATE_LIMIT"] = "100000 per minute"
    assert codes == [200, 200, 200, 429]
