"""The interview: which question to ask next, or none.

A pure function of the answers so far (the facts), so any process can carry
an interview on.  Order: who (sex, age), then the red-flag screen from the
knowledge base, then the question with the highest expected value: the
information it gives about the cause plus, weighted more, how uncertain it
leaves the triage level.  It stops when no remaining question is likely to
change the triage level or the leading cause, or at a cap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from ..kb import (
    Atom,
    CompiledRule,
    CompiledScreenStep,
    FactValue,
    KnowledgeBase,
    all_hold,
    any_holds,
)
from ._posterior import FloatArray
from ._triage import Triage, base_level, cause_levels

__all__ = ["InterviewPolicy", "NextStep", "choose_next"]


@dataclass(frozen=True)
class InterviewPolicy:
    """Stop-rule and scoring settings (expert choices, measured by ``spotcheck eval``)."""

    # Stop when no answer is expected to raise the level by this much (levels
    # times probability: missing a red flag is the costly error) ...
    escalation_below: float = 0.03
    # ... nor to change the level at all with at least this probability ...
    level_change_below: float = 0.08
    # ... nor the leading cause with at least this probability ...
    top_change_below: float = 0.30
    # ... and none tells more than this (bits) about how urgent the cause is.
    urgency_gain_below: float = 0.05
    # Findings asked by information gain (after the red-flag screen) after
    # which the interview stops, unless an unasked red flag is still this
    # likely to raise the level (expected levels) ...
    max_questions: int = 5
    escalation_override: float = 0.02
    # After this many findings in all, only a question still likely to raise
    # the level is asked (a long run of "don't know" must not end the
    # interview before a red flag) ...
    hard_max_questions: int = 40
    # ... and after this many it always stops.
    absolute_max_questions: int = 60
    # Weight of the information about the cause's urgency against the
    # information about the cause itself.
    urgency_weight: float = 3.0
    # Value of an expected level of escalation found (under-triage avoided).
    escalation_weight: float = 10.0


@dataclass(frozen=True)
class NextStep:
    id: str
    findings: tuple[str, ...]
    phase: str  # "who", "screen" or "gain"
    score: float = 0.0


def _entropy(p: FloatArray, axis: int = -1) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log2(p), 0.0)
    out: FloatArray = terms.sum(axis=axis)
    return out


def _applies(kb: KnowledgeBase, fid: str, sex: FactValue | None) -> bool:
    applies = kb.findings[fid].applies_to
    return applies == "any" or applies == sex


def _step_active(
    step: CompiledScreenStep, facts: Mapping[str, FactValue | None], audience: str = "patient"
) -> bool:
    """Whether the step's conditions hold for this person (and who is answering) now."""
    if step.sex != "any" and step.sex != facts.get("sex"):
        return False
    if step.audience not in ("any", audience):
        return False
    if any_holds(step.skip_if, facts) or any(all_hold(g, facts) for g in step.skip_when):
        return False
    # A "don't know" on the finding a follow-up depends on asks the follow-up.
    if any(f in facts and facts[f] is None for f in step.if_unknown):
        return True
    if not all_hold(step.only_if, facts):
        return False
    return not step.only_if_any or any_holds(step.only_if_any, facts)


def _screen_step(
    kb: KnowledgeBase,
    step: CompiledScreenStep,
    facts: Mapping[str, FactValue | None],
    audience: str = "patient",
) -> tuple[str, ...]:
    if not _step_active(step, facts, audience):
        return ()
    sex = facts.get("sex")
    return tuple(f for f in step.findings if f not in facts and _applies(kb, f, sex))


def _screened_out(
    kb: KnowledgeBase, facts: Mapping[str, FactValue | None], audience: str
) -> set[str]:
    """Findings that only screen steps ask, none of which applies now.

    The screen's conditions are the clinical judgement of when a red flag is
    worth asking; information gain would otherwise ask every rare red flag
    at its base rate, whatever the story.
    """
    owners: dict[str, list[CompiledScreenStep]] = {}
    for step in kb.screen:
        if step.sex in ("any", facts.get("sex")):
            for fid in step.findings:
                owners.setdefault(fid, []).append(step)
    return {
        f for f, steps in owners.items() if not any(_step_active(s, facts, audience) for s in steps)
    }


def _maybe(atom: Atom, facts: Mapping[str, FactValue | None]) -> bool:
    """The atom holds, or its finding was asked and answered "don't know"."""
    return atom.evaluate(facts) is True or (atom.finding in facts and facts[atom.finding] is None)


@cache
def _screen_findings(kb: KnowledgeBase) -> frozenset[str]:
    """Findings the red-flag screen asks (the soft cap counts only the others)."""
    return frozenset(f for step in kb.screen for f in step.findings)


@cache
def _explained_findings(kb: KnowledgeBase) -> frozenset[str]:
    """Findings whose answer can grant or take away an explanation."""
    return frozenset(a.finding for e in kb.explanations for a in e.atoms + e.blockers)


@cache
def _rules_by_finding(kb: KnowledgeBase) -> dict[str, tuple[CompiledRule, ...]]:
    out: dict[str, list[CompiledRule]] = {}
    for rule in kb.rules:
        for fid in {a.finding for a in rule.all + rule.any + rule.unless}:
            out.setdefault(fid, []).append(rule)
    return {k: tuple(v) for k, v in out.items()}


def _candidates(
    kb: KnowledgeBase, facts: Mapping[str, FactValue | None], audience: str
) -> list[str]:
    sex = facts.get("sex")
    out = []
    skipped = _screened_out(kb, facts, audience)
    for fid, spec in kb.findings.items():
        if fid in facts or not _applies(kb, fid, sex):
            continue
        if spec.audience == "clinician" and audience != "clinician":
            continue
        if fid in skipped:
            continue
        # A finding that depends on another the person could not answer may
        # still be asked: "don't know" never hides a red flag.
        if not all(_maybe(a, facts) for a in kb.ask_only_if.get(fid, ())):
            continue
        if any_holds(kb.ask_skip_if.get(fid, ()), facts):
            continue
        out.append(fid)
    return out


def _value_of(kb: KnowledgeBase, fid: str, state: int) -> FactValue:
    spec = kb.findings[fid]
    if spec.type == "bool":
        return bool(state)
    if spec.type == "enum":
        return kb.states[fid][state]
    # The band's lower edge belongs to it: a representative value for rules.
    return (spec.range or (0.0, 0.0))[0] if state == 0 else kb.bands[fid][state - 1]


def choose_next(
    kb: KnowledgeBase,
    facts: Mapping[str, FactValue | None],
    post: FloatArray,
    current: Triage,
    policy: InterviewPolicy = InterviewPolicy(),
    audience: str = "patient",
) -> NextStep | None:
    """The next step of the interview, or ``None`` when it should stop.

    ``audience="clinician"`` also asks examination, test and vital-sign findings.
    """
    for fid in ("sex", "age"):
        if fid not in facts:
            return NextStep(fid, (fid,), "who")
    for step in kb.screen:
        todo = _screen_step(kb, step, facts, audience)
        if todo:
            return NextStep(step.id if len(todo) > 1 else todo[0], todo, "screen")
    asked = sum(1 for f in facts if f not in ("sex", "age"))
    if asked >= policy.absolute_max_questions:
        return None
    candidates = _candidates(kb, facts, audience)
    if not candidates:
        return None

    spans = [kb.columns[f] for f in candidates]
    cols = np.concatenate([np.arange(a, b) for a, b in spans])
    owner = np.repeat(np.arange(len(candidates)), [b - a for a, b in spans])
    joint = post[:, None] * kb.tables(facts.get("sex")).table[:, cols]  # (C, S)
    pred = joint.sum(axis=0)  # P(answer) for each column
    new_post = np.divide(joint, pred, out=np.zeros_like(joint), where=pred > 0).T  # (S, C)

    levels = cause_levels(kb, new_post)
    by_rule = _rules_by_finding(kb)
    known = dict(facts)
    state_of = cols - np.array([kb.columns[candidates[o]][0] for o in owner])
    untouched: dict[str, int] = {}
    explained = _explained_findings(kb)
    for j, (o, s) in enumerate(zip(owner, state_of, strict=True)):
        fid = candidates[o]
        value = _value_of(kb, fid, int(s))
        base = base_level(kb, {**known, fid: value})[0] if fid in explained else current.base_level
        rule_level = current.rule_level
        touched = by_rule.get(fid, ())
        if touched:
            if fid not in untouched:
                untouched[fid] = max([r.level for r in current.fired if r not in touched] + [0])
            trial = {**known, fid: value}
            rule_level = max([untouched[fid]] + [r.level for r in touched if r.fires(trial)])
        if any(a.holds(value) for a in kb.red_flags_by_finding.get(fid, ())):
            # A red-flag answer never lowers the level (see _triage).
            rule_level = max(rule_level, current.cause_level)
        levels[j] = max(int(levels[j]), rule_level, base)

    n_f = len(candidates)
    changed = (levels != current.level).astype(np.float64)
    p_level_change = np.bincount(owner, weights=pred * changed, minlength=n_f)
    raised = np.maximum(levels - current.level, 0).astype(np.float64)
    escalation = np.bincount(owner, weights=pred * raised, minlength=n_f)
    top_now = int(np.argmax(post))
    top_changed = (np.argmax(new_post, axis=1) != top_now).astype(np.float64)
    p_top_change = np.bincount(owner, weights=pred * top_changed, minlength=n_f)
    # Urgency of the true cause: P(U = level) from the posterior.
    urgency_now = post @ kb.is_level
    urgency_new = new_post @ kb.is_level  # (S, L)
    urgency_gain = float(_entropy(urgency_now)) - np.bincount(
        owner, weights=pred * _entropy(urgency_new), minlength=n_f
    )
    screened = _screen_findings(kb)
    by_gain = sum(1 for f in facts if f not in screened and f not in ("sex", "age"))
    capped = by_gain >= policy.max_questions or asked >= policy.hard_max_questions
    if capped and escalation.max() < policy.escalation_override:
        return None
    if (
        escalation.max() < policy.escalation_below
        and p_level_change.max() < policy.level_change_below
        and p_top_change.max() < policy.top_change_below
        and urgency_gain.max() < policy.urgency_gain_below
    ):
        return None

    gain = float(_entropy(post)) - np.bincount(
        owner, weights=pred * _entropy(new_post), minlength=n_f
    )
    score = (
        gain
        + policy.urgency_weight * urgency_gain
        + p_level_change
        + policy.escalation_weight * escalation
    )
    # Past a cap only the red flag most likely to raise the level is worth asking.
    best = int(np.argmax(escalation if capped else score))
    return NextStep(candidates[best], (candidates[best],), "gain", float(score[best]))
