"""``make bench-faults``: the web service under faults and load (issue 13), one JSON object.

Everything runs on 127.0.0.1 with throw-away databases, bounded in time:

* ``sqlite_lock``: another process holds SQLite's write lock for ``--lock-seconds``;
  the stateless ``/api/v1/assess`` p95 and ``/health`` must not notice, a
  session write gets a bounded ``503`` with ``Retry-After``.
* ``writers``: two tabs of one session on ``--workers 2``, one changing an
  earlier answer while the other answers the current question: acknowledged
  answers lost (must be 0), on SQLite and, when installed, PostgreSQL.
* ``kill_worker``: ``kill -9`` of a worker in the middle of interviews: every
  answer that was acknowledged must be in the database afterwards.
* ``postgres_stop``: PostgreSQL stopped for ``--pg-down-seconds`` under a
  session writer: ``503`` while it is down, seconds to recover after it returns.
* ``load``: ``/api/v1/assess`` against a hello-world FastAPI app on the same
  machine with the same client (``--load-seconds`` each): requests/s, p95 and
  the ratio to the ceiling.

* ``disk_full``: SQLite on a small tmpfs (``--tmpfs-mib``) that is then filled
  to the last byte: session writes must fail with ``503`` (never another 5xx),
  ``/health`` must say so, ``/assess`` must go on, no acknowledged answer may
  be lost, and writes must work again once space is freed.  Mounting needs
  root; elsewhere the scenario reports ``skipped``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.web.conftest: the throw-away PostgreSQL cluster

from spotcheck import Engine  # noqa: E402

START = {"sex": "female", "age": 31}
FACTS = {"sex": "female", "age": 31, "bleeding_amount": "spotting"}

HELLO = """
from fastapi import FastAPI
app = FastAPI()

@app.post("/api/v1/assess")
async def hello() -> dict[str, str]:
    return {"hello": "world"}

@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


class Server:
    """``spotcheck serve`` (or a hello-world app) in its own process group."""

    def __init__(self, folder: Path, database_url: str, workers: int = 1, hello: bool = False):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "SPOTCHECK_DATABASE_URL": database_url,
            "SPOTCHECK_RATE_LIMIT": "0",
            "PYTHONUNBUFFERED": "1",
        }
        if hello:
            (folder / "hello_app.py").write_text(HELLO)
            command = [
                sys.executable,
                "-m",
                "uvicorn",
                "hello_app:app",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ]
        else:
            command = [
                sys.executable,
                "-m",
                "spotcheck",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ]
        self.log = (folder / f"server-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("server did not start")

    def workers(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@contextlib.contextmanager
def serving(folder: Path, url: str, workers: int = 1, hello: bool = False) -> Iterator[Server]:
    server = Server(folder, url, workers, hello)
    try:
        yield server
    finally:
        server.stop()


def timed_assess(client: httpx.Client) -> tuple[float, int]:
    started = time.perf_counter()
    status = client.post("/api/v1/assess", json={"facts": FACTS}).status_code
    return (time.perf_counter() - started) * 1000, status


# --- scenarios ----------------------------------------------------------------------------


def sqlite_lock(folder: Path, seconds: float) -> dict[str, Any]:
    path = folder / "locked.sqlite3"
    with (
        serving(folder, f"sqlite:///{path}") as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        session_id = client.post("/api/v1/sessions", json={"answers": START}).json()["id"]
        baseline = [timed_assess(client)[0] for _ in range(200)]
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        write: dict[str, Any] = {}

        def writer() -> None:
            started = time.perf_counter()
            with httpx.Client(base_url=server.url, timeout=60) as other:
                response = other.put(
                    f"/api/v1/sessions/{session_id}/answers", json={"answers": {"age": 32}}
                )
            write.update(
                status=response.status_code,
                retry_after=response.headers.get("retry-after"),
                seconds=round(time.perf_counter() - started, 2),
            )

        thread = threading.Thread(target=writer)
        thread.start()
        locked: list[float] = []
        errors = 0
        deadline = time.monotonic() + seconds
        health_ms = []
        while time.monotonic() < deadline:
            ms, status = timed_assess(client)
            locked.append(ms)
            errors += status >= 500
            if len(locked) % 50 == 0:
                started = time.perf_counter()
                client.get("/health")
                health_ms.append((time.perf_counter() - started) * 1000)
        locker.rollback()
        locker.close()
        thread.join(timeout=60)
    return {
        "assess_p95_ms_unlocked": round(p95(baseline), 2),
        "assess_p95_ms_locked": round(p95(locked), 2),
        "assess_requests_while_locked": len(locked),
        "health_max_ms_locked": round(max(health_ms or [0.0]), 1),
        "unexpected_5xx": errors,
        "write_while_locked": write,
    }


def _fill(path: Path) -> None:
    """Write zeros to ``path`` until the disk is full."""
    block = b"\0" * 65536
    with contextlib.suppress(OSError), path.open("wb") as out:
        while True:
            out.write(block)
            out.flush()
            os.fsync(out.fileno())


def disk_full(folder: Path, mib: int) -> dict[str, Any]:
    mount = folder / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={mib}m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        return {"skipped": "cannot mount a tmpfs here (needs root)"}
    try:
        url = f"sqlite:///{mount / 'full.sqlite3'}"
        with (
            serving(folder, url) as server,
            httpx.Client(base_url=server.url, timeout=30) as client,
        ):
            stored: dict[str, dict[str, Any]] = {}
            for age in range(20, 30):
                made = client.post("/api/v1/sessions", json={"answers": {**START, "age": age}})
                stored[made.json()["id"]] = {**START, "age": age}
            filler = mount / "filler"
            _fill(filler)
            statuses: list[int] = []
            for n, session_id in enumerate(list(stored) * 2):
                answer = {"fever": n % 2 == 0}
                put = client.put(f"/api/v1/sessions/{session_id}/answers", json={"answers": answer})
                statuses.append(put.status_code)
                if put.status_code == 200:  # acknowledged even so: it must be kept
                    stored[session_id].update(answer)
            statuses.append(client.post("/api/v1/sessions", json={"answers": START}).status_code)
            health_full = client.get("/health").status_code
            assess_full = [timed_assess(client)[1] for _ in range(20)]
            filler.unlink()
            freed = time.monotonic()
            recovery: float | None = None
            probe = next(iter(stored))
            while time.monotonic() - freed < 10:
                put = client.put(
                    f"/api/v1/sessions/{probe}/answers", json={"answers": {"dysuria": False}}
                )
                if put.status_code == 200:
                    stored[probe]["dysuria"] = False
                    recovery = time.monotonic() - freed
                    break
                time.sleep(0.1)
            lost = sum(
                client.get(f"/api/v1/sessions/{sid}").json().get("answers") != answers
                for sid, answers in stored.items()
            )
            health_after = client.get("/health").status_code
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)
    return {
        "tmpfs_mib": mib,
        "writes_while_full": {str(code): statuses.count(code) for code in sorted(set(statuses))},
        "unexpected_5xx": sum(code >= 500 and code != 503 for code in statuses + assess_full),
        "health_while_full": health_full,
        "assess_ok_while_full": sum(code == 200 for code in assess_full),
        "answers_lost": lost,
        "recovery_seconds": None if recovery is None else round(recovery, 2),
        "health_after": health_after,
    }


def _tab_round(
    tabs: list[httpx.Client], token: str, age_step: str, current: str, form: dict[str, str], n: int
) -> tuple[str, dict[str, int]]:
    session_id = tabs[0].post("/api/v1/sessions", json={"answers": START}).json()["id"]
    results: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def post(which: str, tab: httpx.Client, data: dict[str, str]) -> None:
        barrier.wait()
        results[which] = tab.post(f"/s/{session_id}/answer", data=data).status_code

    base = {"csrf_token": token}
    threads = [
        threading.Thread(
            target=post,
            args=("change", tabs[0], {**base, "step": age_step, "number": str(40 + n % 2)}),
        ),
        threading.Thread(target=post, args=("answer", tabs[1], {**base, "step": current, **form})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return session_id, results


def writers(folder: Path, url: str, engine: Engine, rounds: int) -> dict[str, Any]:
    from spotcheck.web._pages import replay

    age_step = next(i.step.id for i in replay(engine, START).asked if "age" in i.answers)
    step = engine.next_step(START)
    assert step is not None
    question = engine.render(step, "en")
    form = (
        {"present": "unknown"}
        if question.kind == "group"
        else {"unknown": "1"}
        if question.kind == "number"
        else {"choice": "unknown"}
    )
    lost = acknowledged = errors = 0
    with serving(folder, url, workers=2) as server:
        with httpx.Client(base_url=server.url, timeout=30) as setup:
            page = setup.get("/")
            found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert found is not None
            cookies = dict(setup.cookies)
        tabs = [httpx.Client(base_url=server.url, timeout=30, cookies=cookies) for _ in range(2)]
        try:
            for n in range(rounds):
                session_id, results = _tab_round(tabs, found.group(1), age_step, step.id, form, n)
                errors += sum(status >= 500 for status in results.values())
                if results.get("answer") != 303:
                    continue
                acknowledged += 1
                stored = tabs[0].get(f"/api/v1/sessions/{session_id}").json()["answers"]
                if not set(step.findings) <= set(stored):
                    lost += 1
        finally:
            for tab in tabs:
                tab.close()
    return {"rounds": rounds, "acknowledged": acknowledged, "lost": lost, "unexpected_5xx": errors}


def kill_worker(folder: Path, engine: Engine, sessions: int) -> dict[str, Any]:
    from tests.web.conftest import answers_for, load_vignettes

    cases = load_vignettes()
    acknowledged: dict[str, dict[str, Any]] = {}
    failures = errors = killed = 0
    with serving(folder, f"sqlite:///{folder / 'kill.sqlite3'}", workers=2) as server:

        def killer(stop: threading.Event) -> None:
            nonlocal killed
            while not stop.wait(0.7):
                pids = server.workers()
                if pids:
                    os.kill(pids[0], signal.SIGKILL)
                    killed += 1

        stop = threading.Event()
        thread = threading.Thread(target=killer, args=(stop,))
        thread.start()
        try:
            with httpx.Client(base_url=server.url, timeout=10) as client:
                for n in range(sessions):
                    facts = cases[n % len(cases)]["facts"]
                    try:
                        session_id = client.post("/api/v1/sessions", json={}).json()["id"]
                    except (httpx.HTTPError, ValueError):
                        failures += 1
                        continue
                    acknowledged[session_id] = {}
                    answers: dict[str, Any] = {}
                    while (step := engine.next_step(answers)) is not None:
                        given = answers_for(step.findings, facts)
                        try:
                            response = client.put(
                                f"/api/v1/sessions/{session_id}/answers",
                                json={"answers": given},
                            )
                        except httpx.HTTPError:
                            failures += 1  # not acknowledged: ask again
                            continue
                        errors += response.status_code >= 500
                        if response.status_code == 200:
                            answers.update(given)
                            acknowledged[session_id] = dict(answers)
        finally:
            stop.set()
            thread.join()
        time.sleep(2)
        lost = 0
        with httpx.Client(base_url=server.url, timeout=10) as client:
            for session_id, answers in acknowledged.items():
                stored = client.get(f"/api/v1/sessions/{session_id}").json().get("answers", {})
                lost += sum(1 for key in answers if key not in stored)
    return {
        "workers_killed": killed,
        "sessions": len(acknowledged),
        "answers_acknowledged": sum(len(a) for a in acknowledged.values()),
        "answers_lost": lost,
        "connection_failures": failures,
        "unexpected_5xx": errors,
    }


def postgres_stop(folder: Path, down_seconds: float, engine: Engine, rounds: int) -> dict[str, Any]:
    from tests.web.conftest import PostgresCluster, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        return {"skipped": "PostgreSQL is not installed"}
    cluster = PostgresCluster(bindir)
    try:
        cluster.start()
        url = cluster.create_database("faults")
        concurrent = writers(folder, url, engine, rounds)
        with serving(folder, url) as server, httpx.Client(base_url=server.url, timeout=30) as c:
            session_id = c.post("/api/v1/sessions", json={"answers": START}).json()["id"]
            cluster._run(bindir / "pg_ctl", "-D", cluster.data, "-m", "fast", "-w", "stop")
            statuses: list[int] = []
            assess_errors = 0
            stopped = time.monotonic()
            while time.monotonic() - stopped < down_seconds:
                statuses.append(c.get(f"/api/v1/sessions/{session_id}").status_code)
                assess_errors += timed_assess(c)[1] >= 500
                time.sleep(0.2)
            options = (
                f"-p {cluster.port} -k {cluster.sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
            )
            cluster._run(
                bindir / "pg_ctl",
                "-D",
                cluster.data,
                "-l",
                cluster.root / "server.log",
                "-w",
                "-o",
                options,
                "start",
            )
            back = time.monotonic()
            recovered = None
            while time.monotonic() - back < 30:
                if c.get(f"/api/v1/sessions/{session_id}").status_code == 200:
                    recovered = round(time.monotonic() - back, 2)
                    break
                time.sleep(0.1)
    finally:
        cluster.stop()
    return {
        "down_seconds": down_seconds,
        "statuses_while_down": sorted(set(statuses)),
        "unexpected_5xx": sum(s >= 500 and s != 503 for s in statuses) + assess_errors,
        "recovery_seconds": recovered,
        "writers": concurrent,
    }


async def _load(url: str, seconds: float, connections: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    body = json.dumps({"facts": FACTS}).encode()
    headers = {"content-type": "application/json"}
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def one() -> None:
            nonlocal errors
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = await client.post("/api/v1/assess", content=body, headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200

        await asyncio.gather(*(one() for _ in range(connections)))
    return {
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(p95(latencies), 2),
        "errors": errors,
    }


def _wrk_load(url: str, seconds: float, folder: Path) -> dict[str, float]:
    """The same figures as :func:`_load`, measured by wrk (C, one thread, 8 connections)."""
    from api import run_wrk  # benchmarks/api.py, beside this file

    bodies = folder / "load-bodies.jsonl"
    bodies.write_text(json.dumps({"facts": FACTS}) + "\n", encoding="utf-8")
    figures = run_wrk(f"{url}/api/v1/assess", bodies, seconds, 8, 1)
    return {
        "requests_per_second": figures["requests_per_s"],
        "p50_ms": figures["latency_ms"]["p50"],
        "p95_ms": figures["latency_ms"]["p95"],
        "errors": figures["non_2xx"] + figures["socket_errors"],
    }


def _combined(runs: list[dict[str, float]]) -> dict[str, float]:
    """Several short runs as one: mean requests/s, median p50, worst p95, all errors."""
    return {
        "requests_per_second": round(statistics.mean(r["requests_per_second"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p95_ms": round(max(r["p95_ms"] for r in runs), 2),
        "errors": sum(int(r["errors"]) for r in runs),
    }


def load(folder: Path, seconds: float, workers: int, rounds: int = 4) -> dict[str, Any]:
    """``/assess`` against hello-world, with wrk when installed (a Python client
    competes with the servers for the same two cores), else httpx.

    Both servers stay up and are measured in turn, ``rounds`` times for
    ``seconds / rounds`` each, so that a slow spell of a shared machine falls on
    both; the ratio is the median of the rounds' ratios.
    """
    url = f"sqlite:///{folder / 'load.sqlite3'}"
    use_wrk = shutil.which("wrk") is not None
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    share = seconds / rounds

    def measure(target: str, span: float) -> dict[str, float]:
        if use_wrk:
            return _wrk_load(target, span, folder)
        return asyncio.run(_load(target, span, 8))

    pairs: list[tuple[dict[str, float], dict[str, float]]] = []
    with (
        serving(folder, url, workers=workers, hello=True) as hello,
        serving(folder, url, workers=workers) as app,
    ):
        for target in (hello.url, app.url):
            measure(target, 2)  # warm-up
        for _ in range(rounds):
            pairs.append((measure(hello.url, share), measure(app.url, share)))
    ratios = [a["requests_per_second"] / max(c["requests_per_second"], 1.0) for c, a in pairs]
    client = "wrk (1 thread, 8 connections)" if use_wrk else "httpx (Python, 8 connections)"
    return {
        "workers": workers,
        "client": f"{client}; the same client for both",
        "rounds": rounds,
        "hello_world": _combined([c for c, _ in pairs]),
        "assess": _combined([a for _, a in pairs]),
        "ratio_by_round": [round(r, 3) for r in ratios],
        "ratio_to_ceiling": round(statistics.median(ratios), 3),
    }


def _within(seconds: float | None, limit: float) -> bool:
    """A recovery time within the limit (None: it never recovered; 0.0 is instant)."""
    return seconds is not None and seconds <= limit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lock-seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--pg-down-seconds", type=float, default=12.0)
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tmpfs-mib", type=int, default=4)
    parser.add_argument("--only", choices=["load", "disk_full"], help="one scenario (for tuning)")
    args = parser.parse_args()
    engine = Engine.default()
    started = time.monotonic()
    report: dict[str, Any] = {"load_average_before": os.getloadavg()[0]}
    if args.only:
        with tempfile.TemporaryDirectory(prefix="spotcheck-faults-") as tmp:
            os.chmod(tmp, 0o755)
            if args.only == "load":
                report["load"] = load(Path(tmp), args.load_seconds, args.workers)
            else:
                report["disk_full"] = disk_full(Path(tmp), args.tmpfs_mib)
        print(json.dumps(report, indent=2))
        return
    with tempfile.TemporaryDirectory(prefix="spotcheck-faults-") as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)
        log("sqlite_lock ...")
        report["sqlite_lock"] = sqlite_lock(folder, args.lock_seconds)
        log("writers ...")
        report["writers"] = {
            "sqlite": writers(folder, f"sqlite:///{folder / 'w.sqlite3'}", engine, args.rounds)
        }
        log("kill_worker ...")
        report["kill_worker"] = kill_worker(folder, engine, args.sessions)
        log("postgres_stop ...")
        report["postgres_stop"] = postgres_stop(folder, args.pg_down_seconds, engine, args.rounds)
        if "writers" in report["postgres_stop"]:
            report["writers"]["postgresql"] = report["postgres_stop"].pop("writers")
        log("disk_full ...")
        report["disk_full"] = disk_full(folder, args.tmpfs_mib)
        log("load ...")
        report["load"] = load(folder, args.load_seconds, args.workers)
    lock = report["sqlite_lock"]
    pg = report["postgres_stop"]
    full = report["disk_full"]
    report["targets"] = {
        "no_acknowledged_answer_lost": all(w["lost"] == 0 for w in report["writers"].values())
        and report["kill_worker"]["answers_lost"] == 0
        and full.get("answers_lost", 0) == 0,
        "no_unexpected_5xx": sum(
            r.get("unexpected_5xx", 0)
            for r in (lock, *report["writers"].values(), report["kill_worker"], pg, full)
        )
        == 0,
        "disk_full_recovers_within_5_s": "skipped" in full
        or _within(full.get("recovery_seconds"), 5),
        "recovery_within_5_s": "skipped" in pg or _within(pg.get("recovery_seconds"), 5),
        "assess_unaffected_by_lock": lock["assess_p95_ms_locked"]
        <= max(3 * lock["assess_p95_ms_unlocked"], 50),
        "load_ratio_at_least_0.25": report["load"]["ratio_to_ceiling"] >= 0.25,
        "load_p95_at_most_30_ms": report["load"]["assess"]["p95_ms"] <= 30,
    }
    report["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
