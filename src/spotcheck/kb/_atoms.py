"""Conditions on findings, written as short strings in the knowledge base.

``fever``, ``not fever``, ``bleeding_amount=heavy``,
``bleeding_amount in [moderate, heavy]``, ``age>=40``.  An atom is evaluated
on known facts only: it is ``True``/``False`` when its finding is known and
``None`` (unknown) otherwise, so a rule never fires on an unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["Atom", "FactValue", "all_hold", "any_holds", "parse_atom"]

FactValue = bool | str | float

_COMPARE = re.compile(r"^([a-z_0-9]+)\s*(>=|<=|>|<)\s*(-?[0-9.]+)$")
_EQUALS = re.compile(r"^([a-z_0-9]+)\s*=\s*([a-z_0-9+\-]+)$")
_IN = re.compile(r"^([a-z_0-9]+)\s+in\s+\[([a-z_0-9,\s]+)\]$")
_BOOL = re.compile(r"^(not\s+)?([a-z_0-9]+)$")


@dataclass(frozen=True, slots=True)
class Atom:
    """One condition on one finding."""

    finding: str
    op: str  # "is", "in", ">=", ">", "<=", "<"
    values: tuple[FactValue, ...]
    text: str

    def holds(self, value: FactValue) -> bool:
        """Whether a known ``value`` of the finding satisfies the atom."""
        if self.op == "is":
            return value == self.values[0]
        if self.op == "in":
            return value in self.values
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        limit = float(self.values[0])
        if self.op == ">=":
            return value >= limit
        if self.op == ">":
            return value > limit
        if self.op == "<=":
            return value <= limit
        return value < limit

    def evaluate(self, facts: Mapping[str, FactValue | None]) -> bool | None:
        """True/False on a known finding, None when it is unknown."""
        value = facts.get(self.finding)
        if value is None:
            return None
        return self.holds(value)


def parse_atom(text: str) -> Atom:
    """Parse one atom; raises ``ValueError`` with the offending text."""
    source = text.strip()
    if match := _COMPARE.match(source):
        return Atom(match[1], match[2], (float(match[3]),), source)
    if match := _IN.match(source):
        values = tuple(v.strip() for v in match[2].split(",") if v.strip())
        return Atom(match[1], "in", values, source)
    if match := _EQUALS.match(source):
        return Atom(match[1], "is", (match[2],), source)
    if match := _BOOL.match(source):
        return Atom(match[2], "is", (match[1] is None,), source)
    raise ValueError(f"cannot read the condition {text!r}")


def all_hold(atoms: Iterable[Atom], facts: Mapping[str, FactValue | None]) -> bool:
    """Every atom holds on known facts (true for no atoms)."""
    return all(a.evaluate(facts) is True for a in atoms)


def any_holds(atoms: Iterable[Atom], facts: Mapping[str, FactValue | None]) -> bool:
    """At least one atom holds on known facts."""
    return any(a.evaluate(facts) is True for a in atoms)
