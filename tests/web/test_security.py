"""Security at the edge: headers, CSRF, body and rate limits, private logs, settings."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from spotcheck import Engine, InputError
from spotcheck.web import Settings, create_app, require_csrf
from spotcheck.web._security import CSRF_COOKIE, RateLimiter, redact_path


def make_app(tmp_path: Path, engine: Engine, rate_limit: int = 0) -> FastAPI:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 's.sqlite3'}",
        rate_limit=rate_limit,
        max_body_bytes=2048,
    )
    app = create_app(settings, engine)

    # A page with a form and its POST handler, as the web app's routes use them.
    @app.get("/test-form", response_class=PlainTextResponse)
    async def form_page(request: Request) -> str:
        return str(request.state.csrf_token)

    @app.post("/test-form", dependencies=[Depends(require_csrf)])
    async def form_post() -> dict[str, bool]:
        return {"accepted": True}

    return app


@pytest.fixture
def client(tmp_path: Path, engine: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(tmp_path, engine)) as test_client:
        yield test_client


# --- headers ------------------------------------------------------------------------


def assert_security_headers(headers: object) -> None:
    assert hasattr(headers, "get")
    csp = headers.get("content-security-policy")
    assert csp is not None
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "http" not in csp  # no third-party origin at all
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "no-referrer"
    assert headers.get("x-frame-options") == "DENY"


def test_every_kind_of_response_has_the_security_headers(client: TestClient) -> None:
    responses = [
        client.post("/api/v1/assess", json={"facts": {}}),
        client.post("/api/v1/assess", json={"facts": {"age": 1}}),
        client.post("/api/v1/assess", content=b"{", headers={"content-type": "application/json"}),
        client.post("/api/v1/assess", content=b"x" * 5000),
        client.get("/api/v1/sessions/" + "a" * 43),
        client.get("/no/such/page", headers={"accept": "text/html"}),
        client.get("/health"),
        client.get("/docs"),
        client.get("/docs/assets/swagger-ui.css"),
        client.get("/openapi.json"),
        client.get("/test-form"),
        client.post("/test-form", data={"csrf_token": "forged"}),
    ]
    assert sorted({r.status_code for r in responses}) == [200, 400, 403, 404, 413, 422]
    for response in responses:
        assert_security_headers(response.headers)


def test_rate_limited_responses_have_them_too(tmp_path: Path, engine: Engine) -> None:
    with TestClient(make_app(tmp_path, engine, rate_limit=1)) as client:
        client.post("/api/v1/interview/next", json={"facts": {}})
        response = client.post("/api/v1/interview/next", json={"facts": {}})
        assert response.status_code == 429
        assert_security_headers(response.headers)


# --- CSRF ---------------------------------------------------------------------------------


def test_a_page_gets_a_csrf_cookie_and_token(client: TestClient) -> None:
    page = client.get("/test-form")
    cookie = page.headers["set-cookie"]
    token = page.text
    assert cookie.startswith(f"{CSRF_COOKIE}={token};")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes
    assert "secure" not in attributes  # plain HTTP here; see the HTTPS test
    assert len(token) >= 32
    # The cookie is kept: the next page has the same token and sets nothing.
    again = client.get("/test-form")
    assert again.text == token
    assert "set-cookie" not in again.headers


def test_the_cookie_is_secure_over_https(tmp_path: Path, engine: Engine) -> None:
    with TestClient(make_app(tmp_path, engine), base_url="https://testserver") as client:
        assert "; Secure" in client.get("/test-form").headers["set-cookie"]


def test_a_form_post_with_the_token_passes(client: TestClient) -> None:
    token = client.get("/test-form").text
    response = client.post("/test-form", data={"csrf_token": token, "answer": "yes"})
    assert response.status_code == 200
    assert response.json() == {"accepted": True}


def test_forged_form_posts_are_403(client: TestClient) -> None:
    token = client.get("/test-form").text
    attempts = [
        {},  # no token
        {"csrf_token": ""},
        {"csrf_token": token[:-1] + ("A" if token[-1] != "A" else "B")},
        {"csrf_token": "x" * len(token)},
    ]
    for data in attempts:
        response = client.post("/test-form", data=data)
        assert response.status_code == 403, data
    assert client.post("/test-form", json={"csrf_token": token}).status_code == 403
    # The right token without the cookie (another site's form) fails too.
    client.cookies.clear()
    response = client.post("/test-form", data={"csrf_token": token})
    assert response.status_code == 403
    assert "security token" in response.text


def test_api_responses_set_no_cookie(client: TestClient) -> None:
    for response in (
        client.post("/api/v1/assess", json={"facts": {}}),
        client.post("/api/v1/sessions", json={}),
        client.get("/health"),
        client.get("/openapi.json"),
    ):
        assert "set-cookie" not in response.headers


# --- body size -----------------------------------------------------------------------------


def test_a_declared_oversized_body_is_refused_unread(client: TestClient) -> None:
    response = client.post(
        "/api/v1/assess",
        content=b'{"facts": {}}' + b" " * 4000,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["detail"][0]["allowed"] == "at most 2048 bytes"


def test_a_streamed_oversized_body_is_refused(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"facts": {'
        for _ in range(100):
            yield b'"age": 30, ' * 5

    response = client.post(
        "/api/v1/assess", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert client.post("/api/v1/assess", json={"facts": {}}).status_code == 200


def test_a_body_at_the_limit_is_accepted(client: TestClient) -> None:
    body = b'{"facts": {}}'
    response = client.post(
        "/api/v1/assess",
        content=body + b" " * (2048 - len(body)),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200


# --- rate limit ----------------------------------------------------------------------------


def test_the_rate_limit_answers_429_with_retry_after(tmp_path: Path, engine: Engine) -> None:
    with TestClient(make_app(tmp_path, engine, rate_limit=5)) as client:
        codes = [
            client.post("/api/v1/interview/next", json={"facts": {}}).status_code for _ in range(7)
        ]
        assert codes == [200] * 5 + [429] * 2
        limited = client.post("/api/v1/assess", json={"facts": {}})
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 12
        assert "5 requests per minute" in limited.json()["detail"][0]["allowed"]
        assert client.get("/health").status_code == 200  # health checks never count


def test_token_buckets_refill_per_client() -> None:
    limiter = RateLimiter(60)  # one a second, bursts of 60
    assert all(limiter.check("a", now=0.0) == 0 for _ in range(60))
    assert limiter.check("a", now=0.0) == pytest.approx(1.0)
    assert limiter.check("b", now=0.0) == 0  # another client has its own bucket
    assert limiter.check("a", now=0.5) == pytest.approx(0.5)
    assert limiter.check("a", now=1.01) == 0
    assert limiter.check("a", now=1.02) > 0


def test_the_limiter_forgets_idle_clients() -> None:
    limiter = RateLimiter(60, max_clients=100)
    for i in range(1000):
        limiter.check(f"10.0.{i // 256}.{i % 256}", now=float(i))
    assert len(limiter) <= 101


# --- privacy of logs -------------------------------------------------------------------


def test_logs_hold_no_answers_ids_or_addresses(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="spotcheck")
    answers = {"sex": "female", "age": 67, "postmenopausal": True, "bleeding_amount": "heavy"}
    client.post("/api/v1/assess", json={"facts": answers})
    client.post("/api/v1/assess", json={"facts": {"age": 7}})
    created = client.post("/api/v1/sessions", json={"answers": answers}).json()
    client.put(f"/api/v1/sessions/{created['id']}/answers", json={"answers": {"fever": True}})
    client.delete(f"/api/v1/sessions/{created['id']}")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/api/v1/sessions/{id}" in text  # the access log is there ...
    for secret in (created["id"], "postmenopausal", "heavy", "67", "fever", "testclient"):
        assert secret not in text  # ... without answers, session ids or the client


def test_redact_path() -> None:
    assert redact_path("/api/v1/sessions/" + "A" * 43 + "/answers") == (
        "/api/v1/sessions/{id}/answers"
    )
    assert redact_path("/s/" + "b-_9" * 10) == "/s/{id}"
    assert redact_path("/api/v1/interview/next") == "/api/v1/interview/next"


# --- settings --------------------------------------------------------------------------------


def test_settings_defaults_and_environment() -> None:
    default = Settings.from_env({})
    assert default.database_url == "sqlite:///spotcheck.sqlite3"
    assert default.session_days == 30
    assert default.rate_limit == 120
    assert default.max_body_bytes == 64 * 1024
    assert len(default.secret_key) >= 32
    assert Settings.from_env({}).secret_key != default.secret_key  # random when unset
    custom = Settings.from_env(
        {
            "SPOTCHECK_DATABASE_URL": "postgresql+psycopg://app@db/spotcheck",
            "SPOTCHECK_SESSION_DAYS": "7",
            "SPOTCHECK_RATE_LIMIT": "0",
            "SPOTCHECK_MAX_BODY_BYTES": "8192",
            "SPOTCHECK_SECRET_KEY": "s3cret-s3cret-s3cret",
        }
    )
    assert custom.database_url == "postgresql+psycopg://app@db/spotcheck"
    assert (custom.session_days, custom.rate_limit, custom.max_body_bytes) == (7, 0, 8192)
    assert custom.secret_key == "s3cret-s3cret-s3cret"
    assert "s3cret" not in repr(custom)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SPOTCHECK_SESSION_DAYS", "forever"),
        ("SPOTCHECK_SESSION_DAYS", "0"),
        ("SPOTCHECK_RATE_LIMIT", "-1"),
        ("SPOTCHECK_MAX_BODY_BYTES", "10"),
    ],
)
def test_bad_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(InputError) as caught:
        Settings.from_env({name: value})
    assert caught.value.field == name


@pytest.mark.parametrize("url", ["mysql://x@y/z", "not a url", "oracle://a"])
def test_unsupported_databases_are_refused(url: str, engine: Engine) -> None:
    with pytest.raises(InputError) as caught:
        create_app(Settings(database_url=url), engine)
    assert caught.value.field == "SPOTCHECK_DATABASE_URL"
