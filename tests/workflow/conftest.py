"""Plain-object factories for the pure workflow tests: no app, no database."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from app.workflow.actors import Actor
from app.workflow.rules import Window
from app.workflow.states import ApplicationStatus, DeclarationMode, Role

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: ids of the default dossier's owner and scope; actors get the same ids unless overridden
APPLICANT_ID, UNIT_ID, DEPT_ID, COMMITTEE_ID = 1, 10, 20, 30


@pytest.fixture
def now() -> datetime:
    return datetime(2024, 9, 1, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def window() -> Window:
    """Gansu 2023 style: open 1 July 09:00, personal deadline 30 September 24:00."""
    return Window(
        opens_at=datetime(2024, 7, 1, 9, 0, tzinfo=SHANGHAI),
        personal_deadline=datetime(2024, 10, 1, 0, 0, tzinfo=SHANGHAI),
    )


@pytest.fixture
def make_app():
    """``make_app(status=..., stage=..., unit_id=...)``: a dossier-like object."""

    def make(status=ApplicationStatus.DRAFTING, stage=None, **overrides) -> SimpleNamespace:
        returned = status == ApplicationStatus.RETURNED
        fields = {
            "status": status,
            "stage": stage,
            "applicant_id": APPLICANT_ID,
            "unit_id": UNIT_ID,
            "department_id": DEPT_ID,
            "committee_id": COMMITTEE_ID,
            "mode": DeclarationMode.NORMAL,
            "return_reason": "论文材料不全" if returned else None,
        }
        return SimpleNamespace(**(fields | overrides))

    return make


@pytest.fixture
def make_actor():
    """``make_actor(role, unit_id=...)``: by default in the scope of ``make_app()``'s dossier."""

    def make(role: Role, **overrides) -> Actor:
        fields = {
            "user_id": APPLICANT_ID if role == Role.APPLICANT else 100,
            "role": role,
            "unit_id": UNIT_ID,
            "department_id": DEPT_ID,
            "committee_id": COMMITTEE_ID,
        }
        return Actor(**(fields | overrides))

    return make
