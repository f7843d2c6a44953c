"""The FastAPI application factory.

Each router lives in its own module: ``_api`` (REST /api/v1), ``_pages``
(the patient web app), ``_fhir`` (FHIR endpoints) and ``_parse`` (free text).
"""

from __future__ import annotations

from fastapi import FastAPI

from ..engine import Engine
from . import _api, _fhir, _pages, _parse

__all__ = ["create_app"]


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the app (settings are read from the environment)."""
    app = FastAPI(title="Spotcheck", version="0.1.0", docs_url="/docs")
    app.state.engine = engine or Engine.default()
    for module in (_api, _parse, _fhir, _pages):
        app.include_router(module.router)
    return app
