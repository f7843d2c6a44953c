"""The command line, as a user runs it: output, JSON, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spotcheck.cli import app

from .conftest import CASES, KNOWN_TEXT_MISSES

runner = CliRunner()


def spotcheck(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spotcheck", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_assess_json() -> None:
    result = runner.invoke(
        app,
        [
            "assess",
            "--fact",
            "sex=female",
            "--fact",
            "age=28",
            "--fact",
            "possibly_pregnant=true",
            "--fact",
            "lower_abdominal_pain=severe",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["triage"] == "emergency"
    assert data["causes"][0]["probability"] > 0
    assert "ectopic_pregnancy" in {m["id"] for m in data["must_not_miss"]}
    assert data["safety_net"]
    assert data["advice"]
    assert data["kb_version"]


def test_assess_human_readable_in_russian() -> None:
    result = runner.invoke(
        app,
        ["assess", "-f", "sex=male", "-f", "age=45", "-f", "blood_in_semen=true", "--lang", "ru"],
    )
    assert result.exit_code == 0, result.output
    assert "Запишитесь" in result.output or "врач" in result.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["assess", "--fact", "sex=female", "--fact", "age=7"], "age"),
        (["assess", "--fact", "feverish=true"], "feverish"),
        (["assess", "--fact", "sex=male", "--fact", "pregnant=true"], "pregnant"),
        (["assess", "--fact", "bleeding_amount"], "id=value"),
        (["assess", "--fact", "sex=female", "--lang", "fr"], "lang"),
        (["kb", "show", "nothing_like_this"], "ID"),
    ],
)
def test_bad_input_exits_2_without_traceback(args: list[str], needle: str) -> None:
    run = spotcheck(*args)
    assert run.returncode == 2
    assert needle in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_eval_json_contract(tmp_path: Path) -> None:
    run = spotcheck("eval", str(CASES / "vignettes.jsonl"), "--mode", "facts", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["mode"] == "facts"
    assert report["n"] >= 40
    assert set(report["metrics"]) >= {
        "triage_exact",
        "under_triage",
        "over_triage",
        "emergency_sensitivity",
        "top1",
        "top3",
        "must_not_miss_recall",
        "questions_median",
        "questions_p90",
    }
    assert set(report["cases"][0]) >= {"id", "expected_triage", "triage", "top", "questions"}


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('{"id": "x", "facts": {"sex": "female"}, "expected": {"triage": "soon"}}', "line 1"),
        (
            '{"id": "x", "facts": {"sex": "female"}, "expected": {"triage": "self_care"}}\n{oops',
            "line 2",
        ),
        ('{"id": "x", "facts": {"fever": "maybe"}, "expected": {"triage": "self_care"}}', "fever"),
        ('{"id": "x", "facts": {}, "expected": {"triage": "self_care", "causes": ["flu"]}}', "flu"),
    ],
)
def test_eval_rejects_bad_files(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(content, encoding="utf-8")
    run = spotcheck("eval", str(path), "--json")
    assert run.returncode == 2
    assert needle in run.stderr
    assert "Traceback" not in run.stderr


def test_eval_text_mode_reads_the_narratives() -> None:
    run = spotcheck("eval", str(CASES / "vignettes.jsonl"), "--mode", "text", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["mode"] == "text"
    n = report["n"]
    assert report["metrics"]["under_triage"] == round(len(KNOWN_TEXT_MISSES) / n, 4)


def test_kb_check_and_show() -> None:
    check = runner.invoke(app, ["kb", "check"])
    assert check.exit_code == 0
    assert "OK" in check.output
    show = runner.invoke(app, ["kb", "show", "ectopic_pregnancy"])
    data = json.loads(show.output)
    assert data["kind"] == "condition"
    assert data["icd10"].startswith("O00")
    rule = json.loads(runner.invoke(app, ["kb", "show", "sexual_assault"]).output)
    assert rule["level"] == "consultation_24"
    assert rule["source"]["citation"]


def test_interview_end_to_end_with_dont_know_and_back() -> None:
    # female, then back, then male; age 45; then "don't know" to everything.
    answers = "1\nb\n2\n45\n" + "?\n" * 40
    run = spotcheck("interview", stdin=answers)
    assert run.returncode == 0, run.stderr
    assert "How old are you" in run.stdout
    assert "blood in your semen" in run.stdout.lower() or "semen" in run.stdout
    assert "Get help sooner if" in run.stdout


def test_interview_reaches_an_emergency() -> None:
    # female 30: pregnant yes, weeks 8, heavy, still bleeding, severe pain, fainted.
    answers = "1\n30\n1\n8\n4\n1\n3\n1\n" + "?\n" * 40
    run = spotcheck("interview", stdin=answers)
    assert run.returncode == 0, run.stderr
    assert "emergency_ambulance" in run.stdout
