"""Who acts: the plain data a service builds from the logged-in account."""

from dataclasses import dataclass

from app.workflow.states import Role


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: Role
    #: the applicant's / unit staff member's base unit
    unit_id: int | None = None
    #: for 主管部门 staff
    department_id: int | None = None
    #: for 评委会秘书 and 评审专家
    committee_id: int | None = None
