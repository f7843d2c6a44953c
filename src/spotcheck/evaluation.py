"""Score the engine on clinical vignettes, as ``shared/EVAL.md`` specifies.

Modes: ``facts`` (everything known at once), ``interview`` (start from sex
and age, a simulated person answers each asked finding from the case and
"don't know" otherwise) and ``text`` (the narrative is parsed, under the
case's sex and age, and assessed without questions).

``simulate_interview_answering_no`` is the other simulated person, who says
"no" to what the case leaves out, as people do; the robustness benchmark and
the interview tests use it to find a risk factor the screen never asks.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._errors import FactError, InputError, SpotcheckError
from .engine import AUDIENCES, Engine, Facts
from .kb import FactValue

__all__ = ["MODES", "Case", "evaluate", "load_cases", "run_case"]

MODES = ("facts", "interview", "text")
_MAX_QUESTIONS = 60


@dataclass(frozen=True)
class Case:
    id: str
    facts: Facts
    triage: str
    causes: tuple[str, ...]
    must_not_miss: tuple[str, ...]
    narrative: str = ""
    note: str = ""
    # None: the narrative's language is detected.
    lang: str | None = None
    audience: str = "patient"
    # Findings the vocabulary allows but the engine could not hold together with
    # the rest (a finding for the other sex, facts that contradict each other):
    # left unknown, so the case is still scored (shared/EVAL.md refuses a file
    # only for bad JSON, unknown ids and values outside the vocabulary).
    set_aside: tuple[str, ...] = ()


@dataclass
class CaseResult:
    id: str
    expected_triage: str
    triage: str
    top: list[str]
    questions: int
    must_not_miss_listed: list[str] = field(default_factory=list)
    must_not_miss_missed: list[str] = field(default_factory=list)
    screens: int = 0  # question screens shown (interview mode)
    set_aside: tuple[str, ...] = ()


def _scorable_facts(engine: Engine, raw: Any) -> tuple[Facts, tuple[str, ...]]:
    """The case's facts, with any the engine cannot hold together left unknown."""
    data = dict(raw) if isinstance(raw, dict) else raw
    set_aside: list[str] = []
    while True:
        try:
            return engine.facts(data), tuple(set_aside)
        except FactError as exc:
            named = [f.strip() for f in (exc.field or "").split(",")]
            drop = [f for f in named if f in data and f not in ("sex", "age")]
            if not isinstance(data, dict) or not drop:
                raise
            for fid in drop:
                del data[fid]
            set_aside += drop


def _case(engine: Engine, raw: Any, where: str) -> Case:
    if not isinstance(raw, dict):
        raise InputError("a case must be a JSON object", field=where)
    try:
        expected = raw["expected"]
        case_id = str(raw["id"])
        facts, set_aside = _scorable_facts(engine, raw["facts"])
        triage = expected["triage"]
    except KeyError as exc:
        raise InputError(
            f"missing key {exc.args[0]!r}", field=where, allowed="id, facts, expected.triage"
        ) from None
    except InputError as exc:
        raise InputError(
            exc.message, field=f"{where}: facts.{exc.field}", allowed=exc.allowed
        ) from None
    levels = engine.kb.levels
    if triage not in levels:
        raise InputError(
            f"unknown triage level {triage!r}",
            field=f"{where}: expected.triage",
            allowed=", ".join(levels),
        )
    conditions = set(engine.kb.condition_ids)
    lists = {}
    for key in ("causes", "must_not_miss"):
        values = expected.get(key, [])
        if not isinstance(values, list):
            raise InputError("must be a list", field=f"{where}: expected.{key}")
        bad = [v for v in values if v not in conditions]
        if bad:
            raise InputError(
                f"unknown condition {bad[0]!r}",
                field=f"{where}: expected.{key}",
                allowed="condition ids of the vocabulary",
            )
        lists[key] = tuple(values)
    lang = raw.get("lang")
    if lang is not None and lang not in engine.kb.languages:
        raise InputError(
            f"unknown language {lang!r}",
            field=f"{where}: lang",
            allowed=", ".join(engine.kb.languages),
        )
    audience = raw.get("audience", "patient")
    if audience not in AUDIENCES:
        raise InputError(
            f"unknown audience {audience!r}",
            field=f"{where}: audience",
            allowed=", ".join(AUDIENCES),
        )
    return Case(
        case_id,
        facts,
        triage,
        lists["causes"],
        lists["must_not_miss"],
        str(raw.get("narrative", "")),
        str(raw.get("note", "")),
        lang,
        audience,
        set_aside,
    )


def load_cases(engine: Engine, path: Path) -> list[Case]:
    """Read a JSON Lines case file; errors name the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", field=str(path)) from None
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg})", field=where) from None
        cases.append(_case(engine, raw, where))
    if not cases:
        raise InputError("no cases in the file", field=str(path))
    return cases


def simulate_interview(
    engine: Engine, truth: Facts, audience: str = "patient", screens: list[str] | None = None
) -> tuple[Facts, int]:
    """Run the interview, answering from ``truth``; returns facts and findings asked.

    ``screens``, when given, receives the id of every question screen shown
    (a grouped question is one screen however many findings it asks).
    """
    facts = engine.facts({k: truth[k] for k in ("sex", "age") if k in truth})
    asked = 0
    while asked < _MAX_QUESTIONS:
        step = engine.next_step(facts, audience)
        if step is None:
            break
        answers = {f: truth.get(f) for f in step.findings}
        if step.phase != "who":
            asked += len(step.findings)
            if screens is not None:
                screens.append(step.id)
        facts = engine.facts({**facts.to_dict(), **answers})
    return facts, asked


# A question whose wording names one of these findings (the question texts in
# kb/data/*/base.yaml) is answered with the value by a person who states one of
# them: "Could you be pregnant? ... a condom that split" is a yes from her.
NAMED_IN_QUESTION: dict[str, tuple[FactValue, tuple[str, ...]]] = {
    "pregnant": (
        True,
        (
            "pregnancy_weeks",
            "contractions",
            "reduced_fetal_movements",
            "waters_broken",
            "known_low_lying_placenta",
        ),
    ),
    "possibly_pregnant": (
        True,
        ("contraception_failure", "missed_pills", "period_late", "unprotected_sex"),
    ),
    "lower_abdominal_pain": (
        "mild",
        ("one_sided_pelvic_pain", "sudden_onset_pain", "pain_worse_on_moving", "shoulder_tip_pain"),
    ),
    # a man's pain question is about his testicles: a sudden pain is that pain
    "testicular_pain": (True, ("sudden_onset_pain",)),
    "recurrent": (True, ("after_every_intercourse", "recurrence_weeks")),
    "abnormal_discharge": (True, ("discharge_type", "discharge_odour")),
    "bleeding_ongoing": (True, ("bleeding_not_stopping_with_pressure",)),
    "hormonal_contraception": (True, ("missed_pills",)),
}


def _answer_no(engine: Engine, fid: str, truth: Mapping[str, FactValue | None]) -> FactValue | None:
    if fid in truth:
        return truth[fid]
    if fid in NAMED_IN_QUESTION:
        value, named = NAMED_IN_QUESTION[fid]
        if any(truth.get(f) not in (None, False) for f in named):
            return value
    spec = engine.kb.findings[fid]
    if spec.type == "bool":
        return False
    return "none" if "none" in (spec.values or ()) else None


def simulate_interview_answering_no(
    engine: Engine, truth: Mapping[str, FactValue | None], audience: str = "patient"
) -> tuple[dict[str, FactValue | None], int]:
    """Run the interview as a person who says no to all that ``truth`` leaves out.

    A finding ``truth`` states is answered from it; any other is "no" (false, or
    the finding's "none"; unknown when it has no such value), except a question
    that names a stated finding (``NAMED_IN_QUESTION``).  Returns the answers
    and the number of findings asked.  Compare ``engine.assess(answers)`` with
    ``engine.assess({**answers, **truth})``: a level that falls short is a
    finding the person would have reported and the interview never asked.
    """
    facts: dict[str, FactValue | None] = {k: truth[k] for k in ("sex", "age") if k in truth}
    asked = 0
    while asked < _MAX_QUESTIONS and (step := engine.next_step(facts, audience)) is not None:
        for fid in step.findings:
            facts[fid] = _answer_no(engine, fid, truth)
            asked += step.phase != "who"
    return facts, asked


def read_narrative(engine: Engine, case: Case) -> Facts:
    """Text mode: the narrative parsed, under the case's given sex and age."""
    given = {k: case.facts[k] for k in ("sex", "age") if case.facts.get(k) is not None}
    sex = given.get("sex")
    parsed = engine.parse(case.narrative, case.lang, sex=sex if isinstance(sex, str) else None)
    return engine.facts(parsed.facts(given))


def run_case(engine: Engine, case: Case, mode: str) -> CaseResult:
    shown: list[str] = []
    if mode == "facts":
        facts, asked = case.facts, 0
    elif mode == "interview":
        facts, asked = simulate_interview(engine, case.facts, case.audience, shown)
    else:
        facts, asked = read_narrative(engine, case), 0
    result = engine.assess(facts)
    top = list(result.top)
    listed = set(top[:5]) | {m.id for m in result.must_not_miss}
    return CaseResult(
        case.id,
        case.triage,
        result.triage,
        top,
        asked,
        [m for m in case.must_not_miss if m in listed],
        [m for m in case.must_not_miss if m not in listed],
        len(shown),
        case.set_aside,
    )


def _share(hits: Iterable[bool]) -> float:
    values = list(hits)
    return round(sum(values) / len(values), 4) if values else 0.0


def _percentile(values: Sequence[int], q: float) -> float:
    if not values:
        return 0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def evaluate(engine: Engine, cases: Sequence[Case], mode: str) -> dict[str, Any]:
    """Run every case and compute the metrics of ``shared/EVAL.md``."""
    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}", field="mode", allowed=", ".join(MODES))
    rank = {level: i for i, level in enumerate(engine.kb.levels)}
    results = []
    for case in cases:
        try:
            results.append((case, run_case(engine, case, mode)))
        except InputError:
            raise
        except SpotcheckError as exc:
            raise InputError(str(exc), field=f"case {case.id}") from None
    emergency = {"emergency", "emergency_ambulance"}
    with_causes = [(c, r) for c, r in results if c.causes]
    mnm_total = sum(len(c.must_not_miss) for c, _ in results)
    mnm_hit = sum(len(r.must_not_miss_listed) for _, r in results)
    questions = [r.questions for _, r in results]
    screens = [r.screens for _, r in results]
    metrics = {
        "triage_exact": _share(r.triage == c.triage for c, r in results),
        "under_triage": _share(rank[r.triage] < rank[c.triage] for c, r in results),
        "over_triage": _share(rank[r.triage] > rank[c.triage] for c, r in results),
        "emergency_sensitivity": _share(
            r.triage in emergency for c, r in results if c.triage in emergency
        ),
        "top1": _share(bool(set(r.top[:1]) & set(c.causes)) for c, r in with_causes),
        "top3": _share(bool(set(r.top[:3]) & set(c.causes)) for c, r in with_causes),
        "must_not_miss_recall": round(mnm_hit / mnm_total, 4) if mnm_total else 1.0,
        "questions_median": statistics.median(questions) if mode == "interview" else 0,
        "questions_p90": _percentile(questions, 0.9) if mode == "interview" else 0,
        # Extra: question screens, a grouped question counted once.
        "screens_median": statistics.median(screens) if mode == "interview" else 0,
        "screens_p90": _percentile(screens, 0.9) if mode == "interview" else 0,
    }
    return {
        "mode": mode,
        "n": len(results),
        "kb_version": engine.version,
        "metrics": metrics,
        "cases": [
            {
                "id": r.id,
                "expected_triage": r.expected_triage,
                "triage": r.triage,
                "top": r.top[:5],
                "questions": r.questions,
                "screens": r.screens,
                "must_not_miss_missed": r.must_not_miss_missed,
                **({"set_aside": list(r.set_aside)} if r.set_aside else {}),
            }
            for _, r in results
        ],
    }
