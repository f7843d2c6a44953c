"""FHIR R4 endpoints: the Questionnaire, SDC ``$next-question``, session export.

* ``GET /fhir/metadata``: the CapabilityStatement.
* ``GET /fhir/Questionnaire/spotcheck``: the Questionnaire generated from the
  knowledge base.
* ``POST /fhir/Questionnaire/$next-question``: the SDC adaptive operation
  (a QuestionnaireResponse, bare or in ``Parameters``).
* ``GET /api/v1/sessions/{id}/fhir``: a stored session as a Bundle
  (``?download=true`` adds ``Content-Disposition: attachment``).

Every error is an ``OperationOutcome`` with a 4xx status (5xx only for a
fault of the server), never a traceback.  The logic lives in
:mod:`spotcheck.fhir`; this module only speaks HTTP.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from ..fhir import (
    FHIR_MEDIA_TYPE,
    FhirInputError,
    build_questionnaire,
    capability_statement,
    export_bundle,
    next_question_json,
    outcome_for,
)
from ._state import engine_of

__all__ = ["router"]

log = logging.getLogger("spotcheck.web.fhir")

router = APIRouter(tags=["FHIR R4"])

_T = TypeVar("_T")
_JSON_TYPES = ("application/fhir+json", "application/json", "application/json+fhir")
_R4 = ("4.0", "4.0.1")


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


@router.get("/fhir/metadata", summary="CapabilityStatement (FHIR R4)")
async def metadata(request: Request) -> Response:
    engine = engine_of(request)
    return _send(capability_statement(engine))


@router.get(
    "/fhir/Questionnaire/spotcheck",
    summary="The Spotcheck Questionnaire (every question, English with Russian translations)",
)
async def questionnaire(request: Request) -> Response:
    engine = engine_of(request)
    result = await _guarded(lambda: build_questionnaire(engine))
    return result if isinstance(result, Response) else _send(result)


@router.post(
    "/fhir/Questionnaire/$next-question",
    summary="SDC $next-question: the adaptive interview",
    description=(
        "Body: a QuestionnaireResponse with a contained Questionnaire derived from the "
        "Spotcheck Questionnaire, or SDC Parameters with parameter 'questionnaire-response'. "
        "Returns the QuestionnaireResponse with the next question(s) appended to the "
        "contained Questionnaire (status in-progress), or completed with the assessment."
    ),
)
async def next_question_operation(request: Request) -> Response:
    engine = engine_of(request)
    try:
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
    result = await _guarded(lambda: next_question_json(engine, payload))
    return result if isinstance(result, Response) else _send(result)


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
            session_id=record.id,
            complete=complete,
        )

    result = await _guarded(work)
    if isinstance(result, Response):
        return result
    headers = (
        {"Content-Disposition": 'attachment; filename="spotcheck-fhir.json"'} if download else None
    )
    return _send(result, headers=headers)
