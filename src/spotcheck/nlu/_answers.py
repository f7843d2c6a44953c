"""A message written as a form's questions and answers: "Tummy pain? No. Fever? 38."

The writer answers questions they imagine being asked.  "Tummy pain?" is not
a doubt and "No." is its answer, so such a "?" is read as the colon of
"Tummy pain: No." (which the rules read as a denied pain).  Only a short
fragment with no question word counts ("Could it be cancer? No idea" stays a
question), and only before an answer from the language's lexicon (``extra:
question_answers``) or a number.  A question word that opens a form's
question ("Any discharge? No.", ``extra: form_openers``) does not count.
The text keeps its length, so every span still points at the writer's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["FormAnswers"]

_MAX_WORDS = 5
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# a word that makes "no" the start of a new thought: "No idea", "no one knows"
_NOT_AN_ANSWER = r"(?![ \t]+(?:idea|clue|one|sure|way|matter|problem|doubt|wonder)\b)"


class FormAnswers:
    def __init__(
        self,
        answers: Iterable[str],
        question_words: Iterable[str],
        openers: Iterable[str] = (),
    ) -> None:
        words = "|".join(sorted((re.escape(a) for a in answers), key=len, reverse=True))
        self.answer = re.compile(
            rf"\?(?=[ \t]+(?:(?:{words})(?![^\W_]){_NOT_AN_ANSWER}|\d))", re.IGNORECASE
        )
        self.question_words = frozenset(w.lower() for w in question_words)
        self.openers = frozenset(w.lower() for w in openers)

    def rewrite(self, text: str) -> str:
        """``text`` with each answered "?" made a ":" (same length)."""
        if "?" not in text:
            return text
        chars = list(text)
        for m in self.answer.finditer(text):
            start = max(text.rfind(c, 0, m.start()) for c in ".!?:\n")
            words = [w.lower() for w in _WORD.findall(text[start + 1 : m.start()])]
            asking = words[1:] if words and words[0] in self.openers else words
            if 0 < len(words) <= _MAX_WORDS and not self.question_words & set(asking):
                chars[m.start()] = ":"
        return "".join(chars)
