"""The patient web app: server-rendered pages over the engine and the session store.

Every step is a plain HTML form and a redirect (Post/Redirect/Get), so the
whole interview works without JavaScript.  The pages keep no state of their
own: a session holds only the answers, and everything else is derived from
them on each request:

* the **current question** is ``engine.next_step(answers)``, as the store and
  the REST API compute it;
* the **order** in which questions were asked (for "Back", the numbering and
  the "Your answers" list) is replayed from the answers: starting from no
  facts, take the engine's next step while all its findings are answered.
  The engine's interview is a pure function of the facts, so the replay finds
  the questions in the order they were asked, whatever order the database
  keeps the answers in.  Answers that the replay does not reach (given up
  front, e.g. from a description) are listed first.

Changing an earlier answer drops the answers that came after it and that the
interview would no longer ask (``store.replace_answers``), so a changed path
never keeps stale answers.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from .._errors import SpotcheckError
from ..engine import Engine, Facts, Question, percent
from ..engine._interview import NextStep
from ..kb import FactValue
from ..locale import translations
from ._care import (
    EMERGENCY_LEVELS,
    call_buttons,
    cause_views,
    doctor_lines,
    next_steps,
)
from ._i18n import LANGS, LANGUAGE_NAMES, Translator, best_language, with_unit
from ._security import require_csrf
from ._state import engine_of, store_of
from ._store import SessionRecord

__all__ = [
    "LANG_COOKIE",
    "STATIC_DIR",
    "TEMPLATE_DIR",
    "VENDOR_CSS",
    "error_page",
    "replay",
    "router",
]

log = logging.getLogger("spotcheck.web.pages")

HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
# Built by `make install` from the pinned npm package (see docs/web-app.md).
VENDOR_CSS = "vendor/nhsuk/nhsuk-frontend.min.css"
LANG_COOKIE = "spotcheck_lang"
_LANG_COOKIE_AGE = 365 * 24 * 3600
# A description longer than this is refused (the request size limit is larger).
DESCRIBE_LIMIT = 2000
# The usual number of question screens: the median over the development vignettes
# answered through the pages was 21 (12 to 30) in November 2026.
_USUAL_SCREENS = 21
# Safety cap on the replay (the engine stops long before).
_MAX_STEPS = 100

# Colour (NHS care-card variant plus our own modifier) and icon of each level.
LEVEL_STYLE: dict[str, tuple[str, str]] = {
    "self_care": ("non-urgent", "home"),
    "consultation": ("non-urgent", "calendar"),
    "consultation_24": ("urgent", "clock"),
    "emergency": ("emergency", "hospital"),
    "emergency_ambulance": ("emergency", "ambulance"),
}


def _environment(lang: str) -> Environment:
    """The templates in one language: Jinja2's i18n extension over that language's
    catalogue.  One environment per language, so concurrent requests in English and
    Russian never share translations."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    # `{% trans %}` blocks are written over several lines; their msgids are not.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["percent"] = percent
    return env


templates = {lang: Jinja2Templates(env=_environment(lang)) for lang in LANGS}
router = APIRouter(include_in_schema=False)
router.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")


# --- the interview's order, replayed from the answers ------------------------------


@dataclass(frozen=True)
class Asked:
    """One question already answered, with the answers it gave."""

    step: NextStep
    answers: dict[str, FactValue | None]


@dataclass(frozen=True)
class Replay:
    asked: tuple[Asked, ...]  # answers given up front first, then in the order asked
    current: NextStep | None  # the engine's next question; None: the interview is over
    answers: dict[str, FactValue | None]  # all answers (validated)

    def position(self, step_id: str) -> int | None:
        for i, item in enumerate(self.asked):
            if item.step.id == step_id:
                return i
        return None


@functools.lru_cache(maxsize=4096)
def _next_step(engine: Engine, facts: Facts) -> NextStep | None:
    """The engine's next step, remembered: each page replays the same prefixes again."""
    return engine.next_step(facts)


def _path(engine: Engine, answers: Mapping[str, FactValue | None]) -> list[Asked]:
    facts = Facts({})
    path: list[Asked] = []
    for _ in range(_MAX_STEPS):
        step = _next_step(engine, facts)
        if step is None or not all(f in answers for f in step.findings):
            break
        given = {f: answers[f] for f in step.findings}
        try:
            facts = engine.facts({**facts, **given})
        except SpotcheckError:
            break
        path.append(Asked(step, given))
    return path


def replay(engine: Engine, answers: Mapping[str, Any]) -> Replay:
    """The questions asked so far, in order, and the current one (see the module doc)."""
    facts = engine.facts(answers).to_dict()
    path = _path(engine, facts)
    on_path = {f for item in path for f in item.answers}
    # Answers the replay does not reach: given up front (one "question" each).
    extra = [
        Asked(NextStep(fid, (fid,), "given"), {fid: value})
        for fid, value in facts.items()
        if fid not in on_path and fid in engine.kb.findings
    ]
    return Replay((*extra, *path), _next_step(engine, Facts(facts)), facts)


# --- page context ---


def page_language(request: Request) -> tuple[str, bool]:
    """The page's language and whether it was just chosen (``?lang=``: set the cookie)."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked, True
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGS:
        return cookie, False
    return best_language(request.headers.get("accept-language")), False


def _translator(engine: Engine, lang: str) -> Translator:
    """The catalogue of ``lang``, with the knowledge base's ``ui`` words beside it."""
    return Translator(lang, engine.kb.text(lang).ui)


def _session_days(request: Request) -> int:
    settings = getattr(request.app.state, "settings", None)
    return round(getattr(settings, "session_days", 30))


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    here: str | None = None,
) -> HTMLResponse:
    """Render a page in the visitor's language (``here``: this page's GET address)."""
    engine = engine_of(request)
    lang, chosen = page_language(request)
    base = here if here is not None else str(request.url.path)
    sep = "&" if "?" in base else "?"
    switch = [
        {"code": code, "name": LANGUAGE_NAMES[code], "href": f"{base}{sep}lang={code}"}
        for code in LANGS
        if code != lang
    ]
    pack = engine.kb.text(lang)
    ctx: dict[str, Any] = {
        "lang": lang,
        # the knowledge base's interface words (data, not catalogue); a missing key fails
        "ui": pack.ui.__getitem__,
        "pack": pack,
        "switch_languages": switch,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "vendor_css": (STATIC_DIR / VENDOR_CSS).is_file(),
        "vendor_css_path": VENDOR_CSS,
        "kb_version": engine.version,
        "session_days": _session_days(request),
        "has_errors": False,
    }
    ctx.update(context or {})
    response = templates[lang].TemplateResponse(request, template, ctx, status_code=status)
    if chosen:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=_LANG_COOKIE_AGE,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response


def error_page(request: Request, status: int) -> HTMLResponse:
    """An HTML error page (404, 403, 500 ...) in the visitor's language.

    The app can use it as the exception handler for browser requests.
    """
    _ = Translator(page_language(request)[0]).gettext
    if status == 404:
        title, text = _("Page not found"), _("Check the address, or start a new check.")
    elif status == 403:
        title = _("Your form has expired")
        text = _(
            "For your security, forms only work for a while. Go back, reload the page and "
            "try again."
        )
    else:
        title, text = _("Sorry, something went wrong"), _("Please try again in a few minutes.")
    return render(request, "error.html", {"title": title, "text": text}, status=status)


def _session_missing(request: Request) -> HTMLResponse:
    t = Translator(page_language(request)[0])
    text = t.ngettext(
        "They may have been deleted, or they expired. Answers are kept for %(num)s day at most.",
        "They may have been deleted, or they expired. Answers are kept for %(num)s days at most.",
        _session_days(request),
    )
    context = {"title": t.gettext("We could not find these answers"), "text": text}
    return render(request, "error.html", context, status=404, here="/")


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# "I am a clinician" (issue 9): the session started so in this browser is interviewed in
# the engine's clinician mode (examination, test and vital-sign findings too).  The cookie
# holds that session's id; the session itself stores only answers, as always.
CLINICIAN_COOKIE = "spotcheck_clinician"


# Answers given up front ("describe what happened") are not numbered as questions asked
# (issue 11).  The session stores only answers, so this browser keeps which findings its
# description gave, for that one session: finding ids, never their values.
GIVEN_COOKIE = "spotcheck_given"


def _given_up_front(request: Request, session_id: str) -> frozenset[str]:
    sid, _, ids = request.cookies.get(GIVEN_COOKIE, "").partition(".")
    return frozenset(ids.split(".")) if sid == session_id and ids else frozenset()


class _ClinicianEngine(Engine):
    """The same knowledge base and policy, interviewing a clinician."""

    def next_step(
        self, facts: Mapping[str, Any] | Facts, audience: str = "clinician"
    ) -> NextStep | None:
        return super().next_step(facts, "clinician")


@functools.lru_cache(maxsize=8)
def _clinician_engine(engine: Engine) -> Engine:
    return _ClinicianEngine(engine.kb, engine.policy)


def _engine_for(request: Request, session_id: str) -> Engine:
    engine = engine_of(request)
    if request.cookies.get(CLINICIAN_COOKIE) == session_id:
        return _clinician_engine(engine)
    return engine


def _emergency(engine: Engine, answers: Mapping[str, Any]) -> str:
    """The level if the answers so far already mean A&E or an ambulance (shown first), else ""."""
    level = engine.assess(answers).triage
    return level if level in EMERGENCY_LEVELS else ""


def _flow(source: Mapping[str, Any]) -> tuple[str, str]:
    """``more`` (the emergency level after which the person chose to answer more questions)
    and ``from`` ("result": a change made from the result page) of a query or a form."""
    more = str(source.get("more") or "")
    back_to = "result" if source.get("from") == "result" else ""
    return (more if more in EMERGENCY_LEVELS else ""), back_to


def _q_url(session_id: str, step: str = "", more: str = "") -> str:
    query = "&".join(
        p for p in (f"step={step}" if step else "", f"more={more}" if more else "") if p
    )
    return f"/s/{session_id}/q" + (f"?{query}" if query else "")


# --- answers as text ---


def _value_label(engine: Engine, t: Translator, lang: str, fid: str, value: Any) -> str:
    text = engine.kb.text(lang).findings[fid]
    if value is None:
        return t.gettext("I don't know")
    if isinstance(value, bool):
        return t.ui["yes" if value else "no"]
    if isinstance(value, str):
        return text.values.get(value, value)
    unit = text.hint or engine.kb.findings[fid].unit or ""
    return with_unit(t, value, unit)


def _answer_label(
    engine: Engine, t: Translator, lang: str, question: Question, answers: Mapping[str, Any]
) -> str:
    if question.kind != "group":
        fid = question.findings[0]
        return _value_label(engine, t, lang, fid, answers.get(fid))
    values = [answers.get(f) for f in question.findings]
    if all(v is None for v in values):
        return t.gettext("I don't know")
    present = [o.label for o in question.options if answers.get(o.value) is True]
    if not present:
        return t.gettext("None of these")
    return t.gettext("Yes: %(items)s", items="; ".join(present))


def _question_text(engine: Engine, lang: str, question: Question) -> str:
    if question.text:
        return question.text
    return engine.kb.text(lang).findings[question.findings[0]].question


def _review(
    engine: Engine, t: Translator, lang: str, session_id: str, state: Replay
) -> list[dict[str, str]]:
    rows = []
    for item in state.asked:
        question = engine.render(item.step, lang)
        rows.append(
            {
                "question": _question_text(engine, lang, question),
                "answer": _answer_label(engine, t, lang, question, item.answers),
                "href": f"/s/{session_id}/q?step={item.step.id}",
            }
        )
    return rows


# --- forms ---


@dataclass(frozen=True)
class Chosen:
    """What the form shows as selected (after an error or when changing an answer)."""

    choice: str = ""
    number: str = ""
    present: tuple[str, ...] = ()


def _chosen_from_answers(question: Question, answers: Mapping[str, Any]) -> Chosen:
    if question.kind == "group":
        values = [answers.get(f) for f in question.findings]
        if any(f not in answers for f in question.findings):
            return Chosen()
        if all(v is None for v in values):
            return Chosen(present=("unknown",))
        present = tuple(f for f in question.findings if answers.get(f) is True)
        return Chosen(present=present or ("none",))
    fid = question.findings[0]
    if fid not in answers:
        return Chosen()
    value = answers[fid]
    if value is None:
        return Chosen(choice="unknown")
    if isinstance(value, bool):
        return Chosen(choice="true" if value else "false")
    if isinstance(value, str):
        return Chosen(choice=value)
    return Chosen(number=f"{value:g}")


class _BadAnswerError(Exception):
    """What is wrong with an answer (``kind``, see :func:`_bad_answer_message`)."""

    def __init__(self, kind: str, chosen: Chosen, **values: object) -> None:
        super().__init__(kind)
        self.kind = kind
        self.chosen = chosen
        self.values = values


def _bad_answer_message(t: Translator, kind: str, values: Mapping[str, object]) -> str:
    _ = t.gettext
    if kind == "choose_one":
        return _("Choose an answer, or “I don't know”.")
    if kind == "choose_some":
        return _("Tick at least one box, or “None of these”, or “I don't know”.")
    if kind == "exclusive":
        return _("“None of these” and “I don't know” cannot be ticked together with other answers.")
    if kind == "number":
        return _(
            "Enter a number from %(minimum)s to %(maximum)s, or choose “I don't know”.",
            minimum=_shown_number(t, values.get("minimum")),
            maximum=_shown_number(t, values.get("maximum")),
        )
    if kind == "age_too_young":
        return _(
            "Spotcheck is for people aged 12 and over. A child under 12 with bleeding from the "
            "genitals should see a doctor today: call 111 or your GP now. If you are worried "
            "that someone has hurt the child, call 999 or the NSPCC on 0808 800 5000."
        )
    return _("That answer is not one of the choices. Please choose again.")


def _shown_number(t: Translator, value: object) -> str:
    """A limit as the language writes it ("0,5"); the form's attributes keep "0.5"."""
    return t.number(value) if isinstance(value, int | float) else ""


def _number_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _read_answer(engine: Engine, question: Question, form: FormData) -> dict[str, FactValue | None]:
    """The form's answer to ``question`` as facts; raises :class:`_BadAnswerError`."""
    if question.kind == "group":
        picked = tuple(str(v) for v in form.getlist("present"))
        chosen = Chosen(present=picked)
        allowed = {o.value for o in question.options}
        if not picked:
            raise _BadAnswerError("choose_some", chosen)
        if any(p not in allowed for p in picked) or len(set(picked)) != len(picked):
            raise _BadAnswerError("not_option", Chosen())
        exclusive = {"none", "unknown"} & set(picked)
        if exclusive and len(picked) > 1:
            raise _BadAnswerError("exclusive", chosen)
        choice: str | list[str] = picked[0] if exclusive else list(picked)
        try:
            return engine.answer(question, choice)
        except SpotcheckError:
            raise _BadAnswerError("not_option", Chosen()) from None
    if question.kind == "number":
        limits = {"minimum": question.minimum, "maximum": question.maximum}
        if form.get("unknown") is not None:
            return engine.answer(question, "unknown")
        raw = str(form.get("number") or "").strip().replace(",", ".").replace(" ", "")
        chosen = Chosen(number=raw[:20])
        if not raw or raw.lower() in {"unknown", "nan", "inf", "-inf", "infinity"}:
            raise _BadAnswerError("number", chosen, **limits)
        try:
            return engine.answer(question, raw)
        except SpotcheckError:
            if question.findings == ("age",) and _below(raw, question.minimum):
                # a child: say what to do, not only the range (issue 11)
                raise _BadAnswerError("age_too_young", chosen) from None
            raise _BadAnswerError("number", chosen, **limits) from None
    raw_choice = form.get("choice")
    if raw_choice is None or raw_choice == "":
        raise _BadAnswerError("choose_one", Chosen())
    if len(form.getlist("choice")) > 1:  # one radio group sends one value (issue 13)
        raise _BadAnswerError("not_option", Chosen())
    if not isinstance(raw_choice, str) or raw_choice not in {o.value for o in question.options}:
        raise _BadAnswerError("not_option", Chosen())
    try:
        return engine.answer(question, raw_choice)
    except SpotcheckError:
        raise _BadAnswerError("not_option", Chosen()) from None


def _below(raw: str, minimum: float | None) -> bool:
    try:
        return minimum is not None and 0 <= float(raw) < minimum
    except ValueError:
        return False


def _numbering(before: tuple[Asked, ...], given: frozenset[str]) -> tuple[int, int]:
    """This question's number and how many interview steps are answered before it.

    Only questions the person was shown are numbered, so the first question after a
    description is question 1: answers given up front (listed first, phase "given") and
    steps the description answered in full (``given``) are not.
    """
    path = [item for item in before if item.step.phase != "given"]
    shown = [item for item in path if not set(item.answers) <= given]
    return len(shown) + 1, len(path)


def _first_field_id(question: Question) -> str:
    if question.kind == "number":
        return "number"
    if question.kind == "group":
        return "present-1"
    return "choice-1"


def _question_page(
    request: Request,
    record: SessionRecord,
    state: Replay,
    step: NextStep,
    *,
    chosen: Chosen | None = None,
    error: str = "",
    status: int = 200,
    more: str = "",
    back_to: str = "",
) -> HTMLResponse:
    engine = engine_of(request)
    lang, _ = page_language(request)
    t = _translator(engine, lang)
    question = engine.render(step, lang, state.answers.get("sex"))
    position = state.position(step.id)
    index = len(state.asked) if position is None else position
    number, answered = _numbering(state.asked[:index], _given_up_front(request, record.id))
    if chosen is None:
        answers = state.asked[position].answers if position is not None else {}
        chosen = _chosen_from_answers(question, answers)
    back = f"/s/{record.id}/q?step={state.asked[index - 1].step.id}" if index > 0 else "/"
    if back_to == "result":
        back = f"/s/{record.id}/result"
    # Progress by the questions expected to be left: the usual number of screens less
    # those already answered (asked or described), this one included; past it, "a few more".
    left = max(_USUAL_SCREENS - answered - 1, 1)
    percent = min(95, round(100 * answered / (answered + left)))
    progress_text = (
        t.ngettext("About %(num)s more question", "About %(num)s more questions", left)
        if left > 3
        else t.gettext("A few more questions")
    )
    review = _review(engine, t, lang, record.id, state) if state.asked else []
    here = f"/s/{record.id}/q" + (f"?step={step.id}" if position is not None else "")
    context = {
        "session_id": record.id,
        "question": question,
        "question_text": _question_text(engine, lang, question),
        "number": number,
        "percent": percent,
        "chosen": chosen,
        "error": error,
        "has_errors": bool(error),
        "first_field": _first_field_id(question),
        "back": back,
        "review": review,
        "minimum": _number_text(question.minimum),
        "maximum": _number_text(question.maximum),
        "minimum_shown": _shown_number(t, question.minimum),
        "maximum_shown": _shown_number(t, question.maximum),
        "unit": question.hint,
        "compact_emergency": True,
        "progress_text": progress_text,
        "more": more,
        "back_to": back_to,
    }
    return render(request, "question.html", context, status=status, here=here)


# --- routes ---


@router.get("/", response_class=HTMLResponse)
def start_page(request: Request) -> Response:
    engine = engine_of(request)
    context = {
        "can_describe": hasattr(engine, "parse"),
        # the engine's clinician interview, where this engine has one
        "can_clinician": "audience" in inspect.signature(engine.next_step).parameters,
    }
    return render(request, "start.html", context)


@router.post("/start", dependencies=[Depends(require_csrf)])
async def start(request: Request) -> Response:
    lang, _ = page_language(request)
    form = await request.form()
    record = await run_in_threadpool(store_of(request).create, lang=lang)
    response = _redirect(f"/s/{record.id}/q")
    if form.get("audience") == "clinician":
        response.set_cookie(
            CLINICIAN_COOKIE,
            record.id,
            max_age=_session_days(request) * 24 * 3600,
            httponly=True,
            samesite="lax",
        )
    return response


@router.get("/s/{session_id}/q", response_class=HTMLResponse)
def question_page(request: Request, session_id: str, step: str | None = None) -> Response:
    record = store_of(request).get(session_id)
    if record is None:
        return _session_missing(request)
    engine = _engine_for(request, session_id)
    state = replay(engine, record.answers)
    more, back_to = _flow(request.query_params)
    if step is not None:
        position = state.position(step)
        if position is not None:
            return _question_page(
                request, record, state, state.asked[position].step, more=more, back_to=back_to
            )
    if state.current is None:
        return _redirect(f"/s/{record.id}/result")
    # An emergency is shown before any further question (issue 9).
    level = _emergency(engine, state.answers)
    if level and level != more:
        return _redirect(f"/s/{record.id}/result")
    return _question_page(request, record, state, state.current, more=more)


@router.post("/s/{session_id}/answer", dependencies=[Depends(require_csrf)])
async def answer(request: Request, session_id: str) -> Response:
    store = store_of(request)
    engine = _engine_for(request, session_id)
    # Database work off the event loop: a locked database must not stall the worker.
    record = await run_in_threadpool(store.get, session_id)
    if record is None:
        return _session_missing(request)
    state = replay(engine, record.answers)
    form = await request.form()
    more, back_to = _flow(form)
    step_id = str(form.get("step") or "")
    position = state.position(step_id)
    if position is not None:
        step = state.asked[position].step
    elif state.current is not None and step_id == state.current.id:
        step = state.current
    else:  # an old page, or a tampered one: show where the interview is now
        if state.current is None:
            return _redirect(f"/s/{record.id}/result")
        return _question_page(
            request,
            record,
            state,
            state.current,
            error=Translator(page_language(request)[0]).gettext(
                "That page was out of date. This is your current question."
            ),
            status=422,
            more=more,
        )
    lang, _ = page_language(request)
    question = engine.render(step, lang)
    try:
        given = _read_answer(engine, question, form)
    except _BadAnswerError as bad:
        message = _bad_answer_message(Translator(lang), bad.kind, bad.values)
        return _question_page(
            request,
            record,
            state,
            step,
            chosen=bad.chosen,
            error=message,
            status=422,
            more=more,
            back_to=back_to,
        )
    new_answers = _with_answer(engine, state, position, given)
    saved = None
    try:
        if new_answers is None:
            raise SpotcheckError("the answer contradicts an earlier one")
        if position is None:
            saved = await run_in_threadpool(store.update_answers, record.id, given)
        else:
            # Recomputed from the answers as stored, inside the write: one computed
            # from the read above lost answers saved meanwhile (issue 13).
            change = functools.partial(_changed_answers, engine, step.id, given)
            saved = await run_in_threadpool(store.change_answers, record.id, change)
    except SpotcheckError:  # contradicts earlier answers: ask again, store nothing
        return _question_page(
            request,
            record,
            state,
            step,
            chosen=_chosen_from_answers(question, given),
            error=Translator(lang).gettext(
                "This answer does not fit with one of your earlier answers. Check it, or "
                "change the earlier answer in the list below."
            ),
            status=422,
            more=more,
            back_to=back_to,
        )
    if saved is None:
        return _session_missing(request)
    changed = step if position is not None else None
    return _redirect(_after(engine, saved, changed, more=more, back_to=back_to))


def _changed_answers(
    engine: Engine,
    step_id: str,
    given: Mapping[str, FactValue | None],
    stored: Mapping[str, Any],
) -> dict[str, FactValue | None]:
    """The stored answers with the answer to ``step_id`` changed (see :func:`_with_answer`)."""
    state = replay(engine, stored)
    new_answers = _with_answer(engine, state, state.position(step_id), given)
    if new_answers is None:
        raise SpotcheckError("the answer contradicts an earlier one")
    return new_answers


def _with_answer(
    engine: Engine, state: Replay, position: int | None, given: Mapping[str, FactValue | None]
) -> dict[str, FactValue | None] | None:
    """All answers with ``given`` in place; ``None`` if they contradict each other.

    Changing an earlier answer drops the later answers that the interview would
    no longer reach along the changed path.
    """
    merged = {**state.answers, **given}
    if position is not None:
        later = {
            f
            for item in state.asked[position + 1 :]
            if item.step.phase != "given"
            for f in item.answers
        }
        reached = {f for item in _path(engine, merged) for f in item.answers}
        merged = {f: v for f, v in merged.items() if f not in later or f in reached}
    try:
        return engine.facts(merged).to_dict()
    except SpotcheckError:
        return None


def _after(
    engine: Engine,
    saved: SessionRecord,
    changed: NextStep | None,
    *,
    more: str = "",
    back_to: str = "",
) -> str:
    """Where to go after an answer: the current question (or the result); after changing
    an earlier answer, the question asked after it, so that Back-then-Continue walks
    forward through the earlier answers.

    An emergency goes to the result first (unless the person already saw this level and
    chose to answer more questions); a change made from the result goes back to it, after
    only the questions the changed answer newly needs.
    """
    state = replay(engine, saved.answers)
    result = f"/s/{saved.id}/result"
    if state.current is None:
        return result
    level = _emergency(engine, state.answers)
    if level and level != more:
        return result
    if back_to == "result":
        return _q_url(saved.id, more=more)
    position = None if changed is None else state.position(changed.id)
    if position is not None and position + 1 < len(state.asked):
        return _q_url(saved.id, state.asked[position + 1].step.id, more)
    return _q_url(saved.id, more=more)


@router.get("/s/{session_id}/result", response_class=HTMLResponse)
def result_page(request: Request, session_id: str) -> Response:
    record = store_of(request).get(session_id)
    if record is None:
        return _session_missing(request)
    engine = _engine_for(request, session_id)
    state = replay(engine, record.answers)
    level = _emergency(engine, state.answers)
    if state.current is not None and not level:
        return _redirect(f"/s/{record.id}/q")
    lang, _ = page_language(request)
    t = _translator(engine, lang)
    assessment = engine.assess(state.answers, lang=lang, max_causes=5)
    variant, icon = LEVEL_STYLE.get(assessment.triage, ("non-urgent", "info"))
    review = _review(engine, t, lang, record.id, state)
    for row in review:  # "Change" from the result comes back to the result
        row["href"] += "&from=result"
    causes, rare = cause_views(t, lang, assessment)
    emergency = assessment.triage in EMERGENCY_LEVELS
    unsure_lines = {u.text for u in assessment.unsure}
    safety_net = [line for line in assessment.safety_net if line not in unsure_lines]
    unsure = [(", ".join(u.findings), u.action) for u in assessment.unsure]
    # An emergency shows one instruction; other advice only the time windows.
    other = (
        [w.text for w in assessment.windows]
        if emergency
        else [line for line in assessment.advice if line != assessment.triage_action]
    )
    return render(
        request,
        "result.html",
        {
            "session_id": record.id,
            "a": assessment,
            "causes": causes,
            "rare": rare,
            "variant": variant,
            "icon": icon,
            "level_class": assessment.triage.replace("_", "-"),
            "emergency": emergency,
            "calls": call_buttons(t, lang, assessment.triage),
            "other_advice": other,
            "safety_net": safety_net,
            "unsure": unsure,
            "next_steps": next_steps(t, assessment, causes),
            "doctor": doctor_lines(t, assessment, review),
            "more_href": _q_url(record.id, more=level) if state.current is not None else "",
            "hide_safety_line": True,
            "clinician": isinstance(engine, _ClinicianEngine),
            "review": review,
            "date": t.date(record.updated_at or datetime.now(UTC)),
            "fhir_href": f"/api/v1/sessions/{record.id}/fhir?download=true",
        },
    )


@router.post("/s/{session_id}/forget", dependencies=[Depends(require_csrf)])
def forget(request: Request, session_id: str) -> Response:
    if not store_of(request).delete(session_id):
        return _session_missing(request)
    response = render(request, "forgotten.html", here="/")
    if _given_up_front(request, session_id):  # which findings were described: forget too
        response.delete_cookie(GIVEN_COOKIE, httponly=True, samesite="lax")
    return response


# --- continuing later with a code (issue 13) ---


@router.post("/s/{session_id}/resume-code", dependencies=[Depends(require_csrf)])
async def resume_code(request: Request, session_id: str) -> Response:
    """A code to write down instead of keeping the link (only its hash is stored)."""
    issued = await run_in_threadpool(store_of(request).issue_resume_code, session_id)
    if issued is None:
        return _session_missing(request)
    t = Translator(page_language(request)[0])
    context = {"code": issued.code, "until": t.date(issued.expires_at), "session_id": session_id}
    return render(request, "resume_code.html", context, here="/")


@router.post("/resume", dependencies=[Depends(require_csrf)])
async def resume(request: Request) -> Response:
    form = await request.form()
    code = form.get("code")
    typed = code if isinstance(code, str) else ""
    record = await run_in_threadpool(store_of(request).resume, typed)
    if record is None:
        t = Translator(page_language(request)[0])
        context = {
            "title": t.gettext("We could not find answers for this code"),
            "text": t.gettext(
                "Check the code. A code works once, and not after its answers were deleted "
                "or expired."
            ),
        }
        return render(request, "error.html", context, status=404, here="/")
    return _redirect(f"/s/{record.id}/q")


# --- describing what happened (free text, before the questions) ---


def _fact_token(fid: str, value: FactValue) -> str:
    """One parsed fact as a checkbox value: ``finding:value`` (validated again on return)."""
    if isinstance(value, bool):
        return f"{fid}:{'true' if value else 'false'}"
    if isinstance(value, str):
        return f"{fid}:{value}"
    return f"{fid}:{value:g}"


def _describe_page(
    request: Request,
    text: str = "",
    error: str = "",
    status: int = 200,
    sex: str = "",
    error_field: str = "text",
) -> HTMLResponse:
    engine = engine_of(request)
    lang, _ = page_language(request)
    sex_text = engine.kb.text(lang).findings["sex"]
    return render(
        request,
        "describe.html",
        {
            "text": text,
            "error": error,
            "error_field": error_field,
            "has_errors": bool(error),
            "limit": DESCRIBE_LIMIT,
            "compact_emergency": True,
            "sex": sex,
            "sex_question": sex_text.question,
            "sex_options": [
                {"value": v, "label": sex_text.values.get(v, v)}
                for v in engine.kb.findings["sex"].values or []
            ],
        },
        status=status,
        here="/describe",
    )


@router.get("/describe", response_class=HTMLResponse)
def describe_page(request: Request) -> Response:
    return _describe_page(request)


@router.post("/describe", dependencies=[Depends(require_csrf)])
async def describe(request: Request) -> Response:
    """Read the description and show what was understood, to confirm.

    The text itself is never stored: it only travels back in the form, to edit it.
    """
    engine = engine_of(request)
    lang, _ = page_language(request)
    t = _translator(engine, lang)
    form = await request.form()
    text = str(form.get("text") or "")
    # The sex, when the form gives it, is an answer: the reader reads the text
    # with it ("her first time" in a man's message is his partner's blood) and
    # it stands over what the text seemed to say.
    sex = str(form.get("sex") or "")
    if form.get("edit") is not None:
        return _describe_page(request, text[:DESCRIBE_LIMIT], sex=sex)
    if sex and sex not in (engine.kb.findings["sex"].values or []):
        message = t.gettext("That answer is not one of the choices. Please choose again.")
        return _describe_page(request, text[:DESCRIBE_LIMIT], message, 422, error_field="sex")
    if not text.strip():
        message = t.gettext("Describe what happened, or skip this step.")
        return _describe_page(request, text, message, 422, sex)
    if len(text) > DESCRIBE_LIMIT:
        message = t.gettext(
            "Please keep your description under %(limit)s characters.", limit=DESCRIBE_LIMIT
        )
        return _describe_page(request, text[:DESCRIBE_LIMIT], message, 422, sex)
    try:
        parsed = engine.parse(text, sex=sex or None)
        facts = parsed.facts({"sex": sex} if sex else None)
        spans = {f.finding: f.text for f in parsed.findings if f.applies}
        # Hedged findings ("not pregnant as far as I know") are offered unticked,
        # for the person to confirm, never silently decided (issue 9).
        unsure = {f.finding: f.value for f in parsed.unsure() if f.finding not in facts}
    except SpotcheckError as exc:  # the free-text reader failed: carry on with questions
        log.warning("describe: the text could not be read (%s)", type(exc).__name__)
        facts, spans, unsure = {}, {}, {}
    items = [
        {
            "token": _fact_token(fid, value),
            "label": f"{engine.kb.text(lang).findings[fid].name}: "
            + _value_label(engine, t, lang, fid, value),
            "quote": spans.get(fid, ""),
            "checked": fid not in unsure,
        }
        for fid, value in {**facts, **unsure}.items()
        if fid in engine.kb.findings and value is not None
    ]
    return render(
        request,
        "parsed.html",
        {"items": items, "text": text, "sex": sex, "compact_emergency": True},
        here="/describe",
    )


@router.post("/describe/confirm", dependencies=[Depends(require_csrf)])
async def describe_confirm(request: Request) -> Response:
    """Start a session with the confirmed findings; the questions ask about the rest."""
    engine = engine_of(request)
    lang, _ = page_language(request)
    form = await request.form()
    answers: dict[str, str] = {}
    for token in form.getlist("fact"):
        fid, sep, value = str(token).partition(":")
        if not sep or fid not in engine.kb.findings or fid in answers:
            answers = {}
            break
        answers[fid] = value
    else:
        try:
            store = store_of(request)
            record = await run_in_threadpool(store.create, answers, lang)
        except SpotcheckError:
            pass
        else:
            response = _redirect(f"/s/{record.id}/q")
            response.set_cookie(
                GIVEN_COOKIE,
                ".".join((record.id, *sorted(record.answers))),
                max_age=_session_days(request) * 24 * 3600,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
            return response
    message = Translator(lang).gettext(
        "That answer is not one of the choices. Please choose again."
    )
    return _describe_page(request, "", message, 422)
