"""Which language a message is in, without any model: script, common words, shape.

- Cyrillic letters in the majority -> Russian, unless it reads as Ukrainian
  (letters і ї є ґ) or its words are mostly unknown to pymorphy3 (gibberish).
- Latin letters -> English when enough words are common English words or
  words the rules know; otherwise another language when the words look like
  words (named when the common words of a known language dominate), or
  gibberish (keyboard runs, no vowels, letters repeated).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ._result import Status
from ._rules import load_other_languages

__all__ = ["Detection", "detect"]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN = re.compile(r"[іїєґ]", re.IGNORECASE)
_VOWELS = set("aeiouyаеёиоуыэюя")
_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")
_MIN_SHARE = {"en": 0.3, "ru": 0.5}


@dataclass(frozen=True)
class Detection:
    lang: str | None
    status: Status
    other: dict[str, str] | None = None  # the other language's names, when recognised


def _keyboard_run(word: str) -> bool:
    w = word.lower()
    for row in _KEYBOARD:
        for i in range(len(row) - 3):
            if row[i : i + 4] in w:
                return True
    return False


def _wordlike(word: str) -> bool:
    w = word.lower()
    if len(w) > 25 or _keyboard_run(w) or re.search(r"(.)\1\1", w):
        return False
    if len(w) >= 3 and not any(c in _VOWELS for c in w):
        return False
    run = 0
    for c in w:
        run = 0 if c in _VOWELS else run + 1
        if run >= 5:
            return False
    return True


def detect(
    text: str,
    hint: str | None,
    known: dict[str, Callable[[str], bool]],
) -> Detection:
    """Detect the language of ``text``; ``hint`` wins when the script allows it.

    ``known[lang](word)`` says whether a lower-case word is a word of that language.
    """
    words = _WORD.findall(text)
    if not any(len(w) >= 2 for w in words):
        if any(c.isdigit() for c in text):
            return Detection(hint or "en", "ok")  # "34F", "34": numbers only
        return Detection(None, "gibberish")
    letters = sum(len(w) for w in words)
    cyrillic = sum(len(_CYRILLIC.findall(w)) for w in words)
    script = "ru" if cyrillic * 2 >= letters else "en"
    lang = hint if hint == script else script
    lower = [w.lower() for w in words if len(w) >= 2] or [w.lower() for w in words]
    if lang == "ru" and len(_UKRAINIAN.findall(text)) >= max(2, letters // 60):
        return Detection(None, "other_language", {"en": "Ukrainian", "ru": "украинский"})
    share = sum(1 for w in lower if known[lang](w)) / len(lower)
    if share >= _MIN_SHARE[lang] or (len(lower) <= 2 and share > 0):
        return Detection(lang, "ok")
    if len(lower) <= 2 and any(c.isdigit() for c in text):
        return Detection(lang, "ok")  # "BP 85/50", "HR 120": numbers with a label
    wordlike = sum(1 for w in lower if _wordlike(w)) / len(lower)
    if lang == "en":
        best: dict[str, str] | None = None
        best_share = 0.0
        for names, vocabulary in load_other_languages().values():
            other = sum(1 for w in lower if w in vocabulary) / len(lower)
            if other > best_share:
                best, best_share = names, other
        if best is not None and best_share >= 0.2 and best_share > share:
            return Detection(None, "other_language", best)
        if wordlike >= 0.8 and share < 0.15 and len(lower) >= 3:
            return Detection(None, "other_language")
    if share >= 0.15 and wordlike >= 0.5:
        return Detection(lang, "ok")  # typos and slang: read it and see
    return Detection(None, "gibberish")
