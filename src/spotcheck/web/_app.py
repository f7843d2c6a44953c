"""The FastAPI application factory.

Each router lives in its own module: ``_api`` (REST /api/v1 and /health),
``_pages`` (the patient web app), ``_fhir`` (FHIR endpoints) and ``_parse``
(free text).  Shared state for all of them on ``app.state``:

* ``settings``: :class:`~spotcheck.web._settings.Settings`
* ``engine``: the :class:`~spotcheck.Engine`
* ``store``: the :class:`~spotcheck.web._store.SessionStore`
* ``database``: its :class:`~spotcheck.web._db.Database`

``create_app()`` with no arguments reads the settings from the environment,
which is how ``uvicorn --factory spotcheck.web:create_app`` and every worker
of ``spotcheck serve --workers N`` build their app.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import importlib.util
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from .._errors import InputError, SpotcheckError
from ..engine import Engine
from . import _api, _fhir, _pages, _parse
from ._api import CombinedInputError, JSONBytes
from ._cors import CorsMiddleware, cors_origins
from ._db import Database
from ._fastpath import AssessFastPath
from ._security import SecurityMiddleware, redact_path
from ._settings import Settings
from ._store import SessionStore

__all__ = ["create_app"]

log = logging.getLogger("spotcheck.web")

_DESCRIPTION = """\
Triage and differential diagnosis for bleeding after sex, as a service.

* `POST /api/v1/assess`: facts in, assessment out.
* `POST /api/v1/interview/next`: facts in, next question (or the assessment) out; stateless.
* `/api/v1/sessions`: the same interview stored on the server for up to the configured
  number of days; `DELETE` removes it.
* `GET /api/v1/vocabulary`: every finding id and value the API accepts.

Errors have one shape: `{"detail": [{"field", "message", "allowed"}]}`.
This is decision support, not a diagnosis.
"""

# Pydantic error types -> what would be accepted.
_ALLOWED = {
    "missing": "required",
    "dict_type": "a JSON object",
    "model_attributes_type": "a JSON object",
    "string_type": "a string",
    "int_parsing": "an integer",
    "float_parsing": "a number",
    "bool_parsing": "true or false",
    "extra_forbidden": "leave it out (not a field of this request)",
    "json_invalid": "a well-formed JSON object in UTF-8 (integers of at most 4,300 digits, "
    "nested less than 1,000 deep)",
}


def _problem(field: str, message: str, allowed: str = "") -> dict[str, str]:
    return {"field": field, "message": message, "allowed": allowed}


def _from_pydantic(error: Any) -> dict[str, str]:
    loc = [str(part) for part in error.get("loc", ())]
    where = loc[0] if loc and loc[0] in ("body", "query", "path", "header", "cookie") else ""
    rest = loc[1:] if where else loc
    kind = str(error.get("type", ""))
    field = ".".join(rest) if rest and kind != "json_invalid" else where
    message = str(error.get("msg", "invalid"))
    ctx = error.get("ctx") or {}
    if kind == "json_invalid" and ctx.get("error"):
        message = f"malformed JSON: {ctx['error']}"
    allowed = _ALLOWED.get(kind, "")
    if not allowed and "expected" in ctx:
        allowed = str(ctx["expected"])
    return _problem(field, message, allowed)


def _wants_html(request: Request) -> bool:
    """A browser asking for a page (not the API, not FHIR) gets errors as HTML."""
    path = request.url.path
    if path.startswith(("/api/", "/fhir", "/health", "/openapi.json")):
        return False
    return "text/html" in request.headers.get("accept", "")


def _html_error(status: int, problems: list[dict[str, str]]) -> HTMLResponse:
    items = "".join(
        f"<li>{html.escape(p['message'])}"
        + (f" ({html.escape(p['allowed'])})" if p.get("allowed") else "")
        + "</li>"
        for p in problems
    )
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Spotcheck: error {status}</title></head><body><main>"
        f"<h1>Something went wrong ({status})</h1><ul>{items}</ul>"
        '<p><a href="/">Start again</a></p></main></body></html>'
    )
    return HTMLResponse(body, status_code=status)


def _page_error(request: Request, status: int, problems: list[dict[str, str]]) -> Response:
    """The web app's own error page in the visitor's language, else a plain one."""
    page = getattr(_pages, "error_page", None)
    if callable(page):
        try:
            response: Response = page(request, status)
        except Exception as exc:  # the plain page below still answers
            log.error("error page failed: %s", type(exc).__name__)
        else:
            return response
    return _html_error(status, problems)


def _error(
    request: Request,
    status: int,
    problems: list[dict[str, str]],
    headers: dict[str, str] | None = None,
) -> Response:
    if _wants_html(request):
        response: Response = _page_error(request, status, problems)
    else:
        response = JSONBytes({"detail": problems}, status_code=status)
    if headers:
        response.headers.update(headers)
    return response


def _allowed_methods(request: Request) -> list[str]:
    """Every method the API documents at this request's path (empty if none).

    Starlette's 405 names only the methods of the first route that matched
    the path; a path may have several (GET and DELETE of a session).
    """
    methods: set[str] = set()
    spec: dict[str, Any] = request.app.openapi()
    for template, operations in spec.get("paths", {}).items():
        pattern = "".join(
            "[^/]+" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[^}]+\})", template)
        )
        if re.fullmatch(pattern, request.url.path):
            methods |= {m.upper() for m in operations if m in _HTTP_METHODS}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})


def _install_error_handlers(app: FastAPI) -> None:
    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = list(exc.errors())
        status = 400 if any(e.get("type") == "json_invalid" for e in errors) else 422
        return _error(request, status, [_from_pydantic(e) for e in errors])

    async def on_input(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, InputError)
        errors = exc.errors if isinstance(exc, CombinedInputError) else [exc]
        return _error(request, 422, [_problem(e.field, e.message, e.allowed) for e in errors])

    async def on_spotcheck(request: Request, exc: Exception) -> Response:
        log.error("internal error: %s", type(exc).__name__)
        return _error(request, 500, [_problem("", "internal error")])

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 405:
            allowed = _allowed_methods(request)
            if allowed:
                exc.headers = {**(exc.headers or {}), "Allow": ", ".join(allowed)}
        detail = exc.detail
        problems = (
            [_problem("", str(detail))]
            if not isinstance(detail, list)
            else [d if isinstance(d, dict) else _problem("", str(d)) for d in detail]
        )
        if exc.status_code == 400 and not isinstance(detail, list):
            # FastAPI's own "error parsing the body" (a 5,000-digit integer, JSON
            # nested 1,000 deep, bytes that are not UTF-8): name the body.
            problems = [_problem("body", f"malformed JSON: {detail}", _ALLOWED["json_invalid"])]
        return _error(request, exc.status_code, problems, dict(exc.headers or {}))

    async def on_database(request: Request, exc: Exception) -> Response:
        log.error("database error: %s", type(exc).__name__)
        return _error(
            request,
            503,
            [_problem("", "the session database is unavailable; try again shortly")],
            {"Retry-After": "5"},
        )

    async def on_anything(request: Request, exc: Exception) -> Response:
        # Logged with its type only: a message could quote the user's input.
        log.error(
            "unhandled %s on %s %s",
            type(exc).__name__,
            request.method,
            redact_path(request.url.path),
        )
        return _error(request, 500, [_problem("", "internal error")])

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(InputError, on_input)
    app.add_exception_handler(SpotcheckError, on_spotcheck)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(DBAPIError, on_database)
    app.add_exception_handler(PoolTimeout, on_database)
    app.add_exception_handler(Exception, on_anything)


_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Spotcheck API</title>
<link rel="stylesheet" href="{root}/docs/assets/swagger-ui.css">
</head><body><div id="swagger-ui" data-openapi="{root}/openapi.json"></div>
<script src="{root}/docs/assets/swagger-ui-bundle.js"></script>
<script src="{root}/docs/init.js"></script>
</body></html>
"""

# An external script, not an inline one, so the strict CSP holds on /docs too.
_DOCS_INIT = """\
"use strict";
(function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
"""


def _swagger_assets() -> Path | None:
    """Swagger UI's files, shipped by the fastapi-standalone-docs package (not imported)."""
    spec = importlib.util.find_spec("fastapi_standalone_docs")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).resolve().parent / "static" / "swagger"
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def _install_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from locally installed assets (no CDN, no inline script)."""
    assets = _swagger_assets()
    if assets is None:  # the OpenAPI JSON is still served at /openapi.json
        return
    app.mount("/docs/assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = html.escape(request.scope.get("root_path", ""))
        return HTMLResponse(_DOCS_PAGE.format(root=root))

    @app.get("/docs/init.js", include_in_schema=False)
    async def docs_init() -> Response:
        return Response(_DOCS_INIT, media_type="text/javascript")


# --- the OpenAPI document, made to tell the truth ------------------------------------------

_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_FHIR_MEDIA = "application/fhir+json"
_OUTCOME = {"type": "object", "description": "A FHIR OperationOutcome."}


def _error_response(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema or _ERROR_REF}},
    }


def _truthful_openapi(spec: dict[str, Any]) -> dict[str, Any]:
    """Fix what FastAPI generates so that every answer the app gives is documented.

    * A custom response class made FastAPI declare every success response as
      ``{"$ref": ..., "type": "string"}``, which no response matches.
    * Validation errors have the app's one error shape (``ErrorBody``), not
      FastAPI's ``HTTPValidationError``.
    * The statuses the edge and the handlers answer with are listed: 400
      (malformed JSON), 404 (unknown session), 413, 415, 429 and 503 (the
      session database is unavailable).
    * FHIR endpoints answer ``application/fhir+json`` (errors as an OperationOutcome).
    """
    for path, operations in spec.get("paths", {}).items():
        fhir = path.startswith("/fhir") or path.endswith("/fhir")
        sessions = path.startswith("/api/v1/sessions")
        for method, op in operations.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            responses: dict[str, Any] = op["responses"]
            for response in responses.values():
                for media in response.get("content", {}).values():
                    schema = media.get("schema", {})
                    if "$ref" in schema:
                        schema.pop("type", None)
                    if schema.get("$ref", "").endswith("/HTTPValidationError"):
                        media["schema"] = dict(_ERROR_REF)
            has_body = method in ("post", "put", "patch")
            has_params = "{" in path or bool(op.get("parameters"))
            extra: dict[str, dict[str, Any]] = {}
            if has_body or has_params:
                extra["422"] = _error_response("Bad input: every bad field and what is allowed.")
            if has_body:
                extra["400"] = _error_response("Malformed body (field `body`).")
                extra["413"] = _error_response("Body too large.")
                extra["415"] = _error_response("The body is not JSON.")
            if "{" in path:
                extra["404"] = _error_response("No such session (or it expired).")
            if path != "/health":
                extra["429"] = _error_response("Rate limit reached (see Retry-After).")
            if sessions:
                extra["503"] = _error_response("The session database is unavailable; retry.")
            for status, response in extra.items():
                responses.setdefault(status, response)
            if fhir:
                for status, response in responses.items():
                    content = response.get("content") or {"application/json": {}}
                    schema = (
                        content.get("application/json", {}).get("schema")
                        if status.startswith("2")
                        else _OUTCOME
                    )
                    response["content"] = {_FHIR_MEDIA: {"schema": schema or {"type": "object"}}}
                    if status == "422":  # FastAPI's own validation (query parameters)
                        response["content"]["application/json"] = {"schema": dict(_ERROR_REF)}
    schemas = spec.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return spec


def _install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = _truthful_openapi(spec)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _purge_periodically(store: SessionStore, every_seconds: float) -> None:
    while True:
        await asyncio.sleep(every_seconds)
        try:
            purged = await run_in_threadpool(store.purge_expired)
        except Exception as exc:  # keep serving; try again next time
            log.warning("purging expired sessions failed: %s", type(exc).__name__)
        else:
            if purged:
                log.info("purged %d expired sessions", purged)


def _warm_up_parser(engine: Engine) -> None:
    from ..nlu import parser_for

    parser_for(engine.kb).warm_up()


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app; settings default to the environment (``Settings.from_env()``)."""
    settings = settings or Settings.from_env()
    engine = engine or Engine.default()
    database = Database(settings.database_url)
    store = SessionStore(
        database,
        engine,
        session_days=settings.session_days,
        unfinished_days=settings.unfinished_session_days,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        purged = await run_in_threadpool(store.prepare)
        if purged:
            log.info("purged %d expired sessions", purged)
        task = asyncio.create_task(_purge_periodically(store, settings.purge_minutes * 60))
        # Load the free-text pipelines in the background: the first parse
        # would otherwise wait several seconds for spaCy and the rules (docs/nlu.md).
        warm = asyncio.create_task(run_in_threadpool(_warm_up_parser, engine))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            with contextlib.suppress(Exception):  # a failed warm-up only costs time
                await warm
            database.dispose()

    app = FastAPI(
        title="Spotcheck",
        version=__version__,
        description=_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.database = database
    app.state.store = store
    app.state.vocabulary_cache = {}
    _install_error_handlers(app)
    _install_docs(app)
    _install_openapi(app)
    # Innermost: answers a well-formed POST /api/v1/assess itself (_fastpath.py).
    app.add_middleware(AssessFastPath)
    app.add_middleware(
        SecurityMiddleware,
        rate_limit=settings.rate_limit,
        max_body_bytes=settings.max_body_bytes,
        secret_key=settings.secret_key,
    )
    # Outermost: answers CORS preflights and adjusts the security headers (_cors.py).
    app.add_middleware(CorsMiddleware, origins=cors_origins())
    app.include_router(_api.health_router)
    for module in (_api, _parse, _fhir, _pages):
        app.include_router(module.router)
    return app
