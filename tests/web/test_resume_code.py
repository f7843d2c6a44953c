"""Resume codes (issue 13): continue later with a code written down, not a link.

A code is 60 random bits in Crockford's base32, stored only as a hash,
works once, and moves the session to a new id, so the old link and the
used code open nothing.  On SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from spotcheck import Engine
from spotcheck.web import Database, SessionStore
from spotcheck.web._db import SessionRow
from spotcheck.web._store import new_resume_code, normalise_resume_code

from .conftest import Clock


@pytest.fixture
def store(database: Database, engine: Engine, clock: Clock) -> SessionStore:
    # An unfinished session lasts a day: its code must stop working with it.
    store = SessionStore(database, engine, session_days=30, unfinished_days=1, clock=clock)
    store.prepare()
    return store


def test_codes_are_easy_to_write_down_and_forgiving_to_type_back() -> None:
    codes = {new_resume_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 14
        assert code[4] == code[9] == "-"
        assert not set(code.replace("-", "")) & set("ILOU")  # nothing to misread
        assert normalise_resume_code(code) == code.replace("-", "")
    code = "7K2M-Q9XD-4TPB"
    assert normalise_resume_code(" 7k2m q9xd 4tpb ") == "7K2MQ9XD4TPB"
    assert normalise_resume_code("7K2M-Q9XD-4TPO") == "7K2MQ9XD4TP0"  # O read as zero
    for bad in ("", "7K2M-Q9XD", code + "X", "7K2M-Q9XD-4TP!", "U" * 12, None, 12):
        assert normalise_resume_code(bad) is None


def test_a_code_opens_the_session_once_under_a_new_id(
    store: SessionStore, database: Database
) -> None:
    record = store.create({"sex": "female", "age": 31, "bleeding_amount": "spotting"})
    issued = store.issue_resume_code(record.id)
    assert issued is not None
    assert issued.expires_at == record.expires_at

    resumed = store.resume(issued.code.lower().replace("-", " "))
    assert resumed is not None
    assert resumed.answers == record.answers
    assert resumed.id != record.id
    assert store.get(record.id) is None  # the old link no longer opens it
    assert store.get(resumed.id) == resumed
    assert store.resume(issued.code) is None  # used up
    with database.sessions() as db:
        stored = list(db.scalars(select(SessionRow.resume_key)))
    assert stored == [None]


def test_only_a_hash_of_the_code_is_stored(store: SessionStore, database: Database) -> None:
    record = store.create({"sex": "male", "age": 50})
    issued = store.issue_resume_code(record.id)
    assert issued is not None
    with database.sessions() as db:
        (key,) = db.scalars(select(SessionRow.resume_key))
    assert key is not None
    assert len(key) == 64
    assert issued.code.replace("-", "") not in key


def test_a_new_code_replaces_the_old_one(store: SessionStore) -> None:
    record = store.create({"sex": "female", "age": 40})
    first = store.issue_resume_code(record.id)
    second = store.issue_resume_code(record.id)
    assert first is not None
    assert second is not None
    assert first.code != second.code
    assert store.resume(first.code) is None
    assert store.resume(second.code) is not None


def test_codes_of_expired_forgotten_or_unknown_sessions_open_nothing(
    store: SessionStore, clock: Clock
) -> None:
    assert store.issue_resume_code("x" * 43) is None
    assert store.resume(new_resume_code()) is None
    forgotten = store.create({"sex": "female", "age": 22})
    code = store.issue_resume_code(forgotten.id)
    assert code is not None
    assert store.delete(forgotten.id)
    assert store.resume(code.code) is None

    unfinished = store.create({"sex": "female", "age": 22})
    code = store.issue_resume_code(unfinished.id)
    assert code is not None
    clock.now += timedelta(days=1, seconds=1)  # an unfinished session lasts a day
    assert store.resume(code.code) is None


def test_the_api_gives_and_takes_a_code(client: TestClient) -> None:
    created = client.post("/api/v1/sessions", json={"answers": {"sex": "female", "age": 31}})
    old_id = created.json()["id"]
    given = client.post(f"/api/v1/sessions/{old_id}/resume-code")
    assert given.status_code == 201
    code = given.json()["code"]

    resumed = client.post("/api/v1/sessions/resume", json={"code": code})
    assert resumed.status_code == 200
    body = resumed.json()
    assert body["id"] != old_id
    assert body["answers"] == {"age": 31, "sex": "female"}
    assert client.get(f"/api/v1/sessions/{old_id}").status_code == 404
    assert client.get(f"/api/v1/sessions/{body['id']}").status_code == 200

    again = client.post("/api/v1/sessions/resume", json={"code": code})
    assert again.status_code == 404
    assert again.json()["detail"][0]["field"] == "code"
    assert client.post(f"/api/v1/sessions/{old_id}/resume-code").status_code == 404


def test_the_api_names_the_field_of_a_bad_request(client: TestClient) -> None:
    missing = client.post("/api/v1/sessions/resume", json={})
    assert missing.status_code == 422
    assert "code" in missing.text
