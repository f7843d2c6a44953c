"""Free text: ``POST /api/v1/parse`` reads findings from what the person wrote.

Bad text (empty, over 5,000 characters, another language, gibberish) is not
an error: the answer is 200 with ``status`` and a ``message`` and no
findings.  Only a bad request (no ``text``, an unsupported ``lang`` or ``sex``) is 422.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ._api import JSONBytes
from ._state import engine_of

__all__ = ["ParseRequest", "ParseResponse", "router"]

router = APIRouter(prefix="/api/v1", tags=["api"])


class ParseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        description="What happened, in the person's own words (English or Russian).",
        examples=["Bit of brown spotting after sex, 7 weeks pregnant, no pain."],
    )
    lang: Literal["en", "ru"] | None = Field(
        None, description="Language of the text; detected when left out."
    )
    sex: Literal["female", "male"] | None = Field(
        None,
        description="Sex of the person who bleeds, when already known (a man's 'she bled "
        "too' is then his partner's blood).",
    )


class ParsedFindingModel(BaseModel):
    finding: str = Field(description="A finding id of the vocabulary.")
    value: bool | int | float | str
    start: int = Field(description="Start of the supporting text (character offset).")
    end: int
    text: str = Field(description="The supporting text.")
    negated: bool
    hypothetical: bool
    other_person: bool = Field(description="Said about someone else (e.g. the partner).")
    historical: bool
    applies: bool = Field(description="Whether it counts as a fact about the person now.")


class ParseResponse(BaseModel):
    lang: str | None = Field(description="Language the text was read in (null if unreadable).")
    status: Literal["ok", "empty", "too_long", "other_language", "gibberish"]
    message: str = Field(description="Why nothing (or nothing usable) was found, in plain words.")
    findings: list[ParsedFindingModel]
    facts: dict[str, Any] = Field(
        description="The findings that apply to the person now, as finding id -> value "
        "(ready for /api/v1/assess or /api/v1/interview/next)."
    )
    kb_version: str


@router.post(
    "/parse",
    response_class=JSONBytes,
    responses={
        200: {"model": ParseResponse, "description": "What the text says."},
        422: {"description": "Bad request: missing text, unsupported lang or sex."},
    },
    summary="Read findings from free text",
)
async def parse(body: ParseRequest, request: Request) -> JSONBytes:
    """Findings with their supporting text and flags (negated, hypothetical,
    about someone else, in the past), and the facts they add up to."""
    engine = engine_of(request)
    # CPU-bound (and the first call of a language builds its pipeline): off the loop.
    result = await run_in_threadpool(engine.parse, body.text, body.lang, sex=body.sex)
    return JSONBytes({**result.to_dict(), "kb_version": engine.version})
