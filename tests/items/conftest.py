"""Fixtures of the section 2-4 tests: a committee, an applicant's dossier, a logged-in browser."""

from __future__ import annotations

import pytest

from tests.conftest import FIXED_NOW
from tests.factories import PASSWORD, make_batch, make_committee, make_org
from tests.helpers import login
from tests.items.support import World, make_dossier


@pytest.fixture
def world(session) -> World:
    org = make_org(session)
    make_batch(session, FIXED_NOW)
    committee = make_committee(session)
    return World(org, committee)


@pytest.fixture
def dossier(session, world):
    application = make_dossier(session, world)
    session.commit()
    return application


@pytest.fixture
def browser(new_client, dossier):
    """The dossier's applicant, logged in."""
    client = new_client()
    response = login(client, dossier.applicant.username, PASSWORD)
    assert response.status_code == 302
    return client


@pytest.fixture
def sign_in(new_client):
    def sign(account):
        client = new_client()
        assert login(client, account.username, PASSWORD).status_code == 302
        return client

    return sign
