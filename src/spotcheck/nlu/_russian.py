"""Russian: patterns match pymorphy3 lemmas; the writer's sex from grammar.

Lemmatising every word with pymorphy3 costs about 0.15 ms per new word, so
only words that could matter are analysed: words sharing their first three
letters with a form of a word the rules use, possible misspellings of those
(words pymorphy3 does not know), and past-tense verbs and short adjectives
(for the writer's sex).  Results are cached per word.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._dsl import pattern_words
from ._rules import LanguageRules
from ._speller import Speller

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["RussianWords", "SexCue"]

_SEX_ENDINGS = ("ла", "лась", "л", "лся", "на", "ен", "ан", "ян", "ин")
# Full adjectives, read only right after "я" ("я бледная", "я вся в поту").
_LONG_ENDINGS = ("ая", "яя", "ый", "ий", "ой")
_INTENSIFIERS = frozenset({"вся", "весь", "очень", "такая", "такой", "совсем", "сильно", "уже"})
# «Была пьяная»: a full adjective after a sentence-opening "was" is the writer's.
_BE_VERBS = frozenset({"была", "был", "стала", "стал"})
# prepositions of a one-word phrase between a noun and its short adjective: «Простата при
# пальпации безболезненна» (h85ru-054 had read a man's urology note as a woman's)
_PHRASE_PREPOSITIONS = frozenset({"при", "после", "на", "в", "по"})
# "у меня была кровь": «меня» after these is no object of the verb.
_MENYA_PREPOSITIONS = frozenset({"у", "для", "от", "без", "около", "кроме", "с", "со", "из"})
# A noun right after one of these is in an oblique case, never a verb's subject: «Секс был
# по пьяни, …, утром проснулась» («пьяни» is no woman who woke up; h74ru-020).
_PREPOSITIONS = frozenset(
    {
        "в",
        "во",
        "на",
        "по",
        "у",
        "с",
        "со",
        "к",
        "ко",
        "от",
        "до",
        "из",
        "за",
        "под",
        "над",
        "о",
        "об",
        "про",
        "при",
        "без",
        "для",
        "около",
        "после",
        "через",
        "перед",
        "между",
        "кроме",
    }
)


@dataclass(frozen=True)
class SexCue:
    value: str
    tok_start: int
    tok_end: int


def _e(word: str) -> str:
    return word.replace("ё", "е")


class RussianWords:
    def __init__(self, rules: LanguageRules) -> None:
        import pymorphy3

        self.morph = pymorphy3.MorphAnalyzer()
        lex = rules.lexicon
        words: set[str] = set()
        stems: set[str] = set()
        patterns = [p for r in rules.rules for p in r.spec.patterns if not p.startswith("re:")]
        patterns += [p for c in rules.context for p in c.patterns]
        patterns += [p for ps in lex.cues.values() for p in ps if not p.startswith("re:")]
        for p in patterns:
            words |= pattern_words(p, lex)
            for spec in p.split():
                for alt in spec.rstrip("?+").split("|"):
                    if alt.endswith("*") and not alt.startswith(("@", "=")):
                        stems.add(alt[:-1])
        for group in lex.sets.values():
            words |= {w for w in group if not w.endswith("*")}
            stems |= {w[:-1] for w in group if w.endswith("*")}
        words |= set(lex.numbers) | {w for ws in lex.units.values() for w in ws}
        words |= set(lex.gap_blockers) | set(lex.negations) | set(lex.normalise.values())
        words = {_e(w) for w in words if w.isalpha()}
        forms: set[str] = set(words)
        for word in words:
            for parse in self.morph.parse(word):
                if _e(parse.normal_form) == word:
                    forms |= {_e(f.word) for f in parse.lexeme}
        self.rule_words = frozenset(words)
        self.forms = frozenset(forms)
        self.prefixes = frozenset(f[:3] for f in forms) | frozenset(s[:3] for s in stems)
        self.stems = tuple(sorted(stems))
        self.map = {_e(k): _e(v) for k, v in lex.normalise.items()}
        self.thing_verbs = frozenset(lex.extra.get("thing_verbs", []))
        # slang a man is named by, unknown to pymorphy3 («мч постарался»: not the writer)
        self.male_subjects = frozenset(_e(w) for w in lex.extra.get("male_subjects", []))
        self.any_gender_subjects = frozenset(
            _e(w) for w in lex.extra.get("any_gender_subjects", [])
        )
        self.common = frozenset(_e(w) for w in lex.common_words)
        self.speller = Speller(
            forms,
            min_len=5,
            known=self._known_raw,
            key=lambda w: _e(self.morph.parse(w)[0].normal_form),
        )
        self.lemma = functools.lru_cache(maxsize=65536)(self._lemma)
        self._tag = functools.lru_cache(maxsize=65536)(self._tag_raw)
        self._nominative = functools.lru_cache(maxsize=65536)(self._nominative_raw)
        self._adjective_cached = functools.lru_cache(maxsize=65536)(self._adjective_raw)
        self._noun_cached = functools.lru_cache(maxsize=65536)(self._noun_raw)
        self.genitive = functools.lru_cache(maxsize=65536)(self._genitive_raw)
        self.past = functools.lru_cache(maxsize=65536)(self._past_raw)
        self.normal_form = functools.lru_cache(maxsize=4096)(self._normal_form_raw)

    # --- words -------------------------------------------------------------------------

    def _known_raw(self, word: str) -> bool:
        return bool(self.morph.word_is_known(word))

    def exact(self, word: str) -> bool:
        """Whether a lower-case word is in the dictionary as written (no correction)."""
        return self._known_raw(_e(word))

    def known(self, word: str) -> bool:
        """Whether a lower-case word is Russian (language detection)."""
        w = _e(word)
        return (
            w in self.forms
            or w in self.common
            or w in self.map
            or self._known_raw(w)
            or self.speller.correct(w) is not None
        )

    def _lemma(self, word: str) -> str:
        if word in self.map:
            return self.map[word]
        if not word.isalpha():
            return word
        if word in self.forms:
            return _e(self.morph.parse(word)[0].normal_form)
        if len(word) >= 4 and not self._known_raw(word):
            fixed = self.speller.correct(word)
            if fixed is not None:
                return self.map.get(fixed) or _e(self.morph.parse(fixed)[0].normal_form)
        if word[:3] in self.prefixes:
            return _e(self.morph.parse(word)[0].normal_form)
        return word

    def normaliser(self) -> Callable[[Doc], None]:
        lemma = self.lemma

        def normalise(doc: Doc) -> None:
            for token in doc:
                lower = _e(token.lower_)
                token.norm_ = lower
                token.lemma_ = lemma(lower)

        return normalise

    def pattern_forms(self, word: str) -> list[str]:
        """A rule word and, when pymorphy3 normalises it to another word, that lemma.

        The text is matched by lemma, and pymorphy3 does not always give a word
        itself as its lemma («вагина» → «вагин», «трусы» → «трус», «меньше» →
        «маленький»): a rule word matches both.  A word the lexicon maps
        (`normalise`) keeps its mapping.
        """
        w = _e(word)
        if not w.isalpha():
            return [word]
        lemma = self.lemma(w)
        return [word] if lemma == w else [word, lemma]

    # --- the writer's sex from grammar ---------------------------------------------------

    def _normal_form_raw(self, word: str) -> str:
        """pymorphy3's dictionary form of any word («двух»: «два»), unlike ``lemma``, which
        analyses only the words the rules could use."""
        return _e(self.morph.parse(word)[0].normal_form)

    def _tag_raw(self, word: str) -> tuple[str, str, str, str]:
        """(POS, gender, number, lemma) of the most likely parse."""
        p = self.morph.parse(word)[0]
        tag = p.tag
        return (str(tag.POS or ""), str(tag.gender or ""), str(tag.number or ""), _e(p.normal_form))

    def _nominative_raw(self, word: str) -> frozenset[str]:
        """Genders of the word's parses as a nominative animate noun or a pronoun.

        Those are the possible subjects of a verb like "заметил" (noticed);
        "раз" or "секс" are not.
        """
        out: set[str] = set()
        if word in self.male_subjects:
            out.add("masc")
        if word in self.any_gender_subjects:
            out |= {"masc", "femn"}
        for p in self.morph.parse(word):
            tag = p.tag
            if p.score < 0.05 or "Surn" in tag or "Patr" in tag:
                continue  # unlikely readings ("голова" as a surname)
            animate = tag.POS == "NPRO" or "anim" in tag
            if tag.POS in ("NOUN", "NPRO") and tag.case == "nomn" and animate:
                out.add(str(tag.gender or ("plur" if tag.number == "plur" else "")))
        return frozenset(out)

    def _adjective_raw(self, word: str) -> frozenset[str]:
        """Genders of the word's parses as a nominative full adjective or participle."""
        return frozenset(
            str(p.tag.gender or "")
            for p in self.morph.parse(word)
            if p.score >= 0.05 and p.tag.POS in ("ADJF", "PRTF") and p.tag.case == "nomn"
        )

    def _noun_raw(self, word: str) -> frozenset[str]:
        """Genders of the word's likely parses as a nominative singular noun (any animacy)."""
        return frozenset(
            str(p.tag.gender or "")
            for p in self.morph.parse(word)
            if p.score >= 0.2
            and p.tag.POS == "NOUN"
            and p.tag.case == "nomn"
            and p.tag.number == "sing"
            and "Surn" not in p.tag
            and "Name" not in p.tag
        )

    def _genitive_raw(self, word: str) -> bool:
        """Whether the word can be a genitive noun or adjective: the case of a list that
        «нет» ends («Странных выделений, температуры нет»)."""
        return any(
            p.score >= 0.05
            and p.tag.POS in ("NOUN", "ADJF", "PRTF")
            and p.tag.case in ("gent", "gen2")
            for p in self.morph.parse(word)
        )

    def _past_raw(self, word: str) -> bool:
        """Whether the word is most likely a verb in the past tense («теряла», «было»):
        a past frame goes on over a clause that has one (``_frames.py``)."""
        if not word.isalpha():
            return False
        return bool(self.morph.parse(word)[0].tag.tense == "past")

    def _adjective(self, word: str, gender: str) -> bool:
        return gender in self._adjective_cached(word)

    def _writer_is_subject(self, tokens: list[Any], i: int, gender: str) -> bool:
        """Whether the verb at ``i`` has the writer as its subject.

        Looking back to the start of the sentence: "я" first means yes; a
        nominative animate noun or pronoun of the verb's gender first ("муж",
        "подруга", "она") means someone else is the subject.  With neither,
        Russian drops "я" ("Заметила кровь"): yes.
        """
        if i + 1 < len(tokens) and _e(tokens[i + 1].lower_) == "я":
            return True
        # a thing right before the verb is its subject ("прокладка промокла")
        if i >= 1 and gender in self._noun_cached(_e(tokens[i - 1].lower_)):
            return False
        # the writer as the object ("меня изнасиловал", but not "у меня была")
        if (
            i >= 1
            and _e(tokens[i - 1].lower_) == "меня"
            and (i < 2 or _e(tokens[i - 2].lower_) not in _MENYA_PREPOSITIONS)
        ):
            return False
        # the subject right after the verb ("напал незнакомец", "сказал врач"),
        # perhaps after its adjectives ("изнасиловал незнакомый мужчина")
        for j in range(i + 1, min(i + 4, len(tokens))):
            if tokens[j].is_sent_start:
                break
            nxt = _e(tokens[j].lower_)
            if not nxt.isalpha():
                break
            if gender in self._nominative(nxt):
                return False
            if not self._adjective(nxt, gender):
                break
        for j in range(i - 1, -1, -1):
            token = tokens[j]
            word = _e(token.lower_)
            if token.is_sent_start and j < i - 1 and word != "я":
                # the sentence starts here; still look at this token below
                pass
            if word == "я":
                return True
            if word in ("он", "она", "оно", "они"):
                return False
            if (
                word.isalpha()
                and gender in self._nominative(word)
                and not (j >= 1 and _e(tokens[j - 1].lower_) in _PREPOSITIONS)
            ):
                return False
            if token.is_sent_start:
                break
        return True

    @staticmethod
    def _predicate_of_other(tokens: list[Any], i: int) -> bool:
        """Whether a short adjective at ``i`` says something of a thing, not the writer.

        After a dash or colon it is the predicate of what came before («C.
        trachomatis — обнаружена»); before «ли» it asks about what follows («Нужна
        ли PEP?»), unless that is «я» («беременна ли я»).
        """
        j = i - 1
        if j >= 1 and _e(tokens[j].lower_) == "не":  # «— не обнаружена»
            j -= 1
        if j >= 0 and tokens[j].text in ("—", "–", "-", ":"):
            return True
        if i + 1 < len(tokens) and _e(tokens[i + 1].lower_) == "ли":
            return not (i + 2 < len(tokens) and _e(tokens[i + 2].lower_) == "я")
        return False

    def _agrees_with_noun_before(self, tokens: list[Any], i: int, gender: str) -> bool:
        """A short participle after a noun of its gender says something of that noun:
        «Эндометриоз, подтверждён лапароскопически» is no man writing."""
        j = i - 1
        if j >= 0 and tokens[j].text == ",":
            j -= 1
        if j < 0 or not tokens[j].is_alpha:
            return False
        word = _e(tokens[j].lower_)
        if gender in self._noun_cached(word):
            return True
        # ... after another short form of the noun, "не" maybe before it: «Простата …
        # не изменена, безболезненна» (h85ru-054)
        pos, word_gender, _, _ = self._tag(word)
        if pos in ("ADJS", "PRTS") and word_gender == gender:
            start = j - 1 if j >= 1 and _e(tokens[j - 1].lower_) == "не" else j
            return self._agrees_with_noun_before(tokens, start, gender)
        # ... with a prepositional phrase of one or two words between them: «Простата при
        # пальпации безболезненна», «Простата при ректальном исследовании не изменена» are
        # the prostate's, not a woman writing
        for size in (1, 2):
            prep, noun = j - size, j - size - 1
            if noun >= 0 and _e(tokens[prep].lower_) in _PHRASE_PREPOSITIONS:
                return tokens[noun].is_alpha and gender in self._noun_cached(
                    _e(tokens[noun].lower_)
                )
        return False

    def _participle_of_noun(self, tokens: list[Any], i: int, gender: str) -> bool:
        """A passive participle whose clause opens with a noun of its gender says
        something of that noun: «Эндометриоз с 2018-го, подтверждён лапароскопией»
        (a few words back, within the sentence, unless «я» comes first)."""
        for j in range(i - 1, max(i - 7, -1), -1):
            token = tokens[j]
            word = _e(token.lower_)
            if word == "я":
                return False
            if token.is_alpha and gender in self._noun_cached(word):
                return True
            if token.is_sent_start:
                break
        return False

    @staticmethod
    def _after_ya(tokens: list[Any], i: int) -> bool:
        if i >= 1 and _e(tokens[i - 1].lower_) == "я":
            return True
        # "я" left out, the sentence opening with the verb: «Была пьяная, …»
        if i >= 1 and tokens[i - 1].is_sent_start and _e(tokens[i - 1].lower_) in _BE_VERBS:
            return True
        return (
            i >= 2 and _e(tokens[i - 2].lower_) == "я" and _e(tokens[i - 1].lower_) in _INTENSIFIERS
        )

    def _before_noun(self, tokens: list[Any], i: int) -> bool:
        """Whether a noun follows or the word is an ordinal: "я первый раз" is no "я бледная"."""
        if i + 1 >= len(tokens):
            return False
        if "Anum" in self.morph.parse(_e(tokens[i].lower_))[0].tag:
            return True  # an ordinal: "я первый раз", "я второй день"
        nxt = _e(tokens[i + 1].lower_)
        return nxt.isalpha() and bool(self._noun_cached(nxt))

    def _said_by_writer(self, tokens: list[Any], i: int, gender: str) -> bool:
        """Whether "я" is the clause's subject before the verb at ``i``.

        Verbs that usually have a thing as subject ("была", "стала") agree with
        the writer only then: "я вчера первый раз была с парнем".
        """
        for j in range(i - 1, -1, -1):
            word = _e(tokens[j].lower_)
            if word == "я":
                return True
            if not word.isalpha() or gender in self._nominative(word):
                return False
            if tokens[j].is_sent_start:
                break
        return False

    def sex_cues(self, doc: Doc) -> list[SexCue]:
        """Past-tense verbs and short adjectives that agree with the writer.

        "Заметила кровь" (noticed, feminine) says the writer is a woman, unless
        the clause names another subject before the verb ("муж заметил",
        "подруга сказала") or the verb usually has a thing as its subject
        ("кровь шла", "боль прошла").
        """
        cues: list[SexCue] = []
        tokens: list[Any] = list(doc)
        for i, token in enumerate(tokens):
            lower = _e(token.lower_)
            if not lower.isalpha():
                continue
            if (
                lower.endswith(_LONG_ENDINGS)
                and self._after_ya(tokens, i)
                and not self._before_noun(tokens, i)
            ):
                # "я бледная", "я вся мокрая": a full adjective right after "я"
                genders = self._adjective(lower, "femn"), self._adjective(lower, "masc")
                if genders[0] != genders[1]:
                    cues.append(SexCue("female" if genders[0] else "male", i, i + 1))
                continue
            if not lower.endswith(_SEX_ENDINGS):
                continue
            pos, gender, number, lemma = self._tag(lower)
            if number != "sing" or gender not in ("femn", "masc"):
                continue
            # a word pymorphy only guesses at is no verb («пью клопидогрел») nor a short
            # adjective (the typo «посл» for «после»)
            if not self.exact(lower):
                continue
            if pos == "VERB":
                if lemma in self.thing_verbs and not self._said_by_writer(tokens, i, gender):
                    continue
            elif (
                pos not in ("ADJS", "PRTS")
                # a short adjective of a thing: «нужна ПКП?» (thing_verbs)
                or (lemma in self.thing_verbs and not self._said_by_writer(tokens, i, gender))
                or self._predicate_of_other(tokens, i)
                or self._agrees_with_noun_before(tokens, i, gender)
                or (pos == "PRTS" and self._participle_of_noun(tokens, i, gender))
            ):
                continue
            if self._writer_is_subject(tokens, i, gender):
                cues.append(SexCue("female" if gender == "femn" else "male", i, i + 1))
        return cues
