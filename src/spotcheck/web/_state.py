"""Typed access to what ``create_app`` puts on ``app.state`` (one place for every router)."""

from __future__ import annotations

from fastapi import Request

from ..engine import Engine
from ._store import SessionStore

__all__ = ["engine_of", "store_of"]


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def store_of(request: Request) -> SessionStore:
    store: SessionStore = request.app.state.store
    return store
