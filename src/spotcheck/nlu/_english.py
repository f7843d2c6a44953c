"""English: patterns match the lower-cased, spelling-corrected form (token NORM)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from spellchecker import SpellChecker

from ._dsl import pattern_words
from ._rules import LanguageRules
from ._speller import Speller

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["EnglishWords"]

# A real English word is never "corrected" to a rule word one edit away: "painted"
# is not "fainted" (blind-bp-008, stop 38: "the nursery is painted" called an
# ambulance).  A word counts as real when the dictionary's corpus has it at least
# this often; rarer words ("feinted", 50) are more often a typo of the rule word.
_REAL_WORD_FREQUENCY = 100


@functools.cache
def _real_words() -> frozenset[str]:
    """Common English words, from the word list pyspellchecker ships (no download)."""
    counts = SpellChecker(language="en").word_frequency.dictionary
    return frozenset(w for w, n in counts.items() if n >= _REAL_WORD_FREQUENCY)


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
        real = _real_words()
        self.speller = Speller(
            self.rule_words, min_len=5, known=lambda w: w in self.common or w in real
        )

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
