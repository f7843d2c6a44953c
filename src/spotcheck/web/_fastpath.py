"""``POST /api/v1/assess`` without FastAPI's per-request machinery.

The stateless assessment is the service's hot path, and on it FastAPI's
route matching over every page, its dependency solving, the Pydantic pass
over the body model and the response object cost about as much as the
engine itself.  This pure ASGI middleware sits inside
:class:`~spotcheck.web._security.SecurityMiddleware` (so rate limit, body
limit, media type and headers still apply) and answers a well-formed request
directly: a JSON object with at most ``facts`` (an object) and ``lang`` (a
language of the knowledge base), whose facts the engine accepts.

Anything else (a JSON error, an unknown key, a bad fact, a number JSON
allows but orjson does not) is handed to the FastAPI route unchanged, with
the body replayed, so every error keeps its single implementation there.
The route stays declared, so the OpenAPI document describes this endpoint;
a test holds the two answers byte for byte equal.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._errors import InputError
from ..engine import Engine
from ._api import check_facts
from ._json import dumps

__all__ = ["AssessFastPath"]

PATH = "/api/v1/assess"
_KEYS = frozenset({"facts", "lang"})


def _answer(engine: Engine, body: bytes) -> bytes | None:
    """The response body for a well-formed request, or None to let the route decide."""
    try:
        data: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not _KEYS.issuperset(data):
        return None
    facts = data.get("facts", {})
    lang = data.get("lang", "en")
    if not isinstance(facts, dict) or not isinstance(lang, str) or lang not in engine.kb.languages:
        return None
    try:
        checked = check_facts(engine, facts)
    except InputError:
        return None
    return dumps(engine.assess(checked, lang=lang))


class AssessFastPath:
    """See the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        answer = _answer(scope["app"].state.engine, body)
        if answer is None:
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(answer)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})
