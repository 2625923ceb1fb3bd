"""The security and administration audit log: one append-only row per event.

Who (account id and a readable name kept as text, so the row outlives the account), when (the
app clock), from which address, what, and on whom. The province admin searches it on the
审计日志 page.
"""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy.orm import Session

from app.clock import now, to_naive_utc
from app.models import Account, AuditEvent

#: event codes written by this module's callers, with the words the admin reads
EVENT_LABELS = {
    "continuing_education_imported": "导入继续教育学时",
    "application_deleted": "一键删除申报信息",
    "login": "登录",
    "login_failed": "登录失败",
    "locked": "账号锁定",
    "logout": "退出登录",
    "session_timeout": "登录超时",
    "password_changed": "修改密码",
    "password_reset": "重置密码",
    "account_created": "创建账号",
    "account_updated": "修改账号",
    "account_deleted": "删除账号",
    "account_disabled": "停用账号",
    "account_enabled": "启用账号",
    "account_unlocked": "解除锁定",
    "accounts_imported": "批量导入账号",
    "meeting_created": "创建评审会议",
    "experts_drawn": "抽取评审专家",
    "voting_started": "开始表决",
    "meeting_closed": "结束表决",
    "certificate_revoked": "撤销职称",
    "notice_saved": "保存通知公告",
    "notice_deleted": "删除通知公告",
    "notice_files_added": "上传通知附件",
    "notice_file_deleted": "删除通知附件",
}

_NAME_MAX = 128
_TARGET_MAX = 200
_IP_MAX = 64


def describe(account: Account | None) -> str:
    """How an account is named in the log: user name and person's name."""
    if account is None:
        return ""
    return f"{account.username}（{account.name}）"


def client_ip() -> str:
    """The client's address as Flask sees it (ProxyFix decides what a proxy may tell us)."""
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:_IP_MAX]


def record(
    session: Session,
    event: str,
    *,
    actor: Account | None = None,
    actor_name: str | None = None,
    target: Account | str | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event; the caller's transaction commits it with the change it describes."""
    if isinstance(target, Account):
        target = describe(target)
    row = AuditEvent(
        at=to_naive_utc(now()),
        event=event,
        actor_id=actor.id if actor is not None else None,
        actor_name=(actor_name if actor_name is not None else describe(actor))[:_NAME_MAX],
        ip=client_ip(),
        target=(target or "")[:_TARGET_MAX],
        detail=detail,
    )
    session.add(row)
    return row
