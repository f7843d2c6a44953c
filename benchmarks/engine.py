"""Benchmark of the Spotcheck engine: speed, and exactness against pgmpy.

What it measures, over a fixed collection of fact sets (the ``facts`` of every
case in ``tests/cases/vignettes.jsonl``, of ``../shared/vignettes/dev.jsonl``
when that file exists, and ~100 random fact sets drawn with
``numpy.random.default_rng(0)``):

* latency of ``Engine.assess``, ``Engine.next_question`` and
  ``Engine.posterior`` (the public calls, input validation included), and of
  the bare ``posterior(kb, facts)`` core on already validated facts;
* the exact posterior of the same model computed by pgmpy's
  ``VariableElimination`` on a ``DiscreteBayesianNetwork`` built from the
  knowledge base (root ``cause``, one child per finding), its query latency,
  and the largest absolute difference from the engine's posterior;
* the same for pyAgrum's ``LazyPropagation`` when ``pyagrum`` is importable
  (it is optional and not installed by ``make bench``).

Every latency is a set of single-call samples timed with
``time.perf_counter_ns`` after a warm-up, with the garbage collector paused;
medians (p50) and p90s are in microseconds.  ``speedup_vs_pgmpy`` compares
like with like: pgmpy's median query on prepared evidence over the engine's
median core posterior on validated facts; ``speedup_vs_pgmpy_public_call``
uses the public ``Engine.posterior``, raw-input validation included.

It prints exactly one JSON object on stdout; progress and diagnostics go to
stderr.  It exits with status 1 when a yardstick disagrees with the engine by
more than 1e-9 (the JSON is printed first).

Rerun it with ``make bench`` (installs pgmpy 1.1.2 without its torch/pyro
dependencies into ``.venv``, then runs this file), or, once pgmpy is installed,
``.venv/bin/python benchmarks/engine.py [--random N] [--repeats R]
[--yardstick-repeats R]``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import math
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from spotcheck import Engine, Facts, InputError
from spotcheck.engine._posterior import posterior as core_posterior
from spotcheck.kb import FactValue, KnowledgeBase
from spotcheck.kb._schema import FindingSpec

FloatArray = npt.NDArray[np.float64]
T = TypeVar("T")
U = TypeVar("U")

ROOT = Path(__file__).resolve().parent.parent
CASE_FILES = (
    ("vignettes", ROOT / "tests" / "cases" / "vignettes.jsonl", True),
    ("dev", ROOT.parent / "shared" / "vignettes" / "dev.jsonl", False),
)
CAUSE = "cause"
TOLERANCE = 1e-9
WARMUP_ROUNDS = 2


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- fact sets -------------------------------------------------------------------------


@dataclass(frozen=True)
class FactSet:
    """One input: raw facts as a caller gives them, and what they mean to the model."""

    name: str
    source: str
    raw: dict[str, Any]
    checked: Facts
    # finding -> index of the observed state within the finding's own states
    evidence: dict[str, int]


def evidence_of(kb: KnowledgeBase, facts: Facts) -> dict[str, int]:
    """The observed state (index among ``kb.states[fid]``) of every known finding."""
    out: dict[str, int] = {}
    for fid, value in facts.known().items():
        start, _ = kb.columns[fid]
        out[fid] = kb.column(fid, value) - start
    return out


def accept(engine: Engine, name: str, source: str, raw: dict[str, Any]) -> FactSet | None:
    """The fact set, or ``None`` when the engine rejects it (contradiction, bad input)."""
    try:
        checked = engine.facts(raw)
        engine.posterior(checked)  # raises FactError when no cause fits the facts
    except InputError as exc:
        log(f"skipped {name}: {exc}")
        return None
    return FactSet(name, source, raw, checked, evidence_of(engine.kb, checked))


def case_fact_sets(engine: Engine) -> tuple[list[FactSet], int]:
    sets: list[FactSet] = []
    rejected = 0
    for source, path, required in CASE_FILES:
        if not path.exists():
            if required:
                raise SystemExit(f"missing {path}")
            log(f"no {path}; skipping the {source} cases")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            case = json.loads(line)
            name = f"{source}:{case.get('id', number)}"
            accepted = accept(engine, name, source, dict(case["facts"]))
            if accepted is None:
                rejected += 1
            else:
                sets.append(accepted)
    return sets, rejected


def random_value(spec: FindingSpec, rng: np.random.Generator) -> FactValue:
    if spec.type == "bool":
        return bool(rng.integers(2))
    if spec.type == "enum":
        values = spec.values or []
        return values[int(rng.integers(len(values)))]
    assert spec.range is not None
    lo, hi = spec.range
    return float(rng.uniform(lo, hi))


def random_fact_sets(engine: Engine, count: int, seed: int = 0) -> tuple[list[FactSet], int]:
    """``count`` random fact sets the engine accepts: sex, age and 3-10 more findings."""
    kb = engine.kb
    rng = np.random.default_rng(seed)
    pool = [fid for fid in kb.findings if fid not in ("sex", "age")]
    sexes = kb.findings["sex"].values or []
    sets: list[FactSet] = []
    rejected = 0
    attempts = 0
    while len(sets) < count and attempts < 50 * count + 50:
        attempts += 1
        sex = sexes[int(rng.integers(len(sexes)))]
        raw: dict[str, Any] = {"sex": sex, "age": random_value(kb.findings["age"], rng)}
        eligible = [fid for fid in pool if kb.findings[fid].applies_to in ("any", sex)]
        size = int(rng.integers(3, 11))
        for index in rng.choice(len(eligible), size=size, replace=False):
            fid = eligible[int(index)]
            raw[fid] = random_value(kb.findings[fid], rng)
        accepted = accept(engine, f"random:{attempts}", "random", raw)
        if accepted is None:
            rejected += 1
        else:
            sets.append(accepted)
    if len(sets) < count:
        log(f"only {len(sets)} of {count} random fact sets were accepted")
    return sets, rejected


# --- yardsticks ------------------------------------------------------------------------


def prior_of(kb: KnowledgeBase) -> FloatArray:
    prior: FloatArray = np.exp(kb.log_prior)
    return prior


def block(kb: KnowledgeBase, fid: str, sex: str | None = None) -> FloatArray:
    """P(state | cause) of one finding, shape (conditions, states); for ``sex`` when given."""
    start, stop = kb.columns[fid]
    table: FloatArray = kb.tables(sex).table[:, start:stop]
    return table


def sex_dependent(kb: KnowledgeBase) -> list[str]:
    """Findings whose likelihoods differ by sex: in the network, children of sex too."""
    return [
        fid
        for fid in kb.findings
        if fid != "sex" and not np.array_equal(block(kb, fid, "female"), block(kb, fid, "male"))
    ]


class Pgmpy:
    """pgmpy's exact variable elimination over the knowledge base's network."""

    def __init__(self, kb: KnowledgeBase) -> None:
        with warnings.catch_warnings():
            # pgmpy 1.1 warns about its own deprecations on import.
            warnings.simplefilter("ignore")
            import pgmpy
            from pgmpy.factors.discrete import TabularCPD
            from pgmpy.inference import VariableElimination
            from pgmpy.models import DiscreteBayesianNetwork

        self.version: str = str(pgmpy.__version__)
        self.kb = kb
        causes = list(kb.condition_ids)
        by_sex = sex_dependent(kb)
        model = DiscreteBayesianNetwork(
            [(CAUSE, fid) for fid in kb.findings] + [("sex", fid) for fid in by_sex]
        )
        cpds = [
            TabularCPD(CAUSE, len(causes), prior_of(kb).reshape(-1, 1), state_names={CAUSE: causes})
        ]
        sexes = list(kb.states["sex"])
        for fid in kb.findings:
            if fid in by_sex:  # P(state | cause, sex): columns cause-major, then sex
                stacked = np.stack([block(kb, fid, s) for s in sexes], axis=1)
                cpds.append(
                    TabularCPD(
                        fid,
                        stacked.shape[2],
                        stacked.reshape(-1, stacked.shape[2]).T,
                        evidence=[CAUSE, "sex"],
                        evidence_card=[len(causes), len(sexes)],
                        state_names={fid: list(kb.states[fid]), CAUSE: causes, "sex": sexes},
                    )
                )
                continue
            table = block(kb, fid)
            cpds.append(
                TabularCPD(
                    fid,
                    table.shape[1],
                    table.T,  # pgmpy: rows are the child's states, columns the parent's
                    evidence=[CAUSE],
                    evidence_card=[len(causes)],
                    state_names={fid: list(kb.states[fid]), CAUSE: causes},
                )
            )
        model.add_cpds(*cpds)
        if not model.check_model():
            raise RuntimeError("pgmpy rejects the network built from the knowledge base")
        self.inference: Any = VariableElimination(model)

    def evidence(self, facts: FactSet) -> dict[str, str]:
        """Evidence by state name, prepared once per fact set (outside the timing)."""
        return {fid: self.kb.states[fid][i] for fid, i in facts.evidence.items()}

    def query(self, evidence: dict[str, str]) -> Any:
        return self.inference.query([CAUSE], evidence=evidence, show_progress=False)

    def posterior(self, evidence: dict[str, str]) -> FloatArray:
        """P(cause | evidence) in ``kb.conditions`` order, matched by state name."""
        factor = self.query(evidence)
        if list(factor.variables) != [CAUSE]:
            raise RuntimeError(f"pgmpy answered about {factor.variables}, not {CAUSE!r}")
        by_name = dict(zip(factor.state_names[CAUSE], np.ravel(factor.values), strict=True))
        return np.array([float(by_name[c]) for c in self.kb.condition_ids])


class PyAgrum:
    """pyAgrum's LazyPropagation (junction tree, C++) over the same network."""

    def __init__(self, kb: KnowledgeBase, gum: Any) -> None:
        if sex_dependent(kb):
            raise NotImplementedError("likelihoods that differ by sex (only pgmpy builds them)")
        self.version: str = str(gum.__version__)
        self.kb = kb
        bn = gum.BayesNet("spotcheck")
        cause = gum.LabelizedVariable(CAUSE, CAUSE, 0)
        for cid in kb.condition_ids:
            cause.addLabel(cid)
        bn.add(cause)
        for fid in kb.findings:
            var = gum.LabelizedVariable(fid, fid, 0)
            for state in kb.states[fid]:
                var.addLabel(state)
            bn.add(var)
            bn.addArc(CAUSE, fid)
        bn.cpt(CAUSE).fillWith(prior_of(kb).tolist())
        for fid in kb.findings:
            cpt = bn.cpt(fid)
            # The numpy view lists the variables in reverse: (cause, finding).
            order = [cpt.variable(i).name() for i in range(cpt.nbrDim())]
            if order != [fid, CAUSE]:
                raise RuntimeError(f"unexpected pyAgrum CPT layout for {fid}: {order}")
            cpt[:] = np.ascontiguousarray(block(kb, fid))
        self.engine: Any = gum.LazyPropagation(bn)
        self.engine.addTarget(CAUSE)
        labels = [cause.label(i) for i in range(cause.domainSize())]
        if labels != list(kb.condition_ids):
            raise RuntimeError("pyAgrum reordered the causes")

    def posterior(self, evidence: dict[str, int]) -> FloatArray:
        ie = self.engine
        ie.eraseAllEvidence()
        ie.setEvidence(evidence)  # an int is a state index, not a label
        ie.makeInference()
        out: FloatArray = np.asarray(ie.posterior(CAUSE).toarray(), dtype=np.float64)
        return out


def load_pyagrum() -> Any | None:
    try:
        import pyagrum
    except ImportError:
        return None
    return pyagrum


# --- timing ----------------------------------------------------------------------------


def sample_us(fn: Callable[[T], object], inputs: Sequence[T], repeats: int) -> list[float]:
    """Single-call latencies in microseconds: every input, ``repeats`` rounds."""
    for _ in range(WARMUP_ROUNDS):
        for x in inputs:
            fn(x)
    samples: list[float] = []
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        clock = time.perf_counter_ns
        for _ in range(repeats):
            for x in inputs:
                start = clock()
                fn(x)
                samples.append((clock() - start) / 1000)
    finally:
        if enabled:
            gc.enable()
    return samples


def paired_ratio(
    slow: Callable[[T], object],
    slow_inputs: Sequence[T],
    fast: Callable[[U], object],
    fast_inputs: Sequence[U],
    repeats: int,
) -> float:
    """Median over inputs of (slow median / fast median), timed back to back.

    Timing both on the same input one after the other cancels the drift of a
    shared machine (clock speed, neighbours), which otherwise swamps a ratio
    of two medians taken minutes apart.
    """
    ratios = []
    for a, b in zip(slow_inputs, fast_inputs, strict=True):
        slow_us = statistics.median(sample_us(slow, [a], repeats))
        fast_us = statistics.median(sample_us(fast, [b], repeats * 5))
        ratios.append(slow_us / fast_us)
    return statistics.median(ratios)


def quantile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.floor(q * len(ordered)))]


def summary(prefix: str, samples: Sequence[float]) -> dict[str, float]:
    return {
        f"{prefix}_p50_us": round(statistics.median(samples), 2),
        f"{prefix}_p90_us": round(quantile(samples, 0.9), 2),
    }


# --- comparison ------------------------------------------------------------------------


def engine_vector(engine: Engine, facts: Mapping[str, Any]) -> FloatArray:
    by_id = engine.posterior(facts)
    return np.array([by_id[c] for c in engine.kb.condition_ids])


def max_diff(
    name: str,
    engine: Engine,
    sets: Sequence[FactSet],
    other: Callable[[FactSet], FloatArray],
) -> float:
    """Largest |engine - other| over all fact sets and causes; logs the worst case."""
    worst, where = 0.0, ""
    for fs in sets:
        theirs = other(fs)
        if not np.all(np.isfinite(theirs)) or abs(float(theirs.sum()) - 1.0) > 1e-9:
            log(f"{name}: posterior for {fs.name} is not a distribution: sum={theirs.sum()!r}")
        diff = float(np.max(np.abs(engine_vector(engine, fs.raw) - theirs)))
        if not diff <= worst:  # also catches NaN
            worst, where = diff, fs.name
    log(f"{name}: max |engine - {name}| = {worst:.3g} (at {where or 'none'})")
    return worst


def version_of(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--random", type=int, default=100, help="random fact sets (default 100)")
    parser.add_argument("--repeats", type=int, default=10, help="timing rounds for the engine")
    parser.add_argument(
        "--yardstick-repeats", type=int, default=5, help="timing rounds for pgmpy and pyAgrum"
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()

    engine = Engine.default()
    kb = engine.kb
    cases, rejected_cases = case_fact_sets(engine)
    randoms, rejected_random = random_fact_sets(engine, args.random)
    sets = cases + randoms
    by_source = {s: sum(fs.source == s for fs in sets) for s in ("vignettes", "dev", "random")}
    log(
        f"{len(sets)} fact sets {by_source}; rejected: {rejected_cases} cases, "
        f"{rejected_random} random draws; model: {len(kb.conditions)} causes, "
        f"{len(kb.findings)} findings, {kb.table.shape[1]} states"
    )

    raws = [fs.raw for fs in sets]
    checked = [fs.checked for fs in sets]
    result: dict[str, Any] = {"n_fact_sets": len(sets), "n_fact_sets_by_source": by_source}
    result["n_rejected"] = {"cases": rejected_cases, "random_draws": rejected_random}

    # Correctness first (untimed).
    pgm = Pgmpy(kb)
    pgm_evidence = [pgm.evidence(fs) for fs in sets]
    evidence_by_name = {fs.name: ev for fs, ev in zip(sets, pgm_evidence, strict=True)}
    result["max_abs_diff_vs_pgmpy"] = max_diff(
        "pgmpy", engine, sets, lambda fs: pgm.posterior(evidence_by_name[fs.name])
    )
    core_diff = max(
        float(np.max(np.abs(core_posterior(kb, fs.checked) - engine_vector(engine, fs.raw))))
        for fs in sets
    )
    if core_diff != 0.0:
        log(f"core posterior differs from Engine.posterior by {core_diff:.3g}")

    gum = load_pyagrum()
    agrum = None
    if gum is not None:
        try:
            agrum = PyAgrum(kb, gum)
        except NotImplementedError as exc:
            log(f"pyAgrum skipped: {exc}")
    if agrum is not None:
        result["max_abs_diff_vs_pyagrum"] = max_diff(
            "pyagrum", engine, sets, lambda fs: agrum.posterior(fs.evidence)
        )
    else:
        log("pyagrum is not importable; skipping it")

    # Latency.
    log("timing the engine")
    result |= summary("assess", sample_us(engine.assess, raws, args.repeats))
    result |= summary("next_question", sample_us(engine.next_question, raws, args.repeats))
    posterior_us = sample_us(engine.posterior, raws, args.repeats)
    result |= summary("posterior", posterior_us)
    core_us = sample_us(lambda f: core_posterior(kb, f), checked, args.repeats)
    result |= summary("posterior_core", core_us)
    log("timing pgmpy")
    pgmpy_us = sample_us(pgm.query, pgm_evidence, args.yardstick_repeats)
    result |= summary("pgmpy_query", pgmpy_us)
    # Like for like: pgmpy gets prepared evidence, the core gets validated facts;
    # the ratio is taken per fact set, both timed back to back.
    result["speedup_vs_pgmpy"] = round(
        paired_ratio(
            pgm.query,
            pgm_evidence,
            lambda f: core_posterior(kb, f),
            checked,
            args.yardstick_repeats,
        ),
        1,
    )
    # The public call also validates raw input; reported for completeness.
    result["speedup_vs_pgmpy_public_call"] = round(
        statistics.median(pgmpy_us) / statistics.median(posterior_us), 1
    )
    if agrum is not None:
        log("timing pyagrum")
        agrum_us = sample_us(agrum.posterior, [fs.evidence for fs in sets], args.repeats)
        result |= summary("pyagrum_query", agrum_us)
        result["speedup_vs_pyagrum"] = round(
            statistics.median(agrum_us) / statistics.median(core_us), 2
        )

    diffs = {k: v for k, v in result.items() if k.startswith("max_abs_diff_vs_")}
    result["tolerance"] = TOLERANCE
    result["agrees"] = all(d <= TOLERANCE for d in diffs.values())
    result["repeats"] = {"engine": args.repeats, "yardsticks": args.yardstick_repeats}
    result["versions"] = {
        "spotcheck": engine.version,
        "kb": kb.version,
        "numpy": np.__version__,
        "pgmpy": pgm.version,
        "pyagrum": agrum.version if agrum is not None else None,
        "pandas": version_of("pandas"),
        "python": platform.python_version(),
    }
    result["wall_s"] = round(time.perf_counter() - began, 1)
    print(json.dumps(result))
    if not result["agrees"]:
        log(f"FAIL: a yardstick disagrees with the engine by more than {TOLERANCE:g}: {diffs}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
