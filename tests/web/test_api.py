"""The REST API: the engine's answers over HTTP, sessions on both backends, clear errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from spotcheck import Engine
from spotcheck.web import Settings, create_app
from spotcheck.web._db import SessionRow

from .conftest import answers_for, load_vignettes

CASES = load_vignettes()
ERROR_KEYS = {"field", "message", "allowed"}


def plain(value: Any) -> Any:
    return json.loads(json.dumps(value))


def problems(response: Any) -> list[dict[str, str]]:
    """The error list, after checking its shape (and that no traceback leaks)."""
    assert "Traceback" not in response.text
    body = response.json()
    assert set(body) == {"detail"}
    assert body["detail"]
    for item in body["detail"]:
        assert set(item) == ERROR_KEYS
        assert all(isinstance(v, str) for v in item.values())
    detail: list[dict[str, str]] = body["detail"]
    return detail


# --- stateless endpoints -----------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c["id"]))
def test_assess_returns_the_engines_assessment(
    stateless_client: TestClient, engine: Engine, case: dict[str, Any]
) -> None:
    response = stateless_client.post("/api/v1/assess", json={"facts": case["facts"]})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == plain(engine.assess(case["facts"]).to_dict())


def test_assess_speaks_russian(stateless_client: TestClient, engine: Engine) -> None:
    facts = {"sex": "female", "age": 31, "bleeding_amount": "heavy"}
    english = stateless_client.post("/api/v1/assess", json={"facts": facts}).json()
    russian = stateless_client.post("/api/v1/assess", json={"facts": facts, "lang": "ru"}).json()
    assert russian == plain(engine.assess(facts, lang="ru").to_dict())
    assert russian["language"] == "ru"
    assert russian["triage"] == english["triage"]
    assert russian["triage_label"] != english["triage_label"]
    assert "ё" in json.dumps(russian, ensure_ascii=False) or any(
        "а" <= ch <= "я" for ch in russian["triage_label"].lower()
    )


def test_assess_has_everything_the_issue_asks_for(stateless_client: TestClient) -> None:
    body = stateless_client.post(
        "/api/v1/assess", json={"facts": {"sex": "female", "age": 52, "postmenopausal": True}}
    ).json()
    for key in ("triage", "causes", "must_not_miss", "advice", "safety_net", "kb_version"):
        assert key in body
    assert body["causes"][0]["probability"] > 0
    assert {"reasons_for", "reasons_against"} <= set(body["causes"][0])


@pytest.mark.parametrize("case", CASES[::5], ids=lambda c: str(c["id"]))
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_stateless_interview_runs_to_the_assessment(
    stateless_client: TestClient, engine: Engine, case: dict[str, Any], lang: str
) -> None:
    facts: dict[str, Any] = {}
    for _ in range(40):
        response = stateless_client.post(
            "/api/v1/interview/next",
            json={"facts": facts, "lang": lang, "continue_after_emergency": True},
        )
        assert response.status_code == 200
        body = response.json()
        if body["done"]:
            assert {"done", "assessment"} <= set(body)
            assert body["assessment"] == plain(engine.assess(facts, lang=lang).to_dict())
            return
        question = body["question"]
        expected = engine.next_question(facts, lang=lang)
        assert expected is not None
        assert question == plain(expected.to_dict())
        assert question["options"]  # at least "don't know"
        facts.update(answers_for(question["findings"], case["facts"]))
    pytest.fail("the interview did not end")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"facts": {"sex": "female", "age": 300}}, ["age"]),
        ({"facts": {"sex": "female", "age": "old"}}, ["age"]),
        ({"facts": {"sex": "female", "smell_of_roses": True}}, ["smell_of_roses"]),
        ({"facts": {"sex": "female", "bleeding_amount": "buckets"}}, ["bleeding_amount"]),
        ({"facts": {"sex": "female", "age": 300, "fever": "maybe"}}, ["age", "fever"]),
        ({"facts": {"sex": "male", "pregnant": True}}, ["pregnant"]),
        ({"facts": [1, 2]}, ["facts"]),
        ({"facts": {}, "lang": "de"}, ["lang"]),
        ({"facts": {}, "extra": 1}, ["extra"]),
        ({"facts": {}, "lang": 7}, ["lang"]),
        ([], ["body"]),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/assess", "/api/v1/interview/next"])
def test_bad_input_is_a_422_naming_each_field(
    stateless_client: TestClient, path: str, body: Any, fields: list[str]
) -> None:
    response = stateless_client.post(path, json=body)
    assert response.status_code == 422
    found = problems(response)
    assert [p["field"] for p in found] == fields
    assert all(p["message"] for p in found)


def test_422_says_what_is_allowed(stateless_client: TestClient) -> None:
    response = stateless_client.post(
        "/api/v1/assess", json={"facts": {"bleeding_amount": "buckets"}}
    )
    (problem,) = problems(response)
    assert problem["field"] == "bleeding_amount"
    for value in ("spotting", "light", "moderate", "heavy", "unknown"):
        assert value in problem["allowed"]


def test_contradictions_name_the_rule(stateless_client: TestClient) -> None:
    response = stateless_client.post(
        "/api/v1/assess", json={"facts": {"sex": "male", "pregnant": True}}
    )
    assert response.status_code == 422
    assert "sex=male" in problems(response)[0]["message"]


@pytest.mark.parametrize(
    "raw", [b"{", b'{"facts": {"age": 3', b"not json", b'{"facts": NaN}x', b"\xff\xfe"]
)
def test_malformed_json_is_a_400(stateless_client: TestClient, raw: bytes) -> None:
    response = stateless_client.post(
        "/api/v1/assess", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 422)
    if raw != b"\xff\xfe":
        assert response.status_code == 400
    assert problems(response)[0]["field"] == "body"


def test_a_body_that_is_not_json_is_refused(stateless_client: TestClient) -> None:
    response = stateless_client.post(
        "/api/v1/assess", content=b"sex=female", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415  # issue 13: was 422 "a valid dictionary"
    assert problems(response)[0]["field"] == "content-type"


def test_an_empty_body_is_refused(stateless_client: TestClient) -> None:
    response = stateless_client.post("/api/v1/assess")
    assert response.status_code == 422
    assert problems(response)[0]["field"] == "body"


def test_unknown_routes_and_methods(stateless_client: TestClient) -> None:
    assert stateless_client.get("/api/v1/nothing").status_code == 404
    response = stateless_client.get("/api/v1/assess")
    assert response.status_code == 405
    problems(response)


def test_internal_errors_are_500_without_a_traceback(tmp_path: Any, engine: Engine) -> None:
    class Broken(Engine):
        def assess(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("secret internals: /etc/passwd")

    broken = Broken(engine.kb)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", rate_limit=0)
    with TestClient(create_app(settings, broken), raise_server_exceptions=False) as client:
        response = client.post("/api/v1/assess", json={"facts": {"sex": "female"}})
        assert response.status_code == 500
        assert problems(response) == [{"field": "", "message": "internal error", "allowed": ""}]
        assert "passwd" not in response.text
        # ... and the server keeps serving.
        # (/interview/next assesses too, so it would fail the same way: ask for the vocabulary.)
        assert client.get("/api/v1/vocabulary").status_code == 200


# --- reference data and health -------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_vocabulary_lists_every_finding_condition_and_level(
    stateless_client: TestClient, engine: Engine, lang: str
) -> None:
    body = stateless_client.get("/api/v1/vocabulary", params={"lang": lang}).json()
    kb = engine.kb
    assert body["kb_version"] == engine.version
    assert body["language"] == lang
    assert [f["id"] for f in body["findings"]] == list(kb.findings)
    assert [c["id"] for c in body["conditions"]] == list(kb.condition_ids)
    assert [lvl["id"] for lvl in body["triage_levels"]] == list(kb.levels)
    amount = next(f for f in body["findings"] if f["id"] == "bleeding_amount")
    assert [v["value"] for v in amount["values"]] == ["spotting", "light", "moderate", "heavy"]
    assert amount["name"] == kb.text(lang).findings["bleeding_amount"].name
    age = next(f for f in body["findings"] if f["id"] == "age")
    assert age["type"] == "number"
    assert age["range"] == [12, 100]


def test_vocabulary_refuses_an_unknown_language(stateless_client: TestClient) -> None:
    response = stateless_client.get("/api/v1/vocabulary", params={"lang": "xx"})
    assert response.status_code == 422
    assert problems(response)[0]["field"] == "lang"


def test_health(client: TestClient, engine: Engine) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["kb_version"] == engine.version
    assert body["database"] in ("sqlite", "postgresql")


def test_health_is_503_when_the_database_is_unreachable(engine: Engine) -> None:
    settings = Settings(
        database_url="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"
    )
    client = TestClient(create_app(settings, engine))  # no start-up: it would fail to migrate
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    session = client.post("/api/v1/sessions", json={})
    assert session.status_code == 503
    assert session.headers["retry-after"]
    problems(session)
    # The stateless API does not need the database.
    assert client.post("/api/v1/assess", json={"facts": {}}).status_code == 200


def test_openapi_documents_every_endpoint(stateless_client: TestClient) -> None:
    spec = stateless_client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {"post"} <= set(paths["/api/v1/assess"])
    assert {"post"} <= set(paths["/api/v1/interview/next"])
    assert {"post"} <= set(paths["/api/v1/sessions"])
    assert {"get", "delete"} <= set(paths["/api/v1/sessions/{session_id}"])
    assert {"put"} <= set(paths["/api/v1/sessions/{session_id}/answers"])
    assert "/api/v1/vocabulary" in paths
    assert "/health" in paths
    assess = paths["/api/v1/assess"]["post"]
    assert "422" in assess["responses"]
    schema = json.dumps(assess["responses"]["200"])
    assert "Assessment" in schema


def test_docs_are_served_locally(stateless_client: TestClient) -> None:
    page = stateless_client.get("/docs")
    assert page.status_code == 200
    assert "<script>" not in page.text  # no inline script: the CSP forbids it
    assert "http://" not in page.text
    assert "https://" not in page.text
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        assert asset in page.text
        assert stateless_client.get(asset).status_code == 200
    init = stateless_client.get("/docs/init.js")
    assert init.status_code == 200
    assert "SwaggerUIBundle" in init.text


# --- sessions on both backends ------------------------------------------------------------


def session_rows(client: TestClient) -> int:
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.sessions() as db:
        return int(db.scalar(select(func.count()).select_from(SessionRow)) or 0)


def test_session_lifecycle(client: TestClient, engine: Engine) -> None:
    created = client.post("/api/v1/sessions", json={"lang": "ru"})
    assert created.status_code == 201
    body = created.json()
    session_id = body["id"]
    assert created.headers["location"] == f"/api/v1/sessions/{session_id}"
    assert body["done"] is False
    assert body["answers"] == {}
    first = engine.next_question({}, lang="ru")
    assert first is not None
    assert body["question"] == plain(first.to_dict())
    assert body["kb_version"] == engine.version

    got = client.get(f"/api/v1/sessions/{session_id}")
    assert got.status_code == 200
    assert got.json() == body

    put = client.put(f"/api/v1/sessions/{session_id}/answers", json={"answers": {"sex": "female"}})
    assert put.status_code == 200
    put = client.put(f"/api/v1/sessions/{session_id}/answers", json={"answers": {"age": "29"}})
    assert put.json()["answers"] == {"sex": "female", "age": 29}
    following = engine.next_question({"sex": "female", "age": 29}, lang="ru")
    assert following is not None
    assert put.json()["question"] == plain(following.to_dict())

    deleted = client.delete(f"/api/v1/sessions/{session_id}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert session_rows(client) == 0
    assert client.get(f"/api/v1/sessions/{session_id}").status_code == 404
    assert client.delete(f"/api/v1/sessions/{session_id}").status_code == 404


@pytest.mark.parametrize("case", CASES[3::12], ids=lambda c: str(c["id"]))
def test_a_session_interview_ends_in_the_assessment(
    client: TestClient, engine: Engine, case: dict[str, Any]
) -> None:
    body = client.post("/api/v1/sessions", json={}).json()
    for _ in range(40):
        if body["done"]:
            break
        answers = answers_for(body["question"]["findings"], case["facts"])
        response = client.put(f"/api/v1/sessions/{body['id']}/answers", json={"answers": answers})
        assert response.status_code == 200
        body = response.json()
    assert body["done"] is True
    assert body["question"] is None
    assert body["result"] == plain(engine.assess(body["answers"]).to_dict())
    assert client.get(f"/api/v1/sessions/{body['id']}").json() == body


def test_a_session_can_start_with_answers(client: TestClient, engine: Engine) -> None:
    facts = CASES[0]["facts"]
    body = client.post("/api/v1/sessions", json={"answers": facts}).json()
    assert body["answers"] == plain(engine.facts(facts).to_dict())


def test_bad_answers_change_nothing(client: TestClient) -> None:
    body = client.post("/api/v1/sessions", json={"answers": {"sex": "female"}}).json()
    url = f"/api/v1/sessions/{body['id']}/answers"
    for bad, fields in [
        ({"answers": {"age": 7, "fever": "perhaps"}}, ["age", "fever"]),
        ({"answers": {"pregnant": True, "sex": "male"}}, ["pregnant"]),
        ({"answers": "sex=male"}, ["answers"]),
        ({}, ["answers"]),
    ]:
        response = client.put(url, json=bad)
        assert response.status_code == 422, bad
        assert [p["field"] for p in problems(response)] == fields
    assert client.get(f"/api/v1/sessions/{body['id']}").json() == body


def test_a_session_with_bad_answers_is_not_created(client: TestClient) -> None:
    response = client.post("/api/v1/sessions", json={"answers": {"age": 1000, "sex": "x"}})
    assert response.status_code == 422
    assert {p["field"] for p in problems(response)} == {"age", "sex"}
    assert session_rows(client) == 0


@pytest.mark.parametrize(
    "session_id", ["0" * 43, "nope", "x" * 200, "%2e%2e%2fetc", "a" * 43 + ";drop"]
)
def test_unknown_sessions_are_404(client: TestClient, session_id: str) -> None:
    for response in (
        client.get(f"/api/v1/sessions/{session_id}"),
        client.put(f"/api/v1/sessions/{session_id}/answers", json={"answers": {}}),
        client.delete(f"/api/v1/sessions/{session_id}"),
    ):
        assert response.status_code == 404
        # An encoded slash makes it another (unknown) route, with no field to name.
        assert problems(response)[0]["field"] == ("" if "%2f" in session_id else "session_id")


def test_expired_sessions_are_404(client: TestClient) -> None:
    body = client.post("/api/v1/sessions", json={}).json()
    store = client.app.state.store  # type: ignore[attr-defined]
    real_clock = store.clock
    store.clock = lambda: real_clock() + store.ttl
    try:
        assert client.get(f"/api/v1/sessions/{body['id']}").status_code == 404
        assert session_rows(client) == 0
    finally:
        store.clock = real_clock
