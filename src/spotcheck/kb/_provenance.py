"""Where the knowledge base's numbers come from, and which guesses matter most.

:func:`provenance_report` counts the numbers of each provenance kind (``cite``,
``derived``, ``expert``) per group and overall, and runs a sensitivity sweep:
every expert number in turn is made twice and half as likely (in odds), and the
largest change it causes in any posterior over a set of canonical
presentations ranks it.  A likelihood moves a posterior only once its finding
is reported, so it is swept on the presentations with its finding added, in
each of its states.  The top of that list is the next source to look for.

A "number" is one probability as written in the files: a prior, a yes/no
likelihood, one entry of a table, one entry of a profile or a leak.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._atoms import FactValue
from ._model import KnowledgeBase
from ._schema import Provenance, ProvenanceKind

__all__ = ["CANONICAL_PRESENTATIONS", "NumberRecord", "format_provenance", "provenance_report"]

FloatArray = npt.NDArray[np.float64]

KINDS: tuple[ProvenanceKind, ...] = ("cite", "derived", "expert")

# Presentations the sensitivity sweep looks at: the common ways people arrive.
CANONICAL_PRESENTATIONS: tuple[dict[str, FactValue], ...] = (
    {"sex": "female", "age": 19},
    {"sex": "female", "age": 22},
    {"sex": "female", "age": 30},
    {"sex": "female", "age": 30, "recurrent": True},
    {"sex": "female", "age": 40},
    {"sex": "female", "age": 50},
    {"sex": "female", "age": 50, "recurrent": True},
    {"sex": "female", "age": 60, "postmenopausal": True},
    {"sex": "female", "age": 60, "postmenopausal": True, "vaginal_dryness": True},
    {"sex": "female", "age": 28, "pregnant": True, "pregnancy_weeks": 7},
    {"sex": "female", "age": 30, "pregnant": True, "pregnancy_weeks": 24},
    {"sex": "female", "age": 25, "lower_abdominal_pain": "severe"},
    {"sex": "male", "age": 30},
    {"sex": "male", "age": 30, "blood_in_semen": True},
    {"sex": "male", "age": 55, "blood_in_semen": True},
)


@dataclass(frozen=True)
class NumberRecord:
    """One sourced entry of the files and how many numbers it holds."""

    group: str  # condition category, "findings" or "meta"
    where: str  # e.g. "cervical_cancer prior.female", "age profiles.cervical_cancer"
    kind: ProvenanceKind
    numbers: int
    sources: tuple[str, ...]
    prior: bool = False
    age_curve: bool = False
    cite: Provenance | None = None  # the provenance as written


def _count(p: float | Mapping[str, float] | None) -> int:
    if p is None:
        return 0
    return len(p) if isinstance(p, Mapping) else 1


def records(kb: KnowledgeBase) -> Iterator[NumberRecord]:
    """Every sourced entry of the knowledge base."""
    for sex, spec in kb.sex_weights.items():
        yield NumberRecord(
            "meta",
            f"sex_weights.{sex}",
            spec.source.kind,
            1,
            spec.source.source_ids,
            cite=spec.source,
        )
    for fid, f in kb.findings.items():
        if f.leak is not None and f.leak.p is not None and f.leak.source is not None:
            yield NumberRecord(
                "findings",
                f"{fid} leak",
                f.leak.source.kind,
                _count(f.leak.p),
                f.leak.source.source_ids,
                cite=f.leak.source,
            )
        for name, prof in f.profiles.items():
            yield NumberRecord(
                "findings",
                f"{fid} profiles.{name}",
                prof.source.kind,
                len(prof.p),
                prof.source.source_ids,
                age_curve=fid == "age",
                cite=prof.source,
            )
    for c in kb.conditions:
        for sex, prior in c.prior.items():
            yield NumberRecord(
                c.category,
                f"{c.id} prior.{sex}",
                prior.source.kind,
                1,
                prior.source.source_ids,
                prior=True,
                cite=prior.source,
            )
        for fid, lk in c.likelihoods.items():
            for suffix, one in (
                [("", lk)] if lk.by_sex is None else [(f" {s}", v) for s, v in lk.by_sex.items()]
            ):
                if one.p is None or one.source is None:
                    continue
                yield NumberRecord(
                    c.category,
                    f"{c.id} likelihoods.{fid}{suffix}",
                    one.source.kind,
                    _count(one.p),
                    one.source.source_ids,
                    cite=one.source,
                )


def _tally(recs: Sequence[NumberRecord]) -> dict[str, int]:
    out: dict[str, int] = dict.fromkeys(KINDS, 0)
    for r in recs:
        out[r.kind] += r.numbers
    return out


def _rows(kb: KnowledgeBase, facts: Mapping[str, FactValue]) -> list[int]:
    rows = [0]
    for fid, value in facts.items():
        col = kb.lookup.get((fid, value))
        if col is None:
            col = kb.columns[fid][0] + bisect.bisect_right(kb.bands[fid], float(value))
        rows.append(col + 1)
    return rows


def _posteriors(joint_t: FloatArray, rows: Sequence[Sequence[int]]) -> FloatArray:
    post = np.stack([np.multiply.reduce(joint_t[list(r)], axis=0) for r in rows])
    total = post.sum(axis=1, keepdims=True)
    out: FloatArray = np.divide(post, total, out=np.zeros_like(post), where=total > 0)
    return out


def _odds(p: FloatArray, factor: float) -> FloatArray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    o = p / (1 - p) * factor
    out: FloatArray = o / (1 + o)
    return out


@dataclass(frozen=True)
class _Swept:
    """Presentations a number is swept on: rows of the joint table, how likely each
    row is given its presentation, and which presentation each row came from."""

    rows: list[list[int]]
    weight: FloatArray
    group: npt.NDArray[np.int_]

    def change(self, post: FloatArray, base: FloatArray) -> float:
        """The largest expected change over presentations (a reported state counts
        as often as the model expects it)."""
        per_row = np.abs(post - base).max(axis=1) * self.weight
        return float(np.bincount(self.group, weights=per_row).max())


def _reported(
    kb: KnowledgeBase,
    cases: Sequence[Mapping[str, FactValue]],
    rows: Sequence[list[int]],
    fid: str | None,
) -> _Swept:
    """The presentations with ``fid`` reported: as given where a presentation gives
    it, else once per state of it (for the sex it applies to), each state weighted
    by its probability under the presentation."""
    out: list[list[int]] = []
    weight: list[float] = []
    group: list[int] = []
    for g, (facts, row) in enumerate(zip(cases, rows, strict=True)):
        if fid is None or fid in facts:
            out.append(row)
            weight.append(1.0)
            group.append(g)
            continue
        if kb.findings[fid].applies_to not in ("any", facts.get("sex")):
            continue
        start, stop = kb.columns[fid]
        joint = np.multiply.reduce(kb.joint_t[row], axis=0)
        states = kb.joint_t[1 + start : 1 + stop] @ joint / joint.sum()
        for k in range(stop - start):
            out.append([*row, start + k + 1])
            weight.append(float(states[k]))
            group.append(g)
    return _Swept(out, np.asarray(weight), np.asarray(group, dtype=np.int_))


def _sweep(
    kb: KnowledgeBase, recs: Sequence[NumberRecord], cases: Sequence[Mapping[str, FactValue]]
) -> list[dict[str, Any]]:
    """Largest change in any posterior when each expert entry is doubled or halved in odds."""
    given = [_rows(kb, c) for c in cases]
    index = kb.condition_index
    # which conditions use which profile
    users: dict[tuple[str, str], list[int]] = {}
    listed: dict[str, set[int]] = {}
    for i, c in enumerate(kb.conditions):
        for fid, lk in c.likelihoods.items():
            listed.setdefault(fid, set()).add(i)
            if lk.profile is not None:
                users.setdefault((fid, lk.profile), []).append(i)
    out: list[dict[str, Any]] = []
    for r in recs:
        if r.kind != "expert" or r.group == "meta":
            continue
        cid, _, rest = r.where.partition(" ")
        targets: list[tuple[list[int], str]] = []  # (condition rows, finding)
        if r.prior:
            targets = []
        elif rest.startswith("likelihoods."):
            # " female"/" male" after the finding: one sex's row (swept on the mixture).
            targets = [([index[cid]], rest.split(".", 1)[1].split(" ")[0])]
        elif rest == "leak":
            fid = cid
            spec = kb.findings[fid]
            rows_using = [
                i
                for i, c in enumerate(kb.conditions)
                if i not in listed.get(fid, set())
                and not (spec.type == "bool" and spec.applies_to not in ("any", *c.prior))
            ]
            targets = [(rows_using, fid)]
        elif rest.startswith("profiles."):
            fid, name = cid, rest.split(".", 1)[1]
            rows_using = list(users.get((fid, name), []))
            leak = kb.findings[fid].leak
            if leak is not None and leak.profile == name:
                rows_using += [
                    i for i in range(len(kb.conditions)) if i not in listed.get(fid, set())
                ]
            targets = [(rows_using, fid)]
        swept = _reported(kb, cases, given, targets[0][1] if targets else None)
        rows = swept.rows
        if not rows:  # a finding of the other sex than every presentation's
            out.append({"where": r.where, "numbers": r.numbers, "max_change": 0.0})
            continue
        base = _posteriors(kb.joint_t, rows)
        worst = 0.0
        for factor in (2.0, 0.5):
            joint = kb.joint_t.copy()
            if r.prior:
                joint[0, index[cid]] *= factor
            for conds, fid in targets:
                if not conds:
                    continue
                start, stop = kb.columns[fid]
                block = joint[1 + start : 1 + stop][:, conds]
                if stop - start == 2:  # yes/no: the odds of yes
                    yes = _odds(block[1], factor)
                    block = np.vstack([1 - yes, yes])
                    joint[1 + start : 1 + stop, conds] = block
                    post = _posteriors(joint, rows)
                    worst = max(worst, swept.change(post, base))
                    continue
                for k in range(stop - start):  # a table: each state in turn
                    trial = joint.copy()
                    b = block.copy()
                    b[k] = _odds(b[k], factor)
                    others = np.delete(np.arange(stop - start), k)
                    rest_sum = block[others].sum(axis=0)
                    scale = np.divide(
                        1 - b[k], rest_sum, out=np.zeros_like(rest_sum), where=rest_sum > 0
                    )
                    b[others] = block[others] * scale
                    trial[1 + start : 1 + stop, conds] = b
                    post = _posteriors(trial, rows)
                    worst = max(worst, swept.change(post, base))
                continue
            if r.prior:
                post = _posteriors(joint, rows)
                worst = max(worst, swept.change(post, base))
        out.append({"where": r.where, "numbers": r.numbers, "max_change": round(worst, 4)})
    out.sort(key=lambda d: -float(d["max_change"]))
    return out


def provenance_report(
    kb: KnowledgeBase,
    *,
    cases: Sequence[Mapping[str, FactValue]] = CANONICAL_PRESENTATIONS,
    top: int = 20,
) -> dict[str, Any]:
    """Counts per provenance kind (``all``, ``priors``, ``age_curves``, one per group)
    and the ``top`` expert entries that most change a posterior."""
    recs = list(records(kb))
    report: dict[str, Any] = {
        "all": _tally(recs),
        "priors": _tally([r for r in recs if r.prior]),
        "age_curves": _tally([r for r in recs if r.age_curve]),
        "priors_and_age_curves": _tally([r for r in recs if r.prior or r.age_curve]),
    }
    for group in sorted({r.group for r in recs}):
        report[group] = _tally([r for r in recs if r.group == group])
    report["most_sensitive_expert"] = _sweep(kb, recs, cases)[:top]
    return report


def format_provenance(report: Mapping[str, Any]) -> str:
    """The report as a plain-text table for the terminal."""
    lines = [f"{'group':<24}{'cite':>7}{'derived':>9}{'expert':>8}{'expert %':>10}"]
    for key, counts in report.items():
        if key == "most_sensitive_expert":
            continue
        total = sum(counts.values()) or 1
        share = 100 * counts["expert"] / total
        lines.append(
            f"{key:<24}{counts['cite']:>7}{counts['derived']:>9}{counts['expert']:>8}{share:>9.0f}%"
        )
    lines += ["", "Expert numbers that most change a posterior (odds x2 and x0.5):"]
    lines += [
        f"  {row['max_change']:>6.3f}  {row['where']} ({row['numbers']} numbers)"
        for row in report.get("most_sensitive_expert", [])
    ]
    return "\n".join(lines)
