"""More than one process: real ``spotcheck serve`` servers sharing one database.

Each server is a separate ``python -m spotcheck serve`` process on its own
free loopback port.  A session started on one continues on the other, on
SQLite and on PostgreSQL; ``--workers 2`` starts two worker processes.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from spotcheck import Engine

from .conftest import answers_for, free_port, load_vignettes

START_TIMEOUT = 90.0


class Server:
    """``spotcheck serve`` in a subprocess; stopped (with its workers) at the end."""

    def __init__(self, database_url: str, cwd: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "SPOTCHECK_DATABASE_URL": database_url,
            "SPOTCHECK_RATE_LIMIT": "0",
            "PYTHONUNBUFFERED": "1",
        }
        self.log = cwd / f"server-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "spotcheck",
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(workers),
                ],
                cwd=cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as one
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server not ready in {START_TIMEOUT} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def servers(database_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    first, second = Server(database_url, tmp_path), Server(database_url, tmp_path)
    try:
        first.wait_ready()
        second.wait_ready()
        yield first, second
    finally:
        first.stop()
        second.stop()


def test_a_session_continues_on_another_process(
    servers: tuple[Server, Server], engine: Engine
) -> None:
    one, two = servers
    case = load_vignettes()[5]
    with httpx.Client(base_url=one.url) as a, httpx.Client(base_url=two.url) as b:
        created = a.post("/api/v1/sessions", json={})
        assert created.status_code == 201
        body: dict[str, Any] = created.json()
        session = f"/api/v1/sessions/{body['id']}"
        clients = [a, b]
        turn = 0
        while not body["done"]:
            turn += 1
            assert turn < 40
            client = clients[turn % 2]  # alternate: every answer lands on the other process
            answers = answers_for(body["question"]["findings"], case["facts"])
            response = client.put(f"{session}/answers", json={"answers": answers})
            assert response.status_code == 200
            assert response.json()["answers"] == {**body["answers"], **response.json()["answers"]}
            body = response.json()
        assert turn >= 3
        assert a.get(session).json() == b.get(session).json() == body
        assert body["result"]["triage"] == engine.assess(body["answers"]).triage
        assert b.delete(session).status_code == 204
        assert a.get(session).status_code == 404


def test_serve_with_two_workers(tmp_path: Path) -> None:
    server = Server(f"sqlite:///{tmp_path / 'w.sqlite3'}", tmp_path, workers=2)
    try:
        server.wait_ready()
        children = [
            p
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _parent(p) == server.process.pid
        ]
        with httpx.Client(base_url=server.url) as client:
            timings = []
            for _ in range(30):  # keep-alive requests on one connection
                started = time.perf_counter()
                response = client.post("/api/v1/interview/next", json={"facts": {}})
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200
            created = client.post("/api/v1/sessions", json={"answers": {"sex": "male"}})
            assert client.get(f"/api/v1/sessions/{created.json()['id']}").status_code == 200
        # uvicorn's supervisor: two workers (plus, on spawn, a resource tracker).
        assert len(children) >= 2
        # Nagle's algorithm stays off on the workers' connections: with it on,
        # every keep-alive response waits ~40 ms for a delayed ACK.
        assert statistics.median(timings) < 0.035
    finally:
        server.stop()


def _parent(proc: Path) -> int:
    try:
        stat = (proc / "stat").read_text()
    except OSError:
        return -1
    return int(stat.rsplit(")", 1)[1].split()[1])


def _serve_once(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``spotcheck serve`` with options that make it exit by itself."""
    return subprocess.run(
        [sys.executable, "-m", "spotcheck", "serve", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


def test_serve_refuses_bad_options(tmp_path: Path) -> None:
    run = _serve_once(tmp_path, "--workers", "0")
    assert run.returncode == 2
    assert "--workers" in run.stderr
    assert "Traceback" not in run.stderr


def test_serve_migrate_only_creates_the_default_sqlite_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOTCHECK_")}
    run = _serve_once(tmp_path, "--migrate-only", env=env)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "spotcheck.sqlite3").is_file()
    assert "revision 0003" in run.stdout


def test_serve_reports_an_unreachable_database(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SPOTCHECK_DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:9/none?connect_timeout=2",
    }
    run = _serve_once(tmp_path, env=env)
    assert run.returncode == 2
    assert "SPOTCHECK_DATABASE_URL" in run.stderr
    assert "Traceback" not in run.stderr
