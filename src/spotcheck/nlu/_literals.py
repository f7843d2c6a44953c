"""A cheap test that a regex cannot match: literals one of which every match holds.

The reader runs some 400 regexes per language over every message; most cannot
match it because a word they need is absent.  ``required_literals`` reads a
pattern's parse tree for a set of strings one of which any match must contain,
and ``may_match`` checks them with ``in`` on the lower-cased text — a
necessary condition, so skipping a regex never loses a match.  Lower-casing
both sides stays exact whatever the flags, as long as every letter of the
text is ASCII or basic Cyrillic: the few letters that ``re.IGNORECASE``
folds in other ways (the long s, the Kelvin sign, old Cyrillic forms) are
outside those blocks, and such a text is simply not filtered.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any

with warnings.catch_warnings():
    # the public names of re's parser; 3.11 warns on import but keeps them
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants as _c
    import sre_parse as _parse

__all__ = ["may_match", "plain_letters", "required_literals"]

Literals = frozenset[str]

_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT)
_OTHER_LETTERS = re.compile(r"[^\W\d_a-zA-Z\u0400-\u04ff]")


def _best(candidates: list[Literals]) -> Literals | None:
    """The most selective set: the longest shortest literal, then the fewest."""
    if not candidates:
        return None
    return max(candidates, key=lambda s: (min(len(x) for x in s), -len(s)))


def _required(items: Iterable[tuple[Any, Any]]) -> Literals | None:
    candidates: list[Literals] = []
    run = ""
    for op, arg in items:
        if op is _c.LITERAL:
            run += chr(arg).lower()
            continue
        if run:
            candidates.append(frozenset([run]))
            run = ""
        if op in _ZERO_WIDTH:
            continue
        found: Literals | None = None
        if op is _c.SUBPATTERN:
            found = _required(arg[-1])
        elif op is _c.BRANCH:
            branches = [_required(b) for b in arg[1]]
            if all(branches):
                found = frozenset().union(*(b for b in branches if b))
        elif op in _REPEATS and arg[0] >= 1:
            found = _required(arg[2])
        elif op is _c.IN and all(o is _c.LITERAL for o, _ in arg):
            found = frozenset(chr(a).lower() for _, a in arg)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset([run]))
    return _best(candidates)


def required_literals(regex: re.Pattern[str]) -> Literals | None:
    """Strings (lower case) one of which every match contains; None if unknown."""
    return _required(_parse.parse(regex.pattern, regex.flags).data)


def plain_letters(text: str) -> bool:
    """Whether every letter is ASCII or basic Cyrillic (``may_match`` is exact)."""
    return _OTHER_LETTERS.search(text) is None


def may_match(literals: Literals | None, lowered: str | None) -> bool:
    """False only when no match is possible; ``lowered`` None means "don't filter"."""
    if literals is None or lowered is None:
        return True
    return any(x in lowered for x in literals)
