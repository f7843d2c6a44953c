"""Texts of an assessment: the summary for the doctor (``for_doctor``) in the
reader's language, red flags as findings (not rule ids), never "0%" for a
cause still on the list (issue 11); advice that fits the stage of pregnancy
(issue 10)."""

from __future__ import annotations

import re

import pytest

from spotcheck import Engine

FACTS = {
    "sex": "female",
    "age": 30,
    "pregnant": True,
    "pregnancy_weeks": 9,
    "lower_abdominal_pain": "mild",
}


@pytest.mark.parametrize(
    ("lang", "heading", "flag"),
    [("en", "Red flags: ", "Pregnant: Yes"), ("ru", "Тревожные признаки: ", "Беременность: Да")],
)
def test_red_flags_are_findings_in_the_readers_language(
    engine: Engine, lang: str, heading: str, flag: str
) -> None:
    lines = engine.assess(FACTS, lang=lang).for_doctor
    (flags,) = [line for line in lines if line.startswith(heading)]
    assert flag in flags
    assert "_" not in flags  # no rule or finding ids


def test_russian_summary_has_no_english_headings(engine: Engine) -> None:
    text = "\n".join(engine.assess(FACTS, lang="ru").for_doctor)
    for english in ("Red flags", "Findings", "Likely causes", "Must not miss", "Work-up"):
        assert english not in text


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_cause_is_listed_at_zero_percent(engine: Engine, lang: str) -> None:
    text = "\n".join(engine.assess(FACTS, lang=lang).for_doctor)
    assert not re.search(r"(?<![\d.,])0%", text)


@pytest.mark.parametrize(("lang", "later"), [("en", "From about 20 weeks"), ("ru", "С 20 недель")])
def test_advice_for_later_pregnancy_only_when_it_may_apply(
    engine: Engine, lang: str, later: str
) -> None:
    early = engine.assess(FACTS, lang=lang)  # 9 weeks
    assert not any(later in line for line in early.advice)
    unknown = {k: v for k, v in FACTS.items() if k != "pregnancy_weeks"}
    assert any(later in line for line in engine.assess(unknown, lang=lang).advice)


@pytest.mark.parametrize(
    ("p", "shown"),
    [(0.0, "0%"), (0.001, "<1%"), (0.004, "<1%"), (0.37, "37%"), (0.996, ">99%"), (1.0, "100%")],
)
def test_probabilities_read_as_whole_percent_never_rounded_to_zero_or_certainty(
    p: float, shown: str
) -> None:
    from spotcheck.engine import percent

    assert percent(p) == shown
