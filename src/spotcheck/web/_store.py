"""Interview sessions: create, read, merge answers, forget, purge.

The store validates answers with the engine *before* anything is written,
so a bad answer raises :class:`~spotcheck.InputError` and leaves the stored
session exactly as it was.  Each write recomputes the result: the
assessment once the interview has stopped (``engine.next_step`` is
``None``), else ``None``.

Expiry slides: a session expires ``session_days`` after its last change.
An expired session reads as unknown (and is deleted when touched); all
expired rows are purged by :meth:`SessionStore.purge_expired`, which the app
runs at start-up and periodically.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from .._errors import InputError
from ..engine import Engine, Facts
from ._db import Database, SessionRow
from ._json import plain

__all__ = ["SessionRecord", "SessionStore", "new_session_id", "valid_session_id"]

_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def new_session_id() -> str:
    """A random, unguessable id: 256 bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def valid_session_id(session_id: object) -> bool:
    """Whether ``session_id`` could be an id at all (checked before any query)."""
    return (
        isinstance(session_id, str)
        and 16 <= len(session_id) <= 64
        and _ID_CHARS.issuperset(session_id)
    )


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SessionRecord:
    id: str
    answers: dict[str, Any]
    result: dict[str, Any] | None
    kb_version: str
    lang: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime

    @property
    def done(self) -> bool:
        """Whether the interview has stopped (the result is the assessment)."""
        return self.result is not None


def _record(row: SessionRow) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        answers=dict(row.answers),
        result=row.result,
        kb_version=row.kb_version,
        lang=row.lang,
        created_at=row.created_at,
        updated_at=row.updated_at,
        expires_at=row.expires_at,
    )


class SessionStore:
    """Sessions in a :class:`Database`, validated and computed by an :class:`Engine`."""

    def __init__(
        self,
        database: Database,
        engine: Engine,
        *,
        session_days: float = 30.0,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.database = database
        self.engine = engine
        self.ttl = timedelta(days=session_days)
        self.clock = clock
        self._ready = False
        self._ready_lock = threading.Lock()

    # --- setup ------------------------------------------------------------------

    def prepare(self) -> int:
        """Migrate the schema (once per store) and purge expired sessions."""
        self._ensure_ready()
        return self.purge_expired()

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                self.database.migrate()
                self._ready = True

    # --- computing --------------------------------------------------------------

    def _lang(self, lang: str) -> str:
        if lang not in self.engine.kb.languages:
            raise InputError(
                f"unsupported language {lang!r}",
                field="lang",
                allowed=", ".join(self.engine.kb.languages),
            )
        return lang

    def _facts(self, answers: Mapping[str, Any] | None) -> Facts:
        if answers is None:
            answers = {}
        if not isinstance(answers, Mapping):
            raise InputError("answers must be an object of finding id to value", field="answers")
        return self.engine.facts(answers)

    def _result(self, facts: Facts, lang: str) -> dict[str, Any] | None:
        if self.engine.next_step(facts) is not None:
            return None
        # JSON-shaped (lists, not tuples): what the database gives back too.
        result: dict[str, Any] = plain(self.engine.assess(facts, lang=lang))
        return result

    # --- the interface ----------------------------------------------------------

    def create(self, answers: Mapping[str, Any] | None = None, lang: str = "en") -> SessionRecord:
        """A new session (answers validated first; raises :class:`InputError`)."""
        lang = self._lang(lang)
        facts = self._facts(answers)
        result = self._result(facts, lang)
        self._ensure_ready()
        now = self.clock()
        row = SessionRow(
            id=new_session_id(),
            answers=facts.to_dict(),
            result=result,
            kb_version=self.engine.version,
            lang=lang,
            created_at=now,
            updated_at=now,
            expires_at=now + self.ttl,
        )
        with self.database.sessions.begin() as db:
            db.add(row)
        return _record(row)

    def get(self, session_id: str) -> SessionRecord | None:
        """The session, or ``None`` if unknown or expired (an expired one is deleted)."""
        if not valid_session_id(session_id):
            return None
        self._ensure_ready()
        with self.database.sessions.begin() as db:
            row = db.get(SessionRow, session_id)
            if row is None:
                return None
            if row.expires_at <= self.clock():
                db.delete(row)
                return None
            return _record(row)

    def update_answers(self, session_id: str, answers: Mapping[str, Any]) -> SessionRecord | None:
        """Merge ``answers`` into the session's, validate, recompute; ``None`` if unknown."""
        return self._write(session_id, answers, merge=True)

    def replace_answers(self, session_id: str, answers: Mapping[str, Any]) -> SessionRecord | None:
        """Like :meth:`update_answers` but the new answers replace all old ones
        (for "back": drop the answers given after a question)."""
        return self._write(session_id, answers, merge=False)

    def _write(
        self, session_id: str, answers: Mapping[str, Any], *, merge: bool
    ) -> SessionRecord | None:
        if not isinstance(answers, Mapping):
            raise InputError("answers must be an object of finding id to value", field="answers")
        if not valid_session_id(session_id):
            return None
        self._ensure_ready()
        with self.database.sessions.begin() as db:
            # Row lock on PostgreSQL; on SQLite the transaction already holds
            # the write lock (BEGIN IMMEDIATE), so concurrent merges never mix.
            row = db.scalars(
                select(SessionRow).where(SessionRow.id == session_id).with_for_update()
            ).one_or_none()
            if row is None:
                return None
            now = self.clock()
            if row.expires_at <= now:
                db.delete(row)
                return None
            merged = {**row.answers, **answers} if merge else dict(answers)
            # Raises InputError before anything is written: the transaction
            # rolls back and the stored session stays as it was.
            facts = self._facts(merged)
            row.answers = facts.to_dict()
            row.result = self._result(facts, row.lang)
            row.kb_version = self.engine.version
            row.updated_at = now
            row.expires_at = now + self.ttl
            db.flush()
            return _record(row)

    def delete(self, session_id: str) -> bool:
        """Delete the row ("forget me"); ``False`` if there was none."""
        if not valid_session_id(session_id):
            return False
        self._ensure_ready()
        with self.database.sessions.begin() as db:
            live = db.execute(
                delete(SessionRow).where(
                    SessionRow.id == session_id, SessionRow.expires_at > self.clock()
                )
            )
            # An expired row goes too, but reads as unknown (as in get()).
            db.execute(delete(SessionRow).where(SessionRow.id == session_id))
            return bool(getattr(live, "rowcount", 0))

    def purge_expired(self) -> int:
        """Delete every expired session; returns how many."""
        self._ensure_ready()
        with self.database.sessions.begin() as db:
            deleted = db.execute(delete(SessionRow).where(SessionRow.expires_at <= self.clock()))
            return int(getattr(deleted, "rowcount", 0))
