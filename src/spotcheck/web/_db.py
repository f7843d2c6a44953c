"""The session database: one table, SQLAlchemy 2, Alembic migrations.

A row holds only what continuing an interview needs: a random id, the
answers, the result, the language and knowledge-base version, and three
timestamps.  No names, no addresses, nothing about the client.

SQLite (the embedded default) and PostgreSQL are both supported.  The schema
is created and upgraded by Alembic (``migrations/`` beside this file), run
programmatically by :meth:`Database.migrate`; several processes starting at
once take a lock first (an advisory lock on PostgreSQL, ``flock`` on a
``<database>-migrate.lock`` file beside an SQLite database), so exactly one
of them migrates.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, DateTime, Dialect, Index, String, create_engine, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from .._errors import InputError

__all__ = ["Base", "Database", "SessionRow"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same in every process.
_PG_LOCK_KEY = 0x5A07C4EC
# How long a request waits for a lock before the app answers 503 (Retry-After):
# bounded, so a stuck writer costs a client seconds, not a worker's thread for 30 s.
LOCK_TIMEOUT_SECONDS = 5.0
# Execution option for a read-only check (``/health``): on SQLite it begins a
# deferred transaction instead of taking the write lock.
READ_ONLY = "spotcheck_read_only"


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# JSONB on PostgreSQL; a Python None is stored as SQL NULL, not JSON 'null'.
JSONData = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class Base(DeclarativeBase):
    pass


class SessionRow(Base):
    """One interview session (see the module docstring for what is not stored)."""

    __tablename__ = "spotcheck_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONData)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONData, nullable=True)
    kb_version: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # SHA-256 of the resume code, when one was asked for and not yet used.
    resume_key: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)

    __table_args__ = (
        Index("ix_spotcheck_sessions_expires_at", "expires_at"),
        Index("ix_spotcheck_sessions_resume_key", "resume_key", unique=True),
    )


def _parse_url(url: str | URL) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(
            "not a database URL",
            field="SPOTCHECK_DATABASE_URL",
            allowed="sqlite:///path/to/file.sqlite3 or postgresql+psycopg://user@host:port/db",
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(
            f"unsupported database {parsed.get_backend_name()!r}",
            field="SPOTCHECK_DATABASE_URL",
            allowed="sqlite or postgresql (postgresql+psycopg://...)",
        )
    return parsed


def _use_wal(cursor: Any) -> None:
    """WAL mode (readers never block the writer; processes share the file).

    It is a property of the file, set once.  Switching needs a moment alone
    with the file, and SQLite answers "locked" at once, without waiting,
    while another process has it open; so: check first, retry briefly.
    """
    for attempt in range(100):
        if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if attempt == 99:
                raise
            time.sleep(0.05)


def _sqlite_engine(url: URL) -> Engine:
    memory = url.database in (None, "", ":memory:")
    if not memory:
        assert url.database is not None
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": LOCK_TIMEOUT_SECONDS},
        # One shared connection for an in-memory database, else it would vanish.
        **({"poolclass": StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(LOCK_TIMEOUT_SECONDS * 1000)}")
        if not memory:
            _use_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not left in free pages (issue 13).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Take the write lock at the start of every transaction: a read followed
        # by a write (merging answers) can then never fail half-way on a lock
        # another process took in between; waiting is bounded by busy_timeout.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")  # a read never waits for a writer (WAL)
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """An engine, a session factory and the migrations for one database URL."""

    def __init__(self, url: str | URL) -> None:
        self.url = _parse_url(url)
        self.backend = self.url.get_backend_name()
        try:
            if self.backend == "sqlite":
                self.engine = _sqlite_engine(self.url)
            else:
                self.engine = create_engine(
                    self.url,
                    pool_pre_ping=True,
                    # Bounded waits: connecting, a row lock, a statement, the pool.
                    pool_timeout=LOCK_TIMEOUT_SECONDS,
                    connect_args={
                        "connect_timeout": int(LOCK_TIMEOUT_SECONDS),
                        "options": f"-c lock_timeout={int(LOCK_TIMEOUT_SECONDS * 1000)}",
                    },
                )
        except (NoSuchModuleError, ImportError) as exc:
            raise InputError(
                f"no driver for this database: {exc}",
                field="SPOTCHECK_DATABASE_URL",
                allowed="postgresql+psycopg://... (psycopg 3 is installed)",
            ) from None
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"

    def alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        return config

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self.alembic_config()).get_current_head()

    @contextlib.contextmanager
    def _migration_lock(self, conn: Connection) -> Iterator[None]:
        if self.backend == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
                conn.commit()
            return
        database = self.url.database
        if database in (None, "", ":memory:"):
            yield
            return
        assert database is not None
        # A lock file beside the database, never the database file itself:
        # closing any descriptor of the database file would silently drop the
        # POSIX locks SQLite holds on it in this process.
        with open(f"{database}-migrate.lock", "ab") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def migrate(self) -> None:
        """Bring the schema to the newest revision (``alembic upgrade head``)."""
        config = self.alembic_config()
        with self.engine.connect() as conn, self._migration_lock(conn):
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()

    def ping(self) -> None:
        """A trivial query that never waits for a writer (raises if unreachable)."""
        with self.engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True}).execute(text("SELECT 1"))

    def disk_full(self, minimum_free: int = 1 << 20) -> bool:
        """Whether the disk of an SQLite database has less than ``minimum_free`` bytes
        left (a session could not be saved); always ``False`` for PostgreSQL."""
        if self.backend != "sqlite" or self.url.database in (None, "", ":memory:"):
            return False
        assert self.url.database is not None
        try:
            free = shutil.disk_usage(Path(self.url.database).resolve().parent).free
        except OSError:
            return False
        return free < minimum_free

    def scrub(self) -> None:
        """After a delete on SQLite: copy the WAL into the database and empty it,
        so the deleted rows' old page images do not stay readable in ``-wal``.

        Best effort: a checkpoint cannot pass a reader that is still using an
        older snapshot; the next delete (or SQLite's own checkpoints) finish it.
        """
        if self.backend != "sqlite" or self.url.database in (None, "", ":memory:"):
            return
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def dispose(self) -> None:
        self.engine.dispose()
