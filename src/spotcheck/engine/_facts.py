"""Facts: what is known about one person, validated against the vocabulary.

A finding missing from the facts is unknown (not yet asked).  A finding
present with value ``None`` was asked and answered "don't know"; it carries
no evidence but the interview will not ask it again.
"""

from __future__ import annotations

import math
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any

from .._errors import FactError, InputError
from ..kb import FactValue, KnowledgeBase

__all__ = ["UNKNOWN_WORDS", "Facts", "parse_facts"]

_TRUE = {"true", "yes", "y", "1", "да"}
_FALSE = {"false", "no", "n", "0", "нет"}
UNKNOWN_WORDS = frozenset({"unknown", "dont_know", "don't know", "?", "null", "none_known"})


class Facts(Mapping[str, FactValue | None]):
    """An immutable, validated mapping of finding id -> value (``None`` = don't know)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, FactValue | None]) -> None:
        # Sorted, so the order facts were given in never matters.
        self._data: dict[str, FactValue | None] = dict(sorted(data.items()))

    def __getitem__(self, key: str) -> FactValue | None:
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:  # fast path for rule evaluation
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    # The dict's own views: Mapping's generic ones look every key up again.
    def keys(self) -> KeysView[str]:
        return self._data.keys()

    def items(self) -> ItemsView[str, FactValue | None]:
        return self._data.items()

    def values(self) -> ValuesView[FactValue | None]:
        return self._data.values()

    def __repr__(self) -> str:
        return f"Facts({self._data!r})"

    def __hash__(self) -> int:
        return hash(tuple(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Facts):
            return self._data == other._data
        return NotImplemented

    def known(self) -> dict[str, FactValue]:
        """Only the findings with a value (not "don't know")."""
        return {k: v for k, v in self._data.items() if v is not None}

    def with_answers(self, answers: Mapping[str, FactValue | None]) -> Facts:
        merged = dict(self._data)
        merged.update(answers)
        return Facts(merged)

    def to_dict(self) -> dict[str, FactValue | None]:
        return dict(self._data)


def _coerce(kb: KnowledgeBase, fid: str, raw: Any) -> FactValue | None:
    spec = kb.findings[fid]
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in UNKNOWN_WORDS):
        return None
    if spec.type == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise InputError(f"{raw!r} is not yes/no", field=fid, allowed="true, false, unknown")
    if spec.type == "enum":
        values = spec.values or []
        if isinstance(raw, str) and raw.strip() in values:
            return raw.strip()
        raise InputError(
            f"{raw!r} is not one of its values", field=fid, allowed=", ".join([*values, "unknown"])
        )
    lo, hi = spec.range or (-math.inf, math.inf)
    allowed = f"a number from {lo:g} to {hi:g} {spec.unit or ''}".rstrip() + ", or unknown"
    if isinstance(raw, bool):
        raise InputError(f"{raw!r} is not a number", field=fid, allowed=allowed)
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise InputError(f"{raw!r} is not a number", field=fid, allowed=allowed) from None
    if not math.isfinite(number) or not lo <= number <= hi:
        raise InputError(f"{number:g} is out of range", field=fid, allowed=allowed)
    return int(number) if number.is_integer() else number


def _positive(value: FactValue | None) -> bool:
    """Whether a value asserts that a sex-specific finding is present."""
    if value is None or value is False:
        return False
    return value not in ("none",)


def parse_facts(kb: KnowledgeBase, raw: Mapping[str, Any] | Facts) -> Facts:
    """Validate raw facts (from JSON, CLI flags or a form) into :class:`Facts`.

    Raises :class:`InputError` naming the field and what is allowed, or
    :class:`FactError` when facts contradict each other.
    """
    if isinstance(raw, Facts):
        return raw
    if not isinstance(raw, Mapping):
        raise InputError("facts must be a mapping of finding id to value", field="facts")
    data: dict[str, FactValue | None] = {}
    for key, value in raw.items():
        fid = str(key).strip()
        if fid not in kb.findings:
            raise InputError(
                "unknown finding",
                field=fid,
                allowed="a finding id of the vocabulary (see 'spotcheck kb show')",
            )
        data[fid] = _coerce(kb, fid, value)
    _state_implied(kb, data)
    _check_consistency(kb, data)
    return Facts(data)


def _state_implied(kb: KnowledgeBase, data: dict[str, FactValue | None]) -> None:
    """State what a given fact implies, so rules can use it.

    A finding asked only when another yes/no finding holds (its ``ask_only_if``
    is that one finding) implies it when present: a gestation implies a
    pregnancy, bleeding after every intercourse a recurrence, days since a
    procedure the procedure, a kind of discharge the discharge.  A finding that
    is the same observation as another for the person's sex (``same_as``) states
    the other.  Only an unknown is filled in; what the person said is never changed.
    """
    for parent, children in kb.implied_by.items():
        if data.get(parent) is None and any(_positive(data.get(c)) for c in children):
            data[parent] = True
    # The same observation under two names for this sex ("a discharge" from a man
    # is his urethral discharge): the one that carries the evidence is stated.
    for sex, fid, other in kb.same_as:
        if data.get("sex") == sex and data.get(other) is None and data.get(fid) is not None:
            data[other] = data[fid]


def _check_consistency(kb: KnowledgeBase, data: dict[str, FactValue | None]) -> None:
    sex = data.get("sex")
    for fid, value in data.items():
        applies = kb.findings[fid].applies_to
        if sex is not None and applies not in ("any", sex) and _positive(value):
            raise FactError(
                f"does not apply to sex={sex}",
                field=fid,
                allowed=f"leave it out or set it to false/unknown for sex={sex}",
            )
    if sex is None:
        sexes = {kb.findings[f].applies_to for f, v in data.items() if _positive(v)}
        if {"female", "male"} <= sexes:
            raise FactError(
                "facts for both a woman and a man were given without 'sex'",
                field="sex",
                allowed="female, male",
            )
    truth = kb.truth(data)
    for rule in kb.contradictions:
        if rule.fires_on(truth):
            fields = ", ".join(a.finding for a in rule.all)
            raise FactError(
                f"these facts contradict each other: {rule.rationale}",
                field=fields,
                allowed="change one of them",
            )
