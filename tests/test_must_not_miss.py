"""The must-not-miss list follows the policy's statements (shared/GUIDANCE.md).

The policy fills must-not-miss only where guidance says a condition must be
excluded; each row names the statement and is a class of presentation, not one
vignette.
"""

from __future__ import annotations

from typing import Any

import pytest

from spotcheck import Engine
from spotcheck.evaluation import simulate_interview

ENGINE = Engine.default()

CASES: list[tuple[str, dict[str, Any], set[str]]] = [
    # S7, S8: perimenopausal bleeding, both cancers (from 45 with irregular or heavy periods)
    (
        "perimenopausal, irregular periods, heavy bleeding with collapse",
        {
            "sex": "female",
            "age": 46,
            "irregular_periods": True,
            "bleeding_amount": "heavy",
            "clots": True,
            "bleeding_ongoing": True,
            "fainting": True,
        },
        {"cervical_cancer", "endometrial_cancer"},
    ),
    (
        "perimenopausal, heavy periods",
        {"sex": "female", "age": 48, "heavy_periods": True, "bleeding_amount": "light"},
        {"cervical_cancer", "endometrial_cancer"},
    ),
    # the menopausal transition from 40: irregular periods and bleeding between
    # them (STRAW+10 stages it by cycle length at any age; stop 18, three blind writers)
    (
        "menopausal transition at 43, irregular periods and bleeding between them",
        {
            "sex": "female",
            "age": 43,
            "irregular_periods": True,
            "intermenstrual_bleeding": True,
            "recurrent": True,
            "bleeding_amount": "spotting",
        },
        {"cervical_cancer", "endometrial_cancer"},
    ),
    (
        "postmenopausal",
        {"sex": "female", "age": 60, "postmenopausal": True, "bleeding_amount": "spotting"},
        {"cervical_cancer", "endometrial_cancer"},
    ),
    # bleeding on tamoxifen or HRT is assessed as postmenopausal bleeding (NG12),
    # whatever the periods (stop 19, blind_n)
    (
        "tamoxifen, periods stopped 8 months ago",
        {"sex": "female", "age": 51, "tamoxifen": True, "postmenopausal": False},
        {"cervical_cancer", "endometrial_cancer"},
    ),
    (
        "HRT at 50",
        {"sex": "female", "age": 50, "hrt": True, "bleeding_amount": "spotting"},
        {"cervical_cancer", "endometrial_cancer"},
    ),
    # S1, S4: recurrent bleeding after sex in an adult
    ("recurrent in an adult", {"sex": "female", "age": 24, "recurrent": True}, {"cervical_cancer"}),
    # S35: a painful testis is orchitis only once torsion is excluded, gradual or not
    (
        "gradual testicular pain with urethral discharge",
        {
            "sex": "male",
            "age": 26,
            "testicular_pain": True,
            "sudden_onset_pain": False,
            "urethral_discharge": True,
            "blood_in_semen": True,
            "fever": False,
        },
        {"testicular_torsion"},
    ),
    (
        "sudden testicular pain",
        {"sex": "male", "age": 16, "testicular_pain": True, "sudden_onset_pain": True},
        {"testicular_torsion"},
    ),
]


@pytest.mark.parametrize(("name", "facts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_policy_s_must_not_miss_are_listed(
    name: str, facts: dict[str, Any], expected: set[str]
) -> None:
    listed = {m.id for m in ENGINE.assess(facts).must_not_miss}
    assert expected <= listed, (name, listed)


def test_listing_torsion_to_exclude_does_not_raise_gradual_pain_to_an_emergency() -> None:
    # S35 maps gradual pain with urethritis to consultation_24: the listing is for
    # the examining clinician, the level comes from the rules
    facts = {
        "sex": "male",
        "age": 26,
        "testicular_pain": True,
        "sudden_onset_pain": False,
        "urethral_discharge": True,
        "fever": False,
    }
    assert ENGINE.assess(facts).triage == "consultation_24"


def test_no_torsion_without_testicular_pain() -> None:
    facts = {"sex": "male", "age": 16, "blood_in_semen": True, "testicular_pain": False}
    assert "testicular_torsion" not in {m.id for m in ENGINE.assess(facts).must_not_miss}


@pytest.mark.parametrize(
    "facts",
    [
        {"sex": "female", "age": 38, "irregular_periods": True, "intermenstrual_bleeding": True},
        {"sex": "female", "age": 42, "intermenstrual_bleeding": True},
    ],
    ids=["under 40", "bleeding between periods alone"],
)
def test_no_endometrial_cancer_before_the_transition(facts: dict[str, Any]) -> None:
    # the transition does not start before 40, and below 45 bleeding between regular
    # periods is not it
    assert "endometrial_cancer" not in {m.id for m in ENGINE.assess(facts).must_not_miss}


@pytest.mark.parametrize("age", [40, 44])
def test_irregular_cycles_from_40_are_the_transition(age: int) -> None:
    # STRAW+10: a persistent change in cycle length begins the menopausal transition
    # whatever the age; from 40 both cancers are considered with it (stop 55: two of
    # three blind writers read a woman of 40-44 with irregular cycles as perimenopausal).
    facts = {"sex": "female", "age": age, "irregular_periods": True}
    listed = {m.id for m in ENGINE.assess(facts).must_not_miss}
    assert {"endometrial_cancer", "cervical_cancer"} <= listed


@pytest.mark.parametrize(
    "truth",
    [
        {"sex": "female", "age": 51, "tamoxifen": True, "postmenopausal": False, "recurrent": True},
        {"sex": "female", "age": 47, "irregular_periods": True, "bleeding_amount": "light"},
        {"sex": "female", "age": 49, "hrt": True},
    ],
    ids=["tamoxifen", "irregular periods", "HRT"],
)
def test_the_interview_asks_what_makes_bleeding_perimenopausal(truth: dict[str, Any]) -> None:
    # From 45 the perimenopause screen asks irregular periods, bleeding between
    # them, HRT and tamoxifen: unasked, endometrial cancer could never be listed.
    facts, _ = simulate_interview(ENGINE, ENGINE.facts(truth))
    assert "endometrial_cancer" in {m.id for m in ENGINE.assess(facts).must_not_miss}
