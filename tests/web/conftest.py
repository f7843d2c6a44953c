"""Fixtures of the web-service tests: a real PostgreSQL cluster and both backends.

``postgres_url`` starts a throw-away PostgreSQL cluster once per test run
(Debian's binaries, as the ``postgres`` user when running as root, trust
authentication on 127.0.0.1 and a free port) and removes it afterwards.
Without PostgreSQL installed the tests that need it are skipped on a
developer's machine but FAIL under CI (``CI=true``): ``make test`` installs
it, so a missing server there is a broken build, not a reason to skip.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from spotcheck import Engine
from spotcheck.web import Database, Settings, create_app

BACKENDS = ["sqlite", "postgresql"]

# Everything a session row may hold: no names, no addresses (issue 3).
SESSION_COLUMNS = frozenset(
    {
        "id",
        "answers",
        "result",
        "kb_version",
        "lang",
        "created_at",
        "updated_at",
        "expires_at",
        "resume_key",  # a hash of the resume code, never the code
    }
)


def run_together(work: Callable[[Any], object], items: Sequence[Any]) -> list[BaseException]:
    """Run ``work(item)`` for every item in its own thread, all released at once.

    Returns the exceptions raised (the caller asserts there are none), so a
    race shows up as a failed assertion instead of a lost thread.
    """
    barrier = threading.Barrier(len(items))
    errors: list[BaseException] = []

    def run(item: Any) -> None:
        try:
            barrier.wait()
            work(item)
        except BaseException as exc:  # collected for the caller's assertion
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def postgres_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _missing_postgres() -> None:
    message = (
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
        "`make test` installs it (apt-get install postgresql)"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


class PostgresCluster:
    """A temporary cluster: initdb, pg_ctl start on a free loopback port, stop, remove."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="spotcheck-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:  # the server refuses to run as root
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *command: str | Path) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        done = subprocess.run(
            [*prefix, *map(str, command)], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        self._run("mkdir", "-p", self.sockets)
        self._run(
            self.bindir / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        # A test cluster: durability off, for speed.
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            self.bindir / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.root / "server.log",
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )

    def create_database(self, name: str) -> str:
        admin = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres",
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    bindir = postgres_bindir()
    if bindir is None:
        _missing_postgres()
        raise AssertionError("unreachable")  # pytest.skip/fail raise
    cluster = PostgresCluster(bindir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """A database in the session's cluster (tests clean it with ``reset_postgres``)."""
    return postgres_cluster.create_database("spotcheck_test")


def reset_postgres(url: str) -> None:
    """Drop everything the app created, so the next test migrates from scratch."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def clean_postgres_url(postgres_url: str) -> Iterator[str]:
    """The PostgreSQL database, empty before and after the test."""
    reset_postgres(postgres_url)
    yield postgres_url
    reset_postgres(postgres_url)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test that uses it runs once on SQLite (a file) and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sessions.sqlite3'}"
        return
    url: str = request.getfixturevalue("postgres_url")
    reset_postgres(url)
    yield url
    reset_postgres(url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, rate_limit=0)


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app on one backend, started (migrated) and stopped around the test."""
    with TestClient(create_app(settings, engine)) as test_client:
        yield test_client


@pytest.fixture
def stateless_client(tmp_path: Path, engine: Engine) -> Iterator[TestClient]:
    """The app on SQLite only, for endpoints that never touch the database."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.sqlite3'}", rate_limit=0)
    with TestClient(create_app(settings, engine)) as test_client:
        yield test_client


VIGNETTES = Path(__file__).resolve().parents[1] / "cases" / "vignettes.jsonl"


def load_vignettes() -> list[dict[str, Any]]:
    """The dev vignettes (id, facts, expected) that ship with the tests."""
    with VIGNETTES.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def answers_for(findings: Sequence[str], facts: Mapping[str, Any]) -> dict[str, Any]:
    """What a person with these facts answers to a question about ``findings``
    (``None``, "don't know", for what the vignette does not say)."""
    return {finding: facts.get(finding) for finding in findings}


# --- the session store's own tests (test_store, test_resume_code) ---


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()
