"""The result page's words (web/_care.py): call buttons, bands, frequencies, reasons."""

from __future__ import annotations

import pytest

from spotcheck import Engine
from spotcheck.engine import Reason
from spotcheck.locale import Translator
from spotcheck.web._care import (
    call_buttons,
    cause_views,
    frequency,
    next_steps,
    reason_sentence,
)
from spotcheck.web._i18n import with_unit

ENGINE = Engine.default()


def t_for(lang: str) -> Translator:
    return Translator(lang, ENGINE.kb.text(lang).ui)


@pytest.mark.parametrize(
    ("lang", "level", "numbers"),
    [
        ("en", "emergency_ambulance", ["999"]),
        ("en", "emergency", ["999"]),
        ("en", "consultation_24", ["111"]),
        ("en", "consultation", []),
        ("en", "self_care", []),
        ("ru", "emergency_ambulance", ["103", "112"]),
        ("ru", "emergency", ["103", "112"]),
        ("ru", "consultation_24", []),
    ],
)
def test_call_buttons_by_language_and_level(lang: str, level: str, numbers: list[str]) -> None:
    assert [c.number for c in call_buttons(t_for(lang), lang, level)] == numbers


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_frequencies_are_never_zero(lang: str) -> None:
    t = t_for(lang)
    for p in (0.0, 0.0001, 0.004, 0.01, 0.049, 0.1, 0.34, 0.96, 1.0):
        text = frequency(t, lang, p)
        assert "0 in" not in text
        assert " 0 " not in f" {text} "
        assert "%" not in text
    if lang == "en":
        assert frequency(t, lang, 0.004).startswith("fewer than 1 in 100")
        assert frequency(t, lang, 0.34) == "about 3 in 10 people with answers like yours"


def test_each_cause_once_with_a_band() -> None:
    facts = {"sex": "female", "age": 31, "pregnant": True, "pregnancy_weeks": 7}
    a = ENGINE.assess(facts, lang="en", max_causes=5)
    shown, rare = cause_views(t_for("en"), "en", a)
    ids = [c.id for c in shown + rare]
    assert len(ids) == len(set(ids))
    assert {m.id for m in a.must_not_miss} <= set(ids)
    assert all(c.band in ("common", "possible", "less_likely", "rule_out") for c in shown + rare)


def test_reasons_are_sentences() -> None:
    t = t_for("en")
    yes = Reason("pregnant", True, "Pregnant: Yes", 3.0)
    assert reason_sentence(t, yes, True) == (
        "You said yes to “Pregnant”, which makes this more likely."
    )
    amount = Reason("bleeding_amount", "heavy", "Bleeding amount: Heavy", 5.0)
    assert reason_sentence(t, amount, True).startswith("“Bleeding amount”: heavy.")
    ru = reason_sentence(t_for("ru"), yes, False)
    assert "«" in ru
    assert "“" not in ru


def test_what_happens_next_in_plain_words() -> None:
    facts = {"sex": "female", "age": 58, "postmenopausal": True}
    a = ENGINE.assess(facts, lang="en", max_causes=5)
    shown, _ = cause_views(t_for("en"), "en", a)
    steps = next_steps(t_for("en"), a, shown)
    assert steps
    assert all("NICE" not in s and "NG" not in s for s in steps)


@pytest.mark.parametrize(
    ("lang", "n", "unit", "text"),
    [
        ("ru", 1, "лет", "1 год"),
        ("ru", 21, "лет", "21 год"),
        ("ru", 22, "лет", "22 года"),
        ("ru", 11, "лет", "11 лет"),
        ("ru", 25, "лет", "25 лет"),
        ("ru", 2, "недель", "2 недели"),
        ("ru", 5, "дней", "5 дней"),
        ("ru", 112, "дней", "112 дней"),
        ("ru", 3, "часов", "3 часа"),
        ("ru", 2, "раз", "2 раза"),
        ("ru", 1.5, "недель", "1,5 недели"),
        ("en", 1, "weeks", "1 week"),
        ("en", 2, "weeks", "2 weeks"),
        ("en", 1.5, "weeks", "1.5 weeks"),
        ("en", 1, "episodes", "1 episode"),
    ],
)
def test_plural_forms(lang: str, n: float, unit: str, text: str) -> None:
    """The catalogue's ngettext forms (CLDR: English one/other, Russian one/few/many)."""
    assert with_unit(lang, n, unit) == text


def test_answers_with_units_agree() -> None:
    assert with_unit("ru", 21, "лет") == "21 год"
    assert with_unit("ru", 38.5, "°C") == "38,5 °C"
    assert with_unit("en", 38.5, "°C") == "38.5 °C"
    assert with_unit("en", 1, "weeks") == "1 week"
    assert with_unit(t_for("ru"), 21, "years") == "21 год"


def test_unanswered_red_flags_come_structured_from_the_engine() -> None:
    a = ENGINE.assess({"sex": "female", "age": 30, "bleeding_amount": "light", "fainting": None})
    (first,) = [u for u in a.unsure if "fainting" in u.findings]
    assert first.level == "emergency_ambulance"
    assert first.text == a.safety_net[0]
    assert first.action in first.text
