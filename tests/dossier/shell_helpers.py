"""Shared set-up of the dossier-shell tests (申报基础信息, 填报信息, 1 基本信息, 5 小结, 一键删除)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from itertools import count

from sqlalchemy import func, select
from stdnum.cn.ric import calc_check_digit
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.models import (
    Account,
    Application,
    Attachment,
    Batch,
    Committee,
    DeclarationModeItem,
    DossierItem,
    ItemKind,
    Qualification,
    Section,
    Specialty,
    ValidityScope,
)
from app.workflow.states import ApplicationStatus, ReviewStage
from tests.conftest import FIXED_NOW
from tests.factories import (
    PASSWORD,
    Org,
    lookup,
    make_account,
    make_application,
    make_batch,
    make_committee,
    make_org,
)
from tests.files.file_corpus import jpeg
from tests.helpers import login

ENGINEERING_LEAF = "工学》建设工程》土木工程"
TEACHER_LEAF = "中小学教育》中学》数学"

#: every status in which the applicant may not change anything, with its stage
READ_ONLY_STATES = [
    *((ApplicationStatus.UNDER_REVIEW, stage) for stage in ReviewStage),
    (ApplicationStatus.EVALUATING, None),
    (ApplicationStatus.PUBLICITY, None),
    (ApplicationStatus.CERTIFIED, None),
    (ApplicationStatus.FAILED, None),
    (ApplicationStatus.NOT_ACCEPTED, None),
]
EDITABLE_STATES = [(ApplicationStatus.DRAFTING, None), (ApplicationStatus.RETURNED, None)]


@dataclass
class World:
    org: Org
    batch: Batch
    committee: Committee
    applicant: Account
    other: Account  # another applicant of the same unit


_serial = count(100)


def valid_id_number(birth: str = "19850312", gender: str = "男") -> str:
    """A resident ID number that passes the full check (the factory's may not)."""
    serial = next(_serial)
    serial += (serial % 2 == 0) == (gender == "男")  # odd 17th digit: male
    body = f"620102{birth}{serial % 1000:03d}"
    return body + calc_check_digit(body + "0")


def applicant_account(session, unit, name: str, **kw) -> Account:
    number = valid_id_number(**kw)
    account = make_account(session, unit=unit, name=name, username=number)
    account.id_number = number
    session.flush()
    return account


def make_world(session, *, series=("engineering", "school_teacher", "health"), **batch) -> World:
    org = make_org(session)
    made = make_batch(session, FIXED_NOW, **batch)
    committee = make_committee(session, series=series, name="工程系列高级评委会")
    applicant = applicant_account(session, org.unit, "张建国")
    other = applicant_account(session, org.unit, "李明华", birth="19900203", gender="女")
    session.commit()
    return World(org, made, committee, applicant, other)


def dossier(session, world: World, *, applicant=None, **kw) -> Application:
    kw.setdefault("committee", world.committee)
    kw.setdefault("batch", world.batch)
    application = make_application(session, applicant=applicant or world.applicant, **kw)
    session.commit()
    return application


def sign_in(client, account: Account) -> None:
    response = login(client, account.username, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert "/login" not in response.headers["Location"]


def base_ids(
    session,
    *,
    mode="normal",
    level="engineering-fg",
    specialty=ENGINEERING_LEAF,
    scope="province",
) -> dict[str, str]:
    """The 申报基础信息 form as the page posts it (ids of the chosen options)."""
    qualification = lookup(session, Qualification, code=level)
    leaf = lookup(session, Specialty, series_id=qualification.series_id, path=specialty)
    return {
        "mode": str(lookup(session, DeclarationModeItem, code=mode).id),
        "series": str(qualification.series_id),
        "qualification": str(qualification.id),
        "specialty_1": str(leaf.parent.parent_id),
        "specialty_2": str(leaf.parent_id),
        "specialty_3": str(leaf.id),
        "scope": str(lookup(session, ValidityScope, code=scope).id),
        "enter": "进入申报",
    }


def personal_form(**overrides) -> dict[str, str]:
    data = {
        "ethnicity": "汉族",
        "political_status": "中共党员",
        "mobile": "13893100001",
        "email": "zhang@example.cn",
        "work_start": "2008-07-01",
        "current_specialty": "结构设计",
        "current_title": "工程师",
        "title_date": "2015-12-20",
        "current_post": "工程师",
        "post_date": "2016-01-01",
        "assessment_mode": "normal",
        "save": "保存",
    }
    data.update(overrides)
    return data


def assessment_form(rows, excellent="", **extra) -> dict[str, str]:
    data = {"excellent_years": excellent, "save": "保存", **extra}
    for index, row in enumerate(rows):
        year, result, *ethics = row
        data[f"rows-{index}-year"] = str(year)
        data[f"rows-{index}-result"] = result
        if ethics:
            data[f"rows-{index}-ethics"] = ethics[0]
    return data


def photo_jpeg() -> bytes:
    return jpeg((295, 413))


def items_of(session, application_id: int, kind: ItemKind | None = None) -> list[DossierItem]:
    session.expire_all()
    stmt = select(DossierItem).where(DossierItem.application_id == application_id)
    if kind is not None:
        stmt = stmt.where(DossierItem.kind == kind)
    return list(session.scalars(stmt.order_by(DossierItem.position)))


def files_of(session, application_id: int, part: str | None = None) -> list[Attachment]:
    session.expire_all()
    stmt = select(Attachment).where(Attachment.application_id == application_id)
    if part is not None:
        stmt = stmt.where(Attachment.part == part)
    return list(session.scalars(stmt.order_by(Attachment.id)))


def reload(session, application_id: int) -> Application | None:
    session.expire_all()
    return session.get(Application, application_id)


def count_rows(session, model, **by) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).filter_by(**by))


def step_flagged(html: str, section: Section) -> bool:
    """Whether the step bar shows the 引导旗 on ``section``."""
    match = re.search(rf'<li class="step([^"]*)"[^>]*data-section="{section.value}"', html)
    return bool(match) and "done" in match.group(1).split()


def text(response) -> str:
    return response.get_data(as_text=True)


def select_options(html: str, name: str) -> list[str]:
    """The option labels of the <select name=...> on a page."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return re.findall(r"<option[^>]*>([^<]*)</option>", match.group(1))


def upload(client, path: str, field: str, data: bytes, name: str):
    """A multipart upload encoded in memory (the test client spools big bodies to a temporary
    file it never closes, which pytest's warning filter turns into an error)."""
    boundary, body = encode_multipart(
        {field: FileStorage(io.BytesIO(data), filename=name, content_type="image/jpeg")}
    )
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


ENGLISH_ERRORS = ("Not a valid", "Invalid Choice", "This field is required", "Invalid input")


def no_english_errors(html: str) -> bool:
    """WTForms' own English messages never reach the page."""
    return not any(words in html for words in ENGLISH_ERRORS)
