"""The compiled bit masks (``AtomIndex``) agree with the conditions as written.

Rules, explanations and must-not-miss groups are tested on a fact set's
truth mask for speed; these tests hold them to the plain reading of their
atoms (``all_hold`` / ``any_holds``), on facts hypothesis draws and with
unknowns ("don't know") mixed in.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spotcheck.kb import (
    AtomIndex,
    CompiledExplanation,
    CompiledRule,
    FactValue,
    all_hold,
    any_holds,
    parse_atom,
)

from .test_properties import KB, fact_sets


def _rule_as_written(rule: CompiledRule, facts: dict[str, Any]) -> bool:
    return (
        all_hold(rule.all, facts)
        and (not rule.any or any_holds(rule.any, facts))
        and (not rule.and_any or any_holds(rule.and_any, facts))
        and not any(all_hold(group, facts) for group in rule.unless_all)
        and not any_holds(rule.unless, facts)
    )


def _explanation_as_written(e: CompiledExplanation, facts: dict[str, Any]) -> bool:
    if e.sex != "any" and facts.get("sex") != e.sex:
        return False
    waivers = dict(e.waivers)
    blocked = any(
        b.evaluate(facts) is True and not any(all_hold(g, facts) for g in waivers.get(b, ()))
        for b in e.blockers
    )
    return all_hold(e.all, facts) and (not e.any or any_holds(e.any, facts)) and not blocked


@st.composite
def with_unknowns(draw: Any) -> dict[str, FactValue | None]:
    facts: dict[str, FactValue | None] = dict(draw(fact_sets()))
    for fid in draw(st.lists(st.sampled_from(sorted(KB.findings)), max_size=6)):
        facts.setdefault(fid, None)
    return facts


@settings(max_examples=400, deadline=None)
@given(with_unknowns())
def test_masks_agree_with_the_conditions_as_written(facts: dict[str, FactValue | None]) -> None:
    truth = KB.truth(facts)
    for rule in KB.rules + KB.contradictions:
        assert rule.fires_on(truth) == _rule_as_written(rule, facts), rule.id
        assert rule.fires(facts) == rule.fires_on(truth)
    for e in KB.explanations:
        assert e.holds_on(truth) == _explanation_as_written(e, facts), e.id
    for cid, groups in KB.consider_when.items():
        masks = KB.consider_masks[cid]
        assert [truth & m == m for m in masks] == [all_hold(g, facts) for g in groups], cid
    for cid, groups in KB.excluded_by.items():
        masks = KB.excluded_masks[cid]
        assert [truth & m == m for m in masks] == [all_hold(g, facts) for g in groups], cid


def test_an_unknown_satisfies_no_condition() -> None:
    assert KB.truth(dict.fromkeys(KB.findings)) == 0


def test_a_rule_compiled_on_its_own_gets_its_own_index() -> None:
    rule = CompiledRule("r", 1, (parse_atom("fever"),), (), (parse_atom("age<16"),), "", "")
    assert rule.fires({"fever": True, "age": 30})
    assert not rule.fires({"fever": True, "age": 12})
    assert not rule.fires({"fever": None})


def test_a_frozen_index_refuses_conditions_it_was_not_compiled_with() -> None:
    index = AtomIndex()
    known = parse_atom("fever")
    index.mask([known])
    index.freeze()
    assert index.mask([known]) == 1
    with pytest.raises(ValueError, match="not_compiled_in"):
        index.mask([parse_atom("not_compiled_in")])


def test_remembered_values_are_bounded() -> None:
    index = AtomIndex()
    index.mask([parse_atom("age>=40")])
    index.freeze()
    for i in range(30_000):
        index.value_mask("age", 12 + i / 1000)
    assert len(index._memo) <= 20_000
    assert index.value_mask("age", 40.5) == 1
    assert index.value_mask("age", 39.5) == 0
