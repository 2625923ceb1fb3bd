"""申报基础信息 (manual §3): the drop-downs' options and 进入申报.

The options cascade: 申报资格 lists the levels of the chosen 申报系列, and 申报专业 the children of
the node chosen one level up (工学》建设工程》土木工程). The same functions feed the page (without
JavaScript the form is posted back to refill them) and the JSON endpoints the page's script uses.
Whatever the browser sends, ``resolve`` re-checks the whole combination on the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Account,
    Application,
    DeclarationModeItem,
    Qualification,
    Series,
    Specialty,
    ValidityScope,
)
from app.services.applications import current_batch, enter_application
from app.workflow.actors import Actor
from app.workflow.errors import RuleViolation
from app.workflow.states import DeclarationMode

#: manual §3 (after 图13): 评委会考核认定 is not chosen here but in 个人信息, after 评审正常
COMMITTEE_MODE_FIRST = (
    "评委会考核认定请先选择“正常申报（评审正常）”进入申报，再在“基本信息”的个人信息中进行二次选择"
)
#: 申报方式 entries the drop-down leaves out (see COMMITTEE_MODE_FIRST)
HIDDEN_MODES = frozenset({DeclarationMode.COMMITTEE.value})
ALREADY_ENTERED = "您已进入本年度申报，不能重复进入申报；如需修改申报基础信息，请先一键删除申报信息"
NO_UNIT = "您的账号没有工作单位，请联系单位系统管理员"
SPECIALTY_LEVELS = ("specialty_1", "specialty_2", "specialty_3")
BAD_SPECIALTY = "申报专业须选择到三级（如 工学》建设工程》土木工程），且属于所选申报系列"


@dataclass(frozen=True)
class Option:
    id: int
    name: str

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class BaseInfoChoices:
    mode: list[Option]
    series: list[Option]
    scope: list[Option]
    qualification: list[Option] = field(default_factory=list)
    specialty_1: list[Option] = field(default_factory=list)
    specialty_2: list[Option] = field(default_factory=list)
    specialty_3: list[Option] = field(default_factory=list)


@dataclass(frozen=True)
class BaseInfo:
    """A checked combination: rows the application will point at."""

    mode: DeclarationModeItem
    series: Series
    qualification: Qualification
    specialty: Specialty
    scope: ValidityScope


class BaseInfoInvalid(RuleViolation):
    """One drop-down's value does not fit; ``field`` names it for the form."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


class CatalogNodeNotFound(LookupError):
    """A series or specialty id from a request that is unknown or retired."""


def _options(session: Session, stmt) -> list[Option]:
    return [Option(row.id, row.name) for row in session.scalars(stmt)]


def mode_options(session: Session) -> list[Option]:
    stmt = select(DeclarationModeItem).where(
        DeclarationModeItem.active, DeclarationModeItem.code.not_in(HIDDEN_MODES)
    )
    return _options(session, stmt.order_by(DeclarationModeItem.sort, DeclarationModeItem.id))


def series_options(session: Session) -> list[Option]:
    stmt = select(Series).where(Series.active).order_by(Series.sort, Series.id)
    return _options(session, stmt)


def scope_options(session: Session) -> list[Option]:
    stmt = select(ValidityScope).where(ValidityScope.active)
    return _options(session, stmt.order_by(ValidityScope.sort, ValidityScope.id))


def _active_series(session: Session, series_id: int | None) -> Series:
    series = session.get(Series, series_id) if series_id else None
    if series is None or not series.active:
        raise CatalogNodeNotFound(series_id)
    return series


def level_options(session: Session, series_id: int | None) -> list[Option]:
    """申报资格: the active levels of one active series, highest first."""
    series = _active_series(session, series_id)
    stmt = select(Qualification).where(Qualification.series_id == series.id, Qualification.active)
    return _options(session, stmt.order_by(Qualification.sort, Qualification.id))


def specialty_options(
    session: Session, series_id: int | None, parent_id: int | None
) -> list[Option]:
    """申报专业: the active children of ``parent_id`` (the roots when None) in one series."""
    series = _active_series(session, series_id)
    stmt = select(Specialty).where(Specialty.series_id == series.id, Specialty.active)
    if parent_id is None:
        stmt = stmt.where(Specialty.parent_id.is_(None))
    else:
        parent = session.get(Specialty, parent_id)
        if parent is None or parent.series_id != series.id or not parent.active:
            raise CatalogNodeNotFound(parent_id)
        if parent.depth >= 3:
            return []
        stmt = stmt.where(Specialty.parent_id == parent.id)
    return _options(session, stmt.order_by(Specialty.sort, Specialty.id))


def choices(session: Session, ids: dict[str, int | None]) -> BaseInfoChoices:
    """Every drop-down's options for the values chosen so far; a bad parent empties its children."""
    result = BaseInfoChoices(mode_options(session), series_options(session), scope_options(session))
    series_id = ids.get("series")
    try:
        result.qualification.extend(level_options(session, series_id))
        parent = None
        for level in SPECIALTY_LEVELS:
            options = specialty_options(session, series_id, parent)
            getattr(result, level).extend(options)
            parent = ids.get(level)
            if parent not in {o.id for o in options}:
                break
    except CatalogNodeNotFound:
        pass
    return result


def resolve(session: Session, ids: dict[str, int | None]) -> BaseInfo:
    """Load and check the whole combination; BaseInfoInvalid names the first field at fault."""
    mode = session.get(DeclarationModeItem, ids.get("mode") or 0)
    if mode is None or not mode.active:
        raise BaseInfoInvalid("mode", "申报方式无效，请重新选择")
    if mode.code in HIDDEN_MODES:
        raise BaseInfoInvalid("mode", COMMITTEE_MODE_FIRST)
    series = session.get(Series, ids.get("series") or 0)
    if series is None or not series.active:
        raise BaseInfoInvalid("series", "申报系列无效，请重新选择")
    level = session.get(Qualification, ids.get("qualification") or 0)
    if level is None or not level.active or level.series_id != series.id:
        raise BaseInfoInvalid("qualification", "申报资格不属于所选申报系列，请重新选择")
    specialty = _leaf(session, series, ids)
    scope = session.get(ValidityScope, ids.get("scope") or 0)
    if scope is None or not scope.active:
        raise BaseInfoInvalid("scope", "有效范围无效，请重新选择")
    return BaseInfo(mode, series, level, specialty, scope)


def _leaf(session: Session, series: Series, ids: dict[str, int | None]) -> Specialty:
    leaf = session.get(Specialty, ids.get("specialty_3") or 0)
    if leaf is None or leaf.series_id != series.id or leaf.depth != 3:
        raise BaseInfoInvalid("specialty_3", BAD_SPECIALTY)
    chain = [leaf, leaf.parent, leaf.parent.parent if leaf.parent else None]
    if any(node is None or not node.active for node in chain):
        raise BaseInfoInvalid("specialty_3", BAD_SPECIALTY)
    for name, node in (("specialty_2", chain[1]), ("specialty_1", chain[2])):
        chosen = ids.get(name)
        if chosen is not None and chosen != node.id:
            raise BaseInfoInvalid(name, "申报专业的三级选项前后不一致，请重新选择")
    return leaf


def entered_this_batch(session: Session, account: Account) -> bool:
    batch = current_batch(session)
    if batch is None:
        return False
    stmt = select(Application.id).where(
        Application.applicant_id == account.id, Application.batch_id == batch.id
    )
    return session.scalars(stmt.limit(1)).first() is not None


def enter(
    session: Session, account: Account, actor: Actor, now: datetime, ids: dict[str, int | None]
) -> Application:
    """进入申报: check the combination, then let the lifecycle pick the 预分配评委会 and create."""
    base = resolve(session, ids)
    if account.unit is None:
        raise RuleViolation(NO_UNIT)
    if entered_this_batch(session, account):
        raise RuleViolation(ALREADY_ENTERED)
    return enter_application(
        session,
        account,
        actor,
        now,
        mode=base.mode,
        qualification=base.qualification,
        specialty=base.specialty,
        scope=base.scope,
    )
