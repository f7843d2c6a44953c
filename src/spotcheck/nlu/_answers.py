"""A message written as a form's questions and answers: "Tummy pain? No. Fever? 38."

The writer answers questions they imagine being asked.  "Tummy pain?" is not
a doubt and "No." is its answer, so such a "?" is read as the colon of
"Tummy pain: No." (which the rules read as a denied pain).  Only a short
fragment with no question word counts ("Could it be cancer? No idea" stays a
question), and only before an answer from the language's lexicon (``extra:
question_answers``) or a number.  A question word that opens a form's
question ("Any discharge? No.", ``extra: form_openers``) does not count, nor
does a listing "or" after it ("Any pain or swelling? No", ``extra: form_listing``).
The answer may stand on the next line, after a label ("Q: Fever?\nA: no",
``extra: answer_labels``): the "?", the line break and the label become spaces
and a ": " before the answer, so the answer joins its question; a labelled
answer allows a longer question.
The text keeps its length, so every span still points at the writer's words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["FormAnswers"]

_MAX_WORDS = 5
# a question answered on its own labelled line ("Q: ...?\nA: no") is a form's for sure
_MAX_WORDS_LABELLED = 10
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# a word that makes "no" the start of a new thought: "No idea", "no one knows"
_NOT_AN_ANSWER = r"(?![ \t]+(?:idea|clue|one|sure|way|matter|problem|doubt|wonder)\b)"


class FormAnswers:
    def __init__(
        self,
        answers: Iterable[str],
        question_words: Iterable[str],
        openers: Iterable[str] = (),
        labels: Iterable[str] = (),
        listing: Iterable[str] = (),
    ) -> None:
        words = "|".join(sorted((re.escape(a) for a in answers), key=len, reverse=True))
        said = rf"(?:(?:{words})(?![^\W_]){_NOT_AN_ANSWER}|\d)"
        self.answer = re.compile(rf"\?(?=[ \t]+{said})", re.IGNORECASE)
        tags = "|".join(sorted((re.escape(t) for t in labels), key=len, reverse=True))
        label = rf"(?P<label>(?:{tags})[ \t]*[:.)\-–][ \t]*)" if tags else "(?P<label>(?!))"
        # the answer on the next line, labelled or bare: "Fever?\nA: no", "Fever?\nno"
        self.next_line = re.compile(
            rf"\?(?P<gap>[ \t]*\r?\n[ \t]*{label}?)(?={said})", re.IGNORECASE
        )
        self.question_words = frozenset(w.lower() for w in question_words)
        self.openers = frozenset(w.lower() for w in openers)
        # question words that only list after an opener: "Any pain or swelling? No"
        self.listing = frozenset(w.lower() for w in listing)

    def rewrite(self, text: str) -> str:
        """``text`` with each answered "?" made a ":" (same length)."""
        if "?" not in text:
            return text
        chars = list(text)
        for m in self.answer.finditer(text):
            if self._asks(text, m.start(), _MAX_WORDS):
                chars[m.start()] = ":"
        for m in self.next_line.finditer(text):
            most = _MAX_WORDS_LABELLED if m.group("label") else _MAX_WORDS
            if self._asks(text, m.start(), most):
                # spaces, then ": " just before the answer ("Fever    : no"): the rules
                # read a colon that follows a space, not a run of spaces after one
                span = m.end("gap") - m.start()
                chars[m.start() : m.end("gap")] = " " * (span - 2) + ": "
        return "".join(chars)

    def _asks(self, text: str, mark: int, most: int) -> bool:
        """Whether the fragment before the "?" at ``mark`` is a form's short question."""
        start = max(text.rfind(c, 0, mark) for c in ".!?:\n")
        words = [w.lower() for w in _WORD.findall(text[start + 1 : mark])]
        opened = bool(words) and words[0] in self.openers
        asking = set(words[1:]) - self.listing if opened else set(words)
        return 0 < len(words) <= most and not self.question_words & asking
