"""``spotcheck parse`` and the "describe what happened" first step of ``spotcheck interview``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from spotcheck.cli import app

runner = CliRunner()


def test_parse_json() -> None:
    result = runner.invoke(
        app, ["parse", "bit of brown spotting after sex, 7 weeks pregnant", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["lang"] == "en"
    assert data["status"] == "ok"
    assert data["facts"]["pregnancy_weeks"] == 7
    assert {f["finding"] for f in data["findings"]} >= {"bleeding_amount", "pregnancy_weeks"}


def test_parse_table_shows_flags_and_facts() -> None:
    result = runner.invoke(
        app, ["parse", "No fever. If it gets heavy I'll call. His semen was pink."]
    )
    assert result.exit_code == 0, result.output
    assert "negated" in result.output
    assert "hypothetical" in result.output
    assert "someone else" in result.output
    assert "Facts:" in result.output


def test_parse_russian_with_lang() -> None:
    result = runner.invoke(app, ["parse", "Мне 34, температуры нет", "--lang", "ru", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["facts"] == {"age": 34, "fever": False}


@pytest.mark.parametrize("text", ["", "qwerty asdfgh zxcvbn"])
def test_parse_bad_text_is_a_message(text: str) -> None:
    result = runner.invoke(app, ["parse", text])
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    assert result.output.strip()


def test_parse_bad_lang_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from spotcheck.cli import main

    monkeypatch.setattr("sys.argv", ["spotcheck", "parse", "bleeding", "--lang", "de"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2


def test_interview_starts_from_the_description() -> None:
    # describe, drop finding 2 (the spotting), then quit at the first question
    text = "I'm 31, 6 weeks pregnant, bit of spotting after sex\n2\nq\n"
    result = runner.invoke(app, ["interview", "--describe"], input=text)
    assert result.exit_code == 0, result.output
    assert "We understood" in result.output
    assert "1. Age: 31" in result.output
    # the pregnancy came through; the unticked amount is asked again
    assert "How much did you bleed" in result.output


def test_interview_description_can_be_skipped() -> None:
    result = runner.invoke(app, ["interview", "--describe"], input="\nq\n")
    assert result.exit_code == 0, result.output
    assert "We understood" not in result.output


def test_interview_without_describe_asks_questions_first() -> None:
    result = runner.invoke(app, ["interview", "--no-describe"], input="q\n")
    assert result.exit_code == 0, result.output
    assert "own words" not in result.output


def test_interview_description_that_says_nothing_continues() -> None:
    result = runner.invoke(app, ["interview", "--describe"], input="hello there\nq\n")
    assert result.exit_code == 0, result.output
    assert "Nothing new was found in the text." in result.output


HEDGED = "I'm 25, bled after sex 10 hours ago. Not pregnant as far as I know."


def test_interview_asks_about_hedged_findings_instead_of_deciding() -> None:
    """Issue 9/11: what the person hedged is shown as not sure and asked, as on the web."""
    from spotcheck import Engine

    hedged = {f.finding for f in Engine.default().parse(HEDGED).unsure()}
    assert "pregnant" in hedged
    # describe, accept the list, leave the hedge open (Enter), quit at the first question
    result = runner.invoke(app, ["interview", "--describe"], input=f"{HEDGED}\n\n\nq\n")
    assert result.exit_code == 0, result.output
    assert "Not sure — please confirm" in result.output
    assert "Pregnant: No" in result.output.split("Not sure — please confirm")[1]
    ru = runner.invoke(app, ["interview", "--describe", "--lang", "ru"], input=f"{HEDGED}\n\n\nq\n")
    assert "Не уверены — пожалуйста, подтвердите" in ru.output


@pytest.mark.parametrize(("reply", "pregnant"), [("", None), ("y", False), ("да", False)])
def test_a_hedged_finding_counts_only_when_confirmed(
    monkeypatch: pytest.MonkeyPatch, reply: str, pregnant: bool | None
) -> None:
    from spotcheck import Engine
    from spotcheck.cli import _describe

    engine = Engine.default()
    replies = iter([HEDGED, "", reply])
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(replies))
    facts = _describe(engine, engine.facts({}), "en")
    assert facts is not None
    if pregnant is None:  # left for the interview to ask, not decided
        assert "pregnant" not in facts.to_dict()
    else:
        assert facts.to_dict()["pregnant"] is pregnant
    assert facts.to_dict()["age"] == 25  # the rest of the description is kept
