"""The interview: who first, then the red-flag screen, then information gain."""

from __future__ import annotations

import pytest

from spotcheck import Engine, InputError, Question


def test_asks_sex_then_age(engine: Engine) -> None:
    first = engine.next_question({})
    assert first is not None
    assert first.findings == ("sex",)
    second = engine.next_question({"sex": "female"})
    assert second is not None
    assert second.findings == ("age",)
    assert second.kind == "number"


def test_screen_comes_first_and_in_order(engine: Engine) -> None:
    facts: dict[str, object] = {"sex": "female", "age": 30}
    seen = []
    for _ in range(6):
        step = engine.next_step(facts)
        assert step is not None
        seen.append(step.id)
        facts.update(dict.fromkeys(step.findings))  # "don't know" to everything
    assert seen[:3] == ["pregnant", "possibly_pregnant", "bleeding_amount"]
    assert "shock_signs" in seen  # pain unknown, so faintness is screened


def test_shock_screen_is_a_group_with_none_and_dont_know(engine: Engine) -> None:
    facts = {
        "sex": "female",
        "age": 30,
        "pregnant": False,
        "possibly_pregnant": False,
        "bleeding_amount": "heavy",
        "bleeding_ongoing": True,
        "lower_abdominal_pain": "severe",
    }
    question = engine.next_question(facts)
    assert question is not None
    assert question.kind == "group"
    values = [o.value for o in question.options]
    assert values[-2:] == ["none", "unknown"]
    assert engine.answer(question, "none") == dict.fromkeys(question.findings, False)
    assert engine.answer(question, "unknown") == dict.fromkeys(question.findings)
    picked = engine.answer(question, ["fainting"])
    assert picked["fainting"] is True
    assert picked["dizziness"] is False


def test_male_screen(engine: Engine) -> None:
    question = engine.next_question({"sex": "male", "age": 30})
    assert question is not None
    assert set(question.findings) == {"blood_in_semen", "urethral_bleeding", "frenulum_tear"}


def test_dont_know_is_not_asked_again(engine: Engine) -> None:
    facts = {"sex": "female", "age": 30, "pregnant": None}
    step = engine.next_step(facts)
    assert step is not None
    assert "pregnant" not in step.findings


def test_interview_stops(engine: Engine) -> None:
    facts: dict[str, object] = {"sex": "female", "age": 19}
    for _ in range(40):
        step = engine.next_step(facts)
        if step is None:
            break
        for fid in step.findings:
            facts[fid] = False if engine.kb.findings[fid].type == "bool" else None
    else:
        pytest.fail("the interview did not stop")
    assert len(facts) - 2 <= engine.policy.hard_max_questions + 4


def test_gain_questions_follow_the_evidence(engine: Engine) -> None:
    # After a late period and spotting, ectopic pregnancy must be chased.
    facts = {
        "sex": "female",
        "age": 29,
        "pregnant": False,
        "possibly_pregnant": True,
        "bleeding_amount": "spotting",
        "lower_abdominal_pain": "mild",
        "fainting": False,
        "dizziness": False,
        "fever": False,
        "non_consensual": False,
        "recurrent": False,
    }
    asked: list[str] = []
    for _ in range(4):
        step = engine.next_step(facts)
        if step is None:
            break
        asked += step.findings
        facts.update(dict.fromkeys(step.findings))
    assert {"one_sided_pelvic_pain", "period_late", "shoulder_tip_pain"} & set(asked)


def test_questions_have_texts_in_both_languages(engine: Engine) -> None:
    facts = {"sex": "female", "age": 30}
    for lang in ("en", "ru"):
        question = engine.next_question(facts, lang=lang)
        assert isinstance(question, Question)
        assert question.text
        assert all(o.label for o in question.options)
    ru = engine.next_question(facts, lang="ru")
    assert ru is not None
    assert any("\u0400" <= ch <= "\u04ff" for ch in ru.text)


def test_bad_answer_names_the_question(engine: Engine) -> None:
    question = engine.next_question({"sex": "female", "age": 30})
    assert question is not None
    with pytest.raises(InputError) as info:
        engine.answer(question, "perhaps")
    assert info.value.field == "pregnant"


def test_unknown_language(engine: Engine) -> None:
    with pytest.raises(InputError, match="lang"):
        engine.next_question({}, lang="fr")
