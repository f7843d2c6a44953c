"""The posterior is exact: it equals a brute-force product over the tables."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from spotcheck import Engine
from spotcheck.engine._posterior import FloatArray
from spotcheck.kb import FactValue


def _brute_force(engine: Engine, facts: dict[str, FactValue]) -> FloatArray:
    kb = engine.kb
    table = kb.tables(facts.get("sex")).table  # a man's or a woman's likelihoods
    weights = np.exp(kb.log_prior)
    for c in range(len(kb.conditions)):
        for fid, value in facts.items():
            weights[c] *= table[c][kb.column(fid, value)]
    out: FloatArray = weights / weights.sum()
    return out


CASES = [
    {"sex": "female", "age": 31, "bleeding_amount": "spotting"},
    {"sex": "female", "age": 58, "postmenopausal": True, "vaginal_dryness": True},
    {"sex": "male", "age": 45, "blood_in_semen": True, "recurrence_weeks": 8},
    {"sex": "male", "age": 25, "abnormal_discharge": True, "dysuria": True},
    {"sex": "female", "age": 25, "abnormal_discharge": True, "dysuria": True},
    {
        "sex": "female",
        "age": 28,
        "pregnant": True,
        "pregnancy_weeks": 6,
        "lower_abdominal_pain": "severe",
        "heart_rate": 118,
        "systolic_bp": 95,
    },
]


@pytest.mark.parametrize("facts", CASES)
def test_matches_brute_force(engine: Engine, facts: dict[str, FactValue]) -> None:
    got = np.array(list(engine.posterior(facts).values()))
    # Over the facts as validated: they include what a given fact implies
    # (8 weeks of recurrence: it has happened before).
    known = engine.facts(facts).known()
    np.testing.assert_allclose(got, _brute_force(engine, known), atol=1e-12)


def test_marginalises_unknown_findings(engine: Engine) -> None:
    # P(c | a) must equal sum over b of P(c, b | a): an unknown finding drops out.
    kb = engine.kb
    facts: dict[str, FactValue] = {"sex": "female", "age": 30}
    direct = np.array(list(engine.posterior(facts).values()))
    total = np.zeros_like(direct)
    for value in kb.findings["bleeding_amount"].values or []:
        joint = _brute_force(engine, {**facts, "bleeding_amount": value})
        weight = float(
            np.array(list(engine.posterior(facts).values()))
            @ kb.table[:, kb.column("bleeding_amount", value)]
        )
        total += joint * weight
    np.testing.assert_allclose(total, direct, atol=1e-12)


def test_numbers_use_their_bands(engine: Engine) -> None:
    kb = engine.kb
    assert kb.column("age", 39) == kb.column("age", 35)
    assert kb.column("age", 44.9) != kb.column("age", 45)
    assert kb.column("pregnancy_weeks", 19.5) != kb.column("pregnancy_weeks", 20)
    young = engine.posterior({"sex": "female", "age": 18})
    old = engine.posterior({"sex": "female", "age": 70})
    assert young["hymenal_tear"] > old["hymenal_tear"]
    assert old["endometrial_cancer"] > young["endometrial_cancer"]


def test_every_pair_of_sexes_and_pregnancy_is_coherent(engine: Engine) -> None:
    for sex, pregnant in itertools.product(("female",), (True, False)):
        post = engine.posterior({"sex": sex, "age": 30, "pregnant": pregnant})
        assert abs(sum(post.values()) - 1) < 1e-12
    assert engine.posterior({"sex": "female", "age": 30, "pregnant": True})["miscarriage"] > 0.05


def test_a_finding_another_fact_makes_redundant_is_no_evidence(engine: Engine) -> None:
    # Once the pregnancy is known a late period says nothing new, and the interview,
    # which skips the question then, never learns it: given facts must not count it
    # either (robustness, stop 59: blind-ed-036 without its amount).
    pregnant: dict[str, FactValue] = {"sex": "female", "age": 30, "pregnant": True}
    late = {**pregnant, "period_late": True, "possibly_pregnant": True}
    assert engine.posterior(late) == engine.posterior(pregnant)
    assessed = engine.assess(late)
    assert all(
        r.finding not in ("period_late", "possibly_pregnant")
        for c in assessed.causes
        for r in (*c.reasons_for, *c.reasons_against)
    )
    # Without a known pregnancy the late period is evidence as before.
    unsure: dict[str, FactValue] = {"sex": "female", "age": 30}
    with_late = engine.posterior({**unsure, "period_late": True})
    assert with_late["miscarriage"] > engine.posterior(unsure)["miscarriage"]
