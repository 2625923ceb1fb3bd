"""预分配评委会: the most specific accepting committee for a dossier's base info (DESIGN §3)."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CommitteeSpec:
    """What a committee accepts; an empty set means "any" except for ``series_ids``."""

    id: int
    name: str
    is_open: bool
    series_ids: frozenset[int]
    #: empty = all levels of those series
    level_ids: frozenset[int] = frozenset()
    #: roots of accepted specialty subtrees; empty = all specialties
    specialty_ids: frozenset[int] = frozenset()
    #: 有效范围 codes; empty = all
    scope_codes: frozenset[str] = frozenset()
    #: root of the organisation subtree served; None = the whole province
    org_root_id: int | None = None


@dataclass(frozen=True)
class Assignment:
    #: the most specific accepting committee, even when it is closed (the UI names it)
    committee: CommitteeSpec | None
    #: why the applicant may not enter; None when they may
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.committee is not None and self.reason is None


NO_COMMITTEE = "没有受理该申报系列、资格、专业和有效范围的评委会，请核对申报信息或联系单位"


def pick_committee(
    committees: Iterable[CommitteeSpec],
    *,
    series_id: int,
    level_id: int,
    specialty_path: tuple[int, ...],
    scope_code: str,
    unit_path: tuple[int, ...],
) -> Assignment:
    """Most specific accepting committee first; only then is it checked for being open.

    A less specific open committee is never a fallback: the manual lets the applicant in only
    if the pre-assigned committee allows applications.
    """
    ranked = [
        (_specificity(c, specialty_path, unit_path), c)
        for c in committees
        if _accepts(c, series_id, level_id, specialty_path, scope_code, unit_path)
    ]
    if not ranked:
        return Assignment(None, NO_COMMITTEE)
    _, best = max(ranked, key=lambda pair: (pair[0], -pair[1].id))
    if not best.is_open:
        return Assignment(best, f"预分配评委会“{best.name}”当前不接受申报（评委会关闭）")
    return Assignment(best)


def _accepts(
    c: CommitteeSpec,
    series_id: int,
    level_id: int,
    specialty_path: tuple[int, ...],
    scope_code: str,
    unit_path: tuple[int, ...],
) -> bool:
    return (
        series_id in c.series_ids
        and (not c.level_ids or level_id in c.level_ids)
        and (not c.specialty_ids or _depth(c.specialty_ids, specialty_path) > 0)
        and (not c.scope_codes or scope_code in c.scope_codes)
        and (c.org_root_id is None or c.org_root_id in unit_path)
    )


def _specificity(
    c: CommitteeSpec, specialty_path: tuple[int, ...], unit_path: tuple[int, ...]
) -> tuple[int, int, bool, bool]:
    org_roots = frozenset() if c.org_root_id is None else frozenset({c.org_root_id})
    return (
        _depth(c.specialty_ids, specialty_path),
        _depth(org_roots, unit_path),
        bool(c.scope_codes),
        bool(c.level_ids),
    )


def _depth(roots: frozenset[int], path: tuple[int, ...]) -> int:
    """1-based depth of the deepest of ``roots`` on ``path`` (root first); 0 when none is."""
    return max((i + 1 for i, node in enumerate(path) if node in roots), default=0)
