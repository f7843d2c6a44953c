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
from ._posterior import columns_of, normalise

__all__ = ["Triage", "base_level", "cause_levels", "red_flag_facts", "triage"]

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
    kb: KnowledgeBase, facts: Mapping[str, FactValue | None]
) -> tuple[int, CompiledExplanation | None]:
    """The floor, or the lowest level an explanation that holds grants."""
    granted = [e for e in kb.explanations if e.level < kb.floor and e.holds(facts)]
    if not granted:
        return kb.floor, None
    best = min(granted, key=lambda e: e.level)
    return best.level, best


def cause_levels(kb: KnowledgeBase, post: FloatArray) -> IntArray:
    """Level set by causes for each posterior row (``post`` is (..., C))."""
    mass = post @ kb.at_least  # (..., L): P(needs at least level L)
    by_mass = np.where(mass >= kb.level_thresholds - 1e-12, np.arange(len(kb.levels)), 0).max(-1)
    hit = post >= kb.escalate_at
    by_cause = np.where(hit, kb.urgency, 0).max(-1)
    out: IntArray = np.maximum(by_mass, by_cause).astype(np.int64)
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
    out = []
    for fid, value in facts.items():
        if value is None or fid in ("sex", "age"):
            continue
        if any(a.holds(value) for a in kb.red_flags_by_finding.get(fid, ())):
            out.append(fid)
    return out


def triage(kb: KnowledgeBase, facts: Mapping[str, FactValue | None], post: FloatArray) -> Triage:
    """Triage for ``facts`` whose exact posterior is ``post``."""
    known = {f for f, v in facts.items() if v is not None}
    fired = tuple(
        sorted((r for r in kb.rules if r.needs <= known and r.fires(facts)), key=lambda r: -r.level)
    )
    rule_level = fired[0].level if fired else 0

    flags = red_flag_facts(kb, facts)[:_MAX_ENUMERATED]
    others = [f for f in facts if f not in flags]
    level_full = int(cause_levels(kb, post))
    cause_level, drivers = level_full, _drivers(kb, post, level_full)
    if flags:
        base = kb.log_prior + kb.log_table[:, columns_of(kb, facts, others)].sum(axis=1)
        contrib = kb.log_table[:, columns_of(kb, facts, flags)].T  # (k, C)
        k = len(flags)
        masks = ((np.arange(2**k)[:, None] >> np.arange(k)[None, :]) & 1).astype(np.float64)
        with np.errstate(invalid="ignore"):
            logs = base[None, :] + np.where(masks[:, :, None] > 0, contrib[None, :, :], 0.0).sum(1)
        posts = normalise(logs)
        levels = cause_levels(kb, posts)
        levels[~posts.any(axis=1)] = 0
        best = int(np.argmax(levels))
        if levels[best] > cause_level:
            cause_level = int(levels[best])
            drivers = _drivers(kb, posts[best], cause_level)
    base, explanation = base_level(kb, facts)
    return Triage(
        max(base, rule_level, cause_level),
        rule_level,
        cause_level,
        fired,
        drivers,
        base,
        explanation,
    )
