"""Section pages issue a fixed number of queries whatever the dossier's size; two tabs at once."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import ItemKind
from app.services.dossier_items import SECTION_KINDS
from tests.helpers import counting_queries
from tests.items.support import add_item, items_of, post, text


def _fill(session, application, section, total):
    kinds = SECTION_KINDS[section]
    for index in range(total):
        kind = kinds[index % len(kinds)]
        extra = {"representative": False} if kind == ItemKind.PAPER else {}
        add_item(
            session, application, kind, parts=["封面", "正文"] if index % 3 == 0 else [], **extra
        )
    session.commit()


def _queries(client, url) -> int:
    client.get(url)  # warm-up: the first request of a login loads permissions
    with counting_queries(db.engine) as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter["n"]


@pytest.mark.parametrize("number", [2, 3, 4])
def test_section_queries_do_not_grow_with_items(session, world, sign_in, number):
    from app.models import Section
    from tests.items.support import make_dossier

    small = make_dossier(session, world)
    large = make_dossier(session, world)
    _fill(session, small, Section(number), 1)
    _fill(session, large, Section(number), 200)
    url = f"/applicant/items/section/{number}"
    few = _queries(sign_in(small.applicant), url)
    many_client = sign_in(large.applicant)
    many = _queries(many_client, url)
    assert few == many, (few, many)
    assert few <= 25
    assert text(many_client.get(url)).count('class="item-row') == 200


def test_form_page_queries_do_not_grow_with_files(session, world, sign_in):
    from tests.items.support import make_dossier

    application = make_dossier(session, world)
    small = add_item(session, application, ItemKind.PAPER, parts=["封面"])
    large = add_item(session, application, ItemKind.PAPER, parts=["正文"] * 40)
    session.commit()
    client = sign_in(application.applicant)
    assert _queries(client, f"/applicant/items/{small.id}/edit") == _queries(
        client, f"/applicant/items/{large.id}/edit"
    )


def test_two_tabs_delete_and_move_the_same_entry(session, world, sign_in):
    """The second tab's request finds the entry gone and says so; nothing breaks."""
    from tests.items.support import make_dossier

    application = make_dossier(session, world)
    first = add_item(session, application, ItemKind.SOCIETY, organisation="甲")
    add_item(session, application, ItemKind.SOCIETY, organisation="乙")
    session.commit()
    tab_one, tab_two = sign_in(application.applicant), sign_in(application.applicant)
    assert post(tab_one, f"/applicant/items/{first.id}/delete", {"section": "2"}).status_code == 302
    for url in (
        f"/applicant/items/{first.id}/delete",
        f"/applicant/items/{first.id}/move/down",
        f"/applicant/items/{first.id}/edit",
    ):
        response = post(tab_two, url, {"section": "2"}, follow_redirects=True)
        assert response.status_code == 200
        assert "该条目不存在或已被删除，请刷新页面" in text(response)
    assert [i.data["organisation"] for i in items_of(session, application)] == ["乙"]


@pytest.mark.postgres_only
def test_concurrent_deletes_are_serialised_on_postgres(app, session, world, dialect):
    """Two sessions delete the same entry at once: the row lock makes the second wait, then
    it finds nothing to delete (ItemNotFound), instead of a StaleDataError or a 500."""
    import threading

    from app.services import dossier_items
    from app.services.dossier import own_application_for_update
    from app.services.scopes import actor_for
    from tests.items.support import make_dossier

    if dialect != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    application = make_dossier(session, world)
    item = add_item(session, application, ItemKind.SOCIETY)
    session.commit()
    actor = actor_for(application.applicant)
    outcome: dict[str, object] = {}
    locked = threading.Event()

    def second_tab():
        with app.app_context():
            other = db.session
            try:
                locked.wait(5)
                dossier = own_application_for_update(other, actor)
                dossier_items.delete_item(other, dossier, actor, item.id)
                other.commit()
                outcome["second"] = "deleted"
            except dossier_items.ItemNotFound:
                other.rollback()
                outcome["second"] = "not found"
            finally:
                db.session.remove()

    thread = threading.Thread(target=second_tab)
    dossier = own_application_for_update(session, actor)
    thread.start()
    locked.set()
    thread.join(0.5)
    assert thread.is_alive()  # waiting for our lock
    dossier_items.delete_item(session, dossier, actor, item.id)
    session.commit()
    thread.join(10)
    assert outcome == {"second": "not found"}
