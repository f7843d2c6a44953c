"""Properties that must hold for any facts (hypothesis)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from spotcheck import Engine, InputError
from spotcheck.kb import FactValue

ENGINE = Engine.default()
KB = ENGINE.kb
RANK = {level: i for i, level in enumerate(KB.levels)}
CANDIDATES = [f for f in KB.findings if f not in ("sex", "age")]


def _value(fid: str, data: st.DataObject) -> FactValue:
    spec = KB.findings[fid]
    if spec.type == "bool":
        return data.draw(st.booleans())
    if spec.type == "enum":
        return data.draw(st.sampled_from(spec.values or []))
    lo, hi = spec.range or (0.0, 1.0)
    return data.draw(st.integers(int(lo), int(hi)))


@st.composite
def fact_sets(draw: Any) -> dict[str, FactValue]:
    data = draw(st.data())
    sex = data.draw(st.sampled_from(["female", "male"]))
    facts: dict[str, FactValue] = {"sex": sex, "age": data.draw(st.integers(12, 100))}
    chosen = data.draw(st.lists(st.sampled_from(CANDIDATES), max_size=10, unique=True))
    for fid in chosen:
        if KB.findings[fid].applies_to in ("any", sex):
            facts[fid] = _value(fid, data)
    return facts


def _valid(facts: dict[str, Any]) -> bool:
    try:
        ENGINE.facts(facts)
    except InputError:
        return False
    return True


# (finding, value) pairs that satisfy a red-flag condition of some rule.
RED_FLAGS: list[tuple[str, FactValue]] = []
for atom in KB.red_flag_atoms:
    spec = KB.findings[atom.finding]
    if atom.finding in ("sex", "age"):
        continue
    if spec.type == "number":
        lo, hi = spec.range or (0.0, 0.0)
        values: list[FactValue] = [float(v) for v in np.linspace(lo, hi, 41)]
    elif spec.type == "enum":
        values = list(spec.values or [])
    else:
        values = [True]
    RED_FLAGS += [(atom.finding, v) for v in values if atom.holds(v)]
# An explanation's own condition (first sex, a toy, the partner's period) may
# lower the level by design (issue 8: "adding any finding that is not itself an
# explanation never lowers the level"), so it is not drawn here.
EXPLAINING = [a for e in KB.explanations for a in e.atoms]
RED_FLAGS = sorted(
    {(f, v) for f, v in RED_FLAGS if not any(a.finding == f and a.holds(v) for a in EXPLAINING)},
    key=str,
)

SETTINGS = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(fact_sets(), st.sampled_from(RED_FLAGS))
def test_adding_a_red_flag_never_lowers_triage(
    facts: dict[str, Any], flag: tuple[str, FactValue]
) -> None:
    fid, value = flag
    assume(fid not in facts)
    more = {**facts, fid: value}
    assume(_valid(facts) and _valid(more))
    before = RANK[ENGINE.assess(facts).triage]
    after = RANK[ENGINE.assess(more).triage]
    assert after >= before, (facts, flag)


@SETTINGS
@given(fact_sets())
def test_probabilities_sum_to_one(facts: dict[str, Any]) -> None:
    assume(_valid(facts))
    post = ENGINE.posterior(facts)
    assert abs(sum(post.values()) - 1.0) < 1e-9
    assert all(0.0 <= p <= 1.0 for p in post.values())


@SETTINGS
@given(fact_sets(), st.randoms(use_true_random=False))
def test_order_of_facts_does_not_matter(facts: dict[str, Any], rnd: random.Random) -> None:
    assume(_valid(facts))
    items = list(facts.items())
    rnd.shuffle(items)
    a, b = ENGINE.assess(facts), ENGINE.assess(dict(items))
    assert a.to_dict() == b.to_dict()


@SETTINGS
@given(fact_sets())
def test_dont_know_is_the_same_as_unknown(facts: dict[str, Any]) -> None:
    assume(_valid(facts))
    extra = {f: None for f in CANDIDATES[:5] if f not in facts}
    assume(_valid({**facts, **extra}))
    assert ENGINE.posterior(facts) == ENGINE.posterior({**facts, **extra})
    assert ENGINE.assess(facts).triage == ENGINE.assess({**facts, **extra}).triage


@SETTINGS
@given(fact_sets())
def test_interview_is_a_pure_function(facts: dict[str, Any]) -> None:
    assume(_valid(facts))
    assert ENGINE.next_step(facts) == ENGINE.next_step(dict(reversed(list(facts.items()))))
