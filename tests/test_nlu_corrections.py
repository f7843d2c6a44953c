"""Numbers taken back, clock times, a form's answers (``_corrections``, ``_answers``)."""

from __future__ import annotations

from typing import Any

import pytest

from spotcheck import Engine
from spotcheck.nlu import parser_for
from spotcheck.nlu._answers import FormAnswers
from spotcheck.nlu._corrections import Corrections
from spotcheck.nlu._numbers import NumberReader
from spotcheck.nlu._pipeline import _clock_hours
from spotcheck.nlu._schema import Lexicon

TAKEN_BACK = [
    ("bled after sex three times in the last month - no, four, I forgot", "episode_count", 4),
    ("bled after sex three times - no, four times", "episode_count", 4),
    ("I took my temperature: 38.3. Sorry, 38.4, I read it wrong", "temperature", 38.4),
    ("6 weeks pregnant - no wait, 7 weeks", "pregnancy_weeks", 7),
    (
        "I'm pregnant, 6 weeks by my dates - no wait, I recounted and it's 7 weeks today",
        "pregnancy_weeks",
        7,
    ),
    ("We had sex about two hours ago - well, closer to three now", "hours_since_sex", 3),
]

# A marker that starts a new thought, or a new number of another quantity, changes nothing.
KEPT = [
    ("bled after sex 2 days ago, no pain, 3 pads since", "hours_since_sex", 48),
    ("sex 2 days ago. No, 3 pads", "hours_since_sex", 48),
    ("28 weeks pregnant, no bleeding since, 2 pads", "pregnancy_weeks", 28),
]


RUSSIAN = [
    ("Беременность 17 недель — ой, уже 18. Кровь после секса.", "pregnancy_weeks", 18),
    ("Кровь после секса три раза, точнее четыре.", "episode_count", 4),
    ("Кровь после секса 2 дня назад, нет боли, 3 прокладки.", "hours_since_sex", 48),
    # another word of the same unit (``correction_unit_groups``)
    ("Секс был три дня назад, нет, вру, двое суток назад.", "hours_since_sex", 48),
    # another unit: no correction
    ("Секс был 2 дня назад, нет, 3 часа назад.", "hours_since_sex", 48),
]


@pytest.mark.parametrize(
    ("lang", "text", "finding", "value"),
    [("en", *case) for case in TAKEN_BACK + KEPT] + [("ru", *case) for case in RUSSIAN],
)
def test_a_number_taken_back_is_read_as_corrected(
    engine: Engine, lang: str, text: str, finding: str, value: Any
) -> None:
    assert engine.parse(text, lang).facts().get(finding) == value


def _corrections() -> Corrections:
    lex = Lexicon(
        numbers={"three": 3, "four": 4, "a": 1}, units={}, sets={}, gap_blockers=[], negations=[]
    )
    return Corrections(["no", "sorry", "no wait"], NumberReader(lex, "LOWER"), ["now"])


@pytest.mark.parametrize(
    ("matched", "after", "factor"),
    [
        ("three times", " - no, four", 4 / 3),
        ("3 weeks", " - no wait, 4 weeks", 4 / 3),
        ("3 weeks", ". Sorry, 4", 4 / 3),
        # a number between the match and the marker is another quantity's
        ("3 weeks", " and 2 pads - no, 4", None),
        # more than three times the first: a new thought, not a correction
        ("three times", " - no, 10", None),
        # the same number again is no correction
        ("3 weeks", " - no, 3 weeks", None),
        # "a" is an article here, not the number one
        ("3 weeks", " - no, a lot", None),
        # past the end of the sentence
        ("3 weeks", ". Then more. No, 4", None),
    ],
)
def test_the_factor_of_a_correction(matched: str, after: str, factor: float | None) -> None:
    got = _corrections().factor(matched, after)
    assert got == pytest.approx(factor) if factor is not None else got is None


def test_a_unit_group_makes_two_words_the_same_unit() -> None:
    lex = Lexicon(numbers={"три": 3, "двое": 2}, units={}, sets={}, gap_blockers=[], negations=[])
    reader = NumberReader(lex, "LOWER")
    grouped = Corrections(["нет"], reader, [], ["дн день сут"])
    assert grouped.factor("три дня", " — нет, вру, двое суток назад") == pytest.approx(2 / 3)
    assert grouped.factor("три часа", " — нет, вру, двое суток назад") is None
    assert Corrections(["нет"], reader, []).factor("три дня", " — нет, двое суток") is None


# Two clock times (``_pipeline._clock_hours``): with am/pm a day's 24 hours; a bare
# hour leaves morning or evening unsaid, so the two lie within 12 hours.
@pytest.mark.parametrize(
    ("start", "now", "hours"),
    [
        ("11pm", "9am", 10),
        ("11:30 pm", "2am", 2.5),
        ("8", "11", 3),
        ("10", "half 1", 3.5),
        # (stop 47) "half 11" says no morning or evening either: "its 2am, we had sex at
        # half 11" is 2.5 hours, not 14.5
        ("half 11", "2am", 2.5),
        ("11pm", "half past midnight", 1.5),
        ("11pm", "half past 1", 2.5),
        ("7", "2pm", 7),
        ("midnight", "3am", 3),
        # «12 ночи» is midnight, «11 ночи» 23:00, «3 ночи» 03:00
        ("12 ночи", "6 утра", 6),
        ("11 ночи", "6 утра", 7),
        ("3 ночи", "9 утра", 6),
        ("полночь", "6 утра", 6),
        ("полдень", "3 дня", 3),
        ("25", "3am", None),
        ("8", "8", None),
    ],
)
def test_hours_between_two_clock_times(start: str, now: str, hours: float | None) -> None:
    assert _clock_hours(start, now) == hours


# A clock time's hour said in words (``NumberReader.clock_hour``): the lexicon's number
# words in any case, through pymorphy3's dictionary form, and «час» for one o'clock.
@pytest.mark.parametrize(
    ("word", "hour"),
    [
        ("час", 1),
        ("одного", 1),
        ("двух", 2),
        ("трёх", 3),
        ("трех", 3),
        ("четырёх", 4),
        ("девять", 9),
        ("одиннадцати", 11),
        ("двенадцати", 12),
        # no clock hour: a number over 12, a half, a word that is no number
        ("тринадцати", None),
        ("полчаса", None),
        ("ночи", None),
    ],
)
def test_a_russian_hour_word_is_its_hour(word: str, hour: int | None) -> None:
    pipeline = parser_for(Engine.default().kb).pipeline("ru")
    assert pipeline.numbers.clock_hour(word) == hour


def test_hour_words_need_the_dictionary_form_only_for_other_cases() -> None:
    lex = Lexicon(numbers={"три": 3}, units={}, sets={}, gap_blockers=[], negations=[])
    assert NumberReader(lex, "LOWER").clock_hour("три") == 3
    assert NumberReader(lex, "LOWER").clock_hour("трёх") is None
    assert NumberReader(lex, "LOWER", lambda w: "три").clock_hour("трёх") == 3


@pytest.mark.parametrize(
    ("lang", "text", "facts"),
    [
        (
            "en",
            "Tummy pain? No. Fever? 38. Bleeding after sex? Every time. Age 20, female.",
            {"lower_abdominal_pain": "none", "temperature": 38, "age": 20},
        ),
        ("ru", "Боль? Нет. Температура? 38,2. Кровь после секса.", {"temperature": 38.2}),
        # stop 45: a hedged answer leaves the finding unknown; the bare "Fever?" had read
        # a fever told with worry
        (
            "en",
            "Bleeding after sex. Fever? Not that I know of. Dizzy? Not really. Pregnant? No idea.",
            {"fever": None, "dizziness": None, "pregnant": None},
        ),
        # stop 49 (blind-cy-054): a booking form's questions and answers on their own lines
        (
            "en",
            "Q: Any pain or swelling in the testicles?\nA: no\nQ: Fever?\nA: no\nQ: Age\nA: 27",
            {"testicular_pain": False, "fever": False},
        ),
        ("ru", "В: Температура?\nО: нет", {"fever": False}),
        # a clinician's safety net lists what to come back for, past its commas
        # (blind-cx-020): none of it is a finding. "No offensive d/c" denies the smell only
        # (stop 64, nlu64t: the readable writers leave the discharge itself out, 3 : 0)
        (
            "en",
            "36F. No offensive d/c, no fevers. Safety-net: >2 pads/hr or clots, offensive d/c,"
            " fever -> colposcopy/GP/A&E.",
            {
                "fever": False,
                "discharge_odour": False,
                "abnormal_discharge": None,
                "clots": None,
                "bleeding_amount": None,
            },
        ),
        (
            "en",
            "36F. Return if heavy bleeding, fever or offensive discharge.",
            {"fever": None, "abnormal_discharge": None, "bleeding_amount": None},
        ),
    ],
)
def test_a_form_s_answers_are_read(
    engine: Engine, lang: str, text: str, facts: dict[str, Any]
) -> None:
    got = engine.parse(text, lang).facts()
    assert {k: got.get(k) for k in facts} == facts


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        ("Tummy pain? No.", "Tummy pain: No."),
        ("Fever? 38", "Fever: 38"),
        # a real question stays one, and so does "no" that starts a new thought
        ("Could it be cancer? No.", "Could it be cancer? No."),
        ("Pain? No idea.", "Pain? No idea."),
        ("Pain? Worse today.", "Pain? Worse today."),
        # stop 49 (blind_cy): the answer on its own line, labelled or bare, joins its
        # question; a labelled answer allows a longer question
        ("Q: Fever?\nA: no", "Q: Fever   : no"),
        ("Any fever?\nno", "Any fever: no"),
        (
            "Q: Any pain or swelling in the testicles?\nA: no",
            "Q: Any pain or swelling in the testicles   : no",
        ),
        (
            "Pain or swelling in the testicles or groin?\nno",
            "Pain or swelling in the testicles or groin?\nno",
        ),
        ("Is it serious?\nA: no", "Is it serious?\nA: no"),
        ("Pregnant?\nNo idea", "Pregnant?\nNo idea"),
    ],
)
def test_an_answered_question_mark_becomes_a_colon(text: str, rewritten: str) -> None:
    answers = FormAnswers(["no", "yes"], ["could", "is", "or"], ["any"], ["a", "answer"], ["or"])
    assert answers.rewrite(text) == rewritten
    assert len(answers.rewrite(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "temperature", "fever"),
    [
        # holdout 23: a clinician's Fahrenheit, read in the vocabulary's Celsius
        ("Temp 101.3F, HR 110", 38.5, True),
        ("thermometer: 100.4 degrees F", 38, True),
        ("T 98.6F", 37, False),
        ("temp 37.2", 37.2, False),
    ],
)
def test_a_temperature_in_fahrenheit_is_read_in_celsius(
    engine: Engine, text: str, temperature: float, fever: bool
) -> None:
    facts = engine.parse(text, "en").facts()
    assert facts["temperature"] == temperature
    assert facts["fever"] is fever
