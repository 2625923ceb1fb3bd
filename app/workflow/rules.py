"""Business rules that are not about who acts: batch window, 评委会考核认定 eligibility."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from app.workflow.errors import RuleViolation
from app.workflow.states import DeclarationMode, Grade

#: deadlines are announced in Beijing time, so messages show them in it
PROVINCE_TZ = ZoneInfo("Asia/Shanghai")

#: 有效范围 codes (the labels are configurable in the dictionary)
SCOPE_PROVINCE = "province"  # 全省有效
SCOPE_GRASSROOTS = "grassroots"  # 全省基层有效
SCOPE_HARDSHIP = "hardship"  # 全省艰苦边远地区有效
SCOPE_UNIT = "unit"  # 本单位有效
SCOPE_CODES = frozenset({SCOPE_PROVINCE, SCOPE_GRASSROOTS, SCOPE_HARDSHIP, SCOPE_UNIT})
#: manual §3: 评委会考核认定 only for these scopes (and senior grades)
COMMITTEE_ASSESSMENT_SCOPES = frozenset({SCOPE_GRASSROOTS, SCOPE_HARDSHIP})


def require_aware(moment: datetime) -> None:
    """Naive datetimes are a programming error: comparisons across zones would be wrong."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")


@dataclass(frozen=True)
class Window:
    """The applicant's batch window: open from ``opens_at``, closed from ``personal_deadline``."""

    opens_at: datetime
    personal_deadline: datetime

    def __post_init__(self) -> None:
        require_aware(self.opens_at)
        require_aware(self.personal_deadline)
        if self.opens_at >= self.personal_deadline:
            raise ValueError("opens_at must be before personal_deadline")


def in_window(window: Window, now: datetime, mode: DeclarationMode) -> bool:
    """Half-open [opens_at, personal_deadline); 用人单位考核认定 has no deadline (manual §1.2)."""
    require_aware(now)
    if now < window.opens_at:
        return False
    return mode == DeclarationMode.EMPLOYER or now < window.personal_deadline


def check_window(window: Window, now: datetime, mode: DeclarationMode) -> None:
    if in_window(window, now, mode):
        return
    if now < window.opens_at:
        raise RuleViolation(f"申报尚未开始，系统开启时间为{format_time(window.opens_at)}")
    raise RuleViolation(f"个人申报已截止（截止时间{format_time(window.personal_deadline)}）")


def format_time(moment: datetime) -> str:
    return moment.astimezone(PROVINCE_TZ).strftime("%Y年%m月%d日%H:%M")


def check_committee_assessment(grade: Grade, scope_code: str) -> None:
    """评委会考核认定: only 副高级/正高级 valid 全省基层 or 全省艰苦边远地区 (manual §3)."""
    if Grade(grade).is_senior and scope_code in COMMITTEE_ASSESSMENT_SCOPES:
        return
    raise RuleViolation("评委会考核认定仅限于全省基层有效或全省艰苦边远地区有效的高级职称")
