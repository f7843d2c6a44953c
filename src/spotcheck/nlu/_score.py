"""Score the parser on an annotated set: per-finding precision and recall.

A case is one message with the facts a careful reader takes from it
(``expected``, as :meth:`ParseResult.facts` would give them).  Each
(finding, value) pair the parser returns is a true positive when the case
expects exactly that value, a false positive otherwise; each expected pair
not returned is a false negative (a wrong value counts as both).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import InputError
from ..kb import FactValue, KnowledgeBase
from ._result import ParseResult

__all__ = ["AnnotatedCase", "FindingScore", "LanguageScore", "load_annotated", "score"]


@dataclass(frozen=True)
class AnnotatedCase:
    id: str
    text: str
    expected: dict[str, FactValue]
    split: str = "dev"  # "holdout": never looked at while writing rules


@dataclass
class FindingScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class LanguageScore:
    n: int = 0
    total: FindingScore = field(default_factory=FindingScore)
    by_finding: dict[str, FindingScore] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.total.precision

    @property
    def recall(self) -> float:
        return self.total.recall

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "tp": self.total.tp,
            "fp": self.total.fp,
            "fn": self.total.fn,
            "by_finding": {
                f: {"precision": round(s.precision, 3), "recall": round(s.recall, 3)}
                for f, s in sorted(self.by_finding.items())
            },
            "errors": self.errors,
        }


def load_annotated(path: Path, kb: KnowledgeBase) -> list[AnnotatedCase]:
    """Read a JSON Lines annotated set; every expected fact must fit the vocabulary."""
    from ..engine._facts import parse_facts

    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            raw = json.loads(line)
            expected = parse_facts(kb, raw["expected"]).known()
            cases.append(
                AnnotatedCase(str(raw["id"]), str(raw["text"]), expected, raw.get("split", "dev"))
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"not a valid case ({exc})", field=where) from None
        except InputError as exc:
            raise InputError(exc.message, field=f"{where}: {exc.field}") from None
    return cases


def _same(a: FactValue, b: FactValue) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), abs_tol=1e-6)


def score(
    parse: Callable[[str], ParseResult], cases: Iterable[AnnotatedCase], split: str | None = None
) -> LanguageScore:
    """Precision and recall over (finding, value) pairs; ``split`` keeps one split."""
    result = LanguageScore()
    for case in cases:
        if split is not None and case.split != split:
            continue
        result.n += 1
        got = parse(case.text).facts()
        wrong: dict[str, Any] = {}
        missed: dict[str, Any] = {}
        for fid in sorted(set(got) | set(case.expected)):
            s = result.by_finding.setdefault(fid, FindingScore())
            if fid in got and fid in case.expected and _same(got[fid], case.expected[fid]):
                s.tp += 1
                result.total.tp += 1
                continue
            if fid in got:
                s.fp += 1
                result.total.fp += 1
                wrong[fid] = got[fid]
            if fid in case.expected:
                s.fn += 1
                result.total.fn += 1
                missed[fid] = case.expected[fid]
        if wrong or missed:
            result.errors.append(
                {"id": case.id, "text": case.text, "wrong": wrong, "missed": missed}
            )
    return result
