"""Triage: the most urgent of the base level, the fired red-flag rules and the causes.

The base level is the guidance floor (bleeding after sex: see a clinician)
unless a named benign explanation holds with no risk factor known; only then
is it lower (self-care is earned, never left over).

Causes count in two ways: the probability mass of causes needing at least a
level reaches that level's threshold, or one dangerous cause reaches its own
``escalate_at``.  Red-flag findings may only raise the level, never lower it:
the cause part is the maximum over the posteriors with every subset of the
red-flag facts left out, so a red flag that makes a dangerous cause less
likely cannot talk the level down (``tests/test_properties.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..kb import CompiledExplanation, CompiledRule, FactValue, KnowledgeBase
from ._posterior import columns_of

__all__ = [
    "Triage",
    "base_level",
    "cause_levels",
    "closeness",
    "flag_subset_posteriors",
    "red_flag_facts",
    "triage",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Beyond this many red-flag facts the subsets are too many to enumerate;
# the rules those facts fire dominate the level long before that.
_MAX_ENUMERATED = 10


@dataclass(frozen=True)
class Triage:
    level: int
    rule_level: int
    cause_level: int
    fired: tuple[CompiledRule, ...]
    # Conditions whose probability set ``cause_level`` (may be empty).
    drivers: tuple[int, ...]
    base_level: int = 0
    # The explanation that granted a base level below the floor, if any.
    explanation: CompiledExplanation | None = None

    @property
    def deciding(self) -> CompiledRule | None:
        """The rule that set the level (None when the floor or a cause did)."""
        if self.fired and self.fired[0].level == self.level > 0:
            return self.fired[0]
        return None


def base_level(
    kb: KnowledgeBase, facts: Mapping[str, FactValue | None], truth: int | None = None
) -> tuple[int, CompiledExplanation | None]:
    """The floor, or the lowest level an explanation that holds grants."""
    t = kb.truth(facts) if truth is None else truth
    granted = [e for e in kb.explanations if e.level < kb.floor and e.holds_on(t)]
    if not granted:
        return kb.floor, None
    best = min(granted, key=lambda e: e.level)
    return best.level, best


def cause_levels(kb: KnowledgeBase, post: FloatArray, margin: float = 1.0) -> IntArray:
    """Level set by causes for each posterior row (``post`` is (..., C)).

    ``margin`` < 1 scales the thresholds down: the level the causes are near.
    """
    mass = post @ kb.at_least  # (..., L): P(needs at least level L)
    by_mass = np.where(
        mass >= kb.level_thresholds * margin - 1e-12, np.arange(len(kb.levels)), 0
    ).max(-1)
    hit = post >= kb.escalate_at * margin
    by_cause = np.where(hit, kb.urgency, 0).max(-1)
    out: IntArray = np.maximum(by_mass, by_cause).astype(np.int64)
    return out


def closeness(kb: KnowledgeBase, post: FloatArray, level: int) -> FloatArray:
    """How near the causes are to a level above ``level``, per posterior row.

    The largest share of its threshold that a higher level's mass, or a cause
    that would set a higher level, has reached: 1 or more means the causes set
    a higher level, 0.5 that they are half-way to one.
    """
    above = np.arange(len(kb.levels)) > level
    finite = above & np.isfinite(kb.level_thresholds) & (kb.level_thresholds > 0)
    mass = post @ kb.at_least[:, finite]
    by_mass = (mass / kb.level_thresholds[finite]).max(-1, initial=0.0)
    dangerous = (kb.urgency > level) & np.isfinite(kb.escalate_at)
    by_cause = (post[..., dangerous] / kb.escalate_at[dangerous]).max(-1, initial=0.0)
    out: FloatArray = np.maximum(by_mass, by_cause)
    return out


def _drivers(kb: KnowledgeBase, post: FloatArray, level: int) -> tuple[int, ...]:
    if level == 0:
        return ()
    escalating = np.flatnonzero((post >= kb.escalate_at) & (kb.urgency == level))
    if escalating.size:
        return tuple(int(i) for i in escalating[np.argsort(-post[escalating])])
    needing = np.flatnonzero(kb.urgency >= level)
    ranked = needing[np.argsort(-post[needing])]
    return tuple(int(i) for i in ranked[:3] if post[i] >= 0.02)


def red_flag_facts(kb: KnowledgeBase, facts: Mapping[str, FactValue | None]) -> list[str]:
    """Known findings (other than sex and age) that satisfy a red-flag atom."""
    flags = kb.red_flag_mask
    return [
        fid
        for fid, value in facts.items()
        if value is not None
        and fid not in ("sex", "age")
        and kb.atoms.value_mask(fid, value) & flags
    ]


def flag_subset_posteriors(
    kb: KnowledgeBase, facts: Mapping[str, FactValue | None], flags: list[str] | None = None
) -> tuple[FloatArray, FloatArray]:
    """Posteriors with every subset of the red-flag facts left out, (2**k, C).

    Row m holds the flags whose bits are set in m; the last row has them all.
    Also returns the unnormalised row totals, (2**k, 1) (0 where impossible).
    """
    if flags is None:
        flags = red_flag_facts(kb, facts)[:_MAX_ENUMERATED]
    others = [f for f in facts if f not in flags]
    tables = kb.tables(facts.get("sex"))
    base = kb.log_prior + tables.log_table[:, columns_of(kb, facts, others)].sum(axis=1)
    # Each flag doubles the rows, the new half times its likelihood; base's top
    # is finite whenever the full posterior is.
    rows = np.exp(base - base.max())[None, :]
    for likelihood in tables.table[:, columns_of(kb, facts, flags)].T:
        rows = np.concatenate((rows, rows * likelihood))
    totals = rows.sum(axis=1, keepdims=True)
    posts = np.divide(rows, totals, out=np.zeros_like(rows), where=totals > 0)
    return posts, totals


def triage(
    kb: KnowledgeBase,
    facts: Mapping[str, FactValue | None],
    post: FloatArray,
    truth: int | None = None,
) -> Triage:
    """Triage for ``facts`` whose exact posterior is ``post`` (``truth``: ``kb.truth(facts)``)."""
    t = kb.truth(facts) if truth is None else truth
    # Most rules fail on their 'all' conditions: test those inline first.
    fired = tuple(
        sorted(
            (r for r in kb.rules if t & r.all_mask == r.all_mask and r.fires_on(t)),
            key=lambda r: -r.level,
        )
    )
    rule_level = fired[0].level if fired else 0

    flags = red_flag_facts(kb, facts)[:_MAX_ENUMERATED]
    if flags:
        posts, totals = flag_subset_posteriors(kb, facts, flags)
        levels = cause_levels(kb, posts)
        levels[totals[:, 0] <= 0] = 0
        best = int(np.argmax(levels))
        cause_level = int(levels[best])
        # Drivers from the full posterior unless leaving flags out set a higher level.
        drivers = _drivers(kb, post if levels[best] == levels[-1] else posts[best], cause_level)
    else:
        cause_level = int(cause_levels(kb, post))
        drivers = _drivers(kb, post, cause_level)
    base, explanation = base_level(kb, facts, t)
    return Triage(
        max(base, rule_level, cause_level),
        rule_level,
        cause_level,
        fired,
        drivers,
        base,
        explanation,
    )
