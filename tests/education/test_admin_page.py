"""The province admin's 继续教育学时导入 page; nobody else reaches it."""

from __future__ import annotations

import io

import pytest

from app.extensions import db
from app.workflow.states import Role
from tests.conftest import FIXED_NOW
from tests.education.support import csv_file, person, record_count, records, xlsx_file
from tests.factories import (
    PASSWORD,
    make_people,
)
from tests.helpers import counting_queries, login

URL = "/admin/continuing-education/"


@pytest.fixture
def people(session):
    return make_people(session, FIXED_NOW)


@pytest.fixture
def admin(people, new_client):
    client = new_client()
    assert login(client, people[Role.PROVINCE_ADMIN].username, PASSWORD).status_code == 302
    return client


def _upload(client, data: bytes, name: str):
    return client.post(
        URL,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_page_and_its_menu(admin):
    page = admin.get(URL).get_data(as_text=True)
    assert "继续教育学时导入" in page
    assert "身份证号、年度、公需科目学时、专业科目学时" in page
    assert "尚未导入继续教育平台数据" in page
    assert 'href="/admin/continuing-education/"' in admin.get("/admin/").get_data(as_text=True)


def test_upload_a_good_file(session, admin):
    a = person()
    response = _upload(admin, xlsx_file([(a, 2023, 30, 60), (a, 2024, 30.5, 60)]), "学时.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "导入结果：学时.xlsx" in page
    assert "共2行：新增2条，更新0条，无变化0条，未导入0行" in page
    assert records(session) == {(a, 2023): ("30.0", "60.0"), (a, 2024): ("30.5", "60.0")}
    assert 'id="imported-years"' in page and "<td>2024</td><td>1</td>" in page
    again = _upload(admin, xlsx_file([(a, 2023, 30, 60), (a, 2024, 30.5, 60)]), "学时.xlsx")
    assert "无变化2条" in again.get_data(as_text=True)
    assert record_count(session) == 2


def test_upload_a_mixed_file_lists_every_refused_row(session, admin):
    a = person()
    data = csv_file([(a, 2023, 30, 60), ("620102198503120000", 2023, 30, 60), (a, 2020, 5, 5)])
    page = _upload(admin, data, "mixed.csv").get_data(as_text=True)
    assert "共3行：新增1条，更新0条，无变化0条，未导入2行" in page
    assert "未导入：身份证号校验位错误" in page
    assert "未导入：平台数据只导入2022年及以后的年度" in page
    assert record_count(session) == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a table", "a.pdf", "文件无法读取"),
        (csv_file([("x",)], header=("姓名",)), "a.csv", "文件中找不到表头"),
        (b"", "empty.csv", "文件中没有数据"),
    ],
)
def test_upload_a_malformed_file_imports_nothing(session, admin, data, name, message):
    page = _upload(admin, data, name).get_data(as_text=True)
    assert message in page
    assert record_count(session) == 0


def test_no_file_chosen(session, admin):
    page = admin.post(URL, data={}, content_type="multipart/form-data").get_data(as_text=True)
    assert "请选择要导入的文件" in page


def test_too_large_a_file_is_refused(app, session, admin):
    app.config["CONTINUING_EDUCATION_IMPORT_MAX_BYTES"] = 100
    try:
        data = csv_file([(person(), 2023, 30, 60) for _ in range(5)])
        page = _upload(admin, data, "big.csv").get_data(as_text=True)
    finally:
        del app.config["CONTINUING_EDUCATION_IMPORT_MAX_BYTES"]
    assert "flask education import" in page
    assert record_count(session) == 0


def test_template_download(admin):
    response = admin.get(URL + "template.csv")
    assert response.status_code == 200
    assert response.data.decode("utf-8-sig").strip() == "身份证号,年度,公需科目学时,专业科目学时"


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PROVINCE_ADMIN])
def test_no_other_role_reaches_the_page(session, people, new_client, role):
    client = new_client()
    assert login(client, people[role].username, PASSWORD).status_code == 302
    for response in (
        client.get(URL),
        client.get(URL + "template.csv"),
        _upload(client, csv_file([(person(), 2023, 30, 60)]), "a.csv"),
    ):
        assert response.status_code in (302, 403), (role, response.status_code)
        assert "继续教育学时导入" not in response.get_data(as_text=True)
    assert record_count(session) == 0
    assert 'href="/admin/continuing-education/"' not in client.get("/").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_page_queries_do_not_grow_with_the_data(session, admin):
    def queries() -> int:
        admin.get(URL)
        with counting_queries(db.engine) as counter:
            assert admin.get(URL).status_code == 200
        return counter["n"]

    before = queries()
    rows = [(person(), year, 30, 60) for year in (2022, 2023, 2024, 2025) for _ in range(100)]
    _upload(admin, csv_file(rows), "many.csv")
    assert record_count(session) == 400
    assert queries() == before
