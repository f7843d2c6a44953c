"""Helpers for testing code that uses Spotcheck (shipped for users, as structlog does).

>>> from spotcheck.testing import assert_triage, run_interview
>>> assert_triage({"sex": "male", "age": 28, "penile_snap_swelling": True}, "emergency")
>>> run = run_interview({"sex": "female", "age": 19, "first_intercourse": True})
>>> run.assessment.triage in run.engine.kb.levels
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .engine import Assessment, Engine, Facts, NextStep

__all__ = ["InterviewRun", "assert_triage", "run_interview"]


def assert_triage(
    facts: Mapping[str, Any], expected: str, *, engine: Engine | None = None, at_least: bool = False
) -> Assessment:
    """Assert the triage level for ``facts`` (exactly, or at least ``expected``)."""
    engine = engine or Engine.default()
    result = engine.assess(facts)
    levels = engine.kb.levels
    if expected not in levels:
        raise ValueError(f"unknown triage level {expected!r} (allowed: {', '.join(levels)})")
    got, want = levels.index(result.triage), levels.index(expected)
    ok = got >= want if at_least else got == want
    if not ok:
        reasons = "; ".join(r.id for r in result.set_by) or "no rule or cause"
        raise AssertionError(
            f"triage {result.triage!r}, expected {'at least ' if at_least else ''}{expected!r} "
            f"(set by: {reasons})"
        )
    return result


@dataclass(frozen=True)
class InterviewRun:
    """A finished simulated interview: what was asked, the facts, the result."""

    engine: Engine
    steps: tuple[NextStep, ...]
    facts: Facts
    assessment: Assessment
    asked: tuple[str, ...] = field(default=())


def run_interview(
    truth: Mapping[str, Any], *, engine: Engine | None = None, max_steps: int = 60
) -> InterviewRun:
    """Interview a simulated person who answers from ``truth`` ("don't know" otherwise)."""
    engine = engine or Engine.default()
    known = engine.facts(truth)
    facts = engine.facts({})
    steps: list[NextStep] = []
    for _ in range(max_steps):
        step = engine.next_step(facts)
        if step is None:
            break
        steps.append(step)
        facts = facts.with_answers({f: known.get(f) for f in step.findings})
        facts = engine.facts(facts.to_dict())
    asked = tuple(f for s in steps for f in s.findings)
    return InterviewRun(engine, tuple(steps), facts, engine.assess(facts), asked)
