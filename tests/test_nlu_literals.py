"""The regex prefilter (``nlu/_literals.py``) never skips a regex that would match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spotcheck import Engine
from spotcheck.nlu import parser_for
from spotcheck.nlu._literals import may_match, plain_letters, required_literals

CASES = Path(__file__).parent / "cases"


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"(?<!\bmy )\b(?:guy|man)\s+(?P<n>\d+)", {"guy", "man"}),
        (r"\bbleed(?:ing|s)?\b", {"bleed"}),
        (r"\d+\s*weeks?", {"week"}),
        (r"x{0,3}yz", {"yz"}),
        (r"(?:ab)+c", {"ab"}),
        (r"Pain", {"pain"}),  # lower-cased whatever the flags
        (r"(?:foo)?", None),  # may match the empty string
        (r"\d+", None),
        (r"(?:foo|\d)", None),  # one branch needs no literal
    ],
)
def test_required_literals(pattern: str, needs: set[str] | None) -> None:
    found = required_literals(re.compile(pattern, re.IGNORECASE))
    assert (None if found is None else set(found)) == needs


def test_letters_outside_ascii_and_cyrillic_turn_the_filter_off() -> None:
    assert plain_letters("Bled after sex — «ок», ё, 3 pads/hr 😀")
    # re.IGNORECASE matches "s" to the long s and "k" to the Kelvin sign
    assert not plain_letters("ſex")
    assert not plain_letters("\u212a")
    assert not plain_letters("café")
    assert may_match(frozenset({"sex"}), None)
    assert not may_match(frozenset({"sex"}), "bled after intercourse")
    assert may_match(None, "anything")


def _texts(lang: str) -> list[str]:
    lines = (CASES / f"nlu_{lang}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_rule_regex_that_matches_a_sentence_is_skipped(engine: Engine, lang: str) -> None:
    pipeline = parser_for(engine.kb).pipeline(lang)
    texts = _texts(lang)
    lowered = [t.lower() for t in texts]
    checked = 0
    for regex, _rule in pipeline.regexes:
        needs = required_literals(regex)
        for text, low in zip(texts, lowered, strict=True):
            if regex.search(text):
                checked += 1
                assert may_match(needs, low), (regex.pattern, text)
    assert checked > 1000
