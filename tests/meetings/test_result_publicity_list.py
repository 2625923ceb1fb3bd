"""The printable 评审结果公示 list: the secretary's own publicity only, streamed as .xlsx."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.views.downloads import XLSX_MIME
from app.workflow.states import Role
from tests.factories import make_account
from tests.meetings.conftest import publicised

TITLE = "2026年09月30日至2026年10月12日职称评审结果公示名单"


@pytest.fixture
def publicity(session, world):
    return publicised(session, world, [world.org.unit, world.org.other_unit])


def url(record_id) -> str:
    return f"/committee/results/publicity/{record_id}/list.xlsx"


def test_the_secretary_downloads_the_list(world, as_person, publicity):
    record, dossiers = publicity
    page = as_person(world.secretary).get("/committee/results/").get_data(as_text=True)
    assert f'href="{url(record.id)}"' in page
    response = as_person(world.secretary).get(url(record.id), buffered=True)
    assert response.status_code == 200 and response.headers["Content-Type"] == XLSX_MIME
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(load_workbook(BytesIO(response.data)).active.values)
    assert rows[0][0] == TITLE
    assert rows[1] == ("姓名", "工作单位", "申报系列", "申报资格", "申报专业")
    assert [row[0] for row in rows[2:]] == [d.applicant.name for d in dossiers]
    assert rows[2][1] == dossiers[0].unit.name


def test_another_committee_and_forged_ids_get_nothing(world, as_person, publicity):
    record, _ = publicity
    assert as_person(world.other_secretary).get(url(record.id)).status_code == 404
    assert as_person(world.secretary).get(url(record.id + 1000)).status_code == 404
    assert as_person(world.secretary).get(url(2**63)).status_code == 404


@pytest.mark.parametrize("who", ["expert", "applicant", "admin"])
def test_other_roles_are_refused(session, world, as_person, publicity, who):
    record, dossiers = publicity
    account = {
        "expert": world.experts[0],
        "applicant": dossiers[0].applicant,
        "admin": None,
    }[who] or make_account(session, Role.PROVINCE_ADMIN, unit=world.org.province)
    session.commit()
    assert as_person(account).get(url(record.id)).status_code in (302, 403)


def test_visitors_are_sent_to_login(client, publicity):
    record, _ = publicity
    response = client.get(url(record.id))
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_a_secretary_without_a_committee_gets_a_refusal_not_a_500(session, world, as_person):
    lost = make_account(session, Role.COMMITTEE_SECRETARY, unit=world.org.unit)
    lost.committee_id = None
    session.commit()
    client = as_person(lost)
    for path in ("/committee/results/", url(1), "/committee/experts/"):
        assert client.get(path).status_code == 403, path
