"""The guidance register: every statement is implemented or explains why not,
every rule names its statements, and `spotcheck kb guidance` prints the trace."""

from __future__ import annotations

import json
import re

from spotcheck import Engine
from spotcheck.kb import guidance_trace

from .conftest import SHARED
from .test_cli import spotcheck

ENGINE = Engine.default()
TRACE = guidance_trace(ENGINE.kb)


def test_every_statement_is_implemented_or_says_why_not() -> None:
    missing = [
        sid
        for sid, row in TRACE["statements"].items()
        if not row["implemented_by"] and not row["not_encoded"]
    ]
    assert not missing


def test_every_rule_explanation_and_window_names_a_statement() -> None:
    assert TRACE["items_without_guidance"] == []


def test_register_matches_the_shared_guidance_when_present() -> None:
    path = SHARED / "GUIDANCE.md"
    if not path.exists():
        return
    ids = set(re.findall(r"^\| (S\d+) \|", path.read_text(encoding="utf-8"), re.M))
    assert ids <= set(ENGINE.kb.guidance)


def test_statement_levels_are_reachable_by_their_rules() -> None:
    """A statement that sets a level has an implementation at that level (or the floor)."""
    levels = {f"rule:{r.id}": r.level for r in ENGINE.kb.rules}
    levels |= {f"explanation:{e.id}": e.level for e in ENGINE.kb.explanations}
    levels[f"floor:{ENGINE.kb.levels[ENGINE.kb.floor]}"] = ENGINE.kb.floor
    for sid, row in TRACE["statements"].items():
        reached = {levels[i] for i in row["implemented_by"] if i in levels}
        for level in row["levels"]:
            index = ENGINE.kb.levels.index(level)
            # Windows carry the time-critical same-day statements with their rules.
            assert index in reached or any(r >= index for r in reached), (sid, level)


def test_cli_prints_the_trace_with_tests() -> None:
    run = spotcheck("kb", "guidance", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert "rule:later_pregnancy_heavy_bleeding" in data["statements"]["S13"]["implemented_by"]
    assert data["tests"]["later_pregnancy_heavy_bleeding"]
    text = spotcheck("kb", "guidance")
    assert text.returncode == 0
    assert "S25" in text.stdout
    assert "rule:blood_in_urine" in text.stdout
