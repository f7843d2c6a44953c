"""Russian typed in Latin letters ("krov posle seksa", "bolit zhivot"), read as Russian.

When a Latin-script message is not English, it is transliterated word by word
(the usual informal spellings: zh, kh, ch, sh, shch, ts, ya/ja, yu/ju, yo, ' for ь)
and read as Russian if enough of the words are then Russian words.  The
transliteration keeps a map from each Cyrillic word back to the Latin one, so
every finding still points into the text the person wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["Transliteration", "to_cyrillic"]

_MULTI = [
    ("tsya", "тся"), ("tsia", "тся"), ("shch", "щ"), ("sch", "щ"),
    ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
    ("ts", "ц"), ("tz", "ц"), ("yu", "ю"), ("ju", "ю"), ("iu", "ю"), ("ya", "я"),
    ("ja", "я"), ("ia", "я"), ("yo", "ё"), ("jo", "ё"), ("ye", "е"), ("je", "е"),
    ("ey", "ей"), ("ay", "ай"), ("oy", "ой"), ("uy", "уй"), ("iy", "ий"), ("yy", "ый"),
]  # fmt: skip
_SINGLE = dict(
    zip(
        "abvgdezijklmnoprstufhcyw'x",
        ["а", "б", "в", "г", "д", "е", "з", "и", "й", "к", "л", "м", "н", "о", "п", "р", "с",
         "т", "у", "ф", "х", "ц", "ы", "в", "ь", "кс"],
        strict=True,
    )
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z']+")
# At least this share of the words must be Russian words once transliterated.
_MIN_SHARE = 0.5


def _word(latin: str) -> str:
    s = latin.lower()
    out: list[str] = []
    i = 0
    while i < len(s):
        for lat, cyr in _MULTI:
            # "ayu" is "аю" ("prizhimayu"), not "ай" + "у"
            if lat in _Y_FINAL and s[i + 2 : i + 3] in _VOWELS:
                continue
            if s.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            out.append(_SINGLE.get(s[i], s[i]))
            i += 1
    word = "".join(out)
    # The soft sign is usually left out: "beremennost", "slabost", "krov".
    # ... also in reflexive past tenses: "nadorvalas", "poyavilos".
    if word.endswith(("ост", "ест", "лас", "лос", "лис")) or word in _SOFT:
        word += "ь"
    return word


_SOFT = frozenset({"кров", "бол", "ден", "дочер", "мат"})
_Y_FINAL = frozenset({"ey", "ay", "oy", "uy", "iy", "yy"})
_VOWELS = frozenset("aeiouy")


class Transliteration:
    """The Cyrillic text and a map of its word spans back to the Latin text."""

    def __init__(self, text: str) -> None:
        parts: list[str] = []
        self.spans: list[tuple[int, int, int, int]] = []  # cyr start, cyr end, lat start, end
        last = 0
        length = 0
        for m in _WORD.finditer(text):
            gap = text[last : m.start()]
            parts.append(gap)
            length += len(gap)
            cyr = _word(m.group(0))
            parts.append(cyr)
            self.spans.append((length, length + len(cyr), m.start(), m.end()))
            length += len(cyr)
            last = m.end()
        parts.append(text[last:])
        self.text = "".join(parts)
        self.words = [self.text[a:b] for a, b, _, _ in self.spans]

    def back(self, start: int, end: int) -> tuple[int, int]:
        """The Latin span of the Cyrillic span ``start:end`` (widened to whole words)."""
        inside = [(ls, le) for cs, ce, ls, le in self.spans if cs < end and start < ce]
        if not inside:
            return start, end
        return inside[0][0], inside[-1][1]


def to_cyrillic(text: str, known: Callable[[str], bool]) -> Transliteration | None:
    """The transliteration of a Latin-script message when it reads as Russian, else None."""
    if re.search(r"[А-Яа-яЁё]", text):
        return None
    t = Transliteration(text)
    words = [w for w in t.words if len(w) >= 2]
    if not words:
        return None
    share = sum(1 for w in words if known(w.lower())) / len(words)
    return t if share >= _MIN_SHARE else None
