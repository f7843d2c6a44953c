"""A number the writer takes back: "three times - no, four", "38.3. Sorry, 38.4".

People correct themselves as they type.  The number read by a rule is
replaced by the one given after a correction marker (the language's lexicon,
``extra: correction_markers``) when the marker follows the rule's match with
no other number between them, and the new number is plainly the same
quantity:

* short form: at most three words between the marker and the new number,
  and after it only punctuation, the end, the first number's unit word or a
  word such as "now" ("two hours ago - well, closer to three now");
* long form: up to twelve words between them, and the new number carries
  the same unit word as the first ("6 weeks - no wait, I recounted and it's
  7 weeks today").

The new number must be within a factor of three of the first, so a marker
that starts a new thought ("no, 10 pads") does not rewrite a count.

A marker may also follow the new number ("about a month ago - five weeks on Thursday
actually": the lexicon's ``correction_postposed``): the new number comes right after a
dash or comma, carries a unit word, and the marker follows within a few words in the
same sentence.  Then the two numbers may be in different units ("a month", "five
weeks"), compared in one unit; "a month" with no other number is one month.

A time said in words («позавчера», "yesterday": a fixed number of hours) may be taken
back by a number in another unit («позавчера — ой, нет, три дня назад»: 72 hours).

Two words of one unit are the same unit word («три дня назад — нет, вру, двое суток
назад»): the lexicon's ``correction_unit_groups`` lists the beginnings of the words
of each unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._numbers import NumberReader

__all__ = ["Corrections"]

_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)?|[^\w\s]")
_SEPARATORS = frozenset("-–—,.;:(")
_SENTENCE_END = frozenset(".!?")
_SHORT_FILL, _LONG_FILL = 3, 12
_MAX_GAP = 8  # words between the first match and the marker
_MAX_FACTOR = 3.0
_POSTPOSED_FILL = 4  # words between the new number's unit and a marker after it


class Corrections:
    def __init__(
        self,
        markers: Sequence[str],
        numbers: NumberReader,
        after_ok: Sequence[str],
        unit_groups: Sequence[str] = (),
        postposed: Sequence[str] = (),
    ):
        self.markers = [tuple(m.lower().split()) for m in markers]
        self.postposed = [tuple(m.lower().split()) for m in postposed]
        self.numbers = numbers
        self.after_ok = frozenset(w.lower() for w in after_ok)
        self.unit_groups = [tuple(g.lower().split()) for g in unit_groups]

    def _same_unit(self, a: str, b: str) -> bool:
        """The same unit word, or two words of one unit group («дня», «суток»)."""
        if _same_word(a, b):
            return True
        return bool(a and b) and any(
            a.startswith(group) and b.startswith(group) for group in self.unit_groups
        )

    def _unit_name(self, word: str) -> str | None:
        """The unit a word names ("hour", "day"), a form of a group's word too («дня»)."""
        found = self.numbers.unit_of_text(word) if word else None
        if found or not word:
            return found
        for group in self.unit_groups:
            if any(word.startswith(g) for g in group):
                for key, name in self.numbers.units.items():
                    if any(key.startswith(g) for g in group):
                        return name
        return None

    def _number(self, token: str) -> float | None:
        if token in ("a", "an") or not (token[0].isdigit() or token.isalpha()):
            return None
        return self.numbers.read_text(token)

    def _last_number(self, text: str) -> tuple[float, str] | None:
        """The last number in ``text`` and the word after it ("" if none)."""
        tokens = [t.lower() for t in _TOKEN.findall(text)]
        for i in range(len(tokens) - 1, -1, -1):
            value = self._number(tokens[i])
            if value is not None:
                return value, tokens[i + 1] if i + 1 < len(tokens) else ""
        return None

    def _one_unit(self, text: str) -> tuple[float, str] | None:
        """ "a month", "an hour" at the end of ``text``: one of that unit."""
        tokens = [t.lower() for t in _TOKEN.findall(text)]
        for i in range(len(tokens) - 1, 0, -1):
            if self.numbers.unit_of_text(tokens[i]) and tokens[i - 1] in ("a", "an"):
                return 1.0, tokens[i]
        return None

    def _postposed(self, tokens: list[str], n1: float, unit: str) -> float | None:
        """A new number after a dash or comma with a marker after it ("- five weeks on
        Thursday actually"): the factor, in one unit, or None."""
        if not self.postposed or not tokens or tokens[0] not in _SEPARATORS:
            return None
        unit1 = self.numbers.unit_of_text(unit)
        for i in range(1, min(len(tokens), 4)):
            value = self._number(tokens[i])
            if value is None:
                if not tokens[i].isalpha():
                    return None
                continue
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            unit2 = self.numbers.unit_of_text(following)
            start = i + 2
            if unit2 is None and any(
                tuple(tokens[i + 1 : i + 1 + len(m)]) == m for m in self.postposed
            ):
                unit2, start = unit1, i + 1  # "3 days ago, four actually": the same unit
            if unit1 is None or unit2 is None:
                return None
            words = 0
            for j in range(start, len(tokens)):
                if tokens[j] in _SENTENCE_END or self._number(tokens[j]) is not None:
                    return None
                if any(tuple(tokens[j : j + len(m)]) == m for m in self.postposed):
                    ratio = self.numbers.rescale(value, unit2, unit1) / n1
                    ok = 1 / _MAX_FACTOR <= ratio <= _MAX_FACTOR and ratio != 1
                    return ratio if ok else None
                if tokens[j].isalnum():
                    words += 1
                    if words > _POSTPOSED_FILL:
                        return None
            return None
        return None

    def _marker_at(self, tokens: list[str], i: int) -> int:
        """The length of a correction marker starting at ``tokens[i]`` (0 if none)."""
        for marker in self.markers:
            if tuple(tokens[i : i + len(marker)]) == marker:
                return len(marker)
        return 0

    def factor(
        self, matched: str, after: str, said: tuple[float, str] | None = None
    ) -> float | None:
        """How much a number read from ``matched`` is to be scaled, given the text
        ``after`` the match; None when nothing takes it back.  ``said``: the amount and
        unit of a time said in words («позавчера»: 48 hours), which has no number in it."""
        first = self._last_number(matched) or self._one_unit(matched) or said
        if first is None or first[0] == 0:
            return None
        n1, unit = first
        tokens = [t.lower() for t in _TOKEN.findall(after[:240])]
        if not unit and tokens:
            unit = tokens[0]
        later = self._postposed(tokens, n1, unit)
        if later is not None:
            return later
        i, words = 0, 0
        # a dictated "twenty one" typed as "20 one", then taken back: "I'm 20 one sorry 21"
        # (stop 58, h77en-062): the units word is part of the first number
        units = self._number(tokens[0]) if tokens and tokens[0].isalpha() else None
        at = 2 if len(tokens) > 1 and tokens[1] in _SEPARATORS else 1
        if (
            units is not None
            and 1 <= units <= 9
            and n1 in range(20, 100, 10)
            and self._marker_at(tokens, at)
        ):
            return self._after_marker(tokens, at + self._marker_at(tokens, at), n1, unit)
        while i < len(tokens):
            token = tokens[i]
            length = self._marker_at(tokens, i)
            if length and (i == 0 or tokens[i - 1] in _SEPARATORS):
                return self._after_marker(tokens, i + length, n1, unit)
            if self._number(token) is not None:
                return None
            # a sentence's end, unless the correction starts the next ("38.3. Sorry, 38.4")
            if token in _SENTENCE_END and not self._marker_at(tokens, i + 1):
                return None
            if token.isalnum():
                words += 1
                if words > _MAX_GAP:
                    return None
            i += 1
        return None

    def _after_marker(self, tokens: list[str], i: int, n1: float, unit: str) -> float | None:
        words = 0
        while i < len(tokens):
            token = tokens[i]
            if token in _SENTENCE_END:
                return None
            value = self._number(token)
            if value is not None:
                following = tokens[i + 1] if i + 1 < len(tokens) else ""
                same_unit = bool(unit) and unit.isalpha() and self._same_unit(following, unit)
                unit1, unit2 = self._unit_name(unit), self._unit_name(following)
                if not same_unit and unit1 and unit2 and unit1 != unit2:
                    # another unit of time, compared in the first one («позавчера — ой, нет,
                    # три дня назад»: 48 hours, then 72)
                    value, same_unit = self.numbers.rescale(value, unit2, unit1), True
                short = words <= _SHORT_FILL and (
                    not following.isalnum() or same_unit or following in self.after_ok
                )
                if not (short or (words <= _LONG_FILL and same_unit)):
                    return None
                ratio = value / n1
                return ratio if 1 / _MAX_FACTOR <= ratio <= _MAX_FACTOR and ratio != 1 else None
            if token.isalnum():
                words += 1
                if words > _LONG_FILL:
                    return None
            i += 1
        return None


def _same_word(a: str, b: str) -> bool:
    """The same unit word in another form: "week", "weeks"; «недель», «недели»."""
    if not (a and b):
        return False
    return a.rstrip("s") == b.rstrip("s") or (min(len(a), len(b)) >= 5 and a[:4] == b[:4])
