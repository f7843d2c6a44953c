"""A small token-pattern language, compiled to spaCy ``Matcher`` patterns.

A pattern is a space-separated list of token specs::

    pain          the token's match form is "pain" (English: lower-cased,
                  spelling-corrected form; Russian: the pymorphy3 lemma)
    bleed*        the form starts with "bleed"
    pad|pads|towel*   any of these
    @bleed        any word of the lexicon set "bleed"
    =мне          the lower-cased surface form (not the lemma) is "мне"
                  (Russian: with ё written as е)
    #num          a number: digits or a number word of the lexicon
    _             any one token that is not punctuation and not a gap blocker
    ~neg          an optional negation word; when present the match is negated
    ,             a literal punctuation token

Any spec may end with a quantifier: ``?`` (optional), ``+`` (one or more) or
``{m,n}`` (between m and n), e.g. ``_{0,3}`` or ``very?``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._schema import Lexicon

__all__ = [
    "NEG_SLOT",
    "Compiled",
    "PatternError",
    "compile_pattern",
    "expand_first",
    "pattern_words",
]

NEG_SLOT = "~neg"

# Marks a #num token (removed before a pattern reaches spaCy; see `expand_first`).
_NUM = "_num_words"
_QUANT = re.compile(r"^(?P<base>.+?)(?P<op>\?|\+|\{\d*,?\d*\})?$")


class PatternError(ValueError):
    """A pattern that does not follow the token language."""


def _alternatives(base: str, lex: Lexicon) -> list[str]:
    out: list[str] = []
    for alt in base.split("|"):
        if not alt:
            raise PatternError(f"empty alternative in {base!r}")
        if alt.startswith("@"):
            name = alt[1:]
            if name not in lex.sets:
                raise PatternError(f"unknown word set @{name}")
            out.extend(lex.sets[name])
        else:
            out.append(alt)
    return out


def _match(words: list[str]) -> Any:
    if all(not w.endswith("*") for w in words):
        return words[0] if len(words) == 1 else {"IN": sorted(set(words))}
    parts = sorted({re.escape(w[:-1]) + ".*" if w.endswith("*") else re.escape(w) for w in words})
    return {"REGEX": "^(?:" + "|".join(parts) + ")$"}


def compile_token(
    spec: str,
    attr: str,
    lex: Lexicon,
    surface: str = "LOWER",
    forms: Callable[[str], list[str]] | None = None,
) -> dict[str, Any]:
    found = _QUANT.match(spec)
    if found is None:  # pragma: no cover - the regex matches any non-empty string
        raise PatternError(f"bad token {spec!r}")
    base, op = found["base"], found["op"]
    token: dict[str, Any]
    if base == "_":
        token = {"IS_PUNCT": False, attr: {"NOT_IN": sorted(set(lex.gap_blockers))}}
    elif base == NEG_SLOT:
        token = {attr: {"IN": sorted(set(lex.negations))}}
        op = op or "?"
    elif base == "#num":
        words = "|".join(re.escape(w) for w in sorted(lex.numbers, key=len, reverse=True))
        token = {attr: {"REGEX": rf"^(?:\d+(?:[.,]\d+)?|{words})$"}, _NUM: sorted(lex.numbers)}
    elif base.startswith("="):
        token = {surface: _match(_alternatives(base[1:], lex))}
    else:
        alternatives = _alternatives(base, lex)
        number = "#num" in alternatives
        alternatives = [w for w in alternatives if w != "#num"]
        if forms is not None:
            alternatives = [form for w in alternatives for form in forms(w)]
        if number:
            # "a|one|#num": words or a number (until stop 16 "#num" here was a literal);
            # an article is no number here ("missed a period" is not "missed 1")
            articles = set(lex.extra.get("articles", []))
            numbers = {w for w in lex.numbers if w not in articles}
            either = sorted({*numbers, *alternatives}, key=len, reverse=True)
            parts = "|".join(
                re.escape(w[:-1]) + ".*" if w.endswith("*") else re.escape(w) for w in either
            )
            token = {attr: {"REGEX": rf"^(?:\d+(?:[.,]\d+)?|{parts})$"}}
            if not any(w.endswith("*") for w in either):
                token[_NUM] = sorted(set(either))  # first-token expansion (expand_first)
        else:
            token = {attr: _match(alternatives)}
    if op:
        token["OP"] = op
    return token


@dataclass(frozen=True)
class Compiled:
    """A compiled pattern; ``negatable`` when it has a ``~neg`` slot."""

    raw: list[dict[str, Any]]
    negatable: bool

    @property
    def tokens(self) -> list[dict[str, Any]]:
        """The spaCy pattern."""
        return [_clean(t) for t in self.raw]

    def variants(self) -> list[list[dict[str, Any]]]:
        """Equivalent spaCy patterns that are cheaper to match (see `expand_first`)."""
        return expand_first(self.raw)


def compile_pattern(
    pattern: str,
    attr: str,
    lex: Lexicon,
    surface: str = "LOWER",
    forms: Callable[[str], list[str]] | None = None,
) -> Compiled:
    """Compile one pattern; raises :class:`PatternError` with the reason.

    ``forms``: the forms a rule word stands for in the text's normal form (for
    Russian, the word and its lemma: pymorphy3 lemmatises «вагина» to «вагин»,
    so a rule written «вагина» must match both).
    """
    specs = pattern.split()
    if not specs:
        raise PatternError("empty pattern")
    tokens = [compile_token(s, attr, lex, surface, forms) for s in specs]
    if all(t.get("OP") in ("?", "*") or str(t.get("OP", "")).startswith("{0") for t in tokens):
        raise PatternError("every token is optional")
    negatable = any(s.rstrip("?") == NEG_SLOT for s in specs)
    return Compiled(tokens, negatable)


def pattern_words(pattern: str, lex: Lexicon) -> set[str]:
    """The literal words of a pattern (for spelling correction)."""
    words: set[str] = set()
    for spec in pattern.split():
        found = _QUANT.match(spec)
        base = found["base"] if found else spec
        if base in ("_", NEG_SLOT, "#num") or base.startswith("="):
            continue
        for alt in _alternatives(base, lex):
            if not alt.endswith("*") and alt.isalpha():
                words.add(alt)
    return words


def _optional(token: dict[str, Any]) -> bool:
    op = str(token.get("OP", ""))
    return op in ("?", "*") or op.startswith(("{0", "{,"))


def _required(token: dict[str, Any]) -> dict[str, Any]:
    """The token matched exactly once (its optional quantifier dropped)."""
    out = {k: v for k, v in token.items() if k != "OP"}
    op = str(token.get("OP", ""))
    if op.startswith("{") and op not in ("{0,1}", "{,1}"):
        return token  # a gap such as _{0,3}: leave it to spaCy
    return out


def expand_first(tokens: list[dict[str, Any]], limit: int = 400) -> list[list[dict[str, Any]]]:
    """Equivalent patterns whose first token is a plain attribute test.

    spaCy's Matcher tests the first token of every pattern at every token of
    a message; a set or regex test there costs a predicate call each time,
    an equality test almost nothing.  So a first token "a|b" becomes two
    patterns, an optional first token becomes a pattern with and one without
    it, and a number (#num) becomes ``LIKE_NUM`` plus one pattern per number
    word.  Other tokens are left as they are.
    """
    out: list[list[dict[str, Any]]] = []
    todo = [tokens]
    while todo:
        pattern = todo.pop()
        first, rest = pattern[0], pattern[1:]
        if _optional(first) and rest:
            todo.append(rest)
            required = _required(first)
            if required is not first:
                todo.append([required, *rest])
                continue
            out.append([first, *rest])
            continue
        numbers = first.get(_NUM)
        if numbers is not None and "OP" not in first:
            out.append([{"LIKE_NUM": True, "IS_ALPHA": False}, *rest])
            attr = next(k for k in first if k != _NUM)
            out += [[{attr: w}, *rest] for w in numbers]
            continue
        expanded = False
        for attr, test in first.items():
            if isinstance(test, dict) and set(test) == {"IN"} and len(first) == 1:
                out += [[{attr: w}, *rest] for w in test["IN"]]
                expanded = True
        if not expanded:
            out.append(pattern)
        if len(out) > limit:
            return [tokens]
    return [[_clean(t) for t in p] for p in out]


def _clean(token: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in token.items() if k != _NUM}
