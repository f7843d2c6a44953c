"""Settings of the web service, read from the environment.

Every setting has a safe default, so ``spotcheck serve`` runs with none set:

=========================== ========================================= ===================
variable                    meaning                                   default
=========================== ========================================= ===================
SPOTCHECK_DATABASE_URL      SQLAlchemy URL of the session database    sqlite:///spotcheck.sqlite3
                            (``postgresql+psycopg://user@host/db``)   (in the current dir)
SPOTCHECK_SESSION_DAYS      days after its last change a finished     30
                            session is deleted
SPOTCHECK_UNFINISHED_       the same for an interview left half-way   1
SESSION_DAYS
SPOTCHECK_RATE_LIMIT        requests per minute per client and        120
                            process (0 turns the limit off)
SPOTCHECK_MAX_BODY_BYTES    largest request body accepted             65536
SPOTCHECK_SECRET_KEY        secret for signing (random per process    random
                            when unset; CSRF does not need it)
SPOTCHECK_PURGE_MINUTES     how often expired sessions are purged     60
=========================== ========================================= ===================
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from .._errors import InputError

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]

DEFAULT_DATABASE_URL = "sqlite:///spotcheck.sqlite3"


def _number(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InputError(
            f"{raw!r} is not a number", field=name, allowed=f"a number >= {minimum:g}"
        ) from None
    if not value >= minimum:
        raise InputError(f"{raw} is too small", field=name, allowed=f"a number >= {minimum:g}")
    return value


@dataclass(frozen=True)
class Settings:
    """Configuration of one app instance (see the module docstring)."""

    database_url: str = DEFAULT_DATABASE_URL
    session_days: float = 30.0
    unfinished_session_days: float = 1.0
    rate_limit: int = 120
    max_body_bytes: int = 64 * 1024
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    purge_minutes: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the ``SPOTCHECK_*`` variables; a bad value raises :class:`InputError`."""
        env = os.environ if env is None else env
        secret = env.get("SPOTCHECK_SECRET_KEY", "").strip()
        return cls(
            database_url=env.get("SPOTCHECK_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            session_days=_number(env, "SPOTCHECK_SESSION_DAYS", 30.0, 0.01),
            unfinished_session_days=_number(env, "SPOTCHECK_UNFINISHED_SESSION_DAYS", 1.0, 0.01),
            rate_limit=int(_number(env, "SPOTCHECK_RATE_LIMIT", 120, 0)),
            max_body_bytes=int(_number(env, "SPOTCHECK_MAX_BODY_BYTES", 64 * 1024, 1024)),
            secret_key=secret or secrets.token_urlsafe(32),
            purge_minutes=_number(env, "SPOTCHECK_PURGE_MINUTES", 60.0, 0.1),
        )
