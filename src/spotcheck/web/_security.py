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
* **No caching**: ``Cache-Control: no-store`` on every response, so that
  "Back" after "forget my answers" cannot show the deleted pages again.
* **Media type**: a JSON API body (``/api/``, POST or PUT) declared as
  anything but JSON is refused with ``415``.
* **Internal errors** never escape: an exception the app did not handle
  becomes a ``500`` in the usual error shape, with the headers above, and is
  logged by its type only (no traceback, no message: it could quote input).
* **Access log** at INFO: method, path with long ids replaced by ``{id}`` and
  control characters escaped (``%0A`` cannot forge a line), status and time.
  No client address, no query string, no body.

The CSRF token is signed with ``SPOTCHECK_SECRET_KEY`` (``nonce.signature``):
a token someone else made up (cookie tossing from a sibling domain) fails.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
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
    # Nothing personal may be kept by the browser or a proxy (issue 13: "forget
    # me" then Back re-displayed the result from the cache).
    (b"cache-control", b"no-store"),
]
_SECURITY_HEADER_NAMES = frozenset(name for name, _ in _HEADERS)

# Paths that never count against the rate limit (health checks, cached assets).
_UNLIMITED_PREFIXES = ("/health", "/static/", "/docs/assets/")
# The CSRF cookie is for the HTML app; API clients and assets never need one.
_NO_CSRF_PREFIXES = ("/api/", "/health", "/static/", "/docs", "/openapi.json", "/fhir")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}\.[A-Za-z0-9_-]{22,64}$")
_LONG_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{20,}(?=/|$)")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# JSON API bodies: application/json or any +json type.
_JSON_TYPE = re.compile(r"^application/([a-z0-9.+-]+\+)?json\s*(;|$)")

access_log = logging.getLogger("spotcheck.web.access")
log = logging.getLogger("spotcheck.web")


def redact_path(path: str) -> str:
    """The path for a log line: every long id-like segment (session ids) replaced by
    ``{id}``, control characters escaped (a decoded ``%0A`` cannot start a new line)."""
    path = _LONG_SEGMENT.sub("{id}", path)
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", path)


def _signature(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_csrf_token(secret: str) -> str:
    """A random nonce and its HMAC under the app's secret: ``nonce.signature``."""
    nonce = secrets.token_urlsafe(32)
    return f"{nonce}.{_signature(secret, nonce)}"


def valid_csrf_token(secret: str, token: str) -> bool:
    """Whether ``token`` was made by :func:`new_csrf_token` with this secret."""
    if not _TOKEN.match(token):
        return False
    nonce, _, signature = token.partition(".")
    return hmac.compare_digest(signature, _signature(secret, nonce))


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


def _json_error(message: str, allowed: str = "", field: str = "") -> bytes:
    body = {"detail": [{"field": field, "message": message, "allowed": allowed}]}
    return json.dumps(body).encode()


_TITLES = {
    400: "Bad request",
    413: "Too much data",
    415: "Unsupported content",
    429: "Too many requests",
    500: "Something went wrong",
}


def _html_error(status: int, message: str) -> bytes:
    """A minimal page for a browser (the web app's own pages need the app)."""
    title = _TITLES.get(status, "Error")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Spotcheck: {title}</title></head><body><main>"
        f"<h1>{title} ({status})</h1><p>{html.escape(message)}</p>"
        '<p><a href="/">Start again</a></p></main></body></html>'
    ).encode()


def _wants_html(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    if path.startswith(("/api/", "/fhir", "/health", "/openapi.json")):
        return False
    return any(k == b"accept" and b"text/html" in v for k, v in headers)


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

    def __init__(
        self,
        app: ASGIApp,
        *,
        rate_limit: int,
        max_body_bytes: int,
        secret_key: str | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.secret_key = secret_key or secrets.token_urlsafe(32)
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

        headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        html_errors = _wants_html(path, headers)

        async def respond(code: int, body: bytes, extra: list[tuple[bytes, bytes]]) -> None:
            media = b"application/json"
            if html_errors:
                detail = json.loads(body)["detail"][0]
                body = _html_error(code, str(detail["message"]))
                media = b"text/html; charset=utf-8"
            await send_wrapper(
                {
                    "type": "http.response.start",
                    "status": code,
                    "headers": [
                        (b"content-type", media),
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
            # 3. JSON API bodies must be JSON (else FastAPI says "valid dictionary", 422)
            if path.startswith("/api/") and scope.get("method") in ("POST", "PUT", "PATCH"):
                for key, value in headers:
                    if key == b"content-type" and not _JSON_TYPE.match(
                        value.decode("latin-1").strip().lower()
                    ):
                        await respond(
                            415,
                            _json_error(
                                "unsupported media type", "application/json", "content-type"
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

            # 4. CSRF token for the HTML app
            if not path.startswith(_NO_CSRF_PREFIXES):
                token = _cookie(headers, CSRF_COOKIE)
                if token is None or not valid_csrf_token(self.secret_key, token):
                    token = new_csrf_token(self.secret_key)
                    secure = "; Secure" if scope.get("scheme") == "https" else ""
                    csrf_cookie = (
                        f"{CSRF_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/{secure}"
                    ).encode()
                scope.setdefault("state", {})["csrf_token"] = token
            scope.setdefault("state", {})["csrf_secret"] = self.secret_key

            try:
                await self.app(scope, receive_wrapper, send_wrapper)
            except _BodyTooLarge as exc:
                if response_started:
                    return  # the body is cut short; the server closes the connection
                await respond(
                    413,
                    _json_error(str(exc.detail), f"at most {exc.limit} bytes"),
                    [],
                )
            except Exception as exc:
                # Type only: a message could quote the user's input; no traceback.
                log.error(
                    "unhandled %s on %s %s",
                    type(exc).__name__,
                    scope.get("method", ""),
                    redact_path(path),
                )
                if not response_started:
                    await respond(500, _json_error("internal error"), [])
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
    secret = request.scope.get("state", {}).get("csrf_secret")
    submitted: Any = None
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        submitted = form.get(CSRF_FIELD)
    if (
        not cookie
        or not isinstance(submitted, str)
        or not isinstance(secret, str)
        or not valid_csrf_token(secret, cookie)
        or not hmac.compare_digest(cookie.encode(), submitted.encode("utf-8", "replace"))
    ):
        raise HTTPException(
            status_code=403,
            detail="the form's security token is missing or does not match; "
            "reload the page and try again",
        )
