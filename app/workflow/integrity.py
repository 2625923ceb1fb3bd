"""撤销职称 and the 诚信档案 (DESIGN §6, reference/rules.md "fraud"): a title obtained by fraud is
revoked and the person may not apply again for three years.

Revocation is a fact about the certificate, not a step of the dossier's lifecycle: the dossier
stays 已发证 in its history, the certificate says it was revoked, and the integrity record
carries the ban. Pure: the caller passes the actor and Beijing dates.
"""

from __future__ import annotations

from datetime import date

from app.workflow.actors import Actor
from app.workflow.errors import InvalidState, NotAllowed, RuleViolation
from app.workflow.states import Role

BAN_YEARS = 3
REASON_MAX = 1000
ONLY_PROVINCE = "只有省职改办管理员可以撤销职称"
ALREADY_REVOKED = "该证书已撤销，不能重复撤销"
REASON_REQUIRED = "请填写撤销原因"
REASON_TOO_LONG = f"撤销原因不能超过{REASON_MAX}字"


def ban_ends(recorded_on: date, years: int = BAN_YEARS) -> date:
    """The ban's last day: the same date ``years`` later, or that month's last day when it has
    no such date (民法典 第二百零一、二百零二条: the first day is not counted)."""
    try:
        return recorded_on.replace(year=recorded_on.year + years)
    except ValueError:  # 29 February
        return recorded_on.replace(year=recorded_on.year + years, day=28)


def check_revoke(actor: Actor, *, revoked: bool, reason: str) -> str:
    """The reason, stripped, when ``actor`` may revoke this certificate now."""
    if actor.role != Role.PROVINCE_ADMIN:
        raise NotAllowed(ONLY_PROVINCE)
    if revoked:
        raise InvalidState(ALREADY_REVOKED)
    text = (reason or "").strip()
    if not text:
        raise RuleViolation(REASON_REQUIRED)
    if len(text) > REASON_MAX:
        raise RuleViolation(REASON_TOO_LONG)
    return text


def banned_message(ends_on: date, subject: str = "您") -> str:
    return (
        f"{subject}因弄虚作假被撤销职称并记入职称评审诚信档案，"
        f"{ends_on:%Y年%m月%d日}（含）前不得申报职称"
    )


def check_not_banned(ban_ends_on: date | None, today: date, subject: str = "您") -> None:
    """Refuse while an integrity record's ban runs (its last day included): the person's own
    进入申报 and 提交审核, and a dossier already on its way (受理, 发证; ``subject`` 申报人)."""
    if ban_ends_on is not None and today <= ban_ends_on:
        raise RuleViolation(banned_message(ban_ends_on, subject))
