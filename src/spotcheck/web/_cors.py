"""CORS for the FHIR and REST endpoints, set by ``SPOTCHECK_CORS_ORIGINS``.

``SPOTCHECK_CORS_ORIGINS`` is a comma-separated list of origins
(``https://app.example.org,http://localhost:3000``) or ``*``.  Default: empty,
no cross-origin access at all (the browser's same-origin rule).

* A listed origin may call every endpoint under ``/fhir`` and ``/api/v1``,
  stored sessions included.
* ``*`` opens only the stateless endpoints: everything under ``/fhir/`` (the
  session export lives under ``/api/v1/sessions``), ``/api/v1/assess``,
  ``/api/v1/interview/next``, ``/api/v1/vocabulary`` and ``/api/v1/parse``.
  A session id is a bearer secret, so ``/api/v1/sessions…`` is never opened
  to every origin.
* The HTML app, ``/docs`` and ``/health`` are never opened.

No credentials are allowed (``Access-Control-Allow-Credentials`` is never
sent): no cookie authenticates the API.  A preflight (``OPTIONS`` with
``Origin`` and ``Access-Control-Request-Method``) from an allowed origin is
answered here with 204; from any other origin it goes on to the app (no CORS
headers, so the browser refuses).  Allowed responses get
``Cross-Origin-Resource-Policy: cross-origin`` instead of ``same-origin``.

This middleware is registered outermost (after ``SecurityMiddleware``) so that
it sees, and may adjust, the security headers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CORS_ENV", "CorsMiddleware", "cors_origins"]

CORS_ENV = "SPOTCHECK_CORS_ORIGINS"

_API_PREFIXES = ("/fhir/", "/api/v1/")
_STATELESS = (
    "/fhir/",
    "/api/v1/assess",
    "/api/v1/interview/next",
    "/api/v1/vocabulary",
    "/api/v1/parse",
)
_METHODS = b"GET, POST, PUT, DELETE, OPTIONS"
_HEADERS = b"Accept, Accept-Language, Content-Type, Content-Language, Prefer"
_EXPOSE = b"Content-Disposition, Content-Language, Content-Location, Location, Retry-After"
_MAX_AGE = b"600"
_DROP = frozenset(
    {
        b"access-control-allow-origin",
        b"cross-origin-resource-policy",
        b"vary",
    }
)


def cors_origins(environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """The configured origins (``*`` alone, or exact origins without a trailing slash)."""
    raw = (environ if environ is not None else os.environ).get(CORS_ENV, "")
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


def _stateless(path: str) -> bool:
    if path.startswith("/api/v1/sessions"):
        return False
    return path.startswith(_STATELESS)


class CorsMiddleware:
    """Pure ASGI CORS: exact origins for /fhir and /api/v1, ``*`` for stateless ones."""

    def __init__(self, app: ASGIApp, origins: Iterable[str] = ()) -> None:
        self.app = app
        listed = tuple(origins)
        self.wildcard = "*" in listed
        self.origins = frozenset(o for o in listed if o != "*")

    def _allow(self, path: str, origin: str) -> bytes | None:
        """The Access-Control-Allow-Origin value for this path and origin, or None."""
        if not origin or not path.startswith(_API_PREFIXES):
            return None
        if origin in self.origins:
            return origin.encode("latin-1")
        if self.wildcard and _stateless(path):
            return b"*"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (self.origins or self.wildcard):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        origin = headers.get(b"origin", b"").decode("latin-1")
        allow = self._allow(scope.get("path", ""), origin)
        if allow is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        (b"access-control-allow-origin", allow),
                        (b"access-control-allow-methods", _METHODS),
                        (b"access-control-allow-headers", _HEADERS),
                        (b"access-control-max-age", _MAX_AGE),
                        (b"vary", b"Origin"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _DROP]
                vary = [v for k, v in message.get("headers", []) if k.lower() == b"vary"]
                kept += [
                    (b"access-control-allow-origin", allow),
                    (b"access-control-expose-headers", _EXPOSE),
                    (b"cross-origin-resource-policy", b"cross-origin"),
                    (b"vary", b", ".join([*vary, b"Origin"])),
                ]
                message = {**message, "headers": kept}
            await send(message)

        await self.app(scope, receive, send_with_cors)
