"""The interview keeps the red flags facts mode sees, when findings are missing
(``benchmarks/robustness.py``): case variants with findings removed are
interviewed and compared with facts mode on the same facts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from spotcheck import Engine

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "robustness.py"
_SPEC = importlib.util.spec_from_file_location("robustness", _PATH)
assert _SPEC is not None
assert _SPEC.loader is not None
robustness = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(robustness)


def test_interview_keeps_the_red_flags_of_facts_mode(engine: Engine) -> None:
    report = robustness.run(engine, n=1, seed=9)
    assert report["variants"] >= 300
    # Issue 9: none.  (Before every red flag had a screen step and the caps
    # let an escalating question through, 8 of 2,472 with six variants per case.)
    assert report["under_triaged"] == 0, report["under_triaged_variants"]


def test_a_person_who_answers_no_is_not_under_triaged(engine: Engine) -> None:
    # Stop 63: answering "no" rather than "don't know" to what a case leaves out
    # skips follow-ups that "don't know" asks: light bleeding that goes on with a
    # bleeding disorder, then deep pain before a graze's self-care (1 of 8,742
    # variants, and 5 a gap of the simulation's own) went unasked.
    report = robustness.run(engine, n=1, seed=9, answer="no")
    assert report["variants"] >= 300
    assert report["contradictory_skipped"] <= report["variants"] // 100
    assert report["under_triaged"] == 0, report["under_triaged_variants"]
