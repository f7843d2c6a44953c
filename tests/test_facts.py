"""Bad input gets a clear error naming the field and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest

from spotcheck import Engine, FactError, InputError

BAD: list[tuple[dict[str, Any], str, str]] = [
    ({"feverish": True}, "feverish", "finding id"),
    ({"fever": "sometimes"}, "fever", "true, false, unknown"),
    ({"bleeding_amount": "lots"}, "bleeding_amount", "spotting, light, moderate, heavy"),
    ({"age": 7}, "age", "from 12 to 100"),
    ({"age": "thirty"}, "age", "a number"),
    ({"age": True}, "age", "a number"),
    ({"heart_rate": float("nan")}, "heart_rate", "from 20 to 250"),
    ({"sex": "other"}, "sex", "female, male"),
]


@pytest.mark.parametrize(("facts", "field", "allowed"), BAD, ids=[b[1] for b in BAD])
def test_bad_value(engine: Engine, facts: dict[str, Any], field: str, allowed: str) -> None:
    with pytest.raises(InputError) as info:
        engine.assess(facts)
    assert info.value.field == field
    assert allowed in str(info.value)


CONTRADICTIONS: list[dict[str, Any]] = [
    {"sex": "male", "pregnant": True},
    {"sex": "female", "blood_in_semen": True},
    {"sex": "female", "pregnant": True, "postmenopausal": True},
    {"sex": "female", "pregnant": False, "pregnancy_weeks": 12},
    {"penile_snap_swelling": True, "pregnant": True},
]


@pytest.mark.parametrize("facts", CONTRADICTIONS)
def test_contradictions(engine: Engine, facts: dict[str, Any]) -> None:
    with pytest.raises(FactError):
        engine.assess(facts)


def test_values_are_coerced(engine: Engine) -> None:
    facts = engine.facts(
        {
            "sex": "female",
            "age": "31",
            "fever": "yes",
            "clots": "no",
            "dizziness": "unknown",
            "pregnancy_weeks": "7.5",
        }
    )
    assert facts["age"] == 31
    assert facts["fever"] is True
    assert facts["clots"] is False
    assert facts["dizziness"] is None
    assert facts["pregnancy_weeks"] == 7.5
    assert facts["pregnant"] is True  # implied by a gestation


def test_female_findings_may_be_denied_for_a_man(engine: Engine) -> None:
    result = engine.assess({"sex": "male", "age": 30, "pregnant": False})
    assert result.triage


def test_facts_are_not_a_mapping(engine: Engine) -> None:
    with pytest.raises(InputError, match="facts"):
        engine.facts(["sex=female"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "implied"),
    [
        ({"pregnancy_weeks": 12}, "pregnant"),
        ({"after_every_intercourse": True}, "recurrent"),
        ({"recurrence_weeks": 6}, "recurrent"),
        ({"days_since_procedure": 5}, "recent_gynae_procedure"),
        ({"discharge_type": "purulent"}, "abnormal_discharge"),
        # asked only from 20 weeks: a pregnancy, as the weeks themselves (stop 20:
        # the interview never asked them of a person who said "don't know" to it)
        ({"reduced_fetal_movements": True}, "pregnant"),
        ({"contractions": True}, "pregnant"),
        ({"waters_broken": True}, "pregnant"),
        ({"known_low_lying_placenta": True}, "pregnant"),
    ],
)
def test_a_fact_asked_only_after_another_implies_it(
    engine: Engine, given: dict[str, Any], implied: str
) -> None:
    facts = engine.facts({"sex": "female", "age": 30, **given})
    assert facts[implied] is True
    # "don't know" is filled in; what the person said is not changed.
    assert engine.facts({"sex": "female", "age": 30, implied: None, **given})[implied] is True
    negative = {k: False for k, v in given.items() if v is True}
    assert implied not in engine.facts({"sex": "female", "age": 30, **negative})
