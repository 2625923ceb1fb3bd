"""The attachment service: ID photo, scope of reads, merge and failure paths (no web)."""

from __future__ import annotations

import pytest

from app.models import ItemKind
from app.services import attachments as service
from app.services.attachments import AttachmentNotFound, add_attachment, attachment_for, get_store
from app.services.scopes import actor_for
from app.validators.files import FileRejected
from app.workflow.actors import Actor
from app.workflow.errors import InvalidState, NotAllowed
from app.workflow.states import ApplicationStatus, Role
from tests.items.support import add_item, files_of, jpeg, make_dossier, pdf


def _photo(width=295, height=413) -> bytes:
    return jpeg(size=(width, height))


def test_id_photo_replaces_the_previous_one(session, dossier):
    actor = actor_for(dossier.applicant)
    store = get_store()
    first = add_attachment(
        session, store, dossier, actor, data=_photo(), filename="照片.jpg", photo=True
    )
    assert (first.part, first.item_id, first.width, first.height) == ("证件照", None, 295, 413)
    second = add_attachment(
        session, store, dossier, actor, data=_photo(590, 826), filename="新照片.jpg", photo=True
    )
    assert [f.id for f in files_of(session, dossier)] == [second.id]


def test_id_photo_rule_applies(session, dossier):
    actor = actor_for(dossier.applicant)
    with pytest.raises(FileRejected, match="证件照须为1寸比例"):
        add_attachment(
            session,
            get_store(),
            dossier,
            actor,
            data=jpeg((400, 400)),
            filename="a.jpg",
            photo=True,
        )
    with pytest.raises(FileRejected, match="证件照须为JPG格式"):
        add_attachment(
            session, get_store(), dossier, actor, data=pdf(), filename="a.pdf", photo=True
        )
    assert files_of(session, dossier) == []


def test_changes_need_the_owner_and_an_editable_dossier(session, world, dossier):
    store = get_store()
    other = make_dossier(session, world)
    with pytest.raises(NotAllowed):
        add_attachment(
            session, store, dossier, actor_for(other.applicant), data=jpeg(), filename="a.jpg"
        )
    foreign_item = add_item(session, other, ItemKind.SOCIETY)
    with pytest.raises(NotAllowed, match="该条目不属于本人的申报"):
        add_attachment(
            session,
            store,
            dossier,
            actor_for(dossier.applicant),
            data=jpeg(),
            filename="a.jpg",
            item=foreign_item,
        )
    dossier.status = ApplicationStatus.CERTIFIED
    with pytest.raises(InvalidState, match="申报信息不能修改"):
        add_attachment(
            session, store, dossier, actor_for(dossier.applicant), data=jpeg(), filename="a.jpg"
        )
    assert files_of(session, dossier) == []


def test_dossier_level_files_are_deleted_by_id_only_within_the_dossier(session, world, dossier):
    actor = actor_for(dossier.applicant)
    row = add_attachment(
        session, get_store(), dossier, actor, data=jpeg(), filename="a.jpg", part="考核证明材料"
    )
    other = make_dossier(session, world)
    with pytest.raises(AttachmentNotFound):
        service.delete_attachment(session, other, actor_for(other.applicant), row.id)
    service.delete_attachment(session, dossier, actor, row.id)
    assert files_of(session, dossier) == []


def test_experts_and_unknown_roles_read_nothing(session, world, dossier):
    row = add_attachment(
        session, get_store(), dossier, actor_for(dossier.applicant), data=jpeg(), filename="a.jpg"
    )
    expert = Actor(user_id=999, role=Role.EXPERT, committee_id=world.committee.id)
    with pytest.raises(AttachmentNotFound):
        attachment_for(session, expert, row.id)
    assert attachment_for(session, actor_for(dossier.applicant), row.id).id == row.id


def test_merge_refuses_when_a_file_is_missing_from_the_store(session, dossier):
    item = add_item(session, dossier, ItemKind.PAPER, parts=["正文", "正文"])
    rows = files_of(session, item)
    get_store().delete(rows[1].sha256)
    with pytest.raises(FileRejected, match="的内容已丢失"):
        service.merge_item_files_to_pdf(
            session, get_store(), dossier, actor_for(dossier.applicant), item
        )
    assert len(files_of(session, item)) == 2


def test_merge_keeps_the_place_of_the_first_merged_file(session, dossier):
    item = add_item(session, dossier, ItemKind.PAPER, parts=["封面", "正文", "正文", "目录页"])
    cover, body1, body2, toc = files_of(session, item)
    merged = service.merge_item_files_to_pdf(
        session, get_store(), dossier, actor_for(dossier.applicant), item, [body2.id, body1.id]
    )
    assert [(f.id, f.position) for f in files_of(session, item)] == [
        (cover.id, 1),
        (merged.id, 2),
        (toc.id, 3),
    ]


def test_get_store_creates_the_upload_folder(app, tmp_path):
    folder = tmp_path / "new" / "uploads"
    before = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(folder)
    try:
        store = get_store(app)
        assert folder.is_dir() and store.root == folder
    finally:
        app.config["UPLOAD_DIR"] = before
        get_store(app)
