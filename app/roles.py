"""The roles of DESIGN §1 as Flask-AppBuilder code roles (FAB_ROLES).

Permissions live here, in code, so no worker ever races to sync them into the database; the
migration creates one ab_role row per role so that accounts can be given roles.
Views are granted by class-name prefix (ApplicantXxxView for 申报人 ...), menus by label.
Regexes are anchored (FAB matches them with re.match, which only anchors the start).
"""

from enum import Enum

from app.workflow.states import Role

PUBLIC_ROLE = "公众"

#: every signed-in person may open files through the row-checked attachment view
_SHARED_VIEWS = ("AttachmentView",)


def _grants(view_pattern: str, *menus: str) -> list[list[str]]:
    """Full access to views whose class name matches, and to the named menu items."""
    shared = "|".join(_SHARED_VIEWS)
    grants = [[f"^(?:{view_pattern}|{shared})$", "^can_.*$"]]
    if menus:
        grants.append([f"^(?:{'|'.join(menus)})$", "^menu_access$"])
    return grants


#: the province admin uses every view but the ones that act as one person in the workflow
_NOT_PERSONAL = r"^(?!(?:Applicant|UnitAccount|Review|Committee|Expert)\w*View$).*$"
_PERSONAL_MENUS = (
    "填报信息",
    "申报人账号",
    "单位人员账号",
    "审查推荐",
    "评委会受理",
    "会议管理",
    "评审会议",
    "结果公示与发证",
    "导出名单",
    "专家库",
)
_NOT_PERSONAL_MENU = rf"^(?!(?:{'|'.join(_PERSONAL_MENUS)})$).*$"
_REVIEWER = _grants(r"Review\w*View", "审查推荐")

FAB_ROLES: dict[str, list[list[str]]] = {
    # menus are granted by the second rule only: menu names are labels, never "…View", so the
    # first rule would otherwise show the admin every role's menu
    Role.PROVINCE_ADMIN.value: [
        [_NOT_PERSONAL, "^(?!menu_access$).*$"],
        [_NOT_PERSONAL_MENU, "^menu_access$"],
    ],
    Role.APPLICANT.value: _grants(r"Applicant\w*View", "填报信息"),
    Role.UNIT_ADMIN.value: _grants(r"UnitAccount\w*View", "申报人账号", "单位人员账号"),
    Role.UNIT_HANDLER.value: _REVIEWER,
    Role.UNIT_LEADER.value: _REVIEWER,
    Role.DEPT_HANDLER.value: _REVIEWER,
    Role.DEPT_LEADER.value: _REVIEWER,
    Role.COMMITTEE_SECRETARY.value: _grants(
        r"Committee\w*View", "评委会受理", "专家库", "会议管理", "结果公示与发证", "导出名单"
    ),
    Role.EXPERT.value: _grants(r"Expert\w*View", "评审会议"),
    PUBLIC_ROLE: [],
}

ALL_ROLE_NAMES: tuple[str, ...] = tuple(FAB_ROLES)


# Who may create whose account (issue 3): nobody grants a role above their own scope.


class Place(str, Enum):
    """What a staff account of a role must be tied to."""

    PROVINCE = "省"
    DEPARTMENT = "主管部门"
    BASE_UNIT = "基层单位"
    COMMITTEE = "评委会"


#: roles of people who work in the system (everyone but 申报人), in the order forms list them
STAFF_ROLES: tuple[Role, ...] = (
    Role.UNIT_ADMIN,
    Role.UNIT_HANDLER,
    Role.UNIT_LEADER,
    Role.DEPT_HANDLER,
    Role.DEPT_LEADER,
    Role.COMMITTEE_SECRETARY,
    Role.EXPERT,
    Role.PROVINCE_ADMIN,
)

ROLE_PLACE: dict[Role, Place] = {
    Role.APPLICANT: Place.BASE_UNIT,
    Role.UNIT_ADMIN: Place.BASE_UNIT,
    Role.UNIT_HANDLER: Place.BASE_UNIT,
    Role.UNIT_LEADER: Place.BASE_UNIT,
    Role.DEPT_HANDLER: Place.DEPARTMENT,
    Role.DEPT_LEADER: Place.DEPARTMENT,
    Role.COMMITTEE_SECRETARY: Place.COMMITTEE,
    Role.EXPERT: Place.COMMITTEE,
    Role.PROVINCE_ADMIN: Place.PROVINCE,
}

#: the staff roles each role may create, edit and reset; 申报人 accounts are the unit admin's
_GRANTABLE: dict[Role, tuple[Role, ...]] = {
    Role.PROVINCE_ADMIN: STAFF_ROLES,
    Role.UNIT_ADMIN: (Role.UNIT_HANDLER, Role.UNIT_LEADER),
    Role.COMMITTEE_SECRETARY: (Role.EXPERT,),
}


def grantable_roles(granter: Role) -> tuple[Role, ...]:
    """Staff roles ``granter`` may give; empty for everyone else."""
    return _GRANTABLE.get(granter, ())


def may_grant(granter: Role, role: Role) -> bool:
    return role in grantable_roles(granter)
