"""The REST API, version 1 (``/api/v1``), and ``/health``.

Stateless endpoints (``/assess``, ``/interview/next``) are plain functions of
the posted facts, so any worker can answer; sessions live in the database
(:class:`~spotcheck.web._store.SessionStore` at ``app.state.store``).

Responses are serialised straight to JSON bytes (the engine's dataclasses
are already plain data), skipping FastAPI's generic encoder: that is most of
the cost of a request otherwise.  The documented response schemas are
generated from the same dataclasses.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from .._errors import InputError
from ..engine import Assessment, Engine, Facts, Question
from ._json import dumps, plain
from ._state import engine_of, store_of
from ._store import SessionRecord, finite_numbers

__all__ = ["CombinedInputError", "JSONBytes", "health_router", "router"]

router = APIRouter(prefix="/api/v1", tags=["api"])
health_router = APIRouter(tags=["health"])

# The languages of the texts (the knowledge base's; a test keeps the two in step).
Lang = Literal["en", "ru"]

_EXAMPLE_FACTS = {"sex": "female", "age": 31, "bleeding_amount": "spotting", "fever": "unknown"}


class JSONBytes(Response):
    """JSON without FastAPI's encoder pass; non-ASCII kept as UTF-8.

    The content may hold the engine's frozen dataclasses (an ``Assessment``,
    a ``Question``): they are encoded field by field as ``to_dict()`` would
    give them, without its deep copy (a third of a request's time otherwise).
    """

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


class CombinedInputError(InputError):
    """Several bad inputs at once (every bad fact, not only the first)."""

    def __init__(self, errors: list[InputError]) -> None:
        first = errors[0]
        super().__init__(first.message, field=first.field, allowed=first.allowed)
        self.errors = errors


# --- request and response models -------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FactsRequest(_Strict):
    facts: dict[str, Any] = Field(
        default_factory=dict,
        description="Finding id -> value (see GET /api/v1/vocabulary); "
        'null or "unknown" means "don\'t know", a missing finding is not yet asked.',
        examples=[_EXAMPLE_FACTS],
    )
    lang: Lang = Field("en", description="Language of the texts.")


class InterviewRequest(FactsRequest):
    audience: Literal["patient", "clinician"] = Field(
        "patient",
        description="clinician: also ask measured vital signs, examination and test findings.",
    )
    continue_after_emergency: bool = Field(
        False,
        description="Once the answers mean an emergency the result comes first (done: true, "
        "can_continue: true); post again with true to answer more questions for the clinicians.",
    )


class SessionCreate(_Strict):
    answers: dict[str, Any] | None = Field(
        None, description="Answers to start with (finding id -> value).", examples=[{}]
    )
    lang: Lang = Field("en", description="Language of questions and result.")


class AnswersUpdate(_Strict):
    answers: dict[str, Any] = Field(
        description="Answers to merge into the session's (finding id -> value).",
        examples=[{"sex": "female", "age": 31}],
    )


class ResumeRequest(_Strict):
    code: str = Field(
        description="A resume code from POST /sessions/{id}/resume-code; case, spaces and "
        "dashes do not matter.",
        examples=["7K2M-Q9XD-4TPB"],
    )


class ResumeCodeResponse(BaseModel):
    code: str = Field(description="12 characters in three groups; works once.")
    expires_at: datetime = Field(description="When the session, and so the code, expires.")


class ErrorItem(BaseModel):
    field: str = Field(description="The bad input: a finding id, a body field or ''.")
    message: str
    allowed: str = Field("", description="What would be accepted.")


class ErrorBody(BaseModel):
    detail: list[ErrorItem]


class NextResponse(BaseModel):
    """The next question, or the final assessment when the interview has stopped."""

    done: bool
    question: Question | None = None
    assessment: Assessment | None = None
    can_continue: bool = Field(
        False, description="The interview stopped early at an emergency; more questions remain."
    )
    emergency: Assessment | None = Field(
        None, description="While answering more after an emergency: the result to keep showing."
    )


class SessionResponse(BaseModel):
    id: str = Field(description="Random and unguessable: whoever has it can read the session.")
    lang: str
    answers: dict[str, Any]
    done: bool
    question: Question | None = Field(None, description="The next question while not done.")
    result: Assessment | None = Field(None, description="The assessment once done.")
    kb_version: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime


class Vocabulary(BaseModel):
    kb_version: str
    language: str
    languages: list[str]
    triage_levels: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    conditions: list[dict[str, Any]]


_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "Bad input: every bad field and what is allowed."},
    400: {"model": ErrorBody, "description": "Malformed JSON."},
    413: {"model": ErrorBody, "description": "Body too large."},
    429: {"model": ErrorBody, "description": "Rate limit reached (see Retry-After)."},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such session (or it expired)."}
}


# --- helpers ---------------------------------------------------------------------


def check_facts(engine: Engine, raw: Mapping[str, Any]) -> Facts:
    """Validate facts; on error, report every bad finding, not only the first."""
    raw = finite_numbers(raw)  # 10**309 is out of range (422), not an OverflowError (500)
    try:
        return engine.facts(raw)
    except InputError as first:
        errors: list[InputError] = []
        for key, value in raw.items():
            try:
                engine.facts({key: value})
            except InputError as exc:
                errors.append(exc)
        raise CombinedInputError(errors or [first]) from None


def check_lang(engine: Engine, lang: str) -> str:
    if lang not in engine.kb.languages:
        raise InputError(
            f"unsupported language {lang!r}", field="lang", allowed=", ".join(engine.kb.languages)
        )
    return lang


def next_payload(
    engine: Engine,
    facts: Facts,
    lang: str,
    audience: str = "patient",
    continue_after_emergency: bool = False,
) -> dict[str, Any]:
    """The next question, or the assessment; an emergency is shown before any further question."""
    step = engine.next_step(facts, audience)
    result = engine.assess(facts, lang=lang)
    if step is None:
        return {"done": True, "assessment": result}
    if result.is_emergency:
        if not continue_after_emergency:
            return {"done": True, "assessment": result, "can_continue": True}
        question = engine.render(step, lang, facts.get("sex"))
        return {"done": False, "question": question, "emergency": result}
    return {"done": False, "question": engine.render(step, lang, facts.get("sex"))}


def session_payload(engine: Engine, record: SessionRecord) -> dict[str, Any]:
    question: dict[str, Any] | None = None
    result = record.result
    if result is None:
        asked = engine.next_question(record.answers, lang=record.lang)
        if asked is not None:
            question = plain(asked)
        else:  # stored under an older knowledge base that asked further
            result = plain(engine.assess(record.answers, lang=record.lang))
    return {
        "id": record.id,
        "lang": record.lang,
        "answers": record.answers,
        "done": result is not None,
        "question": question,
        "result": result,
        "kb_version": record.kb_version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "expires_at": record.expires_at,
    }


def _not_found() -> JSONBytes:
    return JSONBytes(
        {
            "detail": [
                {
                    "field": "session_id",
                    "message": "no such session (it may have expired or been deleted)",
                    "allowed": "an id returned by POST /api/v1/sessions",
                }
            ]
        },
        status_code=404,
    )


# --- stateless ----------------------------------------------------------------------


@router.post(
    "/assess",
    response_class=JSONBytes,
    responses={200: {"model": Assessment, "description": "The assessment."}, **_ERRORS},
    summary="Assess a set of facts",
)
async def assess(body: FactsRequest, request: Request) -> JSONBytes:
    """Triage level, ranked causes with probabilities and reasons, must-not-miss
    conditions, advice, safety net and the knowledge-base version."""
    engine = engine_of(request)
    lang = check_lang(engine, body.lang)
    facts = check_facts(engine, body.facts)
    return JSONBytes(engine.assess(facts, lang=lang))


@router.post(
    "/interview/next",
    response_class=JSONBytes,
    responses={200: {"model": NextResponse}, **_ERRORS},
    summary="The next question, or the assessment",
)
async def interview_next(body: InterviewRequest, request: Request) -> JSONBytes:
    """Stateless interview: post the answers so far; get the next question with
    its options, or ``done: true`` with the assessment.  Merge the answer
    (``{finding: value}``; a group question answers each of its findings)
    into the facts and post again."""
    engine = engine_of(request)
    lang = check_lang(engine, body.lang)
    facts = check_facts(engine, body.facts)
    return JSONBytes(
        next_payload(engine, facts, lang, body.audience, body.continue_after_emergency)
    )


# --- sessions ------------------------------------------------------------------------


@router.post(
    "/sessions",
    status_code=201,
    response_class=JSONBytes,
    responses={201: {"model": SessionResponse}, **_ERRORS},
    summary="Start a session",
)
def create_session(body: SessionCreate, request: Request) -> JSONBytes:
    """Start an interview stored on the server; the id in the answer is the only key to it."""
    engine = engine_of(request)
    try:
        record = store_of(request).create(body.answers, lang=body.lang)
    except InputError:
        check_facts(engine, body.answers or {})  # raises with every bad field at once
        raise
    return JSONBytes(
        session_payload(engine, record),
        status_code=201,
        headers={"Location": f"{request.scope.get('root_path', '')}/api/v1/sessions/{record.id}"},
    )


@router.get(
    "/sessions/{session_id}",
    response_class=JSONBytes,
    responses={200: {"model": SessionResponse}, **_NOT_FOUND},
    summary="Read a session",
)
def get_session(session_id: str, request: Request) -> JSONBytes:
    record = store_of(request).get(session_id)
    if record is None:
        return _not_found()
    return JSONBytes(session_payload(engine_of(request), record))


@router.put(
    "/sessions/{session_id}/answers",
    response_class=JSONBytes,
    responses={200: {"model": SessionResponse}, **_NOT_FOUND, **_ERRORS},
    summary="Add or change answers",
)
def put_answers(session_id: str, body: AnswersUpdate, request: Request) -> JSONBytes:
    """Merge answers into the session, then recompute the next question or the result.
    Bad answers change nothing (422)."""
    engine = engine_of(request)
    store = store_of(request)
    try:
        updated = store.update_answers(session_id, body.answers)
    except InputError:
        record = store.get(session_id)
        if record is not None:  # raises with every bad field at once
            check_facts(engine, {**record.answers, **body.answers})
        raise
    if updated is None:
        return _not_found()
    return JSONBytes(session_payload(engine, updated))


@router.post(
    "/sessions/{session_id}/resume-code",
    status_code=201,
    response_class=JSONBytes,
    responses={201: {"model": ResumeCodeResponse}, **_NOT_FOUND, **_ERRORS},
    summary="Get a resume code",
)
def create_resume_code(session_id: str, request: Request) -> JSONBytes:
    """A short code to write down and continue later on any device, instead of
    keeping the link.  It works once; asking again replaces the earlier code."""
    issued = store_of(request).issue_resume_code(session_id)
    if issued is None:
        return _not_found()
    return JSONBytes({"code": issued.code, "expires_at": issued.expires_at}, status_code=201)


@router.post(
    "/sessions/resume",
    response_class=JSONBytes,
    responses={
        200: {"model": SessionResponse},
        404: {"model": ErrorBody, "description": "No session has this code (or it was used)."},
        **_ERRORS,
    },
    summary="Continue a session with its resume code",
)
def resume_session(body: ResumeRequest, request: Request) -> JSONBytes:
    """The session, under a new id: the old id and the code stop working."""
    record = store_of(request).resume(body.code)
    if record is None:
        return JSONBytes(
            {
                "detail": [
                    {
                        "field": "code",
                        "message": "no session has this code (it may have been used or expired)",
                        "allowed": "a code from POST /api/v1/sessions/{id}/resume-code",
                    }
                ]
            },
            status_code=404,
        )
    return JSONBytes(session_payload(engine_of(request), record))


@router.delete(
    "/sessions/{session_id}",
    status_code=204,
    response_class=Response,
    responses=_NOT_FOUND,
    summary="Forget a session",
)
def delete_session(session_id: str, request: Request) -> Response:
    """Delete the session's row (not a flag: it is gone)."""
    if not store_of(request).delete(session_id):
        return _not_found()
    return Response(status_code=204)


# --- reference data --------------------------------------------------------------------


def vocabulary(engine: Engine, lang: str) -> dict[str, Any]:
    """Findings, conditions and triage levels with their texts in ``lang``."""
    kb = engine.kb
    pack = kb.text(check_lang(engine, lang))
    findings = []
    for fid, spec in kb.findings.items():
        words = pack.findings[fid]
        findings.append(
            {
                "id": fid,
                "type": spec.type,
                "values": (
                    [{"value": v, "label": words.values.get(v, v)} for v in spec.values]
                    if spec.values
                    else None
                ),
                "unit": spec.unit,
                "range": list(spec.range) if spec.range else None,
                "applies_to": spec.applies_to,
                "name": words.name,
                "question": words.question,
                "hint": words.hint,
            }
        )
    return {
        "kb_version": engine.version,
        "language": lang,
        "languages": list(kb.languages),
        "triage_levels": [
            {"id": lid, "label": pack.levels[lid].label, "summary": pack.levels[lid].summary}
            for lid in kb.levels
        ],
        "findings": findings,
        "conditions": [
            {
                "id": c.id,
                "name": pack.conditions[c.id].name,
                "urgency": c.urgency,
                "icd10": c.icd10,
                "must_not_miss": c.must_not_miss,
            }
            for c in kb.conditions
        ],
    }


@router.get(
    "/vocabulary",
    response_class=JSONBytes,
    responses={200: {"model": Vocabulary}, **_ERRORS},
    summary="Findings, conditions and triage levels",
)
async def get_vocabulary(
    request: Request,
    lang: Annotated[Lang, Query(description="Language of the texts.")] = "en",
) -> Response:
    """Every finding id the API accepts (type, values, unit, range, question
    text), every condition and the triage levels, lowest urgency first."""
    engine = engine_of(request)
    cache: dict[tuple[int, str], bytes] = request.app.state.vocabulary_cache
    key = (id(engine), lang)
    if key not in cache:
        cache[key] = dumps(vocabulary(engine, lang))
    return Response(cache[key], media_type="application/json")


@health_router.get("/health", summary="Liveness and database check")
async def health(request: Request) -> JSONBytes:
    """``200 {"status": "ok"}`` when the app and its database answer, else ``503``."""
    store = store_of(request)
    try:
        # Never waits for a writer: a locked SQLite file still answers at once.
        await run_in_threadpool(store.database.ping)
    except Exception:  # any database failure means "not healthy", never a traceback
        return JSONBytes(
            {"status": "unavailable", "database": "unreachable"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
    if store.database.disk_full():
        return JSONBytes(
            {"status": "unavailable", "database": "disk full"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
    return JSONBytes(
        {
            "status": "ok",
            "database": store.database.backend,
            "kb_version": engine_of(request).version,
        }
    )
