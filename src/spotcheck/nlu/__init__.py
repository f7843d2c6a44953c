"""Free text -> findings, in English and Russian.

>>> from spotcheck import Engine
>>> result = Engine.default().parse("bit of brown spotting after sex, 7 weeks pregnant, no pain")
>>> result.facts()["pregnancy_weeks"]
7

English runs on medspaCy (target rules and ConText) over a blank spaCy
pipeline; Russian uses the same machinery over pymorphy3 lemmas.  The rules
are data files under ``nlu/rules``; see ``docs/nlu.md``.
"""

from ._parser import MAX_CHARS, Parser, parser_for
from ._result import ParsedFinding, ParseResult, Status
from ._score import AnnotatedCase, FindingScore, LanguageScore, load_annotated, score

__all__ = [
    "MAX_CHARS",
    "AnnotatedCase",
    "FindingScore",
    "LanguageScore",
    "ParseResult",
    "ParsedFinding",
    "Parser",
    "Status",
    "load_annotated",
    "parser_for",
    "score",
]
