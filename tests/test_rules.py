"""Every red-flag rule fires on its case, sets at least its level, and stays quiet
on its near misses (cases in ``cases/red_flags.yaml``)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from spotcheck import Engine

from .conftest import CASES

RULE_CASES: list[dict[str, Any]] = yaml.safe_load(
    (CASES / "red_flags.yaml").read_text(encoding="utf-8")
)


def test_every_rule_has_a_case(engine: Engine) -> None:
    assert {c["rule"] for c in RULE_CASES} == {r.id for r in engine.kb.rules}


@pytest.mark.parametrize("case", RULE_CASES, ids=[c["rule"] for c in RULE_CASES])
def test_rule_fires_and_sets_its_level(engine: Engine, case: dict[str, Any]) -> None:
    rule = next(r for r in engine.kb.rules if r.id == case["rule"])
    result = engine.assess(case["fires"])
    assert case["rule"] in {r.id for r in result.set_by if r.kind == "rule"}
    assert engine.kb.levels.index(result.triage) >= rule.level
    for quiet in case.get("quiet", []):
        assert case["rule"] not in {r.id for r in engine.assess(quiet).set_by}, quiet


@pytest.mark.parametrize("case", RULE_CASES, ids=[c["rule"] for c in RULE_CASES])
def test_rule_advice_is_given_when_it_agrees_with_the_level(
    engine: Engine, case: dict[str, Any]
) -> None:
    rule = next(r for r in engine.kb.rules if r.id == case["rule"])
    for lang in ("en", "ru"):
        result = engine.assess(case["fires"], lang=lang)
        text = engine.kb.text(lang).rules[case["rule"]]
        # One instruction: a rule below the level never adds its text; a note
        # (a rule at the lowest level) always does.
        agrees = engine.kb.levels.index(result.triage) == rule.level or rule.level == 0
        assert (text in result.advice) == agrees, (result.triage, rule.level)


def test_rules_never_fire_on_unknowns(engine: Engine) -> None:
    result = engine.assess(
        {
            "sex": "female",
            "age": 30,
            "fainting": None,
            "bleeding_amount": None,
            "lower_abdominal_pain": None,
        }
    )
    assert not [r for r in result.set_by if r.kind == "rule"]


def test_sexual_assault_advice_is_time_critical(engine: Engine) -> None:
    advice = " ".join(engine.assess({"sex": "female", "age": 19, "non_consensual": True}).advice)
    assert "72" in advice
    assert "contracept" in advice.lower()


def test_ambulance_for_shock(engine: Engine) -> None:
    result = engine.assess(
        {
            "sex": "female",
            "age": 28,
            "possibly_pregnant": True,
            "bleeding_amount": "heavy",
            "fainting": True,
        }
    )
    assert result.triage == "emergency_ambulance"
