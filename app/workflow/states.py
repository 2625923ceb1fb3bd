"""Statuses, review stages, roles and actions: the vocabulary of the lifecycle (DESIGN §4).

Values are the manual's Chinese words, so the enum value is also the label shown to people.
"""

from enum import Enum


class ApplicationStatus(str, Enum):
    DRAFTING = "申报中"
    UNDER_REVIEW = "资格审查中"
    RETURNED = "退回修改"
    EVALUATING = "评审中"
    PUBLICITY = "公示中"
    CERTIFIED = "已发证"
    FAILED = "未通过"
    NOT_ACCEPTED = "不予受理"

    @property
    def label(self) -> str:
        return self.value


#: statuses in which the applicant may change the dossier
EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFTING, ApplicationStatus.RETURNED})
#: end states: nothing moves out of them
FINAL_STATUSES = frozenset(
    {ApplicationStatus.CERTIFIED, ApplicationStatus.FAILED, ApplicationStatus.NOT_ACCEPTED}
)


class ReviewStage(str, Enum):
    """Who holds a dossier that is 资格审查中; set only in that status."""

    UNIT_HANDLER = "单位经办人"
    UNIT_LEADER = "单位领导"
    DEPT_HANDLER = "主管部门经办人"
    DEPT_LEADER = "主管部门领导"
    COMMITTEE_INTAKE = "评委会受理"

    @property
    def label(self) -> str:
        return self.value


class Role(str, Enum):
    """Role names exactly as DESIGN §1 and the manual give them; also the FAB role names."""

    APPLICANT = "申报人"
    UNIT_ADMIN = "单位系统管理员"
    UNIT_HANDLER = "单位经办人"
    UNIT_LEADER = "单位领导"
    DEPT_HANDLER = "主管部门经办人"
    DEPT_LEADER = "主管部门领导"
    COMMITTEE_SECRETARY = "评委会秘书"
    EXPERT = "评审专家"
    PROVINCE_ADMIN = "省职改办管理员"

    @property
    def label(self) -> str:
        return self.value


#: the role that holds each review stage
STAGE_HOLDER = {
    ReviewStage.UNIT_HANDLER: Role.UNIT_HANDLER,
    ReviewStage.UNIT_LEADER: Role.UNIT_LEADER,
    ReviewStage.DEPT_HANDLER: Role.DEPT_HANDLER,
    ReviewStage.DEPT_LEADER: Role.DEPT_LEADER,
    ReviewStage.COMMITTEE_INTAKE: Role.COMMITTEE_SECRETARY,
}


class Action(str, Enum):
    ENTER = "进入申报"
    EDIT = "修改填报信息"
    DELETE = "一键删除申报信息"
    SUBMIT = "提交审核"
    APPROVE = "审核通过"
    RETURN = "退回修改"
    ACCEPT = "受理"
    REFUSE = "不予受理"
    CLOSE_VOTE = "表决结束"
    ISSUE = "发证"

    @property
    def label(self) -> str:
        return self.value


class MeetingStatus(str, Enum):
    """A review meeting (评审会议): prepared, then voting, then closed."""

    PREPARING = "筹备中"
    VOTING = "表决中"
    CLOSED = "已结束"

    @property
    def label(self) -> str:
        return self.value


class VoteChoice(str, Enum):
    AGREE = "同意"
    DISAGREE = "不同意"
    ABSTAIN = "弃权"

    @property
    def label(self) -> str:
        return self.value


class VoteOutcome(str, Enum):
    """What a closed meeting decided for one dossier."""

    PASSED = "通过"
    FAILED = "未通过"
    #: too few experts attended for this dossier: it stays 评审中 for another meeting
    NO_QUORUM = "表决无效"

    @property
    def label(self) -> str:
        return self.value


class UnitType(str, Enum):
    PROVINCE = "省"
    DEPARTMENT = "主管部门"
    BASE = "基层单位"


class Grade(str, Enum):
    """Grade of a 申报资格 level (reference/title_series.md)."""

    SENIOR_FULL = "正高级"
    SENIOR_DEPUTY = "副高级"
    INTERMEDIATE = "中级"
    ASSISTANT = "助理级"
    JUNIOR = "员级"

    @property
    def is_senior(self) -> bool:
        return self in (Grade.SENIOR_FULL, Grade.SENIOR_DEPUTY)


class DeclarationMode(str, Enum):
    """申报方式 codes; the labels shown come from the dictionary table."""

    NORMAL = "normal"  # 正常申报（评审正常）
    EMPLOYER = "employer"  # 用人单位考核认定
    COMMITTEE = "committee"  # 评委会考核认定 (chosen a second time in 个人信息)

    @classmethod
    def from_code(cls, code: str) -> "DeclarationMode":
        """破格 and 转系列 (and any other listed mode) are reviewed as 正常申报."""
        try:
            return cls(code)
        except ValueError:
            return cls.NORMAL
