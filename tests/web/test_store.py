"""The session store on SQLite and on PostgreSQL: validation first, merge, expiry, purge."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from spotcheck import Engine, FactError, InputError
from spotcheck.web import Database, SessionRecord, SessionStore
from spotcheck.web._app import _purge_periodically
from spotcheck.web._db import Base, SessionRow
from spotcheck.web._store import session_key

from .conftest import SESSION_COLUMNS, Clock, answers_for, load_vignettes, run_together


@pytest.fixture
def store(database: Database, engine: Engine, clock: Clock) -> SessionStore:
    store = SessionStore(database, engine, session_days=30, clock=clock)
    store.prepare()
    return store


def rows(database: Database) -> list[SessionRow]:
    with database.sessions() as db:
        return list(db.scalars(select(SessionRow)))


def count(database: Database) -> int:
    with database.sessions() as db:
        return int(db.scalar(select(func.count()).select_from(SessionRow)) or 0)


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def test_create_stores_validated_answers(store: SessionStore, engine: Engine) -> None:
    record = store.create({"sex": "female", "age": "31", "fever": "no"}, lang="ru")
    assert record.answers == {"age": 31, "fever": False, "sex": "female"}
    assert record.lang == "ru"
    assert record.kb_version == engine.version
    assert record.result is None  # the interview has more to ask
    assert record.created_at == record.updated_at
    assert record.expires_at - record.created_at == timedelta(days=30)
    assert store.get(record.id) == record


def test_ids_are_random_and_unguessable(store: SessionStore) -> None:
    ids = {store.create().id for _ in range(20)}
    assert len(ids) == 20
    assert all(len(i) == 43 for i in ids)  # 256 random bits, URL-safe


def test_a_session_row_keeps_only_the_answers_result_and_version(
    store: SessionStore, database: Database
) -> None:
    columns = {c["name"] for c in inspect(database.engine).get_columns("spotcheck_sessions")}
    assert columns == SESSION_COLUMNS


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"sex": "female", "age": 300}, "age"),
        ({"sex": "female", "smell": "yes"}, "smell"),
        ({"sex": "robot"}, "sex"),
    ],
)
def test_bad_answers_store_nothing(
    store: SessionStore, database: Database, answers: dict[str, Any], field: str
) -> None:
    with pytest.raises(InputError) as caught:
        store.create(answers)
    assert caught.value.field == field
    assert count(database) == 0


def test_contradictions_are_fact_errors(store: SessionStore, database: Database) -> None:
    with pytest.raises(FactError):
        store.create({"sex": "male", "pregnant": True})
    assert count(database) == 0


def test_unknown_language_is_refused(store: SessionStore, database: Database) -> None:
    with pytest.raises(InputError) as caught:
        store.create({}, lang="de")
    assert caught.value.field == "lang"
    assert count(database) == 0


def test_update_merges_and_slides_the_expiry(store: SessionStore, clock: Clock) -> None:
    record = store.create({"sex": "female"})
    clock.advance(days=10)
    updated = store.update_answers(record.id, {"age": 40})
    assert updated is not None
    assert updated.answers == {"sex": "female", "age": 40}
    assert updated.created_at == record.created_at
    assert updated.updated_at == clock.now
    assert updated.expires_at == clock.now + timedelta(days=30)
    again = store.update_answers(record.id, {"age": 41, "fever": None})
    assert again is not None
    assert again.answers == {"sex": "female", "age": 41, "fever": None}


def test_a_bad_update_changes_nothing(store: SessionStore, clock: Clock) -> None:
    record = store.create({"sex": "female", "age": 25})
    clock.advance(hours=1)
    with pytest.raises(InputError):
        store.update_answers(record.id, {"fever": True, "age": -3})
    with pytest.raises(FactError):
        store.update_answers(record.id, {"sex": "male", "pregnant": True})
    assert store.get(record.id) == record


def test_replace_answers_drops_the_old_ones(store: SessionStore) -> None:
    record = store.create({"sex": "female", "age": 25, "fever": True})
    replaced = store.replace_answers(record.id, {"sex": "female", "age": 26})
    assert replaced is not None
    assert replaced.answers == {"sex": "female", "age": 26}


@pytest.mark.parametrize("case", load_vignettes()[::8], ids=lambda c: str(c["id"]))
def test_answering_every_question_ends_in_the_engines_assessment(
    store: SessionStore, engine: Engine, case: dict[str, Any]
) -> None:
    record: SessionRecord | None = store.create(lang="en")
    asked = 0
    while record is not None and record.result is None:
        step = engine.next_step(record.answers)
        assert step is not None
        record = store.update_answers(record.id, answers_for(step.findings, case["facts"]))
        asked += 1
        assert asked < 40
    assert record is not None
    expected = engine.assess(record.answers, lang="en").to_dict()
    assert record.result == as_json(expected)
    assert engine.next_step(record.answers) is None
    assert store.get(record.id) == record


def test_delete_removes_the_row(store: SessionStore, database: Database) -> None:
    keep = store.create({"sex": "male"})
    gone = store.create({"sex": "female"})
    assert store.delete(gone.id) is True
    assert store.get(gone.id) is None
    assert [row.id for row in rows(database)] == [session_key(keep.id)]
    assert store.delete(gone.id) is False
    assert store.update_answers(gone.id, {"age": 30}) is None


@pytest.mark.parametrize(
    "bad_id",
    ["", "short", "x" * 65, "../../etc/passwd", "a" * 30 + "'; DROP TABLE x; --", "é" * 43],
)
def test_impossible_ids_are_unknown(store: SessionStore, bad_id: str) -> None:
    assert store.get(bad_id) is None
    assert store.update_answers(bad_id, {"age": 30}) is None
    assert store.delete(bad_id) is False


def test_expired_sessions_read_as_unknown_and_are_purged(
    store: SessionStore, database: Database, clock: Clock
) -> None:
    old = store.create({"sex": "female"})
    clock.advance(days=20)
    fresh = store.create({"sex": "male"})
    touched = store.create({"sex": "female"})
    clock.advance(days=10, seconds=1)  # old: 30 days + 1 s; the others 10 days
    assert store.get(old.id) is None
    assert count(database) == 2  # reading it deleted it
    clock.advance(days=15)
    assert store.update_answers(touched.id, {"age": 50}) is not None  # slides its expiry
    clock.advance(days=6)  # fresh: 31 days old; touched: 6 days since its change
    assert store.purge_expired() == 1
    assert [row.id for row in rows(database)] == [session_key(touched.id)]
    assert store.get(fresh.id) is None
    assert store.delete(fresh.id) is False


def test_prepare_purges_and_is_idempotent(
    store: SessionStore, database: Database, clock: Clock
) -> None:
    store.create()
    store.create()
    clock.advance(days=31)
    assert store.prepare() == 2
    assert store.prepare() == 0
    assert database.current_revision() == database.head_revision()


def test_concurrent_merges_lose_no_answer(store: SessionStore) -> None:
    """Eight threads each add one answer to the same session at once."""
    record = store.create({"sex": "female", "age": 35})
    findings = [
        "fever",
        "smoker",
        "iud",
        "anticoagulants",
        "known_polyp",
        "known_fibroids",
        "missed_pills",
        "alcohol_before_sex",
    ]
    errors = run_together(lambda f: store.update_answers(record.id, {f: False}), findings)
    assert errors == []
    final = store.get(record.id)
    assert final is not None
    assert {f: final.answers.get(f) for f in findings} == dict.fromkeys(findings, False)


def test_concurrent_first_start_ups_migrate_once(database_url: str, engine: Engine) -> None:
    databases = [Database(database_url) for _ in range(4)]
    errors = run_together(lambda db: SessionStore(db, engine).prepare(), databases)
    assert errors == []
    assert {db.current_revision() for db in databases} == {databases[0].head_revision()}
    for db in databases:
        db.dispose()


def test_the_migrations_match_the_model(store: SessionStore, database: Database) -> None:
    """Alembic's autogenerate finds nothing to add: the revisions and SessionRow agree."""
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_app_purges_periodically(store: SessionStore, database: Database, clock: Clock) -> None:
    store.create()
    clock.advance(days=31)
    assert count(database) == 1

    async def run() -> None:
        task = asyncio.create_task(_purge_periodically(store, 0.01))
        for _ in range(500):
            await asyncio.sleep(0.01)
            if count(database) == 0:
                break
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(run())
    assert count(database) == 0
