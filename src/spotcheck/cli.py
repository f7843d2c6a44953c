"""The ``spotcheck`` command line: assess, interview, eval, kb."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from ._errors import InputError, SpotcheckError
from .engine import Assessment, Engine, Facts, Question

__all__ = ["app", "main"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Triage and differential diagnosis for bleeding after sex.",
)
kb_app = typer.Typer(no_args_is_help=True, help="Inspect the knowledge base.")
app.add_typer(kb_app, name="kb")

out = Console()
err = Console(stderr=True)

_COLOURS = {
    "self_care": "green",
    "consultation": "cyan",
    "consultation_24": "yellow",
    "emergency": "red",
    "emergency_ambulance": "bold white on red",
}

FactOption = Annotated[
    list[str] | None,
    typer.Option(
        "--fact", "-f", help="A finding as id=value, e.g. --fact sex=female --fact age=31."
    ),
]
LangOption = Annotated[str, typer.Option("--lang", help="Language of texts: en or ru.")]


def _parse_fact_flags(flags: list[str] | None) -> dict[str, str]:
    facts: dict[str, str] = {}
    for flag in flags or []:
        key, sep, value = flag.partition("=")
        if not sep or not key.strip():
            raise InputError(
                f"{flag!r} is not id=value", field="--fact", allowed="id=value, e.g. age=31"
            )
        facts[key.strip()] = value.strip()
    return facts


def _percent(p: float) -> str:
    return "<1%" if 0 < p < 0.005 else f"{p:.0%}"


def show_assessment(result: Assessment, console: Console = out) -> None:
    """Print an assessment for a person: level, reasons, causes, advice."""
    colour = _COLOURS.get(result.triage, "white")
    console.print(
        Panel(
            f"[{colour}]{result.triage_label}[/]\n{result.triage_summary}",
            title="Spotcheck",
            subtitle=result.triage,
            expand=False,
        )
    )
    for reason in result.set_by:
        console.print(f"  • {reason.text}")
    table = Table(title="Likely causes", show_lines=False)
    table.add_column("Cause")
    table.add_column("P", justify="right")
    table.add_column("For")
    table.add_column("Against")
    for cause in result.causes[:5]:
        table.add_row(
            cause.name,
            _percent(cause.probability),
            "; ".join(f"{r.label} (×{r.likelihood_ratio:.1f})" for r in cause.reasons_for[:3]),
            "; ".join(f"{r.label} (×{r.likelihood_ratio:.2f})" for r in cause.reasons_against[:2]),
        )
    console.print(table)
    if result.must_not_miss:
        console.print(
            "[bold]Must not miss:[/] "
            + ", ".join(f"{m.name} ({_percent(m.probability)})" for m in result.must_not_miss)
        )
    console.print("[bold]What to do now[/]")
    for line in result.advice:
        console.print(f"  • {line}")
    console.print("[bold]Get help sooner if[/]")
    for line in result.safety_net:
        console.print(f"  • {line}")
    console.print(f"[dim]{result.disclaimer} Knowledge base {result.kb_version}.[/]")


@app.command()
def assess(
    fact: FactOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the assessment as JSON.")] = False,
    lang: LangOption = "en",
) -> None:
    """Assess a set of facts: triage, causes, advice."""
    engine = Engine.default()
    result = engine.assess(_parse_fact_flags(fact), lang=lang)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        show_assessment(result)


def _ask(engine: Engine, question: Question, console: Console) -> dict[str, Any] | str:
    """Ask one question in the terminal; returns answers, or 'back' / 'quit'."""
    console.print(f"\n[bold]{question.text}[/]")
    if question.kind == "number":
        hint = f" ({question.hint})" if question.hint else ""
        console.print(f"  Type a number{hint}; ? = don't know, b = back, q = quit")
    else:
        for i, option in enumerate(question.options, start=1):
            console.print(f"  {i}. {option.label}")
        extra = "numbers separated by commas" if question.kind == "group" else "a number"
        console.print(f"  Type {extra}; ? = don't know, b = back, q = quit")
    while True:
        try:
            raw = input("> ").strip()
        except EOFError:
            return "quit"
        if raw.lower() in ("b", "back"):
            return "back"
        if raw.lower() in ("q", "quit"):
            return "quit"
        if raw in ("?", "unknown"):
            return engine.answer(question, "unknown")
        try:
            if question.kind == "number":
                return engine.answer(question, raw)
            picks = [int(p) for p in raw.replace(" ", "").split(",") if p]
            chosen = [
                question.options[p - 1].value for p in picks if 1 <= p <= len(question.options)
            ]
            if not chosen or len(chosen) != len(picks):
                raise InputError("choose from the numbers shown", field=question.id)
            if question.kind != "group":
                return engine.answer(question, chosen[0])
            return engine.answer(question, chosen)
        except (ValueError, InputError) as exc:
            console.print(f"[red]{exc}[/] Try again.")


@app.command()
def interview(
    lang: LangOption = "en",
    fact: FactOption = None,
) -> None:
    """Answer questions one at a time; get a triage with reasons and advice."""
    engine = Engine.default()
    history: list[Facts] = [engine.facts(_parse_fact_flags(fact))]
    out.print(
        "[bold]Spotcheck[/]: a few questions about bleeding after sex. "
        "Call an ambulance now if you feel faint, are soaking a pad an hour or have "
        "severe pain."
    )
    while True:
        facts = history[-1]
        question = engine.next_question(facts, lang=lang)
        if question is None:
            break
        answer = _ask(engine, question, out)
        if answer == "quit":
            out.print("Stopped. Nothing was saved.")
            raise typer.Exit(0)
        if answer == "back":
            if len(history) > 1:
                history.pop()
            continue
        assert isinstance(answer, dict)
        history.append(engine.facts({**facts.to_dict(), **answer}))
    show_assessment(engine.assess(history[-1], lang=lang))


@app.command("eval")
def eval_command(
    cases: Annotated[Path, typer.Argument(help="A JSON Lines case file (shared/EVAL.md).")],
    mode: Annotated[str, typer.Option(help="facts, interview or text.")] = "facts",
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report.")] = False,
) -> None:
    """Score vignettes: triage accuracy, under-triage, top-k, questions."""
    from .evaluation import MODES, evaluate, load_cases

    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}", field="--mode", allowed=", ".join(MODES))
    engine = Engine.default()
    report = evaluate(engine, load_cases(engine, cases), mode)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    table = Table(title=f"{cases.name}: {mode} (n={report['n']})")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in report["metrics"].items():
        table.add_row(key, f"{value}")
    out.print(table)
    wrong = [c for c in report["cases"] if c["triage"] != c["expected_triage"]]
    for c in wrong:
        out.print(f"  {c['id']}: expected {c['expected_triage']}, got {c['triage']}")


@kb_app.command("check")
def kb_check() -> None:
    """Load and validate the knowledge base; print a summary."""
    engine = Engine.default()
    kb = engine.kb
    out.print(
        f"Knowledge base {engine.version}: {len(kb.findings)} findings, "
        f"{len(kb.conditions)} conditions, {len(kb.rules)} red-flag rules, "
        f"{len(kb.sources)} sources, languages {', '.join(kb.languages)}. OK"
    )


@kb_app.command("show")
def kb_show(
    item: Annotated[str, typer.Argument(help="A finding, condition, rule or level id.")],
    lang: LangOption = "en",
) -> None:
    """Show one finding, condition, rule or triage level with its sources."""
    kb = Engine.default().kb
    pack = kb.text(lang)
    data: dict[str, Any]
    if item in kb.condition_index:
        spec = kb.conditions[kb.condition_index[item]]
        data = {
            "kind": "condition",
            **spec.model_dump(exclude_none=True),
            "text": pack.conditions[item].model_dump(),
        }
    elif item in kb.findings:
        data = {
            "kind": "finding",
            **kb.findings[item].model_dump(exclude_none=True),
            "text": pack.findings[item].model_dump(exclude_none=True),
        }
    elif any(r.id == item for r in kb.rules):
        rule = next(r for r in kb.rules if r.id == item)
        data = {
            "kind": "rule",
            "id": rule.id,
            "level": kb.levels[rule.level],
            "all": [a.text for a in rule.all],
            "any": [a.text for a in rule.any],
            "unless": [a.text for a in rule.unless],
            "rationale": rule.rationale,
            "source": kb.sources[rule.source].model_dump(exclude_none=True),
            "advice": pack.rules[rule.id],
        }
    elif item in kb.levels:
        data = {"kind": "level", "id": item, **pack.levels[item].model_dump()}
    else:
        raise InputError(
            "not a finding, condition, rule or level",
            field="ID",
            allowed="e.g. fever, chlamydia, heavy_bleeding, emergency",
        )
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def main() -> None:
    """Entry point: errors become a clear message and exit code 2, never a traceback."""
    try:
        app(standalone_mode=False)
    except SpotcheckError as exc:
        err.print(f"[red]error:[/] {exc}")
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err.print("Aborted.")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # usage errors: typer's own message and code
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        sys.exit(getattr(exc, "exit_code", 2))
