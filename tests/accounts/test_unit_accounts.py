"""申报人账号 (单位系统管理员): create, edit, reset, delete, batch import; own unit only."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.models import Account, AuditEvent
from app.services.accounts import INITIAL_PASSWORD_MARK, create_account
from app.workflow.states import ApplicationStatus, ReviewStage, Role
from tests.accounts.conftest import valid_id
from tests.conftest import FIXED_NOW
from tests.factories import make_account, make_application, make_batch, make_committee


def _account(session, username: str) -> Account | None:
    session.expire_all()
    return session.scalars(select(Account).where(Account.username == username)).first()


def _count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Account))


def _events(session, event: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.event == event)))


@pytest.fixture
def admin(people, signed_in):
    return signed_in(people.admin)


# -- create one ----------------------------------------------------------------------------


def test_create_an_applicant_in_the_admins_unit(admin, people, session):
    number = valid_id(birth="19870707")
    while not number.endswith("X"):
        number = valid_id(birth="19870707")
    response = admin.post(
        "/unit/accounts/add",
        data={
            "id_number": number[:-1] + "x",
            "name": " 王小明 ",
            "unit_id": people.org.other_unit.id,
        },
    )
    assert response.status_code == 302
    account = _account(session, number)
    assert account.id_number == number  # lower-case x stored as X
    assert account.name == "王小明"
    assert account.unit_id == people.org.unit.id  # the form field unit_id is ignored
    assert account.role_names == {Role.APPLICANT.value}
    assert account.password == INITIAL_PASSWORD_MARK
    assert account.must_change_password
    (event,) = _events(session, "account_created")
    assert event.actor_id == people.admin.id and number in event.target


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (lambda n: n[:-1] + ("0" if n[-1] != "0" else "1"), "校验位错误"),
        (lambda n: "62010219850230001" + "0", "出生日期无效"),
        (lambda n: "62010220300101001" + "0", "出生日期无效"),
        (lambda n: n[:17], "应为18位"),
        (lambda n: n + "1", "应为18位"),
        (lambda n: "62010A198501010011", "只能由数字组成"),
        (lambda n: "000000198501010011", "地区码无效"),
        (lambda n: "", "请输入身份证号"),
    ],
    ids=["check-digit", "feb-30", "future", "17-digits", "19-digits", "letter", "region", "empty"],
)
def test_bad_id_numbers_are_refused_with_a_clear_message(admin, session, number, message):
    before = _count(session)
    page = admin.post("/unit/accounts/add", data={"id_number": number(valid_id()), "name": "某人"})
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert _count(session) == before


@pytest.fixture
def elsewhere(session, people) -> str:
    """The (valid) ID number of an applicant of another unit."""
    number = valid_id(birth="19790101")
    create_account(
        session,
        username=number,
        name="外单位",
        password="Other@2026pw",
        role=Role.APPLICANT,
        unit=people.org.other_unit,
        id_number=number,
    )
    session.commit()
    return number


def test_a_duplicate_is_refused_even_from_another_unit(admin, people, session, elsewhere):
    page = admin.post("/unit/accounts/add", data={"id_number": elsewhere.lower(), "name": "重复"})
    assert "已有账号" in page.get_data(as_text=True)
    assert _account(session, elsewhere).unit_id == people.org.other_unit.id


def test_the_name_is_required(admin, session):
    page = admin.post("/unit/accounts/add", data={"id_number": valid_id(), "name": "  "})
    assert "请输入姓名" in page.get_data(as_text=True)


# -- scope ---------------------------------------------------------------------------------


def test_the_list_shows_only_the_units_applicants(admin, people):
    html = admin.get("/unit/accounts/").get_data(as_text=True)
    assert f'data-account="{people.applicant.id}"' in html
    assert f'data-account="{people.outsider.id}"' not in html
    assert people.outsider.name not in html
    found = admin.get(f"/unit/accounts/?q={people.applicant.name}").get_data(as_text=True)
    assert f'data-account="{people.applicant.id}"' in found
    nothing = admin.get(f"/unit/accounts/?q={people.outsider.username}").get_data(as_text=True)
    assert f'data-account="{people.outsider.id}"' not in nothing


@pytest.mark.parametrize("action", ["edit", "reset", "delete"])
def test_another_units_applicant_is_not_found_by_url_or_action(admin, people, session, action):
    target = people.outsider
    target_id, name, password = target.id, target.name, target.password
    assert admin.get(f"/unit/accounts/{target_id}/{action}").status_code == 404
    assert (
        admin.post(f"/unit/accounts/{target_id}/{action}", data={"name": "改名"}).status_code == 404
    )
    session.expire_all()
    target = session.get(Account, target_id)
    assert (target.name, target.password) == (name, password)


def test_staff_of_the_unit_are_not_applicants_here(admin, people, session):
    handler = make_account(session, Role.UNIT_HANDLER, unit=people.org.unit)
    session.commit()
    assert admin.get(f"/unit/accounts/{handler.id}/edit").status_code == 404
    assert admin.post(f"/unit/accounts/{handler.id}/delete").status_code == 404


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.UNIT_HANDLER, Role.UNIT_LEADER, Role.PROVINCE_ADMIN]
)
def test_other_roles_cannot_use_the_pages(people, session, signed_in, role):
    account = make_account(session, role, unit=people.org.unit)
    session.commit()
    client = signed_in(account)
    for path in ("/unit/accounts/add", f"/unit/accounts/{people.applicant.id}/delete"):
        assert client.post(path, data={"id_number": valid_id(), "name": "x"}).status_code == 403
    assert _account(session, people.applicant.username) is not None


# -- edit, reset, delete -----------------------------------------------------------------------


def test_edit_the_name(admin, people, session):
    response = admin.post(f"/unit/accounts/{people.applicant.id}/edit", data={"name": "新名字"})
    assert response.status_code == 302
    assert _account(session, people.applicant.username).name == "新名字"
    (event,) = _events(session, "account_updated")
    assert "新名字" in event.detail


def test_reset_to_the_default_password(admin, people, session):
    response = admin.post(f"/unit/accounts/{people.applicant.id}/reset")
    assert response.status_code == 302
    account = _account(session, people.applicant.username)
    assert account.password == INITIAL_PASSWORD_MARK and account.must_change_password
    assert _events(session, "password_reset")


def test_delete_an_applicant_without_an_application(admin, people, session):
    username = people.applicant.username
    response = admin.post(f"/unit/accounts/{people.applicant.id}/delete")
    assert response.status_code == 302
    assert "删除成功" in admin.get("/unit/accounts/").get_data(as_text=True)
    assert _account(session, username) is None
    assert _events(session, "account_deleted")


@pytest.fixture
def with_application(session, people):
    make_batch(session, FIXED_NOW)
    make_committee(session)

    def make(status, stage=None):
        make_application(session, applicant=people.applicant, status=status, stage=stage)
        session.commit()

    return make


@pytest.mark.parametrize(
    ("status", "stage", "message"),
    [
        (ApplicationStatus.DRAFTING, None, "一键删除申报信息"),
        (ApplicationStatus.RETURNED, None, "一键删除申报信息"),
        (ApplicationStatus.UNDER_REVIEW, ReviewStage.UNIT_HANDLER, "申报人已提交审查"),
        (ApplicationStatus.UNDER_REVIEW, ReviewStage.UNIT_LEADER, "退回修改"),
        (ApplicationStatus.CERTIFIED, None, "不能删除账号"),
    ],
)
def test_an_applicant_with_an_application_is_not_deleted(
    admin, people, session, with_application, status, stage, message
):
    with_application(status, stage)
    admin.post(f"/unit/accounts/{people.applicant.id}/delete")
    assert message in admin.get("/unit/accounts/").get_data(as_text=True)
    assert _account(session, people.applicant.username) is not None


# -- batch import ----------------------------------------------------------------------------


def _xlsx(rows, headers=("身份证号", "姓名")) -> bytes:
    book = Workbook()
    sheet = book.active
    if headers:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号"])  # any column order
    for number, name in rows:
        writer.writerow([name, number])
    return out.getvalue().encode(encoding)


def _upload(client, data: bytes, filename: str):
    return client.post(
        "/unit/accounts/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_batch_import_creates_the_good_rows_and_reports_the_rest(admin, people, session, elsewhere):
    good = [valid_id(birth="19900101"), valid_id(birth="19910202")]
    bad_digit = valid_id()
    bad_digit = bad_digit[:-1] + ("1" if bad_digit[-1] != "1" else "2")
    rows = [
        (good[0], "甲"),
        (good[1].lower(), "乙"),
        (bad_digit, "丙"),
        ("620102199002300011", "丁"),
        (valid_id(), ""),
        (good[0], "甲重复"),
        (elsewhere, "已存在"),
        (620102199001010011, "数字格式"),
        (None, None),  # an empty row is skipped
    ]
    before = _count(session)
    page = _upload(admin, _xlsx(rows), "申报人.xlsx")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "共 8 行：创建 2 个账号，未创建 6 行" in html
    for message in (
        "校验位错误",
        "出生日期无效",
        "请输入姓名",
        "与第2行的身份证号重复",
        "已有账号",
        "文本格式",
    ):
        assert message in html
    assert _count(session) == before + 2
    for number in good:
        account = _account(session, number.upper())
        assert account.unit_id == people.org.unit.id
        assert account.password == INITIAL_PASSWORD_MARK
    assert len(_events(session, "account_created")) == 2
    assert "创建2个" in _events(session, "accounts_imported")[0].detail


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_batch_import_from_csv(admin, people, session, encoding):
    number = valid_id(birth="19800808")
    page = _upload(admin, _csv([(number, "张三丰")], encoding), "申报人.csv")
    assert "创建 1 个账号" in page.get_data(as_text=True)
    assert _account(session, number).name == "张三丰"


def _zip_not_xlsx() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "没有数据"),
        (b"\x00\x01\x02garbage\xff\xfe", "文件无法读取"),
        (_zip_not_xlsx(), "文件无法读取"),
        (b"PK\x03\x04broken zip", "文件无法读取"),
        (_xlsx([("620102199001010011", "甲")], headers=("编号", "名字")), "表头"),
        (_xlsx([], headers=None), "没有数据"),
        ("身份证号,姓名\n".encode(), "没有数据"),
        (b"\xff\xfe\x00\x00" + "身份证号".encode("utf-16"), "文件无法读取"),
    ],
    ids=["empty", "binary", "zip", "broken-zip", "headers", "blank-xlsx", "header-only", "utf16"],
)
def test_a_malformed_file_gets_a_clear_message_and_creates_nothing(admin, session, data, message):
    before = _count(session)
    page = _upload(admin, data, "accounts.xlsx")
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert _count(session) == before


def test_import_limits(app, admin, session, monkeypatch):
    rows = [(valid_id(), f"人{i}") for i in range(4)]
    monkeypatch.setitem(app.config, "ACCOUNT_IMPORT_MAX_ROWS", 3)
    assert "一次最多导入3行" in _upload(admin, _xlsx(rows), "a.xlsx").get_data(as_text=True)
    monkeypatch.setitem(app.config, "ACCOUNT_IMPORT_MAX_BYTES", 2048)
    big = b"x" * 2049
    assert "文件不能超过2KB" in _upload(admin, big, "a.csv").get_data(as_text=True)
    assert len(_events(session, "account_created")) == 0


def test_import_goes_to_the_importers_own_unit(people, signed_in, session):
    other = signed_in(people.other_admin)
    number = valid_id()
    _upload(other, _xlsx([(number, "外单位新人")]), "a.xlsx")
    assert _account(session, number).unit_id == people.org.other_unit.id


def test_templates_download(admin):
    xlsx = admin.get("/unit/accounts/import/template.xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["身份证号", "姓名"]
    # no sample row that could be imported by mistake
    assert all(cell.value is None for row in sheet.iter_rows(min_row=2) for cell in row)
    assert sheet["A2"].number_format == "@"
    text = admin.get("/unit/accounts/import/template.csv").data.decode("utf-8-sig")
    assert text.strip() == "身份证号,姓名"
    assert admin.get("/unit/accounts/import/template.exe").status_code == 404


def test_a_simultaneous_creation_gets_a_message_not_a_500(admin, session, monkeypatch, elsewhere):
    from app.services import accounts

    monkeypatch.setattr(accounts, "username_taken", lambda session, username: False)
    monkeypatch.setattr(accounts, "_id_number_taken", lambda session, number: False)
    page = admin.post("/unit/accounts/add", data={"id_number": elsewhere, "name": "同时"})
    assert page.status_code == 200
    assert "请刷新页面后重试" in page.get_data(as_text=True)
