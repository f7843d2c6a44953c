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
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from ..kb import (
    Atom,
    CompiledExplanation,
    CompiledRule,
    CompiledScreenStep,
    FactValue,
    KnowledgeBase,
    all_hold,
    any_holds,
)
from ._posterior import FloatArray
from ._triage import Triage, base_level, cause_levels, closeness, flag_subset_posteriors

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
    # ... or this many once the level is an emergency.
    emergency_questions: int = 3
    # Once the level cannot fall, a question is still asked when one answer
    # brings the causes to this share of a higher level's threshold.
    settle_margin: float = 0.5
    # ... and closes at least this share of the gap left to that threshold (once
    # the causes are half-way, an answer that leaves them there is no reason to
    # ask: stop 52, a clinician's form spent its 60 findings on such answers).
    settle_gap: float = 0.25
    # Before stopping, pairs among this many answers that bring the causes
    # nearest a higher level are tried together (_pair_raiser).
    pair_columns: int = 16
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
    return frozenset(
        a.finding
        for e in kb.explanations
        for a in e.atoms + e.blockers + tuple(w for _, gs in e.waivers for g in gs for w in g)
    )


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


def _subset_answers(
    kb: KnowledgeBase, facts: Mapping[str, FactValue | None], cols: npt.NDArray[np.intp]
) -> tuple[FloatArray, FloatArray] | None:
    """The posteriors with each subset of the red-flag facts left out, (R, C), and
    after each answer column on each of them, (R, S, C); ``None`` with no flag.

    The triage takes the highest level over these (a red flag that makes one
    dangerous cause less likely cannot hide another), so what an answer does
    to the level is judged on them too.
    """
    posts, totals = flag_subset_posteriors(kb, facts)
    if len(posts) < 2:
        return None
    subsets = posts[totals[:, 0] > 0]
    rows = subsets[:, :, None] * kb.tables(facts.get("sex")).table[None, :, cols]  # (R, C, S)
    sums = rows.sum(axis=1, keepdims=True)
    rows = np.divide(rows, sums, out=np.zeros_like(rows), where=sums > 0)
    return subsets, rows.transpose(0, 2, 1)


class _Answers(NamedTuple):
    """What each answer column of the candidates does (see ``_answer_levels``)."""

    levels: npt.NDArray[np.int64]  # the level after the answer
    pred: FloatArray  # P(answer)
    new_post: FloatArray  # the posterior after it, one row per column
    owner: npt.NDArray[np.intp]  # the candidate each column belongs to
    # The same with red-flag facts left out (``_subset_answers``), computed once
    # for every caller that judges as the triage judges.
    subsets: tuple[FloatArray, FloatArray] | None


def _answer_levels(
    kb: KnowledgeBase,
    facts: Mapping[str, FactValue | None],
    post: FloatArray,
    current: Triage,
    candidates: list[str],
) -> _Answers:
    """The level after each possible answer to each candidate on its own."""
    spans = [kb.columns[f] for f in candidates]
    cols = np.concatenate([np.arange(a, b) for a, b in spans])
    owner = np.repeat(np.arange(len(candidates)), [b - a for a, b in spans])
    joint = post[:, None] * kb.tables(facts.get("sex")).table[:, cols]  # (C, S)
    pred = joint.sum(axis=0)  # P(answer) for each column
    new_post = np.divide(joint, pred, out=np.zeros_like(joint), where=pred > 0).T  # (S, C)

    levels = cause_levels(kb, new_post)
    subsets = _subset_answers(kb, facts, cols)
    if subsets is not None:
        levels = np.maximum(levels, cause_levels(kb, subsets[1]).max(axis=0))
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

    return _Answers(levels, pred, new_post, owner, subsets)


def _askable(
    kb: KnowledgeBase, fid: str, facts: Mapping[str, FactValue | None], audience: str
) -> bool:
    spec = kb.findings[fid]
    return _applies(kb, fid, facts.get("sex")) and (
        spec.audience != "clinician" or audience == "clinician"
    )


def _may_hold(
    atom: Atom, facts: Mapping[str, FactValue | None], open_findings: frozenset[str]
) -> bool:
    if atom.finding in facts:
        return atom.evaluate(facts) is True
    return atom.finding in open_findings


def _blocked(
    e: CompiledExplanation, facts: Mapping[str, FactValue | None], open_findings: frozenset[str]
) -> bool:
    """A blocker of the explanation holds, and no group of its waivers can still hold."""
    waivers = dict(e.waivers)
    return any(
        b.evaluate(facts) is True
        and not any(all(_may_hold(w, facts, open_findings) for w in g) for g in waivers.get(b, ()))
        for b in e.blockers
    )


def _could_fire(
    rule: CompiledRule, facts: Mapping[str, FactValue | None], open_findings: frozenset[str]
) -> bool:
    """Whether the rule can still fire once more questions are answered.

    A condition on a finding already answered holds or never will ("don't
    know" is not asked again); one on a finding not yet asked may still hold
    if it can be asked of this person.
    """

    def may_hold(atoms: tuple[Atom, ...], every: bool) -> bool:
        held = (_may_hold(a, facts, open_findings) for a in atoms)
        return all(held) if every else (not atoms or any(held))

    return (
        may_hold(rule.all, True)
        and may_hold(rule.any, False)
        and may_hold(rule.and_any, False)
        and not any_holds(rule.unless, facts)
        and not any(all_hold(group, facts) for group in rule.unless_all)
    )


def _settled(
    kb: KnowledgeBase, current: Triage, facts: Mapping[str, FactValue | None], audience: str
) -> bool:
    """No answer can lower the level: only what could raise it is left to ask.

    Above the floor, when a fired red-flag rule holds it (a level the causes
    set can fall again as answers come in, a "no" making a cause less likely;
    a fired rule stays fired unless one of its exceptions turns up, and those
    are asked).  At the floor, when no benign explanation can be granted any
    more (a risk factor is known, or every explanation's condition is
    answered otherwise).
    """
    if current.level > kb.floor:
        return current.rule_level >= current.level
    if current.level < kb.floor:
        return False
    open_findings = _open_findings(kb, facts, audience)
    sex = facts.get("sex")
    for e in kb.explanations:
        if e.level >= kb.floor or e.sex not in ("any", sex) or _blocked(e, facts, open_findings):
            continue
        if all(_may_hold(a, facts, open_findings) for a in e.all) and (
            not e.any or any(_may_hold(a, facts, open_findings) for a in e.any)
        ):
            return False
    return True


def _open_findings(
    kb: KnowledgeBase, facts: Mapping[str, FactValue | None], audience: str
) -> frozenset[str]:
    """Findings not yet asked that can be asked of this person."""
    return frozenset(f for f in kb.findings if f not in facts and _askable(kb, f, facts, audience))


def _one_answer_away(
    kb: KnowledgeBase, facts: Mapping[str, FactValue | None], current: Triage, audience: str
) -> tuple[str, ...]:
    """Unasked findings that would, on their own, fire a rule above the level."""
    open_findings = _open_findings(kb, facts, audience)
    out: dict[str, None] = {}
    for rule in kb.rules:
        if rule.level <= current.level or not _could_fire(rule, facts, open_findings):
            continue
        missing = [a for a in rule.all if a.evaluate(facts) is not True]
        parts = [p for p in (rule.any, rule.and_any) if p and not any_holds(p, facts)]
        if len(missing) + len(parts) != 1:
            continue
        atoms = missing or [a for a in parts[0] if a.finding in open_findings]
        for a in atoms:
            if a.finding in open_findings and all(
                _maybe(b, facts) for b in kb.ask_only_if.get(a.finding, ())
            ):
                out[a.finding] = None
    return tuple(f for f in kb.findings if f in out)


def _raising(
    kb: KnowledgeBase,
    facts: Mapping[str, FactValue | None],
    post: FloatArray,
    current: Triage,
    audience: str,
    policy: InterviewPolicy,
) -> frozenset[str]:
    """Unasked findings whose answer could still raise the level.

    Those a red-flag rule above the current level asks about while it can
    still fire (so a flag that needs two answers is not lost for want of the
    first), and those with an answer that on its own lifts the level through
    the causes.
    """
    if current.level >= len(kb.levels) - 1:
        return frozenset()
    open_findings = _open_findings(kb, facts, audience)
    out: set[str] = set()
    for rule in kb.rules:
        if rule.level > current.level and _could_fire(rule, facts, open_findings):
            out.update(a.finding for a in rule.atoms if a.finding in open_findings)
    for rule in current.fired:
        # An exception that would undo a rule holding the level: the level may fall.
        exceptions = rule.unless + tuple(a for group in rule.unless_all for a in group)
        out.update(a.finding for a in exceptions if a.finding in open_findings)
    for cid, groups in kb.consider_when.items():
        # What puts a dangerous cause on the list to exclude (a recurrence puts
        # cervical cancer there, whatever the level).
        if any(all_hold(g, facts) for g in kb.excluded_by[cid] + groups):
            continue
        for group in groups:
            if all(_may_hold(a, facts, open_findings) for a in group):
                out.update(a.finding for a in group if a.finding in open_findings)
    rest = sorted(open_findings - out)
    if rest:
        levels, pred, new_post, owner, subsets = _answer_levels(kb, facts, post, current, rest)
        table = kb.tables(facts.get("sex")).table
        level = current.level

        def need(now: FloatArray) -> FloatArray:
            gap = policy.settle_gap
            bar: FloatArray = np.maximum(policy.settle_margin, now + (1.0 - now) * gap)
            return bar

        # Through the causes, one answer at a time understates what several
        # together can do (a new partner and no condom put PID over the same-day
        # line together): an answer counts when it brings the causes within
        # ``settle_margin`` of a higher level's threshold, and nearer than they are.
        bar = need(closeness(kb, post, level)) - 1e-12
        near = closeness(kb, new_post, level) >= bar
        # As the triage does, the causes with red flags left out count too (a flag
        # that makes one dangerous cause less likely cannot hide another).
        if subsets is not None:
            now = need(closeness(kb, subsets[0], level))[:, None]  # (R, 1)
            near |= (closeness(kb, subsets[1], level) >= now - 1e-12).any(axis=0)
        lifted = np.bincount(
            owner, weights=((levels > current.level) | near) & (pred > 0), minlength=len(rest)
        )
        out.update(f for f, n in zip(rest, lifted, strict=True) if n > 0)
        # A step's yes-or-no findings together (an object and anal sex make a
        # tear likely where either alone does not).
        for step in kb.screen:
            bools = [
                f
                for f in step.findings
                if f in open_findings and f not in out and kb.findings[f].type == "bool"
            ]
            if len(bools) < 2:
                continue
            yes = np.array([kb.columns[f][0] + 1 for f in bools])
            joint = post * np.prod(table[:, yes], axis=1)
            if joint.sum() > 0 and closeness(kb, joint / joint.sum(), level) >= bar:
                out.update(bools)
    return frozenset(out)


def _hidden(kb: KnowledgeBase, facts: Mapping[str, FactValue | None], audience: str) -> list[str]:
    """Findings only a screen step asks, whose step does not apply, and no rule's."""
    by_rule = _rules_by_finding(kb)
    skipped = _screened_out(kb, facts, audience)
    return [
        f
        for f in kb.findings
        if f in skipped
        and f not in facts
        and f not in by_rule
        and _askable(kb, f, facts, audience)
        and all(_maybe(a, facts) for a in kb.ask_only_if.get(f, ()))
        and not any_holds(kb.ask_skip_if.get(f, ()), facts)
    ]


def _hidden_raiser(
    kb: KnowledgeBase,
    facts: Mapping[str, FactValue | None],
    post: FloatArray,
    current: Triage,
    audience: str,
    policy: InterviewPolicy,
) -> NextStep | None:
    """Before stopping: a finding only a screen step asks, whose step does not apply.

    The screen's conditions judge when a red flag is worth asking; a finding that
    is no red flag's but whose answer on its own lifts the level through the
    causes is still worth asking, or facts mode would see what the interview
    never asks (irregular periods at 30, with one-sided pain: same-day).
    """
    if current.level >= len(kb.levels) - 1:
        return None
    hidden = _hidden(kb, facts, audience)
    if not hidden:
        return None
    levels, pred, _, owner, _ = _answer_levels(kb, facts, post, current, hidden)
    raised = np.maximum(levels - current.level, 0).astype(np.float64)
    escalation = np.bincount(owner, weights=pred * raised, minlength=len(hidden))
    best = int(np.argmax(escalation))
    if escalation[best] < policy.escalation_override:
        return None
    return NextStep(hidden[best], (hidden[best],), "gain", float(escalation[best]))


def _pair_raiser(
    kb: KnowledgeBase,
    facts: Mapping[str, FactValue | None],
    post: FloatArray,
    current: Triage,
    candidates: list[str],
    audience: str,
    policy: InterviewPolicy,
) -> NextStep | None:
    """Before stopping: two answers that together, through the causes, raise the level.

    The interview judges each question by its own expected escalation, so a
    pair that lifts a cause over its line only together is never asked (a
    purulent discharge and bleeding between periods put PID over the same-day
    line, neither alone does: robustness, stop 51).  Of the answers that bring
    the causes nearer a higher level, the pairs from two findings are tried
    (the findings a screen step did not ask included, as ``_hidden_raiser``
    does); when one is likely enough, the finding whose answer comes nearest
    is asked and the single-question rule asks the other.
    """
    if current.level >= len(kb.levels) - 1:
        return None
    candidates = candidates + _hidden(kb, facts, audience)
    levels, pred, new_post, owner, subsets = _answer_levels(kb, facts, post, current, candidates)
    level = current.level
    spans = [kb.columns[f] for f in candidates]
    columns = np.concatenate([np.arange(a, b) for a, b in spans])
    # Judged as the triage judges: on each posterior with red-flag facts left out.
    bases, after = (post[None, :], new_post[None, :, :]) if subsets is None else subsets
    now = closeness(kb, bases, level).max()
    near = closeness(kb, after, level).max(axis=0)  # (S,)
    cols = np.flatnonzero((pred > 0) & (levels <= level) & (near > now + 1e-9))
    if len(cols) < 2:
        return None
    cols = cols[np.argsort(-near[cols])][: policy.pair_columns]
    table = kb.tables(facts.get("sex")).table[:, columns[cols]]  # (C, K)
    first, second = np.triu_indices(len(cols), k=1)
    keep = owner[cols][first] != owner[cols][second]
    first, second = first[keep], second[keep]
    if not len(first):
        return None
    both = (table[:, first] * table[:, second]).T  # (P, C)
    p_pair = (post[None, :] * both).sum(axis=1)
    joint = bases[:, None, :] * both[None, :, :]  # (R, P, C)
    sums = joint.sum(axis=2, keepdims=True)
    joint = np.divide(joint, sums, out=np.zeros_like(joint), where=sums > 0)
    lifted = cause_levels(kb, joint).max(axis=0)
    escalation = p_pair * np.maximum(lifted - level, 0)
    best = int(np.argmax(escalation))
    if escalation[best] < policy.escalation_override:
        return None
    one, other = cols[first[best]], cols[second[best]]
    pick = one if near[one] >= near[other] else other
    fid = candidates[int(owner[pick])]
    return NextStep(fid, (fid,), "gain", float(escalation[best]))


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
    # Once a red-flag rule holds the level above the floor, the screen asks only
    # what could still raise it (or undo that rule): its purpose is the red
    # flags, and a person sent to A&E should not be asked about causes first
    # (the clinician's form and the handover steps are asked whole).
    raising: frozenset[str] | None = None
    settled: bool | None = None
    for step in kb.screen:
        todo = _screen_step(kb, step, facts, audience)
        if todo and not step.handover and step.audience != "clinician":
            if settled is None:
                settled = _settled(kb, current, facts, audience)
            if settled:
                if raising is None:
                    raising = _raising(kb, facts, post, current, audience, policy)
                todo = tuple(f for f in todo if f in raising)
        if todo:
            return NextStep(step.id if len(todo) > 1 else todo[0], todo, "screen")
    # Once an emergency or a same-day level is settled, a red-flag rule one answer
    # from firing asks that answer, whether or not a step would: the steps'
    # conditions follow the usual order of answers, which "don't know" and the
    # pruned screen can skip (dizziness, then a bleeding disorder, is an ambulance).
    if settled is None:
        settled = _settled(kb, current, facts, audience)
    last = (
        _one_answer_away(kb, facts, current, audience)
        if settled and current.level > kb.floor
        else ()
    )
    if last:
        # One at a time: they may be of any type (an amount, a yes or no).
        return NextStep(last[0], last[:1], "screen")
    asked = sum(1 for f in facts if f not in ("sex", "age"))
    if asked >= policy.absolute_max_questions:
        return None
    candidates = _candidates(kb, facts, audience)
    if not candidates:
        return _hidden_raiser(kb, facts, post, current, audience, policy)

    levels, pred, new_post, owner, _ = _answer_levels(kb, facts, post, current, candidates)
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
    # After an emergency's instruction (shown first), only a few questions for
    # the doctors, besides any that could still call an ambulance.
    emergency = current.level >= kb.level_index("emergency") and _settled(
        kb, current, facts, audience
    )
    cap = (
        min(policy.max_questions, policy.emergency_questions) if emergency else policy.max_questions
    )
    capped = by_gain >= cap or asked >= policy.hard_max_questions
    if (capped and escalation.max() < policy.escalation_override) or (
        escalation.max() < policy.escalation_below
        and p_level_change.max() < policy.level_change_below
        and p_top_change.max() < policy.top_change_below
        and urgency_gain.max() < policy.urgency_gain_below
    ):
        if emergency:
            return None
        return _pair_raiser(kb, facts, post, current, candidates, audience, policy) or (
            _hidden_raiser(kb, facts, post, current, audience, policy)
        )

    gain = float(_entropy(post)) - np.bincount(
        owner, weights=pred * _entropy(new_post), minlength=n_f
    )
    score = (
        gain
        + policy.urgency_weight * urgency_gain
        + p_level_change
        + policy.escalation_weight * escalation
    )
    if emergency:
        # For the doctors: what tells the cause apart; past the cap only a
        # question a red-flag rule or a cause could still raise the level on.
        if raising is None:
            raising = _raising(kb, facts, post, current, audience, policy)
        if capped:
            lifting = [i for i, f in enumerate(candidates) if f in raising]
            if not lifting:
                return None
            best = max(lifting, key=lambda i: escalation[i])
        else:
            # The screen's own findings wait for it (asked when they could raise
            # the level): these few questions are the ones it does not ask.
            told = gain + policy.urgency_weight * urgency_gain
            told[[f in screened for f in candidates]] = -np.inf
            if not np.isfinite(told).any():
                return None
            best = int(np.argmax(told))
        return NextStep(candidates[best], (candidates[best],), "gain", float(score[best]))
    # Past a cap only the red flag most likely to raise the level is worth asking.
    best = int(np.argmax(escalation if capped else score))
    return NextStep(candidates[best], (candidates[best],), "gain", float(score[best]))
