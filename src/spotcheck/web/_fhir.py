"""FHIR R4 endpoints: the Questionnaire, SDC ``$next-question``, session export.

* ``GET /fhir/metadata``: the CapabilityStatement.
* ``GET /fhir/Questionnaire/spotcheck``: the Questionnaire generated from the
  knowledge base.
* ``POST /fhir/Questionnaire/$next-question``: the SDC adaptive operation
  (a QuestionnaireResponse, bare or in ``Parameters``).
* ``GET /api/v1/sessions/{id}/fhir``: a stored session as a Bundle
  (``?download=true`` adds ``Content-Disposition: attachment``).

The language of the Questionnaire's texts is ``_language``, else
``Accept-Language``; ``$next-question`` also reads ``Parameters.language`` and
``QuestionnaireResponse.language`` first.  Only JSON is served: an ``Accept``
header or ``_format`` asking for anything else gets 406.  Every error under
``/fhir`` -- unknown paths and methods included -- is an ``OperationOutcome``
with a 4xx status (5xx only for a fault of the server), never a traceback.  The logic lives in
:mod:`spotcheck.fhir`; this module only speaks HTTP.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ..fhir import (
    FHIR_MEDIA_TYPE,
    FhirInputError,
    build_questionnaire,
    capability_statement,
    export_bundle,
    next_question_json,
    outcome_for,
    pick_language,
)
from ._state import engine_of
from ._store import session_key

__all__ = ["router"]

log = logging.getLogger("spotcheck.web.fhir")

router = APIRouter(tags=["FHIR R4"])

_T = TypeVar("_T")
_JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
_R4 = ("4.0", "4.0.1")
_FORMATS = ("json", *_JSON_TYPES)
_ANY = ("*/*", "application/*")
# Paths served here and their methods (anything else under /fhir: an OperationOutcome).
_ROUTES = {
    "/fhir/metadata": "GET",
    "/fhir/Questionnaire/spotcheck": "GET",
    "/fhir/Questionnaire/$next-question": "POST",
}


class _Resource(Response):
    media_type = FHIR_MEDIA_TYPE


def _send(resource: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A validated resource (a ``fhir.resources`` model, or a dict already validated)."""
    body = (
        json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
        if isinstance(resource, dict)
        else resource.model_dump_json()
    )
    return _Resource(body, status_code=status, headers=headers)


def _fail(exc: Exception) -> Response:
    status, outcome = outcome_for(exc)
    if status >= 500:
        log.error("FHIR endpoint failed: %s", type(exc).__name__)
    return _send(outcome, status)


async def _guarded(work: Callable[[], _T]) -> _T | Response:
    """Run ``work`` off the event loop; any error becomes an OperationOutcome."""
    try:
        return await run_in_threadpool(work)
    except Exception as exc:  # every failure is reported as an OperationOutcome
        return _fail(exc)


def _check_media_type(request: Request) -> None:
    header = request.headers.get("content-type", "")
    if not header:
        return
    kind, *params = (part.strip() for part in header.split(";"))
    if kind.lower() not in _JSON_TYPES:
        raise FhirInputError(
            f"unsupported media type {kind!r}",
            status=415,
            code="not-supported",
            allowed="application/fhir+json",
        )
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "fhirversion" and value.strip().strip('"') not in _R4:
            raise FhirInputError(
                f"FHIR version {value.strip()} is not supported; this server speaks R4",
                status=415,
                code="not-supported",
                allowed="fhirVersion=4.0",
            )


def _check_format(request: Request) -> None:
    """406 unless the client accepts JSON (``_format`` first, then ``Accept``)."""
    wanted = request.query_params.get("_format")
    if wanted is not None:
        kind = wanted.split(";")[0].strip().lower()
        if kind not in _FORMATS:
            raise FhirInputError(
                f"format {wanted!r} is not served",
                status=406,
                code="not-supported",
                expression="_format",
                allowed="json, application/fhir+json",
            )
        return
    header = request.headers.get("accept", "").strip()
    if not header:
        return
    kinds = []
    for part in header.split(","):
        kind, *params = (p.strip().lower() for p in part.split(";"))
        if any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params):
            continue
        kinds.append(kind)
    if not any(k in _JSON_TYPES or k in _ANY for k in kinds):
        raise FhirInputError(
            f"cannot answer with {header!r}: this server speaks FHIR JSON only",
            status=406,
            code="not-supported",
            allowed="application/fhir+json",
        )


def _language(request: Request) -> str:
    engine = engine_of(request)
    return pick_language(
        engine, request.query_params.get("_language"), request.headers.get("accept-language")
    )


_NOT_ACCEPTABLE: dict[int | str, dict[str, Any]] = {
    406: {"description": "The client does not accept JSON (Accept or _format)."}
}
_FORMAT = Query(
    None,
    alias="_format",
    description="json or a JSON media type; anything else (e.g. xml) gets 406",
)


@router.get("/fhir/metadata", summary="CapabilityStatement (FHIR R4)", responses=_NOT_ACCEPTABLE)
async def metadata(request: Request, format_: str | None = _FORMAT) -> Response:
    engine = engine_of(request)
    try:
        _check_format(request)
    except FhirInputError as exc:
        return _fail(exc)
    return _send(capability_statement(engine))


@router.get(
    "/fhir/Questionnaire/spotcheck",
    summary="The Spotcheck Questionnaire (every question; _language or Accept-Language: en, ru)",
    responses=_NOT_ACCEPTABLE,
)
async def questionnaire(
    request: Request,
    format_: str | None = _FORMAT,
    language: str | None = Query(
        None, alias="_language", description="en or ru (else Accept-Language, else en)"
    ),
) -> Response:
    engine = engine_of(request)
    try:
        _check_format(request)
    except FhirInputError as exc:
        return _fail(exc)
    lang = _language(request)
    result = await _guarded(lambda: build_questionnaire(engine, lang))
    if isinstance(result, Response):
        return result
    return _send(result, headers={"Content-Language": lang, "Vary": "Accept-Language"})


@router.post(
    "/fhir/Questionnaire/$next-question",
    summary="SDC $next-question: the adaptive interview",
    description=(
        "Body: a QuestionnaireResponse with a contained Questionnaire derived from the "
        "Spotcheck Questionnaire, or SDC Parameters with parameter 'questionnaire-response'. "
        "Returns the QuestionnaireResponse with the next question(s) appended to the "
        "contained Questionnaire (status in-progress), or completed with the assessment."
    ),
    responses=_NOT_ACCEPTABLE,
)
async def next_question_operation(request: Request, format_: str | None = _FORMAT) -> Response:
    engine = engine_of(request)
    try:
        _check_format(request)
        _check_media_type(request)
        raw = await request.body()
        try:
            payload = json.loads(raw)
        except (UnicodeDecodeError, ValueError) as exc:
            raise FhirInputError(f"malformed JSON: {exc}", status=400, code="structure") from None
        except RecursionError:
            raise FhirInputError(
                "malformed JSON: nested too deeply", status=400, code="structure"
            ) from None
    except FhirInputError as exc:
        return _fail(exc)
    lang = request.headers.get("accept-language")
    result = await _guarded(lambda: next_question_json(engine, payload, lang=lang))
    if isinstance(result, Response):
        return result
    return _send(result, headers={"Content-Language": str(result.get("language", "en"))})


@router.get(
    "/api/v1/sessions/{session_id}/fhir",
    summary="A stored session as a FHIR R4 Bundle (for the person's doctor)",
)
async def session_bundle(session_id: str, request: Request, download: bool = False) -> Response:
    engine = engine_of(request)
    store = getattr(request.app.state, "store", None)
    if store is None:
        return _fail(
            FhirInputError("sessions are not stored on this server", status=404, code="not-found")
        )

    def work() -> Any:
        record = store.get(session_id)
        if record is None:
            raise FhirInputError(
                "no such session (it may have expired or been deleted)",
                status=404,
                code="not-found",
                expression="session_id",
            )
        answers = dict(record.answers)
        complete = record.result is not None or engine.next_step(answers) is None
        updated = record.updated_at if isinstance(record.updated_at, datetime) else None
        return export_bundle(
            engine,
            answers,
            lang=record.lang if record.lang in engine.kb.languages else "en",
            when=updated,
            # The export names the session by the hash the database keeps, never
            # by the id itself, which is the key to reading and changing it.
            session_id=session_key(record.id),
            complete=complete,
        )

    result = await _guarded(work)
    if isinstance(result, Response):
        return result
    headers = (
        {"Content-Disposition": 'attachment; filename="spotcheck-fhir.json"'} if download else None
    )
    return _send(result, headers=headers)


_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@router.api_route("/fhir", methods=_METHODS, include_in_schema=False)
@router.api_route("/fhir/{rest:path}", methods=_METHODS, include_in_schema=False)
async def not_served(request: Request) -> Response:
    """Everything else under /fhir: an OperationOutcome, never the app's plain JSON."""
    path = request.url.path.rstrip("/")
    allowed = _ROUTES.get(path)
    if allowed is not None:
        return _send(
            outcome_for(
                FhirInputError(
                    f"{request.method} is not supported on {path}",
                    status=405,
                    code="not-supported",
                    allowed=allowed,
                )
            )[1],
            405,
            headers={"Allow": allowed},
        )
    parts = [p for p in path.split("/")[2:] if p]
    if parts and parts[0] == "Questionnaire":
        if len(parts) == 1:
            message, code = "search is not supported: read Questionnaire/spotcheck", "not-supported"
        else:
            message, code = f"no Questionnaire {'/'.join(parts[1:])!r}", "not-found"
    elif parts:
        message, code = f"resource type {parts[0]!r} is not served here", "not-supported"
    else:
        message, code = "this is the FHIR base: see /fhir/metadata", "not-found"
    return _fail(
        FhirInputError(
            message,
            status=404,
            code=code,
            allowed="metadata, Questionnaire/spotcheck, Questionnaire/$next-question",
        )
    )
