"""Benchmark of free-text parsing (``Engine.parse``): latency per message.

Messages (fixed and deterministic):

* short: every narrative of ``tests/cases/vignettes.jsonl`` and of
  ``../shared/vignettes/dev.jsonl`` (when present), and every message of the
  annotated sets ``tests/cases/nlu_en.jsonl`` and ``nlu_ru.jsonl``;
* long: per language, 25 messages of about 1,000 characters, each a shuffle
  (``random.Random(seed)``) of that language's short messages joined and cut
  at a word boundary just under 1,000 characters.

Timings, in milliseconds, with ``time.perf_counter_ns`` and the garbage
collector paused:

* ``start``: the first parse of each language in this process (imports spaCy
  and medspaCy, or pymorphy3, and builds the pipeline);
* ``first_pass``: every message once, right after start (caches of word
  analyses still filling, as for a server's first requests);
* ``steady``: every message ``--repeats`` more times (a warm server).

The target of issue 4 is p95 <= 20 ms on 1,000-character messages (steady);
``target_met`` reports it.  Prints one JSON object on stdout (progress on
stderr); ``--check`` exits 1 when the target is missed.

Run: ``make bench-parse`` or ``.venv/bin/python benchmarks/parse.py [--repeats R]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spotcheck import Engine
from spotcheck.nlu import Parser

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    (ROOT / "tests" / "cases" / "vignettes.jsonl", "narrative"),
    (ROOT.parent / "shared" / "vignettes" / "dev.jsonl", "narrative"),
    (ROOT / "tests" / "cases" / "nlu_en.jsonl", "text"),
    (ROOT / "tests" / "cases" / "nlu_ru.jsonl", "text"),
]
LONG_CHARS = 1000
LONG_PER_LANGUAGE = 25
TARGET_P95_MS = 20.0


def log(message: str) -> None:
    print(f"[bench-parse] {message}", file=sys.stderr, flush=True)


def short_messages() -> list[str]:
    out: list[str] = []
    for path, key in SOURCES:
        if not path.exists():
            log(f"skipping {path} (not found)")
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = str(json.loads(line).get(key, ""))
                if text:
                    out.append(text)
    return out


def long_messages(texts: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(LONG_PER_LANGUAGE):
        pool = list(texts)
        rng.shuffle(pool)
        joined = " ".join(pool)
        while len(joined) < LONG_CHARS:
            joined += " " + joined
        cut = joined[:LONG_CHARS]
        out.append(cut[: cut.rfind(" ")] if " " in cut else cut)
    return out


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter_ns()
    call()
    return (time.perf_counter_ns() - start) / 1e6


def parse_each(parser: Parser, texts: list[str]) -> list[float]:
    out = []
    for text in texts:
        start = time.perf_counter_ns()
        parser.parse(text)
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def summary(samples: list[float]) -> dict[str, float | int]:
    ordered = sorted(samples)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 3)

    return {
        "n": len(ordered),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="steady-state passes")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args()

    engine = Engine.default()
    start = {
        "en": timed(lambda: engine.parse("bleeding after sex")),
        "ru": timed(lambda: engine.parse("кровь после секса")),
    }
    log(f"start-up: {start}")
    short = short_messages()
    by_lang: dict[str, list[str]] = {"en": [], "ru": []}
    for text in short:
        lang = engine.parse(text).lang
        if lang in by_lang:
            by_lang[lang].append(text)
    groups = {
        "short": short,
        "long_en": long_messages(by_lang["en"], seed=1),
        "long_ru": long_messages(by_lang["ru"], seed=2),
    }
    for name, texts in groups.items():
        for text in texts:
            if engine.parse(text).status != "ok":
                raise SystemExit(f"benchmark message not understood ({name}): {text[:60]!r}")

    first: dict[str, list[float]] = {}
    steady: dict[str, list[float]] = {name: [] for name in groups}
    gc.disable()
    try:
        # The validation pass above warmed the caches; a fresh parser starts
        # with them empty, for an honest first pass.
        fresh = Parser(engine.kb)
        fresh.warm_up()
        for name, texts in groups.items():
            first[name] = parse_each(fresh, texts)
        for _ in range(args.repeats):
            for name, texts in groups.items():
                steady[name] += parse_each(fresh, texts)
    finally:
        gc.enable()

    long_steady = steady["long_en"] + steady["long_ru"]
    p95_long = summary(long_steady)["p95_ms"]
    report = {
        "benchmark": "parse",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "kb_version": engine.version,
        "start_ms": {k: round(v, 1) for k, v in start.items()},
        "chars": {
            name: {
                "mean": round(statistics.fmean(len(t) for t in texts)),
                "max": max(map(len, texts)),
            }
            for name, texts in groups.items()
        },
        "first_pass": {name: summary(s) for name, s in first.items()},
        "steady": {name: summary(s) for name, s in steady.items()},
        "long_steady_p95_ms": p95_long,
        "target_p95_ms": TARGET_P95_MS,
        "target_met": p95_long <= TARGET_P95_MS,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 1 if args.check and not report["target_met"] else 0


if __name__ == "__main__":
    sys.exit(main())
