"""Load benchmark of the REST API: ``make bench-api``.

What it does, all on 127.0.0.1 and bounded in time:

1. starts ``spotcheck serve`` (``--workers`` processes, default one per core)
   on a free port, with a throw-away SQLite database and the rate limit off
   (``SPOTCHECK_RATE_LIMIT=0``: a load generator is one client and would
   otherwise be throttled to 120 requests a minute);
2. for each of ``POST /api/v1/assess`` and ``POST /api/v1/interview/next``
   runs Debian's ``wrk`` (``benchmarks/api.lua``) for ``--seconds`` after a
   short warm-up, with ``--connections`` keep-alive connections, posting in
   turn the facts of every case in ``tests/cases/vignettes.jsonl`` (for the
   interview: every prefix of each case's interview, so questions of all
   phases and final assessments are both measured);
3. stops the server and prints exactly one JSON object: requests/s and
   latency percentiles (ms) per endpoint, the server's CPU time per request
   (from /proc: a figure that other load on the machine hardly changes), the
   settings, the machine's load before the run, and whether the issue's target (>= 500 requests/s on
   /assess with p95 <= 50 ms) was met.

It exits with status 1 when any response was not 2xx or a socket failed
(the JSON is printed first).  Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "api.lua"
CASES = ROOT / "tests" / "cases" / "vignettes.jsonl"
TARGET_RPS = 500.0
TARGET_P95_MS = 50.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def load_cases() -> list[dict[str, Any]]:
    with CASES.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def interview_prefixes(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The facts posted at each step of each case's interview (answers from its facts)."""
    from spotcheck import Engine

    engine = Engine.default()
    bodies = []
    for case in cases:
        facts: dict[str, Any] = {}
        for _ in range(40):
            bodies.append({"facts": dict(facts)})
            step = engine.next_step(facts)
            if step is None:
                break
            facts.update({f: case["facts"].get(f) for f in step.findings})
    return bodies


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used) of a process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks


def server_cpu_seconds(root: int) -> float:
    """CPU time used so far by the server process and all its descendants (Linux)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _stat(int(entry.name))) is not None:
            parents[int(entry.name)], cpu[int(entry.name)] = found
    total = 0.0
    for pid, used in cpu.items():
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == root:
            total += used
    return total


def run_wrk(
    url: str, bodies: Path, seconds: float, connections: int, threads: int
) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url,
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_BODIES": str(bodies)},
        timeout=seconds + 60,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    found = re.search(r"^BENCH (\{.*\})$", done.stdout, re.MULTILINE)
    if not found:
        raise SystemExit(f"no figures in wrk's output:\n{done.stdout}")
    figures: dict[str, Any] = json.loads(found.group(1))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0, help="per endpoint, not counted")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        log("wrk is not installed: apt-get install wrk (`make bench-api` does it)")
        return 2
    cases = load_cases()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="spotcheck-bench-") as tmp:
        work = Path(tmp)
        assess_bodies = work / "assess.jsonl"
        assess_bodies.write_text(
            "".join(json.dumps({"facts": c["facts"]}) + "\n" for c in cases), encoding="utf-8"
        )
        next_bodies = work / "next.jsonl"
        prefixes = interview_prefixes(cases)
        next_bodies.write_text("".join(json.dumps(b) + "\n" for b in prefixes), encoding="utf-8")
        env = {
            **os.environ,
            "SPOTCHECK_DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
            "SPOTCHECK_RATE_LIMIT": "0",
        }
        log(f"starting spotcheck serve --workers {args.workers} on {url}")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "spotcheck",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        results: dict[str, Any] = {}
        try:
            wait_ready(url, server)
            for path, bodies in (
                ("/api/v1/assess", assess_bodies),
                ("/api/v1/interview/next", next_bodies),
            ):
                if args.warmup > 0:
                    run_wrk(url + path, bodies, args.warmup, args.connections, args.threads)
                log(f"POST {path}: {args.seconds:g} s, {args.connections} connections")
                cpu_before = server_cpu_seconds(server.pid)
                figures = run_wrk(url + path, bodies, args.seconds, args.connections, args.threads)
                cpu = server_cpu_seconds(server.pid) - cpu_before
                # The server's own CPU per request: what the rate would be with
                # every core to itself (the machine may be shared, wrk needs some).
                if figures["requests"]:
                    per_request = cpu / figures["requests"] * 1000
                    figures["server_cpu_ms_per_request"] = round(per_request, 3)
                    figures["requests_per_s_per_core"] = round(1000 / per_request, 1)
                results[f"POST {path}"] = figures
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()

    assess = results["POST /api/v1/assess"]
    met = assess["requests_per_s"] >= TARGET_RPS and assess["latency_ms"]["p95"] <= TARGET_P95_MS
    report = {
        "benchmark": "spotcheck REST API under wrk on 127.0.0.1",
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "wrk_threads": args.threads,
            "seconds_per_endpoint": args.seconds,
            "warmup_seconds": args.warmup,
            "http_parser": "httptools" if importlib.util.find_spec("httptools") else "h11",
            "event_loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
            "database": "sqlite (not used by these endpoints)",
            "rate_limit": "off",
        },
        "machine": {"cpus": os.cpu_count(), "load_average_before": list(load_before)},
        "bodies": {"assess": len(cases), "interview_next": len(prefixes)},
        "endpoints": results,
        "target": {
            "assess_requests_per_s": TARGET_RPS,
            "assess_p95_ms": TARGET_P95_MS,
            "met": met,
        },
    }
    print(json.dumps(report, indent=2))
    broken = any(r["non_2xx"] or r["socket_errors"] for r in results.values())
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
