"""Dossiers, valid entries and files for the tests of sections 2-4 and of file downloads."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import func, select

from app.models import Account, Application, Attachment, Committee, DossierItem, ItemKind, Section
from app.workflow.states import ApplicationStatus, ReviewStage
from tests.factories import Org, make_account, make_application

BASIC_DONE = 1 << Section.BASIC.value

#: a valid form for each kind (engineering series, batch year 2026, today 2026-10-15)
VALID: dict[ItemKind, dict[str, str]] = {
    ItemKind.EDUCATION: {
        "started_on": "2003-09-01",
        "graduated_on": "2007-07-01",
        "school": "兰州大学",
        "major": "土木工程",
        "education": "大学本科",
        "degree": "学士",
        "study_form": "全日制",
        "category": "普通高等教育",
        "xuexin_code": "123456789012",
        "xuexin_valid_until": "2027-01-31",
    },
    ItemKind.CERTIFICATE: {
        "title": "工程师",
        "series": "工程",
        "grade": "中级",
        "obtained_on": "2015-12-01",
        "obtained_by": "评审",
    },
    ItemKind.APPOINTMENT: {
        "post": "工程师",
        "employer": "甘肃省建筑设计研究院有限公司",
        "staff_type": "企业人员",
        "proof_type": "聘书",
        "started_on": "2016-01-01",
        "ended_on": "2028-12-31",
    },
    ItemKind.MATERIAL: {
        "material_type": "继续教育证明",
        "name": "2020年度继续教育",
        "year": "2020",
        "hours": "90",
    },
    ItemKind.WORK_HISTORY: {
        "started_on": "2007-07-15",
        "employer": "甘肃省建筑设计研究院有限公司",
        "post": "结构设计",
    },
    ItemKind.SOCIETY: {
        "organisation": "甘肃省土木建筑学会",
        "role": "会员",
        "started_on": "2018-05-01",
    },
    ItemKind.EXPERIENCE: {
        "category": "主持或参与工程项目的规划、设计、施工、管理",
        "started_on": "2016-03-01",
        "ended_on": "2019-06-30",
        "content": "主持兰州某综合楼结构设计",
        "remark": "",
    },
    ItemKind.PAPER: {
        "title": "高层建筑结构抗震设计研究",
        "journal": "建筑结构",
        "issn": "1002-848X",
        "cn": "11-2833/TU",
        "year": "2020",
        "issue": "第5期",
        "rank": "1",
        "language": "中文",
        "cnki_url": "https://kns.cnki.net/kcms/detail/detail.aspx?dbcode=CJFD&filename=JZJG202005001",
        "standard": "最优",
    },
    ItemKind.BOOK: {
        "title": "建筑结构设计实务",
        "publisher": "中国建筑工业出版社",
        "isbn": "9787111213826",
        "published_on": "2019-05-01",
        "words": "30.5",
        "role": "主编",
        "standard": "备选",
    },
    ItemKind.PROJECT: {
        "title": "黄土地区深基坑支护技术研究",
        "level": "省部级",
        "source": "甘肃省科技厅",
        "role": "主持",
        "rank": "1",
        "started_on": "2018-01-01",
        "finished_on": "2020-12-31",
        "standard": "最优",
    },
    ItemKind.AWARD: {
        "name": "甘肃省科技进步奖",
        "category": "科技奖励",
        "level": "省部级",
        "grade": "三等奖",
        "issuer": "甘肃省人民政府",
        "awarded_on": "2021-06-01",
        "rank": "3",
        "standard": "最优",
    },
    ItemKind.PATENT: {
        "name": "一种装配式抗震节点",
        "patent_type": "发明专利",
        "number": "ZL02144686.5",
        "holder": "甘肃省建筑设计研究院有限公司",
        "granted_on": "2020-08-01",
        "rank": "1",
        "standard": "备选",
    },
    ItemKind.OTHER: {
        "achievement_type": "工程项目",
        "name": "兰州新区某综合体",
        "finished_on": "2021-10-01",
        "role": "项目负责人",
        "standard": "最优",
    },
}

EDITABLE = (ApplicationStatus.DRAFTING, ApplicationStatus.RETURNED)
#: every status outside 申报中 / 退回修改, with the stage it needs
READ_ONLY_STATES = [
    (ApplicationStatus.UNDER_REVIEW, ReviewStage.UNIT_HANDLER),
    (ApplicationStatus.UNDER_REVIEW, ReviewStage.COMMITTEE_INTAKE),
    (ApplicationStatus.EVALUATING, None),
    (ApplicationStatus.PUBLICITY, None),
    (ApplicationStatus.CERTIFIED, None),
    (ApplicationStatus.FAILED, None),
    (ApplicationStatus.NOT_ACCEPTED, None),
]


def jpeg(size=(60, 40), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def slug(kind: ItemKind) -> str:
    return kind.name.lower()


def form(kind: ItemKind, files=(), **changes) -> dict:
    """Multipart form data of an entry: VALID values, changes, files as (bytes, name, part)."""
    data = {**VALID[kind], **changes}
    data = {k: v for k, v in data.items() if v is not None}
    for index, (content, name, part) in enumerate(files, start=1):
        data[f"upload-{index}"] = (io.BytesIO(content), name)
        data[f"upload-{index}-part"] = part
    return data


@dataclass
class World:
    org: Org
    committee: Committee


def make_dossier(
    session,
    world: World,
    *,
    status=ApplicationStatus.DRAFTING,
    stage=None,
    applicant: Account | None = None,
    unit=None,
    basic_done: bool = True,
) -> Application:
    unit = unit or world.org.unit
    applicant = applicant or make_account(session, unit=unit)
    application = make_application(
        session,
        applicant=applicant,
        unit=unit,
        committee=world.committee,
        status=status,
        stage=stage,
    )
    application.steps_done = BASIC_DONE if basic_done else 0
    session.flush()
    return application


def add_item(
    session, application, kind: ItemKind, *, position=None, parts=(), **data
) -> DossierItem:
    """An entry written straight to the database (VALID values unless overridden)."""
    from app.services.attachments import get_store

    values = dict(VALID[kind])
    for key in ("year", "rank", "hours"):
        if key in values:
            values[key] = int(values[key])
    values.update(data)
    count = session.scalar(select(func.count()).where(DossierItem.application_id == application.id))
    item = DossierItem(
        application_id=application.id,
        kind=kind,
        position=count + 1 if position is None else position,
        data=values,
    )
    session.add(item)
    session.flush()
    store = get_store()
    for index, part in enumerate(parts, start=1):
        content = jpeg(color=(index * 20 % 255, 10, 10))
        sha = store.put(content)
        session.add(
            Attachment(
                application_id=application.id,
                item_id=item.id,
                part=part,
                sha256=sha,
                original_name=f"{part}.jpg",
                mime="image/jpeg",
                size=len(content),
                pages=1,
                width=60,
                height=40,
                position=index,
            )
        )
    session.flush()
    return item


def items_of(session, application, kind=None) -> list[DossierItem]:
    session.expire_all()
    stmt = select(DossierItem).where(DossierItem.application_id == application.id)
    if kind is not None:
        stmt = stmt.where(DossierItem.kind == kind)
    return list(session.scalars(stmt.order_by(DossierItem.position, DossierItem.id)))


def files_of(session, item_or_application) -> list[Attachment]:
    session.expire_all()
    if isinstance(item_or_application, DossierItem):
        where = Attachment.item_id == item_or_application.id
    else:
        where = Attachment.application_id == item_or_application.id
    stmt = select(Attachment).where(where).order_by(Attachment.position, Attachment.id)
    return list(session.scalars(stmt))


def text(response) -> str:
    return response.get_data(as_text=True)


def multipart(data: dict) -> tuple[bytes, str]:
    """(body, content type) of a multipart form held in memory.

    The test client spools a body over 500 KB to a temporary file that nobody closes, which
    pytest reports as a ResourceWarning; encoding the body here keeps it in memory.
    """
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    values = MultiDict()
    for key, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, tuple):
                one = FileStorage(stream=one[0], filename=one[1])
            values.add(key, one)
    boundary, body = encode_multipart(values)
    return body, f"multipart/form-data; boundary={boundary}"


def post(client, url, data=None, **kwargs):
    body, content_type = multipart(data or {})
    return client.post(url, data=body, content_type=content_type, **kwargs)
