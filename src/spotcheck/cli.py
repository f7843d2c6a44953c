"""The ``spotcheck`` command line: assess, interview, parse, eval, kb."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from ._errors import InputError, SpotcheckError
from .engine import Assessment, Engine, Facts, Question
from .kb import guidance_trace

if TYPE_CHECKING:
    from .nlu import ParseResult

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
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the assessment as JSON (= --format json).")
    ] = False,
    output: Annotated[
        str,
        typer.Option(
            "--format", help="text, json, or fhir (a FHIR R4 Bundle for a doctor's record)."
        ),
    ] = "text",
    lang: LangOption = "en",
) -> None:
    """Assess a set of facts: triage, causes, advice."""
    formats = ("text", "json", "fhir")
    if output not in formats:
        raise InputError(f"unknown format {output!r}", field="--format", allowed=", ".join(formats))
    if as_json:
        if output not in ("text", "json"):
            raise InputError(
                "--json means --format json", field="--format", allowed="leave out --json"
            )
        output = "json"
    engine = Engine.default()
    facts = _parse_fact_flags(fact)
    if output == "fhir":
        from .fhir import export_bundle

        typer.echo(export_bundle(engine, facts, lang=lang).model_dump_json(indent=2))
        return
    result = engine.assess(facts, lang=lang)
    if output == "json":
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
    describe: Annotated[
        bool | None,
        typer.Option(
            "--describe/--no-describe",
            help="Start by describing what happened in your own words "
            "(default: on in an interactive terminal).",
        ),
    ] = None,
) -> None:
    """Answer questions one at a time; get a triage with reasons and advice."""
    engine = Engine.default()
    history: list[Facts] = [engine.facts(_parse_fact_flags(fact))]
    out.print(
        "[bold]Spotcheck[/]: a few questions about bleeding after sex. "
        "Call an ambulance now if you feel faint, are soaking a pad an hour or have "
        "severe pain."
    )
    if describe if describe is not None else sys.stdin.isatty():
        described = _describe(engine, history[0], lang)
        if described is None:
            out.print("Stopped. Nothing was saved.")
            raise typer.Exit(0)
        if described != history[0]:
            history.append(described)
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


def _parsed_facts(engine: Engine, result: ParseResult, given: Facts) -> dict[str, Any]:
    """What the text adds to the facts already known (those win)."""
    known = given.to_dict()
    return {k: v for k, v in result.facts(known).items() if k not in known}


def _evidence(result: ParseResult, fid: str, value: Any) -> str:
    quotes = [
        f.text for f in result.findings if f.applies and f.finding == fid and f.value == value
    ]
    return f'"{quotes[0]}"' if quotes else "(follows from the rest)"


def _describe(engine: Engine, facts: Facts, lang: str) -> Facts | None:
    """The optional first step: describe what happened, confirm what was understood.

    Returns the facts to start the interview from (``None`` to quit).
    """
    ui = engine.kb.text(lang).ui
    out.print(f"\n[bold]{ui.get('start_describe', 'Tell us in your own words what happened')}[/]")
    out.print("  (English or Russian; press Enter to skip, q to quit)")
    try:
        text = input("> ").strip()
    except EOFError:
        return facts
    if text.lower() in ("q", "quit"):
        return None
    if not text:
        return facts
    result = engine.parse(text, lang=None)
    added = _parsed_facts(engine, result, facts)
    if not added:
        out.print(result.message or "Nothing new was found in the text.")
        return facts
    items = list(added.items())
    out.print("\n[bold]We understood:[/]")
    for i, (fid, value) in enumerate(items, start=1):
        label = engine.label(fid, value, lang)
        out.print(f"  {i}. {label}  [dim]{_evidence(result, fid, value)}[/]")
    out.print("  Press Enter to accept, or type the numbers of any that are wrong (e.g. 2,4).")
    while True:
        try:
            raw = input("> ").strip()
        except EOFError:
            raw = ""
        if raw.lower() in ("q", "quit"):
            return None
        try:
            drop = {int(p) for p in raw.replace(" ", "").split(",") if p}
        except ValueError:
            out.print("[red]Type numbers from the list, separated by commas.[/]")
            continue
        if not drop <= set(range(1, len(items) + 1)):
            out.print("[red]Type numbers from the list, separated by commas.[/]")
            continue
        break
    kept = {fid: value for i, (fid, value) in enumerate(items, start=1) if i not in drop}
    return engine.facts({**facts.to_dict(), **kept})


def show_parse(engine: Engine, result: ParseResult, console: Console = out) -> None:
    """Print what a text was understood to say."""
    if result.message:
        console.print(result.message)
    if not result.findings:
        return
    lang = result.lang or "en"
    table = Table(title=f"Understood ({lang})")
    table.add_column("#", justify="right")
    table.add_column("Finding")
    table.add_column("Text")
    table.add_column("Note")
    for i, f in enumerate(result.findings, start=1):
        notes = [
            name
            for name, flag in (
                ("negated", f.negated),
                ("hypothetical", f.hypothetical),
                ("someone else", f.other_person),
                ("in the past", f.historical),
            )
            if flag
        ]
        if not f.applies:
            notes.append("not counted")
        table.add_row(
            str(i), engine.label(f.finding, f.value, lang), f'"{f.text}"', ", ".join(notes)
        )
    console.print(table)
    facts = result.facts()
    console.print(
        "[bold]Facts:[/] "
        + ("; ".join(engine.label(k, v, lang) for k, v in facts.items()) or "none")
    )


@app.command("parse")
def parse_command(
    text: Annotated[str, typer.Argument(help="What happened, in English or Russian.")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="en or ru (detected when left out).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Read findings from free text: what was understood, and the facts it gives."""
    engine = Engine.default()
    result = engine.parse(text, lang=lang)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        show_parse(engine, result)


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


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (uvicorn).")] = 1,
    log_level: Annotated[str, typer.Option(help="critical, error, warning, info or debug.")] = (
        "info"
    ),
    migrate_only: Annotated[
        bool, typer.Option("--migrate-only", help="Upgrade the database schema and exit.")
    ] = False,
) -> None:
    """Serve the web app and the REST API (settings: SPOTCHECK_* variables, docs/web-service.md)."""
    from .web._serve import serve as run_server

    run_server(
        host=host, port=port, workers=workers, log_level=log_level, migrate_only=migrate_only
    )


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


@kb_app.command("guidance")
def kb_guidance(
    cases: Annotated[
        list[Path] | None,
        typer.Option(help="Case files (YAML) whose cases name the rule or explanation they test."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the trace as JSON.")] = False,
) -> None:
    """The guidance trace: each statement, the rules that implement it, and their tests."""
    kb = Engine.default().kb
    tested: dict[str, list[str]] = {}
    default = [Path("tests/cases/red_flags.yaml"), Path("tests/cases/explanations.yaml")]
    for path in cases or default:
        if not path.exists():
            continue
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            name = case.get("rule") or case.get("explanation")
            if name:
                tested.setdefault(name, []).append(path.name)
    trace = guidance_trace(kb)
    if as_json:
        typer.echo(json.dumps({**trace, "tests": tested}, ensure_ascii=False, indent=2))
        return
    for sid, row in trace["statements"].items():
        status = "implemented" if row["implemented_by"] else f"not encoded: {row['not_encoded']}"
        out.print(f"[bold]{sid}[/bold] {row['title']} ({', '.join(row['levels']) or 'no level'})")
        out.print(f"  {status}")
        for item in row["implemented_by"]:
            where = ", ".join(sorted(set(tested.get(item.split(":", 1)[1], [])))) or "-"
            out.print(f"  - {item}  tests: {where}")


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
