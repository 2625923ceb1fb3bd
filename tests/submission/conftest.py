"""Fixtures of the 提交审核 tests: a province, a complete dossier, its applicant signed in."""

from __future__ import annotations

import pytest

from tests.submission.support import complete_dossier, make_world, sign_in


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def dossier(session, world):
    return complete_dossier(session, world)


@pytest.fixture
def browser(new_client, dossier):
    """The dossier's applicant, signed in."""
    return sign_in(new_client(), dossier.applicant)
