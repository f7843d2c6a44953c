"""Security at the edge: headers, body limit, rate limit, CSRF, a private access log.

One pure ASGI middleware (cheaper per request than Starlette's
``BaseHTTPMiddleware``) does, for every HTTP request:

* **Rate limit**: an in-process token bucket per client address,
  ``rate_limit`` requests per minute (bursts up to the same number); over it,
  ``429`` with ``Retry-After``.  The address is a dictionary key in memory
  only: it is never stored or logged.  ``/health`` and static assets do not
  count.  Each worker process has its own buckets.
* **Body limit**: a declared ``Content-Length`` above ``max_body_bytes`` is
  refused with ``413`` before anything is read; a body streamed without one
  is counted as it arrives and refused the same way.
* **CSRF cookie**: when the request has no ``spotcheck_csrf`` cookie, a
  random token is made, exposed as ``request.state.csrf_token`` and set as a
  cookie (HttpOnly, SameSite=Strict, Path=/; Secure over HTTPS).  Form POST
  routes depend on :func:`require_csrf`, which compares the submitted
  ``csrf_token`` field with the cookie (double submit; no server secret, so
  any number of workers agree).  JSON API routes need none: no cookie
  authenticates them.
* **Headers** on every response: a Content-Security-Policy without
  ``unsafe-inline`` (no third-party origin at all), ``nosniff``,
  ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY`` and more.
* **Access log** at INFO: method, path with long ids replaced by ``{id}``,
  status and time.  No client address, no query string, no body.
"""

from __future__ import annotations

import hmac
import json
import logging
import math
import re
import secrets
import time
from http.cookies import SimpleCookie
from typing import Any

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "RateLimiter",
    "SecurityMiddleware",
    "redact_path",
    "require_csrf",
]

CSRF_COOKIE = "spotcheck_csrf"
CSRF_FIELD = "csrf_token"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
_SECURITY_HEADER_NAMES = frozenset(name for name, _ in _HEADERS)

# Paths that never count against the rate limit (health checks, cached assets).
_UNLIMITED_PREFIXES = ("/health", "/static/", "/docs/assets/")
# The CSRF cookie is for the HTML app; API clients and assets never need one.
_NO_CSRF_PREFIXES = ("/api/", "/health", "/static/", "/docs", "/openapi.json", "/fhir")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_LONG_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{20,}(?=/|$)")

access_log = logging.getLogger("spotcheck.web.access")


def redact_path(path: str) -> str:
    """The path with every long id-like segment (session ids) replaced by ``{id}``."""
    return _LONG_SEGMENT.sub("{id}", path)


class RateLimiter:
    """Token buckets keyed by client: ``per_minute`` requests, bursts of as many."""

    def __init__(self, per_minute: int, *, max_clients: int = 50_000) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}

    def check(self, client: str, now: float | None = None) -> float:
        """Take one token; returns 0 when allowed, else the seconds to wait."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[client] = (tokens - 1.0, now)
            if len(self._buckets) > self.max_clients:
                self._prune(now)
            return 0.0
        self._buckets[client] = (tokens, now)
        return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        """Forget clients whose bucket has refilled (they lose nothing)."""
        full = [
            key
            for key, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.rate >= self.capacity
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) > self.max_clients:  # still too many: forget the oldest half
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k][1])
            for key in oldest[: len(oldest) // 2]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class _BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit} bytes")
        self.limit = limit


def _json_error(message: str, allowed: str = "") -> bytes:
    body = {"detail": [{"field": "", "message": message, "allowed": allowed}]}
    return json.dumps(body).encode()


def _cookie(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is just no cookie
                continue
            if name in jar:
                return jar[name].value
    return None


class SecurityMiddleware:
    """See the module docstring."""

    def __init__(self, app: ASGIApp, *, rate_limit: int, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.limiter = RateLimiter(rate_limit) if rate_limit > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope.get("path", "")
        status = 500
        response_started = False
        csrf_cookie: bytes | None = None

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k not in _SECURITY_HEADER_NAMES
                ]
                headers.extend(_HEADERS)
                if csrf_cookie is not None:
                    headers.append((b"set-cookie", csrf_cookie))
                message = {**message, "headers": headers}
            await send(message)

        async def respond(code: int, body: bytes, extra: list[tuple[bytes, bytes]]) -> None:
            await send_wrapper(
                {
                    "type": "http.response.start",
                    "status": code,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        *extra,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})

        try:
            # 1. rate limit
            if self.limiter is not None and not path.startswith(_UNLIMITED_PREFIXES):
                client = scope.get("client")
                wait = self.limiter.check(client[0] if client else "unknown")
                if wait > 0:
                    seconds = max(1, math.ceil(wait))
                    await respond(
                        429,
                        _json_error(
                            f"too many requests; try again in {seconds} s",
                            f"{int(self.limiter.capacity)} requests per minute",
                        ),
                        [(b"retry-after", str(seconds).encode())],
                    )
                    return

            # 2. body limit: the declared length first, then what actually arrives
            headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
            limit = self.max_body_bytes
            for key, value in headers:
                if key == b"content-length":
                    try:
                        declared = int(value)
                    except ValueError:
                        declared = -1
                    if declared < 0:
                        await respond(400, _json_error("invalid Content-Length"), [])
                        return
                    if declared > limit:
                        await respond(
                            413,
                            _json_error(
                                f"request body larger than {limit} bytes",
                                f"at most {limit} bytes",
                            ),
                            [],
                        )
                        return
            received = 0

            async def receive_wrapper() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise _BodyTooLarge(limit)
                return message

            # 3. CSRF token for the HTML app
            if not path.startswith(_NO_CSRF_PREFIXES):
                token = _cookie(headers, CSRF_COOKIE)
                if token is None or not _TOKEN.match(token):
                    token = secrets.token_urlsafe(32)
                    secure = "; Secure" if scope.get("scheme") == "https" else ""
                    csrf_cookie = (
                        f"{CSRF_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/{secure}"
                    ).encode()
                scope.setdefault("state", {})["csrf_token"] = token

            try:
                await self.app(scope, receive_wrapper, send_wrapper)
            except _BodyTooLarge as exc:
                if response_started:
                    raise
                await respond(
                    413,
                    _json_error(str(exc.detail), f"at most {exc.limit} bytes"),
                    [],
                )
        finally:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %d %.1f ms",
                    scope.get("method", ""),
                    redact_path(path),
                    status,
                    (time.perf_counter() - started) * 1000,
                )


async def require_csrf(request: Request) -> None:
    """FastAPI dependency for HTML form posts: the form's ``csrf_token`` must match the cookie.

    Raises ``HTTPException(403)`` otherwise (a missing cookie, a missing field,
    or a mismatch), comparing in constant time.
    """
    cookie = request.cookies.get(CSRF_COOKIE, "")
    submitted: Any = None
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        submitted = form.get(CSRF_FIELD)
    if (
        not cookie
        or not isinstance(submitted, str)
        or not _TOKEN.match(cookie)
        or not hmac.compare_digest(cookie.encode(), submitted.encode("utf-8", "replace"))
    ):
        raise HTTPException(
            status_code=403,
            detail="the form's security token is missing or does not match; "
            "reload the page and try again",
        )
