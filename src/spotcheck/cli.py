"""The ``spotcheck`` command line: assess, interview, parse, eval, kb."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from ._errors import InputError, SpotcheckError
from .engine import EMERGENCY_LEVELS, Assessment, Engine, Facts, Question, percent
from .kb import guidance_trace
from .locale import DEFAULT_LANG, LANGS, Translator

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
ExplainOption = Annotated[
    bool, typer.Option("--explain", help="Also show the estimates and likelihood ratios.")
]
BriefOption = Annotated[
    bool, typer.Option("--brief", help="Only the level, the instruction and the top causes.")
]


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


def _tr(lang: str | None) -> Translator:
    """The terminal's interface words in ``lang`` (the message catalogues; English for a
    language they lack).  Medical texts come from the knowledge base's language packs."""
    return Translator(lang if lang in LANGS else DEFAULT_LANG)


def _bold(text: str) -> str:
    return f"[bold]{text}[/]"


def _red(text: str) -> str:
    return f"[red]{text}[/]"


def _band(t: Translator, p: float, must: bool) -> str:
    if p >= 0.3:
        return t.pgettext("cause band, terminal", "common")
    if p >= 0.1:
        return t.pgettext("cause band, terminal", "possible")
    if must:
        return t.pgettext("cause band, terminal", "rare, must be ruled out")
    return t.pgettext("cause band, terminal", "less likely")


def _level_panel(result: Assessment) -> Panel:
    colour = _COLOURS.get(result.triage, "white")
    return Panel(
        f"[{colour}]{result.triage_label}[/]\n{result.triage_action}",
        title="Spotcheck",
        expand=False,
    )


def _what_happens_next(result: Assessment) -> list[str]:
    """The tests and referrals to expect, in plain words (as on the web result page)."""
    from .web._care import cause_views, next_steps

    lang = result.language if result.language in LANGS else DEFAULT_LANG
    t = Translator(lang)
    shown, _ = cause_views(t, lang, result)
    return next_steps(t, result, shown)


def show_assessment(
    result: Assessment,
    console: Console = out,
    *,
    explain: bool = False,
    brief: bool = False,
) -> None:
    """Print an assessment for a person; the level and its one instruction come last,
    so they stay on screen.  ``explain`` adds the likelihood ratios; ``brief`` prints
    only the top causes and the level."""
    t = _tr(result.language)
    _ = t.gettext
    must = {m.id for m in result.must_not_miss}
    shown = [c for c in result.causes if c.probability >= 0.05][:5] or list(result.causes[:1])
    if brief:
        causes = _("What might be causing it")
        console.print(f"[bold]{causes}:[/] " + "; ".join(c.name for c in shown[:3]))
        console.print(_level_panel(result))
        return
    console.print(_bold(_("What might be causing it")))
    for cause in shown:
        band = _band(t, cause.probability, cause.id in must)
        line = f"  • {cause.name} — {band}"
        if explain:
            line += f" ({percent(cause.probability)})"
        console.print(line)
        if explain:
            fors = "; ".join(
                f"{r.label} (×{r.likelihood_ratio:.1f})" for r in cause.reasons_for[:3]
            )
            against = "; ".join(
                f"{r.label} (×{r.likelihood_ratio:.2f})" for r in cause.reasons_against[:2]
            )
            if fors:
                for_word = t.pgettext("reasons for a cause", "for")
                console.print(f"      [dim]{for_word}: {fors}[/]")
            if against:
                against_word = t.pgettext("reasons against a cause", "against")
                console.print(f"      [dim]{against_word}: {against}[/]")
    listed = {c.id for c in shown}
    rare = [m for m in result.must_not_miss if m.id not in listed]
    if rare:
        rule_out = _("Rare, but a doctor should rule out")
        console.print(f"[bold]{rule_out}:[/] " + "; ".join(m.name for m in rare))
    steps = _what_happens_next(result)
    if steps:
        console.print(_bold(_("What happens next")))
        for line in steps:
            console.print(f"  • {line}")
    emergency = result.triage in ("emergency", "emergency_ambulance")
    other = (
        [w.text for w in result.windows]
        if emergency
        else [line for line in result.advice if line != result.triage_action]
    )
    if other:
        console.print(_bold(_("Also")))
        for line in other:
            console.print(f"  • {line}")
    if result.safety_net:
        heading = _("While you wait") if emergency else _("When to get help sooner")
        console.print(_bold(heading))
        for line in result.safety_net:
            console.print(f"  • {line}")
    kb_words = _("Knowledge base")
    console.print(f"[dim]{result.disclaimer} {kb_words} {result.kb_version}.[/]")
    console.print(_level_panel(result))


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
    explain: ExplainOption = False,
    brief: BriefOption = False,
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
        show_assessment(result, explain=explain, brief=brief)


def _ask(
    engine: Engine, question: Question, console: Console, lang: str = "en"
) -> dict[str, Any] | str:
    """Ask one question in the terminal; returns answers, or 'back' / 'quit'."""
    _ = _tr(lang).gettext
    console.print(f"\n[bold]{question.text}[/]")
    if question.kind == "number":
        hint = f" ({question.hint})" if question.hint else ""
        console.print(
            "  " + _("Type a number%(hint)s; ? = don't know, b = back, q = quit", hint=hint)
        )
    else:
        for i, option in enumerate(question.options, start=1):
            console.print(f"  {i}. {option.label}")
        if question.kind == "group":
            prompt = _(
                "Type the numbers of all that apply, separated by commas (e.g. 1,3); "
                "? = don't know, b = back, q = quit"
            )
        else:
            prompt = _("Type the number of your answer; ? = don't know, b = back, q = quit")
        console.print("  " + prompt)
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
        problem = _check_choice(question, raw, lang)
        if problem:
            console.print(f"[red]{problem}[/]")
            continue
        if question.kind == "number":
            return engine.answer(question, raw.replace(",", "."))
        chosen = [question.options[int(p) - 1].value for p in _numbers(raw)]
        if question.kind != "group":
            return engine.answer(question, chosen[0])
        exclusive = [c for c in chosen if c in ("none", "unknown")]
        return engine.answer(question, exclusive[0] if exclusive else chosen)


def _numbers(raw: str) -> list[str]:
    return [p for p in raw.replace(" ", "").replace(";", ",").split(",") if p]


def _check_choice(question: Question, raw: str, lang: str) -> str:
    """What is wrong with a typed answer, in plain words ("" when it is fine)."""
    _ = _tr(lang).gettext
    n = len(question.options)
    if question.kind == "number":
        try:
            value = float(raw.replace(",", ".").replace(" ", ""))
        except ValueError:
            return _("Please type a number, like 31, or ? if you don't know.")
        lo, hi = question.minimum, question.maximum
        if (
            not math.isfinite(value)
            or (lo is not None and value < lo)
            or (hi is not None and value > hi)
        ):
            if question.findings == ("age",) and lo is not None and value < lo:
                return _(
                    "Spotcheck is for people aged 12 and over. A child under 12 with bleeding "
                    "from the genitals should see a doctor today: call 111 or your GP. If "
                    "someone may have hurt the child, call 999."
                )
            return _(
                "Please type a number from %(minimum)s to %(maximum)s, or ? if you don't know.",
                minimum=_tr(lang).number(lo) if lo is not None else "",
                maximum=_tr(lang).number(hi) if hi is not None else "",
            )
        return ""
    picks = _numbers(raw)
    if not picks or not all(p.isdigit() and 1 <= int(p) <= n for p in picks):
        return _("Please type one of the numbers shown, from 1 to %(n)s.", n=n)
    if question.kind != "group":
        return _("Please type just one number, from 1 to %(n)s.", n=n) if len(picks) > 1 else ""
    values = [question.options[int(p) - 1].value for p in picks]
    if len(set(values)) > 1 and {"none", "unknown"} & set(values):
        labels = {o.value: o.label for o in question.options}
        return _(
            "“%(none)s” and “%(unknown)s” cannot be chosen together with other answers.",
            none=labels["none"],
            unknown=labels["unknown"],
        )
    return ""


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
    explain: ExplainOption = False,
    brief: BriefOption = False,
    clinician: Annotated[
        bool,
        typer.Option(
            "--clinician",
            help="Clinician mode: also asks measured vital signs, examination and test findings.",
        ),
    ] = False,
) -> None:
    """Answer questions one at a time; get a triage with reasons and advice.

    As soon as the answers mean A&E or an ambulance, that result and its instruction are
    shown first; then the person may answer a few more questions for the doctors.
    """
    engine = Engine.default()
    audience = "clinician" if clinician else "patient"
    history: list[Facts] = [engine.facts(_parse_fact_flags(fact))]
    _ = _tr(lang).gettext
    out.print(
        _(
            "%(name)s: a few questions about bleeding after sex. If you faint, are soaking a "
            "pad an hour or have severe pain, call 999 or 112 now.",
            name="[bold]Spotcheck[/]",
        )
    )
    if describe if describe is not None else sys.stdin.isatty():
        described = _describe(engine, history[0], lang)
        if described is None:
            out.print(_("Stopped. Nothing was saved."))
            raise typer.Exit(0)
        if described != history[0]:
            history.append(described)
    shown: set[str] = set()  # emergency levels already shown mid-interview
    while True:
        facts = history[-1]
        level = engine.assess(facts).triage
        if level in EMERGENCY_LEVELS and level not in shown:
            shown.add(level)
            out.print(_level_panel(engine.assess(facts, lang=lang)))
            more = _("Answer a few more questions for the doctors? y = yes, Enter = no")
            if engine.next_step(facts, audience) is None or not _yes(more):
                show_assessment(engine.assess(facts, lang=lang), explain=explain, brief=brief)
                return
        question = engine.next_question(facts, lang=lang, audience=audience)
        if question is None:
            break
        answer = _ask(engine, question, out, lang)
        if answer == "quit":
            out.print(_("Stopped. Nothing was saved."))
            raise typer.Exit(0)
        if answer == "back":
            if len(history) > 1:
                history.pop()
            continue
        assert isinstance(answer, dict)
        try:
            history.append(engine.facts({**facts.to_dict(), **answer}))
        except InputError:
            out.print(
                _red(
                    _(
                        "This answer does not fit with an earlier one. Check it, or type b to "
                        "go back."
                    )
                )
            )
    show_assessment(engine.assess(history[-1], lang=lang), explain=explain, brief=brief)


def _yes(prompt: str) -> bool:
    out.print(prompt)
    try:
        raw = input("> ").strip().lower()
    except EOFError:
        return False
    return raw in ("y", "yes", "д", "да")


def _parsed_facts(engine: Engine, result: ParseResult, given: Facts) -> dict[str, Any]:
    """What the text adds to the facts already known (those win)."""
    known = given.to_dict()
    return {k: v for k, v in result.facts(known).items() if k not in known}


def _evidence(result: ParseResult, fid: str, value: Any, lang: str = "en") -> str:
    quotes = [
        f.text for f in result.findings if f.applies and f.finding == fid and f.value == value
    ]
    if not quotes:
        return _tr(lang).gettext("(follows from the rest)")
    return f"«{quotes[0]}»" if lang == "ru" else f"“{quotes[0]}”"


def _describe(engine: Engine, facts: Facts, lang: str) -> Facts | None:
    """The optional first step: describe what happened, confirm what was understood.

    Findings the person hedged ("not pregnant as far as I know") are shown apart, as not
    sure, and each is asked; one not confirmed stays unknown for the interview to ask
    (as the web app offers them unticked), never silently decided.

    Returns the facts to start the interview from (``None`` to quit).
    """
    _ = _tr(lang).gettext
    ui = engine.kb.text(lang).ui
    out.print(f"\n[bold]{ui.get('start_describe', 'Tell us in your own words what happened')}[/]")
    out.print("  " + _("(English or Russian; press Enter to skip, q to quit)"))
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
    known = facts.to_dict()
    hedged = {
        f.finding: f.value
        for f in result.unsure()
        if f.finding not in added and f.finding not in known and f.finding in engine.kb.findings
    }
    if not added and not hedged:
        out.print(_("Nothing new was found in the text."))
        return facts
    kept: dict[str, Any] = {}
    if added:
        dropped = _confirm_list(engine, result, list(added.items()), lang)
        if dropped is None:
            return None
        kept = {fid: v for i, (fid, v) in enumerate(added.items(), start=1) if i not in dropped}
    if hedged:
        confirmed = _confirm_hedged(engine, result, hedged, lang)
        if confirmed is None:
            return None
        kept.update(confirmed)
    try:
        return engine.facts({**known, **kept})
    except InputError:  # a confirmed hedge contradicts the rest: the interview asks
        return engine.facts({**known, **{k: v for k, v in kept.items() if k not in hedged}})


def _confirm_list(
    engine: Engine, result: ParseResult, items: list[tuple[str, Any]], lang: str
) -> set[int] | None:
    """Show what was understood; the numbers the person says are wrong (``None``: quit)."""
    _ = _tr(lang).gettext
    out.print("\n" + _bold(_("We understood:")))
    for i, (fid, value) in enumerate(items, start=1):
        label = engine.label(fid, value, lang)
        out.print(f"  {i}. {label}  [dim]{_evidence(result, fid, value, lang)}[/]")
    out.print(
        "  " + _("Press Enter to accept, or type the numbers of any that are wrong (e.g. 2,4).")
    )
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
            out.print(_red(_("Type numbers from the list, separated by commas.")))
            continue
        if not drop <= set(range(1, len(items) + 1)):
            out.print(_red(_("Type numbers from the list, separated by commas.")))
            continue
        return drop


def _confirm_hedged(
    engine: Engine, result: ParseResult, hedged: dict[str, Any], lang: str
) -> dict[str, Any] | None:
    """Ask about each hedged finding; the confirmed ones (``None``: quit)."""
    _ = _tr(lang).gettext
    out.print("\n" + _bold(_("Not sure — please confirm:")))
    confirmed: dict[str, Any] = {}
    for fid, value in hedged.items():
        label = engine.label(fid, value, lang)
        out.print(f"  {label}  [dim]{_evidence(result, fid, value, lang)}[/]")
        out.print("  " + _("Is this so? y = yes, Enter = not sure (we will ask), q = quit"))
        try:
            raw = input("> ").strip().lower()
        except EOFError:
            raw = ""
        if raw in ("q", "quit"):
            return None
        if raw in ("y", "yes", "д", "да"):
            confirmed[fid] = value
    return confirmed


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
    sex: Annotated[
        str | None,
        typer.Option("--sex", help="female or male: the sex of the person who bleeds, if known."),
    ] = None,
) -> None:
    """Read findings from free text: what was understood, and the facts it gives."""
    engine = Engine.default()
    result = engine.parse(text, lang=lang, sex=sex)
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


@kb_app.command("provenance")
def kb_provenance(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Share of cite / derived / expert numbers, and the expert numbers that matter most."""
    from .kb import format_provenance, provenance_report

    report = provenance_report(Engine.default().kb)
    typer.echo(json.dumps(report, indent=2) if as_json else format_provenance(report))


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
