"""The roles of DESIGN §1 as Flask-AppBuilder code roles (FAB_ROLES).

Permissions live here, in code, so no worker ever races to sync them into the database; the
migration creates one ab_role row per role so that accounts can be given roles.
Regexes are anchored (FAB matches them with re.match, which only anchors the start).
"""

from app.workflow.states import Role

PUBLIC_ROLE = "公众"


def _views(*names: str) -> list[list[str]]:
    """Full access to the named views (class names) and menu items (labels)."""
    return [[f"^{name}$", "^(can_.*|menu_access)$"] for name in names]


FAB_ROLES: dict[str, list[list[str]]] = {
    Role.PROVINCE_ADMIN.value: [[".*", ".*"]],
    Role.APPLICANT.value: _views("ApplicantHomeView", "填报信息"),
    Role.UNIT_ADMIN.value: _views("UnitAccountView", "申报人账号"),
    Role.UNIT_HANDLER.value: _views("ReviewListView", "审查推荐"),
    Role.UNIT_LEADER.value: _views("ReviewListView", "审查推荐"),
    Role.DEPT_HANDLER.value: _views("ReviewListView", "审查推荐"),
    Role.DEPT_LEADER.value: _views("ReviewListView", "审查推荐"),
    Role.COMMITTEE_SECRETARY.value: _views("CommitteeDossierView", "评委会受理"),
    Role.EXPERT.value: _views("ExpertHomeView", "评审会议"),
    PUBLIC_ROLE: [],
}

ALL_ROLE_NAMES: tuple[str, ...] = tuple(FAB_ROLES)
