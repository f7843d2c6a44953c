"""Issue 13: a request whose headers never finish is closed after
``SPOTCHECK_HEADER_TIMEOUT`` seconds (half-open connections are not held)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest

from spotcheck import InputError
from spotcheck.web._serve import header_timeout_from_env

from .test_workers import Server


def _closed_within(port: int, seconds: float) -> float | None:
    """Send half a request; the seconds until the server closes it, or None."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds + 5) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # no blank line: never complete
        started = time.monotonic()
        try:
            data = sock.recv(1024)
        except TimeoutError:
            return None
        return time.monotonic() - started if data == b"" else None


def test_half_open_requests_are_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTCHECK_HEADER_TIMEOUT", "1")
    server = Server(f"sqlite:///{tmp_path}/s.sqlite3", tmp_path, workers=2)
    try:
        server.wait_ready()
        waited = _closed_within(server.port, 1)
        assert waited is not None
        assert waited < 4
        # A complete request on the same server is answered as usual.
        assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200
    finally:
        server.stop()


@pytest.mark.parametrize("raw", ["0", "abc", "1000"])
def test_a_bad_header_timeout_names_the_variable(raw: str) -> None:
    with pytest.raises(InputError, match="SPOTCHECK_HEADER_TIMEOUT"):
        header_timeout_from_env({"SPOTCHECK_HEADER_TIMEOUT": raw})
