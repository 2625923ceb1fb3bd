"""Fixtures for the account and login tests: two units, their admins and applicants."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

import pytest
from stdnum.cn.ric import calc_check_digit

from app.models import Account
from app.workflow.states import Role
from tests.factories import PASSWORD, Org, make_account, make_org
from tests.helpers import login


@dataclass
class People:
    org: Org
    admin: Account  # 单位系统管理员 of org.unit
    other_admin: Account  # 单位系统管理员 of org.other_unit
    province: Account  # 省职改办管理员
    applicant: Account  # in org.unit
    outsider: Account  # applicant in org.other_unit


@pytest.fixture
def people(session) -> People:
    org = make_org(session)
    people = People(
        org=org,
        admin=make_account(session, Role.UNIT_ADMIN, unit=org.unit, name="设计院管理员"),
        other_admin=make_account(session, Role.UNIT_ADMIN, unit=org.other_unit, name="医院管理员"),
        province=make_account(session, Role.PROVINCE_ADMIN, unit=org.province, name="省管理员"),
        applicant=make_account(session, unit=org.unit, name="本单位申报人"),
        outsider=make_account(session, unit=org.other_unit, name="外单位申报人"),
    )
    session.commit()
    return people


@pytest.fixture
def signed_in(new_client):
    """A factory: a fresh browser logged in as the given account (password PASSWORD)."""

    def make(account: Account, password: str = PASSWORD):
        client = new_client()
        response = login(client, account.username, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make


_seq = count(100)


def valid_id(region: str = "620102", birth: str = "19850101") -> str:
    """A valid 18-digit ID number (GB 11643 check digit over the first 17 digits).

    tests.factories.id_number passes 17 digits to stdnum's calc_check_digit, which expects the
    check digit included and drops the last character, so its numbers fail the check.
    """
    body = f"{region}{birth}{next(_seq) % 1000:03d}"
    return body + calc_check_digit(body + "0")
