"""``POST /api/v1/parse``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spotcheck import Engine
from spotcheck.web import Settings, create_app


@pytest.fixture
def client(tmp_path: Path, engine: Engine) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.sqlite3'}", rate_limit=0)
    with TestClient(create_app(settings, engine)) as test_client:
        yield test_client


def test_parse(client: TestClient, engine: Engine) -> None:
    response = client.post("/api/v1/parse", json={"text": "no fever, a few drops of blood"})
    assert response.status_code == 200
    data = response.json()
    assert data["lang"] == "en"
    assert data["facts"] == {"fever": False, "bleeding_amount": "spotting"}
    assert data["kb_version"] == engine.version
    fever = next(f for f in data["findings"] if f["finding"] == "fever")
    assert fever["negated"] is True
    assert fever["value"] is False


def test_parse_facts_feed_the_assessment(client: TestClient) -> None:
    parsed = client.post(
        "/api/v1/parse", json={"text": "Мне 29, беременна 6 недель, мажет, сильная боль справа"}
    ).json()
    assert parsed["lang"] == "ru"
    assessed = client.post("/api/v1/assess", json={"facts": parsed["facts"]})
    assert assessed.status_code == 200
    assert assessed.json()["triage"] in ("emergency", "emergency_ambulance")


def test_parse_reads_a_known_sex(client: TestClient) -> None:
    text = {"text": "Her first time and there was blood on me and the sheets."}
    plain = client.post("/api/v1/parse", json=text).json()
    his = client.post("/api/v1/parse", json={**text, "sex": "male"}).json()
    assert "partner_was_bleeding" not in plain["facts"]
    assert his["facts"]["partner_was_bleeding"] is True


@pytest.mark.parametrize(
    ("text", "status"),
    [("", "empty"), ("x" * 5001, "too_long"), ("zxcvbnm qwertyu", "gibberish")],
)
def test_bad_text_is_200_with_a_message(client: TestClient, text: str, status: str) -> None:
    response = client.post("/api/v1/parse", json={"text": text})
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == status
    assert data["message"]
    assert data["findings"] == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": 5},
        {"text": "x", "lang": "de"},
        {"text": "x", "extra": 1},
        {"text": "x", "sex": "man"},
    ],
)
def test_bad_request_is_422(client: TestClient, body: dict[str, object]) -> None:
    response = client.post("/api/v1/parse", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"]


def test_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/parse"]
