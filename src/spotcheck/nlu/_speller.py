"""Spelling correction towards the words the rules use (one edit away).

A deletion index (the SymSpell idea) finds, for an unknown word, the rule
words within one insertion, deletion, substitution or transposition, in
constant time per word.  Only words of at least ``min_len`` letters are
corrected (one letter shorter: only a dropped letter), and only when exactly
one rule word is that close, so common short words are never changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

__all__ = ["Speller"]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _distance_at_most_one(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (with adjacent transposition)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    # b is a with one letter inserted
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


class Speller:
    def __init__(
        self,
        words: Iterable[str],
        *,
        min_len: int = 5,
        known: Callable[[str], bool] | None = None,
        key: Callable[[str], str] | None = None,
    ) -> None:
        """``key``: a word's lemma; close words that all share one are one word (the
        typo «розовоя» is one edit from «розовая», «розовое» and «розовою»)."""
        words = frozenset(words)
        self.words = frozenset(w for w in words if len(w) >= min_len)
        # the rules' own short words are never "corrected" ("pain" is not "pains")
        self.short = frozenset(w for w in words if len(w) < min_len)
        self.min_len = min_len
        self._known = known or (lambda _w: False)
        self._key = key
        index: dict[str, set[str]] = {}
        for word in self.words:
            index.setdefault(word, set()).add(word)
            for d in _deletes(word):
                index.setdefault(d, set()).add(word)
        self._index = index
        self.correct = functools.lru_cache(maxsize=65536)(self._correct)

    def _correct(self, word: str) -> str | None:
        """The rule word ``word`` is a misspelling of, or None.

        A word one letter shorter than ``min_len`` is corrected only for a
        dropped letter ("blod" → "blood", "weks" → "weeks", "hurs" → "hours"):
        short words are too often other words for any other edit.
        """
        if word in self.words or not word.isalpha() or len(word) < self.min_len - 1:
            return None
        if self._known(word) or word in self.short:
            return None
        if len(word) == self.min_len - 1:
            close = {c for c in self._index.get(word, set()) if len(c) == len(word) + 1}
            return next(iter(close)) if len(close) == 1 else None
        candidates: set[str] = set()
        for key in (word, *_deletes(word)):
            candidates |= self._index.get(key, set())
        close = {c for c in candidates if _distance_at_most_one(word, c)}
        if len(close) == 1:
            return next(iter(close))
        if self._key is not None and len(close) > 1 and len({self._key(c) for c in close}) == 1:
            return min(close)
        return None
