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

import hashlib
import logging
import math
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

__all__ = [
    "ResumeCode",
    "SessionRecord",
    "SessionStore",
    "finite_numbers",
    "new_resume_code",
    "new_session_id",
    "normalise_resume_code",
    "session_key",
    "valid_session_id",
]

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


# Resume codes: Crockford's base32 (no I, L, O or U, so nothing is misread),
# 12 characters = 60 random bits, shown as three groups of four.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 12
_CODE_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_resume_code() -> str:
    """A random code a person can write down, e.g. ``"7K2M-Q9XD-4TPB"``."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def normalise_resume_code(code: object) -> str | None:
    """The code as stored (upper case, no spaces or dashes, O read as 0, I and L as 1),
    or ``None`` when it cannot be a code."""
    if not isinstance(code, str) or len(code) > 40:
        return None
    cleaned = "".join(code.split()).replace("-", "").upper().translate(_CODE_READS_AS)
    if len(cleaned) != _CODE_LENGTH or not set(cleaned) <= set(_CODE_ALPHABET):
        return None
    return cleaned


def _resume_key(normalised: str) -> str:
    # A different prefix from session ids, so the two kinds of key never collide.
    return hashlib.sha256(f"resume:{normalised}".encode("ascii")).hexdigest()


log = logging.getLogger("spotcheck.web")


def finite_numbers(raw: Mapping[Any, Any]) -> dict[Any, Any]:
    """``raw`` with every integer too large for a float replaced by an infinity.

    JSON allows integers of any size; converting one of 10**309 or more to a
    float raises ``OverflowError`` deep in fact coercion (a 500).  As an
    infinity it is simply out of range, and the engine's :class:`InputError`
    names the finding and what it accepts.
    """
    out: dict[Any, Any] = {}
    for key, value in raw.items():
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                float(value)
            except OverflowError:
                value = math.inf if value > 0 else -math.inf
        out[key] = value
    return out


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


@dataclass(frozen=True)
class ResumeCode:
    code: str
    expires_at: datetime


def session_key(session_id: str) -> str:
    """What the database stores instead of the id: its SHA-256, in hex (64 characters).

    The id is 256 random bits, so a plain hash cannot be reversed or guessed;
    whoever reads the database (a backup, a leaked dump) cannot open a session.
    """
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


def _record(row: SessionRow, session_id: str) -> SessionRecord:
    return SessionRecord(
        id=session_id,
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
        unfinished_days: float | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.database = database
        self.engine = engine
        self.ttl = timedelta(days=session_days)
        # An interview left half-way is kept for a shorter time (by default as long).
        self.unfinished_ttl = min(self.ttl, timedelta(days=unfinished_days or session_days))
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
        return self.engine.facts(finite_numbers(answers))

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
        session_id = new_session_id()
        row = SessionRow(
            id=session_key(session_id),
            answers=facts.to_dict(),
            result=result,
            kb_version=self.engine.version,
            lang=lang,
            created_at=now,
            updated_at=now,
            expires_at=now + self._lifetime(result),
        )
        with self.database.sessions.begin() as db:
            db.add(row)
        return _record(row, session_id)

    def _lifetime(self, result: dict[str, Any] | None) -> timedelta:
        return self.ttl if result is not None else self.unfinished_ttl

    def get(self, session_id: str) -> SessionRecord | None:
        """The session, or ``None`` if unknown or expired (an expired one is deleted)."""
        if not valid_session_id(session_id):
            return None
        self._ensure_ready()
        with self.database.sessions.begin() as db:
            row = db.get(SessionRow, session_key(session_id))
            if row is None:
                return None
            if row.expires_at <= self.clock():
                db.delete(row)
                return None
            return _record(row, session_id)

    def update_answers(self, session_id: str, answers: Mapping[str, Any]) -> SessionRecord | None:
        """Merge ``answers`` into the session's, validate, recompute; ``None`` if unknown."""
        self._check_answers(answers)
        return self.change_answers(session_id, lambda old: {**old, **answers})

    def replace_answers(self, session_id: str, answers: Mapping[str, Any]) -> SessionRecord | None:
        """Like :meth:`update_answers` but the new answers replace all old ones.

        Only for callers that do not depend on what was stored: one that
        computed ``answers`` from a read of the session must use
        :meth:`change_answers`, or an answer saved in between is lost.
        """
        self._check_answers(answers)
        return self.change_answers(session_id, lambda _old: dict(answers))

    def change_answers(
        self,
        session_id: str,
        change: Callable[[dict[str, Any]], Mapping[str, Any]],
    ) -> SessionRecord | None:
        """Read, change and write the answers in one transaction; ``None`` if unknown.

        ``change`` gets the answers as stored (under a row lock on PostgreSQL,
        the write lock on SQLite) and returns all the new answers, so a
        change computed from a read can never overwrite an answer another
        request saved in between (issue 13: "change an earlier answer" lost
        acknowledged answers).  It may raise :class:`InputError` (or any
        :class:`~spotcheck.SpotcheckError`): nothing is written then.
        """
        if not valid_session_id(session_id):
            return None
        self._ensure_ready()
        with self.database.sessions.begin() as db:
            # Row lock on PostgreSQL; on SQLite the transaction already holds
            # the write lock (BEGIN IMMEDIATE), so concurrent changes never mix.
            row = db.scalars(
                select(SessionRow).where(SessionRow.id == session_key(session_id)).with_for_update()
            ).one_or_none()
            if row is None:
                return None
            now = self.clock()
            if row.expires_at <= now:
                db.delete(row)
                return None
            answers = change(dict(row.answers))
            self._check_answers(answers)
            # Raises InputError before anything is written: the transaction
            # rolls back and the stored session stays as it was.
            facts = self._facts(answers)
            row.answers = facts.to_dict()
            row.result = self._result(facts, row.lang)
            row.kb_version = self.engine.version
            row.updated_at = now
            row.expires_at = now + self._lifetime(row.result)
            db.flush()
            return _record(row, session_id)

    def issue_resume_code(self, session_id: str) -> ResumeCode | None:
        """A new resume code for the session (an earlier one stops working); ``None`` if unknown.

        Only its hash is stored.  Whoever has the code can open the session
        once, until the session expires.
        """
        if not valid_session_id(session_id):
            return None
        self._ensure_ready()
        code = new_resume_code()
        with self.database.sessions.begin() as db:
            row = db.scalars(
                select(SessionRow).where(SessionRow.id == session_key(session_id)).with_for_update()
            ).one_or_none()
            if row is None or row.expires_at <= self.clock():
                return None
            row.resume_key = _resume_key(code.replace("-", ""))
            return ResumeCode(code, row.expires_at)

    def resume(self, code: str) -> SessionRecord | None:
        """Open the session a resume code belongs to; ``None`` if unknown, used or expired.

        The session gets a new id (the one returned): links to the old id stop
        working, and the code is used up, so a code seen over someone's
        shoulder later opens nothing.
        """
        normalised = normalise_resume_code(code)
        if normalised is None:
            return None
        self._ensure_ready()
        with self.database.sessions.begin() as db:
            row = db.scalars(
                select(SessionRow)
                .where(SessionRow.resume_key == _resume_key(normalised))
                .with_for_update()
            ).one_or_none()
            if row is None:
                return None
            if row.expires_at <= self.clock():
                db.delete(row)
                return None
            session_id = new_session_id()
            row.id = session_key(session_id)
            row.resume_key = None
            db.flush()
            return _record(row, session_id)

    @staticmethod
    def _check_answers(answers: object) -> None:
        if not isinstance(answers, Mapping):
            raise InputError("answers must be an object of finding id to value", field="answers")

    def delete(self, session_id: str) -> bool:
        """Delete the row ("forget me"); ``False`` if there was none."""
        if not valid_session_id(session_id):
            return False
        self._ensure_ready()
        with self.database.sessions.begin() as db:
            live = db.execute(
                delete(SessionRow).where(
                    SessionRow.id == session_key(session_id),
                    SessionRow.expires_at > self.clock(),
                )
            )
            # An expired row goes too, but reads as unknown (as in get()).
            gone = db.execute(delete(SessionRow).where(SessionRow.id == session_key(session_id)))
        if getattr(live, "rowcount", 0) or getattr(gone, "rowcount", 0):
            self._scrub()
        return bool(getattr(live, "rowcount", 0))

    def _scrub(self) -> None:
        """Leave nothing of deleted rows in SQLite's WAL file (see Database.scrub)."""
        try:
            self.database.scrub()
        except Exception as exc:  # the row is gone; the WAL empties at a later checkpoint
            log.warning("checkpoint after delete failed: %s", type(exc).__name__)

    def purge_expired(self) -> int:
        """Delete every expired session; returns how many."""
        self._ensure_ready()
        with self.database.sessions.begin() as db:
            deleted = db.execute(delete(SessionRow).where(SessionRow.expires_at <= self.clock()))
        count = int(getattr(deleted, "rowcount", 0))
        if count:
            self._scrub()
        return count
