"""English: patterns match the lower-cased, spelling-corrected form (token NORM)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ._dsl import pattern_words
from ._rules import LanguageRules
from ._speller import Speller

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["EnglishWords"]


class EnglishWords:
    """The words English rules know, a speller towards them, and the normaliser."""

    def __init__(self, rules: LanguageRules) -> None:
        lex = rules.lexicon
        words: set[str] = set()
        for rule in rules.rules:
            for p in rule.spec.patterns:
                if not p.startswith("re:"):
                    words |= pattern_words(p, lex)
        for cue in rules.context:
            for p in cue.patterns:
                words |= pattern_words(p, lex)
        # A word only a cue set uses is a rule word too: else the speller "corrects"
        # it to a rule word ("thinking" -> "thinning") and the cue never matches.
        for cue_patterns in lex.cues.values():
            for p in cue_patterns:
                if not p.startswith("re:"):
                    words |= pattern_words(p, lex)
        for group in lex.sets.values():
            words |= {w for w in group if w.isalpha()}
        self.rule_words = frozenset(words)
        self.common = frozenset(w.lower() for w in lex.common_words) | frozenset(lex.numbers)
        self.stems = tuple(
            w[:-1] for group in lex.sets.values() for w in group if w.endswith("*") and len(w) > 4
        )
        self.map = dict(lex.normalise)
        # a mapped word that is also a unit keeps its unit reading after a number:
        # "w my bf" is "with", "31 w" weeks (holdout 24)
        unit_forms = {u for forms in lex.units.values() for u in forms}
        self.units = frozenset(
            k for k, v in self.map.items() if k in unit_forms and v not in unit_forms
        )
        self.speller = Speller(self.rule_words, min_len=5, known=self.common.__contains__)

    def known(self, word: str) -> bool:
        """Whether a lower-case word looks English (language detection)."""
        w = word.replace("’", "'")
        return (
            w in self.common
            or w in self.rule_words
            or w in self.map
            or w.startswith(self.stems)
            or self.speller.correct(w) is not None
        )

    def normaliser(self) -> Callable[[Doc], None]:
        correct, mapping, units = self.speller.correct, self.map, self.units

        def normalise(doc: Doc) -> None:
            for token in doc:
                lower = token.lower_.replace("’", "'")
                if lower in units and token.i and doc[token.i - 1].like_num:
                    continue
                if lower in mapping:
                    token.norm_ = mapping[lower]
                    continue
                fixed = correct(lower)
                if fixed is not None:
                    token.norm_ = fixed
                elif lower != token.lower_:
                    token.norm_ = lower

        return normalise
