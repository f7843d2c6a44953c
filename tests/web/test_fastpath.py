"""``POST /api/v1/assess`` answered by the fast path: the same bytes as the route.

The fast path (``web/_fastpath.py``) answers well-formed requests itself and
hands everything else to the FastAPI route.  These tests hold the two answers
equal byte for byte, show which requests take which path, and check that the
edge (headers, limits) still applies.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spotcheck import Engine
from spotcheck.web import Settings, _fastpath, create_app

from .conftest import load_vignettes

CASES = load_vignettes()

# Bodies the fast path must hand to the route (each has its own error there).
DECLINED = [
    b"not json",
    b"[]",
    b'{"facts": 1}',
    b'{"facts": {}, "extra": 1}',
    b'{"facts": {}, "lang": "de"}',
    b'{"facts": {}, "lang": 7}',
    b'{"facts": {"no_such_finding": true}}',
    b'{"facts": {"age": "old"}}',
    b'{"facts": {"age": 1' + b"0" * 400 + b"}}",
    b'{"facts": {"age": NaN}}',
    b'{"facts": {"sex": "male", "pregnant": true}}',
]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[bytes | None]:
    """Every answer the fast path gave (None: handed to the route)."""
    seen: list[bytes | None] = []
    real = _fastpath._answer

    def spy(engine: Engine, body: bytes) -> bytes | None:
        seen.append(answer := real(engine, body))
        return answer

    monkeypatch.setattr(_fastpath, "_answer", spy)
    return seen


def _via_route(client: TestClient, monkeypatch: pytest.MonkeyPatch, body: bytes) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(_fastpath, "_answer", lambda engine, body: None)
        return client.post(
            "/api/v1/assess", content=body, headers={"content-type": "application/json"}
        )


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c["id"]))
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_fast_answer_is_the_routes_answer_byte_for_byte(
    stateless_client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    counted: list[bytes | None],
    case: dict[str, Any],
    lang: str,
) -> None:
    body = json.dumps({"facts": case["facts"], "lang": lang}).encode()
    fast = stateless_client.post(
        "/api/v1/assess", content=body, headers={"content-type": "application/json"}
    )
    assert counted
    assert counted[-1] is not None, "a well-formed request takes the fast path"
    route = _via_route(stateless_client, monkeypatch, body)
    assert (fast.status_code, fast.content) == (route.status_code, route.content)
    assert fast.headers["content-type"] == route.headers["content-type"] == "application/json"
    assert fast.headers["content-length"] == str(len(fast.content))


def test_facts_and_lang_may_be_left_out(
    stateless_client: TestClient, monkeypatch: pytest.MonkeyPatch, counted: list[bytes | None]
) -> None:
    for body in (b"{}", b'{"facts": {}}', b'{"lang": "ru"}'):
        fast = stateless_client.post(
            "/api/v1/assess", content=body, headers={"content-type": "application/json"}
        )
        assert counted[-1] is not None
        assert fast.content == _via_route(stateless_client, monkeypatch, body).content


@pytest.mark.parametrize("body", DECLINED, ids=lambda b: b[:40].decode("latin-1"))
def test_anything_unusual_is_the_routes_to_answer(
    stateless_client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    counted: list[bytes | None],
    body: bytes,
) -> None:
    fast = stateless_client.post(
        "/api/v1/assess", content=body, headers={"content-type": "application/json"}
    )
    assert counted == [None]
    route = _via_route(stateless_client, monkeypatch, body)
    assert 400 <= fast.status_code < 500
    assert (fast.status_code, fast.content) == (route.status_code, route.content)
    assert "field" in fast.json()["detail"][0]


def test_the_edge_still_applies(stateless_client: TestClient, counted: list[bytes | None]) -> None:
    ok = stateless_client.post("/api/v1/assess", json={"facts": {"sex": "female", "age": 30}})
    assert counted[-1] is not None
    assert ok.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in ok.headers["content-security-policy"]
    wrong_type = stateless_client.post(
        "/api/v1/assess", content=b"{}", headers={"content-type": "text/plain"}
    )
    assert wrong_type.status_code == 415
    assert len(counted) == 1, "a refused media type never reaches the fast path"


def test_a_rate_limited_client_is_refused_before_the_fast_path(tmp_path: Any) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'rl.sqlite3'}", rate_limit=2)
    with TestClient(create_app(settings)) as client:
        codes = [client.post("/api/v1/assess", json={}).status_code for _ in range(4)]
    assert codes[:2] == [200, 200]
    assert codes[2:] == [429, 429]


def _asgi_post(app: Any, chunks: list[bytes], disconnect: bool = False) -> list[dict[str, Any]]:
    """Call the app directly with a body in several pieces; returns what it sent."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/assess",
        "raw_path": b"/api/v1/assess",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    if disconnect:
        messages = [*messages[:-1], {"type": "http.disconnect"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        async with app.router.lifespan_context(app):
            await app(scope, receive, send)

    asyncio.run(run())
    return sent


def test_a_body_in_pieces_is_read_whole(tmp_path: Any, engine: Engine) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", rate_limit=0))
    body = json.dumps({"facts": {"sex": "male", "age": 52, "blood_in_semen": True}}).encode()
    sent = _asgi_post(app, [body[:7], body[7:30], body[30:]])
    assert sent[0]["status"] == 200
    got = json.loads(sent[1]["body"])
    assert got["triage"] == engine.assess({"sex": "male", "age": 52, "blood_in_semen": True}).triage


def test_a_client_that_goes_away_gets_nothing(tmp_path: Any) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'd.sqlite3'}", rate_limit=0))
    assert _asgi_post(app, [b'{"facts": ', b"{}}"], disconnect=True) == []
