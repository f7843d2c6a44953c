"""PostgreSQL specifics: a real server, JSONB columns, one migration for many processes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text

from spotcheck import Engine
from spotcheck.web import Database, SessionStore
from spotcheck.web._store import session_key

from .conftest import SESSION_COLUMNS, run_together


def test_the_cluster_is_a_real_postgresql_server(clean_postgres_url: str) -> None:
    database = Database(clean_postgres_url)
    with database.engine.connect() as conn:
        version = conn.execute(text("SELECT version()")).scalar_one()
    database.dispose()
    assert str(version).startswith("PostgreSQL ")


def test_sessions_use_jsonb_and_keep_nothing_else(clean_postgres_url: str, engine: Engine) -> None:
    database = Database(clean_postgres_url)
    store = SessionStore(database, engine)
    record = store.create({"sex": "female", "age": 44, "postmenopausal": False})
    with database.engine.connect() as conn:
        types = {
            row[0]: row[1]
            for row in conn.execute(
                text(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = 'spotcheck_sessions'"
                )
            )
        }
        stored = conn.execute(
            text("SELECT answers ->> 'age' FROM spotcheck_sessions WHERE id = :id"),
            {"id": session_key(record.id)},
        ).scalar_one()
    database.dispose()
    assert types["answers"] == "jsonb"
    assert types["result"] == "jsonb"
    assert types["expires_at"] == "timestamp with time zone"
    assert set(types) == SESSION_COLUMNS
    assert stored == "44"


def test_concurrent_start_ups_migrate_once(clean_postgres_url: str, engine: Engine) -> None:
    """Eight processes' worth of start-ups at once: the advisory lock lets one migrate."""
    databases = [Database(clean_postgres_url) for _ in range(8)]
    errors = run_together(lambda db: db.migrate(), databases)
    assert errors == []
    head = databases[0].head_revision()
    assert all(db.current_revision() == head for db in databases)
    tables: Any = inspect(databases[0].engine).get_table_names()
    assert sorted(tables) == ["alembic_version", "spotcheck_sessions"]
    for db in databases:
        db.dispose()
