"""Robustness of the interview (issue 9): cases with findings removed.

For every case of ``tests/cases/vignettes.jsonl``, the frozen blind set
``tests/cases/blind/*.jsonl`` and ``../shared/vignettes/*.jsonl`` (when
present), ``--variants`` copies (default 6) each drop a random share (up to
half) of the case's findings other than sex and age (``random.Random(seed)``,
deterministic).  Each variant is triaged twice: with all its facts given
(facts mode) and by the simulated interview, which answers only from the
variant's facts and "don't know" otherwise.  A variant is *under-triaged*
when the interview ends less urgent than facts mode on the same facts: the
interview lost a red flag the person would have reported.

Prints one JSON object: variants, under-triaged count and their ids, and the
median and 90th percentile of findings asked.  ``--check`` exits 1 when any
variant is under-triaged.

``--answer no`` (stop 63) simulates a person who answers "no" (no pain) to
what the variant leaves out, as people do, rather than "don't know": a
question whose wording names a finding the variant states ("Could you be
pregnant? ... a condom that split") is answered yes
(``spotcheck.evaluation.simulate_interview_answering_no``).  The
interview is then compared with facts mode on the variant plus the answers
it collected: a finding the variant states that the interview never asked,
and that would have raised the level, is an under-triage.

Run: ``make bench-robustness`` or ``.venv/bin/python benchmarks/robustness.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path
from typing import Any

from spotcheck import Engine, InputError
from spotcheck.evaluation import (
    Case,
    load_cases,
    simulate_interview,
    simulate_interview_answering_no,
)

ROOT = Path(__file__).resolve().parent.parent
SETS = [
    ROOT / "tests" / "cases" / "vignettes.jsonl",
    *sorted((ROOT / "tests" / "cases" / "blind").glob("blind_*.jsonl")),
    *sorted((ROOT.parent / "shared" / "vignettes").glob("*.jsonl")),
]


def variants(engine: Engine, case: Case, n: int, rng: random.Random) -> list[dict[str, Any]]:
    """``n`` copies of the case's facts, each with a random subset of findings removed.

    A patient is never asked measured vital signs or examination findings, so
    a patient case's variants leave those out.
    """
    facts = {
        f: v
        for f, v in case.facts.to_dict().items()
        if case.audience == "clinician" or engine.kb.findings[f].audience != "clinician"
    }
    droppable = [f for f in facts if f not in ("sex", "age")]
    out = []
    for _ in range(n):
        k = rng.randint(1, max(1, len(droppable) // 2)) if droppable else 0
        gone = set(rng.sample(droppable, k))
        out.append({f: v for f, v in facts.items() if f not in gone})
    return out


def run(engine: Engine, n: int, seed: int, answer: str = "dont_know") -> dict[str, Any]:
    rng = random.Random(seed)
    rank = {level: i for i, level in enumerate(engine.kb.levels)}
    under: list[dict[str, Any]] = []
    asked: list[int] = []
    total = contradictory = 0
    for path in SETS:
        if not path.exists():
            continue
        for case in load_cases(engine, path):
            for i, raw in enumerate(variants(engine, case, n, rng)):
                if answer == "no":
                    said, count = simulate_interview_answering_no(engine, raw, case.audience)
                    try:
                        expected = engine.assess({**said, **raw}).triage
                    except InputError:
                        # a "no" that the variant contradicts (weeks of a pregnancy
                        # denied): no person answers so; not counted
                        contradictory += 1
                        continue
                    got = engine.assess(said).triage
                else:
                    truth = engine.facts(raw)
                    expected = engine.assess(truth).triage
                    facts, count = simulate_interview(engine, truth, case.audience)
                    got = engine.assess(facts).triage
                total += 1
                asked.append(count)
                if rank[got] < rank[expected]:
                    row = {"id": f"{case.id}#{i}", "facts": raw}
                    under.append(row | {"facts_mode": expected, "interview": got})
    return {
        "variants": total,
        "under_triaged": len(under),
        "contradictory_skipped": contradictory,
        "under_triaged_variants": under,
        "questions_median": statistics.median(asked) if asked else 0,
        "questions_p90": sorted(asked)[int(0.9 * (len(asked) - 1))] if asked else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=6)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--check", action="store_true", help="exit 1 on any under-triaged variant")
    parser.add_argument(
        "--answer",
        choices=["dont_know", "no"],
        default="dont_know",
        help="what the simulated person answers to what the variant leaves out",
    )
    args = parser.parse_args()
    report = run(Engine.default(), args.variants, args.seed, args.answer)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 1 if args.check and report["under_triaged"] else 0


if __name__ == "__main__":
    sys.exit(main())
