"""The five sections of 填报信息 and the kinds of entry each holds (manual §4)."""

from __future__ import annotations

import enum


class Section(int, enum.Enum):
    """The five steps of 填报信息, numbered as on the page."""

    BASIC = 1
    EDUCATION = 2
    EXPERIENCE = 3
    ACHIEVEMENT = 4
    SUMMARY = 5

    @property
    def label(self) -> str:
        return SECTION_LABELS[self]


SECTION_LABELS = {
    Section.BASIC: "基本信息",
    Section.EDUCATION: "学历资历",
    Section.EXPERIENCE: "专业技术工作经历",
    Section.ACHIEVEMENT: "业绩成果",
    Section.SUMMARY: "小结",
}


class ItemKind(str, enum.Enum):
    PERSONAL = "个人信息"
    ASSESSMENT = "考核情况"
    EDUCATION = "学习经历"
    CERTIFICATE = "专业技术资格证书"
    APPOINTMENT = "专业技术职务聘用证明"
    MATERIAL = "相关材料"
    WORK_HISTORY = "工作履历"
    SOCIETY = "参加学术团体（社会兼职）经历"
    EXPERIENCE = "专业技术工作经历"
    PAPER = "论文"
    BOOK = "论著"
    PROJECT = "课题（项目）"
    AWARD = "科技奖励、表彰奖励及称号"
    PATENT = "专利"
    OTHER = "其他业绩"

    @property
    def label(self) -> str:
        return self.value

    @property
    def section(self) -> Section:
        return KIND_SECTION[self]


KIND_SECTION = {
    ItemKind.PERSONAL: Section.BASIC,
    ItemKind.ASSESSMENT: Section.BASIC,
    ItemKind.EDUCATION: Section.EDUCATION,
    ItemKind.CERTIFICATE: Section.EDUCATION,
    ItemKind.APPOINTMENT: Section.EDUCATION,
    ItemKind.MATERIAL: Section.EDUCATION,
    ItemKind.WORK_HISTORY: Section.EDUCATION,
    ItemKind.SOCIETY: Section.EDUCATION,
    ItemKind.EXPERIENCE: Section.EXPERIENCE,
    ItemKind.PAPER: Section.ACHIEVEMENT,
    ItemKind.BOOK: Section.ACHIEVEMENT,
    ItemKind.PROJECT: Section.ACHIEVEMENT,
    ItemKind.AWARD: Section.ACHIEVEMENT,
    ItemKind.PATENT: Section.ACHIEVEMENT,
    ItemKind.OTHER: Section.ACHIEVEMENT,
}
