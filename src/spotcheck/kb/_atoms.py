"""Conditions on findings, written as short strings in the knowledge base.

``fever``, ``not fever``, ``bleeding_amount=heavy``,
``bleeding_amount in [moderate, heavy]``, ``age>=40``.  An atom is evaluated
on known facts only: it is ``True``/``False`` when its finding is known and
``None`` (unknown) otherwise, so a rule never fires on an unknown.

:class:`AtomIndex` gives every distinct atom of a knowledge base one bit, so
what holds on a fact set is one int and a rule is a few bitwise tests: a
request checks ~60 rules, 7 explanations and ~40 must-not-miss groups, and
walking their atoms one by one was a third of its time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "Atom",
    "AtomIndex",
    "FactValue",
    "all_hold",
    "any_holds",
    "holds_all",
    "holds_any",
    "parse_atom",
]

FactValue = bool | str | float

_COMPARE = re.compile(r"^([a-z_0-9]+)\s*(>=|<=|>|<)\s*(-?[0-9.]+)$")
_EQUALS = re.compile(r"^([a-z_0-9]+)\s*=\s*([a-z_0-9+\-]+)$")
_IN = re.compile(r"^([a-z_0-9]+)\s+in\s+\[([a-z_0-9,\s]+)\]$")
_BOOL = re.compile(r"^(not\s+)?([a-z_0-9]+)$")
# Remembered (finding, value) masks: every yes/no and enum value, and the
# numbers people give (ages, weeks, hours); bounded against odd inputs.
_MEMO_LIMIT = 20_000


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


class AtomIndex:
    """One bit per distinct atom; :meth:`truth` is the mask of the atoms that hold.

    Atoms are registered by :meth:`mask` while a knowledge base is compiled,
    then the index is frozen: a fact set's truth is remembered per value, and
    an atom added later would be missing from what was remembered.
    """

    __slots__ = ("_bits", "_by_finding", "_frozen", "_memo")

    def __init__(self) -> None:
        self._bits: dict[Atom, int] = {}
        self._by_finding: dict[str, list[tuple[Atom, int]]] = {}
        self._memo: dict[tuple[str, FactValue], int] = {}
        self._frozen = False

    def __len__(self) -> int:
        return len(self._bits)

    def mask(self, atoms: Iterable[Atom]) -> int:
        """The bits of ``atoms`` (registering new ones until the index is frozen)."""
        out = 0
        for atom in atoms:
            bit = self._bits.get(atom)
            if bit is None:
                if self._frozen:
                    raise ValueError(f"the condition {atom.text!r} was not compiled in")
                bit = 1 << len(self._bits)
                self._bits[atom] = bit
                self._by_finding.setdefault(atom.finding, []).append((atom, bit))
            out |= bit
        return out

    def freeze(self) -> None:
        self._frozen = True

    def value_mask(self, finding: str, value: FactValue) -> int:
        """The atoms that a known ``value`` of ``finding`` satisfies."""
        key = (finding, value)
        found = self._memo.get(key)
        if found is not None:
            return found
        out = 0
        for atom, bit in self._by_finding.get(finding, ()):
            if atom.holds(value):
                out |= bit
        if self._frozen and len(self._memo) < _MEMO_LIMIT:
            self._memo[key] = out
        return out

    def truth(self, facts: Mapping[str, FactValue | None]) -> int:
        """The atoms that hold on the known facts (an unknown satisfies none)."""
        out = 0
        for finding, value in facts.items():
            if value is not None:
                out |= self.value_mask(finding, value)
        return out


def holds_all(mask: int, truth: int) -> bool:
    """Every atom of ``mask`` holds (true for no atoms)."""
    return truth & mask == mask


def holds_any(mask: int, truth: int) -> bool:
    """At least one atom of ``mask`` holds (false for no atoms)."""
    return truth & mask != 0
