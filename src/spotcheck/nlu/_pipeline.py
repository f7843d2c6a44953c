"""One language's pipeline: tokens -> target matches -> ConText -> raw findings.

Built on medspaCy's data model and ConText algorithm: target rules become
``TargetRule`` objects, context cues ``ConTextRule`` objects; cue scopes are
settled by ``ConTextModifier``/``ConTextGraph``.  Matching is done here with
spaCy's ``PhraseMatcher`` and ``Matcher`` (``_matching``), which is much
faster than medspaCy's matcher on long messages, and ConText's assignment of
modifiers to targets is done directly (same rule: the scope overlaps the
target, the cue does not, the target's type is allowed).  The pipeline starts
from ``spacy.blank(lang)`` with spaCy's rule-based sentencizer (no model is
downloaded), and a language-specific normaliser sets the form the patterns
match on (``_english``, ``_russian``).
"""

from __future__ import annotations

import re
import sys
import threading
import types
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..kb import FactValue, KnowledgeBase
from ._answers import FormAnswers
from ._corrections import Corrections
from ._dsl import compile_pattern
from ._frames import past_tokens
from ._literals import may_match, plain_letters, required_literals
from ._matching import FastMatcher, prune_overlaps
from ._numbers import NumberReader
from ._rules import MATCH_ATTR, SURFACE_ATTR, LanguageRules, Rule

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Pipeline", "Raw"]

_CATEGORY = {
    "negated": "NEGATED_EXISTENCE",
    "hypothetical": "HYPOTHETICAL",
    "historical": "HISTORICAL",
    "other_person": "FAMILY",
    "self": "SELF",
    "clause": "CLAUSE",
    "terminate": "TERMINATE",
    "pseudo": "PSEUDO",
    "uncertain": "UNCERTAIN",
}
# Cues of past frames (``_frames.py``), matched apart from ConText's.
_FRAME_CATEGORIES = frozenset({"past_frame", "present", "not_past", "new_episode"})
# Markers that modify no target; they only end other cues' scope.
_MARKERS = {"SELF", "CLAUSE"}
_TERMINATED_BY = {
    "NEGATED_EXISTENCE": {"CLAUSE"},
    "HYPOTHETICAL": {"CLAUSE"},
    "HISTORICAL": {"CLAUSE"},
    "FAMILY": {"SELF", "CLAUSE"},
    "UNCERTAIN": {"CLAUSE"},
}
_NOTHING = {"__nothing__"}
# a number joined with its half ("six and a half" is one token, form "6.5": _join_halves)
_HALF_NUMBER = re.compile(r"\d+\.5")
# A partner's bleeding: bleeding described in the same sentence is theirs.
_PARTNER_BLEEDING = {
    "blood_in_semen",
    "urethral_bleeding",
    "frenulum_tear",
    "partner_blood_in_semen",
}

# What the partner's blood looked like, and whether it went on ("his frenulum … was
# still dripping", blind_ak), when the person says none was hers.
_PARTNER_AMOUNT = {"bleeding_amount", "bleeding_colour", "clots", "bleeding_ongoing"}

# Findings whose longest match says it all: "тёмно-красная" is dark red, not the
# brighter "красная" inside it (the severity exception below is for amounts and pain).
_LONGEST_WINS = {"bleeding_colour"}


# "I can't be pregnant right?": a tag makes the sentence a question.
_TAG_QUESTIONS = frozenset({"right", "yeah", "eh", "ok", "okay", "though", "surely"})

# Clock times a regex may capture as ``clock_from``/``clock_to``: "11pm", "9 a.m.",
# 24-hour "23:00", and Russian «11 вечера», «3 ночи», «9 утра», «2 дня» (also with the
# hour word, «4 часа дня»).
_CLOCK = re.compile(
    r"(\d{1,2})(?:[:.](\d{2}))?\s*(?:час(?:а|ов)?\s+(?=[уднв]))?(a\.?m\.?|p\.?m\.?|утра|дня|вечера|ночи)?",
    re.IGNORECASE,
)


_NAMED_TIMES = {
    "midnight": 0.0, "noon": 12.0, "midday": 12.0, "half past midnight": 0.5,
    "полночь": 0.0, "полуночи": 0.0, "полдень": 12.0, "полудня": 12.0,
}  # fmt: skip
_HALF_PAST = re.compile(r"half\s+(?:past\s+)?(\d{1,2})", re.IGNORECASE)


# a clock time that says morning or afternoon itself: "3pm", "9 a.m."
_CLOCK_PART = re.compile(r"\d\s*[ap]\.?m\b\.?", re.I)


def _clock_hours(start: str, now: str) -> float | None:
    """Hours from one clock time to a later one ("11pm" to "9am": 10), None if unreadable.

    A bare hour ("at 8 … it's 11 now", "half 1": 1:30) is read only where a rule's
    regex allows it, and then the two times are taken to lie within 12 hours.
    """
    times = []
    within_12 = False
    parts = []  # whether each time says its morning or afternoon
    loose = []  # "11:30": minutes, an hour of 1-12 and no am/pm or leading zero
    for text in (start, now):
        text = text.strip().lower()
        if text in _NAMED_TIMES:
            times.append(_NAMED_TIMES[text])
            continue
        half = _HALF_PAST.fullmatch(text)
        m = _CLOCK.fullmatch(half[1] if half else text)
        if m is None:
            return None
        hour, part = int(m[1]), (m[3] or "").lower().replace(".", "")
        parts.append(bool(part))
        loose.append(not part and m[2] is not None and 1 <= hour <= 12 and not m[1].startswith("0"))
        if part:
            if not 1 <= hour <= 12:
                return None
            evening = part in ("pm", "дня", "вечера") or (part == "ночи" and 6 <= hour < 12)
            # «12 ночи» is midnight, as "12am" is
            hour = hour % 12 + (12 if evening else 0)
        elif m[2] is None:
            if not 1 <= hour <= 12:
                return None
            # a bare hour, or "half 11" (11:30): morning or evening is not said
            within_12 = True
        elif hour > 23:
            return None
        times.append(hour + (30 if half else int(m[2] or 0)) / 60)
    if len(parts) == 2 and ((parts[0] and loose[1]) or (parts[1] and loose[0])):
        # "at around 8pm … it's now 11:30": the other time's am/pm is not said, so the
        # two are taken to lie within 12 hours, as bare hours are (3.5, h63en-015)
        within_12 = True
    hours = (times[1] - times[0]) % (12 if within_12 else 24)
    return hours or None


# Amounts a regex adds to its number in a unit of their own: ``plus_day`` («19 недель
# 5 дней», "20+2"), ``ago_week`` («на УЗИ две недели назад было 19 недель»); the number
# at the group's start, or one of the unit («неделю», «вчера»); a digit after the name
# tells two such groups apart (``plus_day2``).  ``less_`` takes it away: an age to be
# reached («в следующем месяце исполнится 50», "I turn 50 next month" are 49: ``less_year``
# on the verb).
_ADDED = re.compile(r"(plus|ago|less)_(minute|hour|day|week|month|year)\d*")
# Weekday names a regex may capture as ``wday_from``/``wday_to`` (beginnings, Monday
# first): «в прошлую пятницу … Сегодня среда» is 5 days.
_WEEKDAYS = (
    ("mon", "пон"),
    ("tue", "вт"),
    ("wed", "ср"),
    ("thu", "чет"),
    ("fri", "пят"),
    ("sat", "суб"),
    ("sun", "вос"),
)


def _weekdays_between(start: str, now: str) -> float | None:
    """Days from a past weekday to today's ("Friday" to "Wednesday": 5; the same day a
    week), None if unreadable."""
    days = []
    for text in (start.strip().lower(), now.strip().lower()):
        found = [i for i, names in enumerate(_WEEKDAYS) if text.startswith(names)]
        if len(found) != 1:
            return None
        days.append(found[0])
    return float((days[1] - days[0]) % 7 or 7)


# a clock time's bare hour, no part of the day said with it ("1", "11:30")
_BARE_HOUR = re.compile(r"\d{1,2}(?:[:.]\d{2})?")
# "last" or «прошлый» just before a weekday: the one a week or more back ("last Sunday")
_LAST_BEFORE = re.compile(r"(?:\blast|(?<!\w)прошл\w*)\s+$", re.I)

# The hour a part of the day stands for when no clock time is said, and the parts that
# put a bare hour in the afternoon or night.
_DAY_PARTS = {"morning": 9.0, "afternoon": 15.0, "evening": 20.0, "night": 23.0}
# the parts of the day in the rule languages' words, for the regexes that capture them
_PART_NAMES = {
    "утром": "morning", "днём": "afternoon", "днем": "afternoon", "вечером": "evening",
    "ночью": "night", "teatime": "evening", "tea time": "evening",
}  # fmt: skip
# a clock time's own part of the day in Russian («9 утра», «2 дня», «11 вечера», «3 ночи»)
_CLOCK_PM = frozenset({"pm", "дня", "вечера"})


def _part_hour(clock: str, part: str) -> float | None:
    """The hour of the day of a clock time said with a part of the day ("night around 11":
    23, "morning, about 9": 9, "11pm": 23); the part's own hour without a clock; None
    when neither says it (a bare hour alone may be morning or evening)."""
    part = part.strip().lower()
    part = _PART_NAMES.get(part, part)
    clock = clock.strip().lower()
    if clock in _NAMED_TIMES:
        # "Thursday night around midnight" is the midnight after Thursday
        return _NAMED_TIMES[clock] + (24.0 if part == "night" and clock == "midnight" else 0.0)
    m = _CLOCK.fullmatch(clock) if clock else None
    if m is None:
        return _DAY_PARTS.get(part)
    hour, minutes = int(m[1]), int(m[2] or 0) / 60
    suffix = (m[3] or "").lower().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        if part == "night" and suffix == "am" and hour % 12 < 6:
            # "Saturday night around 1am": the small hours after it, as a bare hour is
            return hour % 12 + 24 + minutes
        # «12 ночи» is midnight, as "12am" is; «10 ночи» is 22
        evening = suffix in _CLOCK_PM or (suffix == "ночи" and 6 <= hour < 12)
        return hour % 12 + (12 if evening else 0) + minutes
    if hour > 23:
        return None
    if hour >= 12 or not part:
        return hour + minutes if hour >= 12 else None
    if part in ("afternoon", "evening") or (part == "night" and hour >= 6):
        return hour + 12 + minutes
    if part == "night":
        return hour + 24 + minutes  # "Friday night around 1": the small hours after it
    return hour + minutes


def _weekday_hours(groups: dict[str, str | None], last: bool = False) -> float | None:
    """Hours from a past weekday and clock time to today's ("on Friday night around 11 …
    It's Thursday morning now, about 9": 130).  Both clock times are needed: the
    annotated sets leave weekdays alone ("on Friday, now it's Sunday") without hours.
    Without them, the same part of the day on both weekdays gives whole days ("on Sunday
    night … it's Tuesday night now": 48, as en-1616 and h83en-066 count it; with two
    different parts the writers' own counts differ from any one hour a part could stand
    for, so those stay unread).

    The same weekday twice is today when the first clock time is the earlier ("in the
    early hours of sunday, about 1am … it's sunday 3pm now": 14, h79en-012), a week back
    when it is not or when ``last`` ("last Sunday" said of it)."""
    days = _weekdays_between(groups.get("wday_from") or "", groups.get("wday_to") or "")
    if days is None:
        return None
    if not (groups.get("clock_from") and groups.get("clock_to")):
        return _same_part_days(groups, days)
    if days == 7 and not last:
        today = _dated_hours(groups, 0.0)
        if today is not None:
            return today
    return _dated_hours(groups, days)


def _same_part_days(groups: dict[str, str | None], days: float) -> float | None:
    """Hours between two weekdays said with the same part of the day and no clock time
    ("Monday evening … it's Wednesday evening now": 48); None for a week (the same
    weekday twice may be today), a part said once, or two different parts."""
    parts = [(groups.get(key) or "").strip().lower() for key in ("part_from", "part_to")]
    start, now = (_PART_NAMES.get(part, part) for part in parts)
    if not start or start != now or days >= 7:
        return None
    return days * 24.0


def _dated_hours(groups: dict[str, str | None], days: float) -> float | None:
    """Hours from a clock time ``days`` days back to one today ("the day before yesterday
    in the evening, around 10 … It's noon now": 38), None if unreadable."""
    start = _part_hour(groups.get("clock_from") or "", groups.get("part_from") or "")
    now = _part_hour(groups.get("clock_to") or "", groups.get("part_to") or "")
    if start is None or now is None:
        return None
    hours = days * 24 + now - start
    return hours if hours > 0 else None


def _parted_hours(groups: dict[str, str | None]) -> float | None:
    """Hours from a clock time in a part of the day to a later one, across midnight at
    most once ("9" at "night" to "8" in the "morning": 11), None if unreadable."""
    start = _part_hour(groups.get("clock_from") or "", groups.get("part_from") or "")
    now = _part_hour(groups.get("clock_to") or "", groups.get("part_to") or "")
    if start is None or now is None:
        return None
    return (now - start) % 24 or None


# Month names a regex may capture as ``mon_from``/``mon_to`` (beginnings, January first;
# English and Russian), or the month's number ("3/6" is the 3rd of June).
_MONTHS = (
    ("jan", "янв"),
    ("feb", "фев"),
    ("mar", "мар"),
    ("apr", "апр"),
    ("may", "мая", "май", "мае"),
    ("jun", "июн"),
    ("jul", "июл"),
    ("aug", "авг"),
    ("sep", "сен"),
    ("oct", "окт"),
    ("nov", "ноя"),
    ("dec", "дек"),
)
# days in each month (a year not said is no leap year: the 29th of February is unread)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_of(text: str) -> int | None:
    """The month (1 … 12) a captured name or number stands for, None if unreadable."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    found = [i + 1 for i, names in enumerate(_MONTHS) if text.startswith(names)]
    return found[0] if len(found) == 1 else None


def _days_between(start: str, now: str, mon_from: str = "", mon_to: str = "") -> float | None:
    """Days from a date to today's, the one place dates are counted: two days of the month
    ("the 28th" to "the 3rd": 5, the month between them 30 days long when neither is named),
    a month with either ("16 января, сегодня 29-е": 13, "on the 28th of May … today's the
    3rd": 6) or both ("LLETZ on 26 May, today is 9 June": 14; "2nd December … 27th Jan":
    56, across the year's end).  None if unreadable, the same day, or a year or more."""
    if not (start.isdigit() and now.isdigit()):
        return None
    a, b = int(start), int(now)
    m1 = _month_of(mon_from) if mon_from else None
    m2 = _month_of(mon_to) if mon_to else None
    if (mon_from and m1 is None) or (mon_to and m2 is None):
        return None
    if m1 is None and m2 is None:
        if not (1 <= a <= 31 and 1 <= b <= 31) or a == b:
            return None
        return float(b - a if b > a else b + 30 - a)
    if m1 is None:
        assert m2 is not None
        m1 = m2 if a < b else (m2 - 2) % 12 + 1  # the day before today's is this month's
    elif m2 is None:
        m2 = m1 if b > a else m1 % 12 + 1  # today's day before the date's: the next month
    if not (1 <= a <= _MONTH_DAYS[m1 - 1] and 1 <= b <= _MONTH_DAYS[m2 - 1]):
        return None
    months = (m2 - m1) % 12
    if months == 0 and b <= a:
        return None  # the same day, or a year back
    days = sum(_MONTH_DAYS[(m1 - 1 + i) % 12] for i in range(months))
    return float(days + b - a)


@dataclass(frozen=True)
class Raw:
    """A matched finding with its ConText flags (before policy)."""

    finding: str
    value: FactValue
    start: int  # characters
    end: int
    tok_start: int
    tok_end: int
    sent: int
    rule: Rule
    negatable: bool = False
    negated: bool = False
    hypothetical: bool = False
    other_person: bool = False
    # other_person because of the partner of the one written about (ContextSpec.subjects_partner)
    subjects_partner: bool = False
    historical: bool = False
    uncertain: bool = False
    corrected: bool = False

    @property
    def length(self) -> int:
        return self.tok_end - self.tok_start


def _quiet_import() -> tuple[Any, Any, Any, Any, Any]:
    """Import spaCy and medspaCy without their import-time side effects.

    medspaCy's matcher module calls ``warnings.filterwarnings("ignore")`` at
    import, which would silence every warning of the host process; spaCy 3.7
    imports a deprecated click helper.  Both are contained here.
    """
    stubs = _stub_quickumls()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import spacy
            from medspacy.context import ConTextGraph, ConTextModifier, ConTextRule
            from medspacy.target_matcher import TargetRule
    finally:
        for name in stubs:
            sys.modules.pop(name, None)
    _silence_pyrush()

    _fix_overlap_test()
    return spacy, ConTextGraph, ConTextModifier, ConTextRule, TargetRule


def _stub_quickumls() -> list[str]:
    """Let medspaCy import without QuickUMLS (UMLS concept mapping, unused here).

    ``medspacy.util`` imports ``quickumls.spacy_component`` at import time,
    which pulls in NLTK and SciPy: about three seconds of start-up for a
    component Spotcheck never uses.  While medspaCy imports, stand-in modules
    answer instead; they are removed right after, so a later real import of
    ``quickumls`` works as usual.
    """
    if "quickumls" in sys.modules or "medspacy" in sys.modules:
        return []
    package = types.ModuleType("quickumls")
    component = types.ModuleType("quickumls.spacy_component")
    package.spacy_component = component  # type: ignore[attr-defined]  # stand-in module
    sys.modules["quickumls"] = package
    sys.modules["quickumls.spacy_component"] = component
    return ["quickumls", "quickumls.spacy_component"]


def _silence_pyrush() -> None:
    """medspaCy's PyRuSH sentence splitter logs every sentence at DEBUG through loguru.

    Spotcheck uses spaCy's sentencizer instead, but importing medspaCy imports
    PyRuSH; its logger is switched off in case anything in the process runs it.
    """
    try:
        from loguru import logger
    except ImportError:  # pragma: no cover - loguru comes with PyRuSH
        return
    logger.disable("PyRuSH")


_BULLETS = frozenset("•·*-–—>")


def _opens_line(token: str) -> bool:
    """A list marker, a number that counts an item ("2." / "2)"), or a capital."""
    return token in _BULLETS or token[:1].isupper() or (token[:-1].isdigit() and token[-1:] in ".)")


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _fix_overlap_test() -> None:
    """Correct medspaCy 1.3.1's span-overlap test used by ConText.

    ``medspacy.util.tuple_overlaps`` misses a span that lies strictly inside
    the other one, so a terminator ("apart from") inside a negation's scope
    did not end it.  ConText's modules bind the function by name; they get a
    correct one.
    """
    from medspacy.context import context_graph, context_modifier

    context_modifier.tuple_overlaps = _overlaps
    context_graph.tuple_overlaps = _overlaps


# a shorthand of two parts around a slash ("d/c", "w/o")
_SLASHED = re.compile(r"[^\W\d]+/[^\W\d]+")


class Pipeline:
    def __init__(
        self,
        kb: KnowledgeBase,
        rules: LanguageRules,
        normalise: Callable[[Doc], None],
        shared: frozenset[str],
        event: frozenset[str],
        order: dict[str, list[str]] | None = None,
        forms: Callable[[str], list[str]] | None = None,
        genitive: Callable[[str], bool] | None = None,
        past: Callable[[str], bool] | None = None,
        normal_form: Callable[[str], str] | None = None,
    ) -> None:
        spacy, graph_cls, modifier_cls, context_rule, target_rule = _quiet_import()
        self._graph_cls = graph_cls
        self._modifier_cls = modifier_cls
        self.kb = kb
        self.rules = rules
        self.lang = rules.lang
        self.attr = MATCH_ATTR[rules.lang]
        surface = SURFACE_ATTR[rules.lang]
        self.normalise = normalise
        self.event = event
        self.order = order or {}
        lex = rules.lexicon
        self.numbers = NumberReader(lex, self.attr, normal_form)
        self.particles = frozenset(lex.extra.get("hyphen_particles", []))
        # someone named before a "she" or "he" who is neither the writer nor a partner
        self.third_parties = frozenset(lex.extra.get("third_parties", []))
        # a clinician's note about "28F" or "63 yo woman": her pronouns are hers (note_subject)
        self.note_subjects = {
            sex: [re.compile(p) for p in lex.extra.get(f"note_subject_{sex}", [])]
            for sex in ("female", "male")
        }
        self.note_first_person = [re.compile(p) for p in lex.extra.get("note_first_person", [])]
        self.note_pronouns = {
            sex: frozenset(lex.extra.get(f"note_pronouns_{sex}", [])) for sex in ("female", "male")
        }
        self.particle_prefixes = frozenset(lex.extra.get("hyphen_prefixes", []))
        # two words typed as one: the joined form -> its words ("не было" -> «небыло»)
        self.joined = {
            "".join(w.split()): tuple(w.split()) for w in lex.extra.get("joined_words", [])
        }
        markers = lex.extra.get("correction_markers", [])
        # a word the number reader takes for hours: a time said in words is corrected in it
        self._hour_word = next((w for w, u in self.numbers.units.items() if u == "hour"), "")
        self.corrections = (
            Corrections(
                markers,
                self.numbers,
                lex.extra.get("correction_followers", []),
                lex.extra.get("correction_unit_groups", []),
                lex.extra.get("correction_postposed", []),
            )
            if markers
            else None
        )
        nlp = spacy.blank(rules.lang)
        # a shorthand with a slash the lexicon maps ("d/c" for discharge) stays one token:
        # the tokenizer's infix rule would split it into "d", "/", "c" (blind-cs-055)
        for short in lex.normalise:
            if _SLASHED.fullmatch(short):
                for typed in {short, short.upper(), short.capitalize()}:
                    nlp.tokenizer.add_special_case(typed, [{"ORTH": typed}])
        self.nlp = nlp
        self.sentencizer = nlp.add_pipe("sentencizer")
        self.negations = frozenset(lex.negations)
        self.question_words = frozenset(lex.question_words)
        # a hedge that opens with these words denies even with an unsure word in it:
        # "Fever: not that I know of", "Dizzy: not really" (lexicon ``negating_hedges``)
        self.negating_hedges = [tuple(h.split()) for h in lex.extra.get("negating_hedges", [])]
        # hedges with a negation word that still do not negate ("not sure", «не уверена»)
        self.unsure_words = frozenset(lex.extra.get("unsure_words", []))
        self.lookahead_stops = frozenset(lex.extra.get("lookahead_stops", []))
        # (stop 58) the clocks changed between two clock times ("around midnight … it's now
        # 3pm and the clocks went forward in between": 14 hours, not 15): the lexicon's
        # ``clocks_forward`` take an hour off, ``clocks_back`` add one
        self.clock_shifts = [
            (re.compile(pattern, re.IGNORECASE), shift)
            for key, shift in (("clocks_forward", -1.0), ("clocks_back", 1.0))
            for pattern in lex.extra.get(key, [])
        ]
        answers = lex.extra.get("question_answers", [])
        self.answers = (
            FormAnswers(
                answers,
                lex.question_words,
                lex.extra.get("form_openers", []),
                lex.extra.get("answer_labels", []),
                lex.extra.get("form_listing", []),
            )
            if answers
            else None
        )

        # Target rules (medspaCy TargetRule objects): token patterns matched by
        # phrase or by spaCy's Matcher; regular expressions over the raw text here.
        self.targets: FastMatcher[Any] = FastMatcher(nlp.vocab, self.attr)
        self.target_rules: list[Any] = []
        self.regexes: list[tuple[re.Pattern[str], Rule]] = []
        for rule in rules.rules:
            for k, pattern in enumerate(rule.spec.patterns):
                if pattern.startswith("re:"):
                    self.regexes.append((re.compile(pattern[3:], re.IGNORECASE), rule))
                    continue
                compiled = compile_pattern(pattern, self.attr, lex, surface, forms)
                target = target_rule(
                    f"{rule.name}.{k}",
                    rule.spec.finding,
                    pattern=compiled.tokens,
                    metadata={"rule": rule, "negatable": compiled.negatable},
                )
                self.target_rules.append(target)
                self.targets.add(compiled, target)

        # Cue sets for `near`.
        self.cues: FastMatcher[str] = FastMatcher(nlp.vocab, self.attr)
        # A cue may be a regular expression over the raw text too ("M32", "32M").
        self.cue_regexes: list[tuple[re.Pattern[str], str]] = []
        for name, patterns in lex.cues.items():
            for p in patterns:
                if p.startswith("re:"):
                    self.cue_regexes.append((re.compile(p[3:], re.IGNORECASE), name))
                    continue
                self.cues.add(compile_pattern(p, self.attr, lex, surface, forms), name)
        # What each regex needs in the text; most are skipped on a given message.
        self._needs = [required_literals(regex) for regex, _rule in self.regexes]
        # A cue a word just before denies does not count for the sets named: "nobody
        # forced her" is no assault (lexicon ``negated_cue_sets``, ``cue_negations``).
        self.negated_cue_sets = frozenset(lex.extra.get("negated_cue_sets", []))
        self.cue_negations = [tuple(n.split()) for n in lex.extra.get("cue_negations", [])]

        def whole_words(alternatives: Sequence[str]) -> re.Pattern[str]:
            # One of the words (every form; "word*" is a prefix), matched whole.
            words = (
                re.escape(w[:-1]) + ".*" if w.endswith("*") else re.escape(w)
                for alt in alternatives
                for word in _expand(alt, lex.sets)
                for w in (forms(word) if forms else [word])
            )
            return re.compile("^(?:" + "|".join(words) + ")$")

        self._not_after = {
            rule.name: whole_words(rule.spec.not_after)
            for rule in rules.rules
            if rule.spec.not_after
        }
        self._not_before = {
            rule.name: whole_words(rule.spec.not_before)
            for rule in rules.rules
            if rule.spec.not_before
        }

        # ConText cues (medspaCy ConTextRule objects).
        self.context: FastMatcher[Any] = FastMatcher(nlp.vocab, self.attr)
        # Past frames (``_frames.py``): their cues are matched apart from ConText's.
        self.frames: FastMatcher[str] = FastMatcher(nlp.vocab, self.attr)
        self.frame_breaks = frozenset(lex.gap_blockers) - frozenset(lex.negations)
        self.subjects_partner = frozenset(
            pattern for spec in rules.context if spec.subjects_partner for pattern in spec.patterns
        )
        for spec in rules.context:
            if spec.category in _FRAME_CATEGORIES:
                for pattern in spec.patterns:
                    compiled = compile_pattern(pattern, self.attr, lex, surface, forms)
                    self.frames.add(compiled, spec.category)
                continue
            category = _CATEGORY[spec.category]
            direction = spec.direction.upper()
            if category in ("TERMINATE", "PSEUDO"):
                direction = category
            elif category in _MARKERS:
                # ConText ends a cue's scope at a marker only when their scopes overlap;
                # a backward marker's scope reaches back over every cue before it.
                direction = "BACKWARD"
            for pattern in spec.patterns:
                compiled = compile_pattern(pattern, self.attr, lex, surface, forms)
                cue = context_rule(
                    pattern,
                    category,
                    pattern=compiled.tokens,
                    direction=direction,
                    max_scope=spec.max_scope,
                    allowed_types=(
                        _NOTHING
                        if category in _MARKERS
                        else set(spec.findings)
                        if spec.findings is not None
                        else None
                    ),
                    excluded_types=set(shared) if category == "FAMILY" else None,
                    terminated_by=(
                        set() if spec.across_clauses else _TERMINATED_BY.get(category, set())
                    ),
                )
                self.context.add(compiled, cue)
        self._lock = threading.Lock()
        self.sep_words = frozenset(lex.extra.get("list_words", []))
        # A negation after a list («Слабости, головокружения нет») negates the list
        # when its items are in the case such a negation takes.
        self.trailing_negations = tuple(
            tuple(cue.split()) for cue in lex.extra.get("trailing_negations", [])
        )
        self.genitive = genitive
        # whether a word is a verb in the past tense (Russian: pymorphy3; else the
        # lexicon's irregular past forms and "-ed" words that are not past forms)
        self.past = past
        self.past_forms = frozenset(lex.extra.get("past_forms", []))
        self.not_past_ed = frozenset(lex.extra.get("not_past_ed", []))
        self.or_words = frozenset(lex.extra.get("or_words", []))
        # words an or-list's last item may open with: "no dizziness, fainting, racing
        # heart or feeling clammy" (holdout 24)
        self.or_fillers = frozenset(lex.extra.get("or_fillers", []))

    # --- running -----------------------------------------------------------------------

    def doc(self, text: str) -> Doc:
        if self.answers is not None:
            text = self.answers.rewrite(text)  # "Tummy pain? No." is "Tummy pain: No."
        # a line break closes the message, so a cue at the end of a line ("@eol":
        # "Pregnant? No idea") also matches at the end of the text; spans before it
        # keep their offsets
        if text and not text[-1].isspace():
            text += "\n"
        doc: Doc = self.nlp.make_doc(text)
        self._split_joined(doc)
        doc = self.sentencizer(doc)
        # "... go to A&E. My husband ...": the full stop stayed on the token, so the
        # sentencizer saw no boundary; a capital after such a token starts a sentence.
        for i in range(1, len(doc)):
            before = doc[i - 1].text
            if len(before) > 1 and before[-1] in ".!?" and doc[i].text[:1].isupper():
                doc[i].is_sent_start = True
            # "his willy (the frenulum?) and it was still dripping": a "?" inside
            # brackets doubts a word; the sentence goes on (blind_ak)
            if before == ")" and doc[i - 2 if i > 1 else 0].text == "?":
                doc[i - 1].is_sent_start = False
                doc[i].is_sent_start = False
            # a new line that opens a list item or a capitalised line is a sentence
            # of its own ("• I don't drink\n• smear last year was normal"); a line
            # wrapped by hand inside a sentence is not
            if doc[i - 1].is_space and "\n" in before and _opens_line(doc[i].text):
                doc[i].is_sent_start = True
        self.normalise(doc)
        self._join_hyphenated_numbers(doc)
        self._join_halves(doc)
        self._join_particles(doc)
        # " - " between spaces is a dash ("not pregnant - test was negative"): a
        # clause break like "—", unlike the hyphen of "non-tender"
        for i in range(1, len(doc) - 1):
            token = doc[i]
            if token.text == "-" and token.whitespace_ and doc[i - 1].whitespace_:
                token.norm_ = "—"
                token.lemma_ = "—"
        return doc

    def _split_joined(self, doc: Doc) -> None:
        """Two words typed as one («небыло» for «не было»; lexicon ``joined_words``) are
        split into their tokens, so the negation reads as typed apart (h45ru-054)."""
        if not self.joined:
            return
        splits = [(t, self.joined[t.lower_]) for t in doc if t.lower_ in self.joined]
        if not splits:
            return
        with doc.retokenize() as retokenizer:
            for token, parts in splits:
                orths, at = [], 0
                for part in parts:  # the typed letters, in their case
                    orths.append(token.text[at : at + len(part)])
                    at += len(part)
                retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))

    def _join_hyphenated_numbers(self, doc: Doc) -> None:
        """ "thirty-six" is one number: one token whose form is "36" (for `#num`)."""
        joins: list[tuple[int, str]] = []
        for i in range(1, len(doc) - 1):
            hyphen = doc[i]
            if hyphen.text != "-" or doc[i - 1].whitespace_ or hyphen.whitespace_:
                continue
            if joins and i - 1 < joins[-1][0] + 3:
                continue  # overlaps the previous join
            value = self.numbers.read_text(f"{doc[i - 1].lower_}-{doc[i + 1].lower_}")
            if value is not None and value >= 20:
                joins.append((i - 1, str(int(value))))
        if not joins:
            return
        with doc.retokenize() as retokenizer:
            for start, digits in joins:
                retokenizer.merge(doc[start : start + 3], attrs={"NORM": digits, "LEMMA": digits})

    def _join_halves(self, doc: Doc) -> None:
        """ "six and a half", «три с половиной»: one number token whose form is "6.5"; after
        a unit ("a week and a half", «неделю с половиной») the half joins the unit token,
        whose form stays the unit's (`NumberReader.read_span` adds the half)."""
        halves = self.numbers.halves
        if not halves:
            return
        numbers: list[tuple[int, int, float]] = []
        units: list[tuple[int, int]] = []
        taken = -1
        for i in range(1, len(doc)):
            size = next(
                (len(h) for h in halves if tuple(t.lower_ for t in doc[i : i + len(h)]) == h),
                0,
            )
            if not size or i <= taken:
                continue
            start = i
            while start > taken + 1 and self.numbers.token_value(doc[start - 1]) is not None:
                start -= 1
            while start < i and self.form(doc[start]) in self.numbers.articles:
                start += 1  # "a six and a half": the article is not the number
            if start < i:
                value = self.numbers.read_text(" ".join(self.form(t) for t in doc[start:i]))
                if value is None and i - start == 1:
                    value = self.numbers.token_value(doc[start])
                if value is not None:
                    numbers.append((start, i + size, value + 0.5))
                    taken = i + size - 1
                continue
            if self.form(doc[i - 1]) in self.numbers.units and i - 1 > taken:
                units.append((i - 1, i + size))
                taken = i + size - 1
        if not numbers and not units:
            return
        with doc.retokenize() as retokenizer:
            for start, end, value in numbers:
                digits = f"{value:g}"
                retokenizer.merge(
                    doc[start:end], attrs={"NORM": digits, "LEMMA": digits, "LIKE_NUM": True}
                )
            for start, end in units:
                unit = doc[start]
                retokenizer.merge(doc[start:end], attrs={"NORM": unit.norm_, "LEMMA": unit.lemma_})

    def _cuts_half(self, span: Any, start: int, end: int) -> bool:
        """Whether a regex match (``start``-``end`` in the text) takes only part of a
        number joined with its half: «три с половиной» of «двадцать три с половиной»,
        "Nineteen" of "Nineteen and a half weeks along" (no age)."""
        if span.start_char < start and _HALF_NUMBER.fullmatch(self.form(span[0])):
            return True
        return span.end_char > end and _HALF_NUMBER.fullmatch(self.form(span[-1])) is not None

    def _join_particles(self, doc: Doc) -> None:
        """A hyphenated particle word («какой-то», «кое-где») is one token, so gaps cross it."""
        if not (self.particles or self.particle_prefixes):
            return
        joins: list[int] = []
        for i in range(1, len(doc) - 1):
            hyphen = doc[i]
            if hyphen.text != "-" or doc[i - 1].whitespace_ or hyphen.whitespace_:
                continue
            if joins and i - 1 < joins[-1] + 3:
                continue  # overlaps the previous join
            particle = (
                doc[i + 1].lower_ in self.particles or doc[i - 1].lower_ in self.particle_prefixes
            )
            if particle and doc[i - 1].is_alpha and doc[i + 1].is_alpha:
                joins.append(i - 1)
        if not joins:
            return
        with doc.retokenize() as retokenizer:
            for start in joins:
                first, last = doc[start], doc[start + 2]
                form = f"{self.form(first)}-{last.lower_}"
                retokenizer.merge(doc[start : start + 3], attrs={"NORM": form, "LEMMA": form})

    def form(self, token: Any) -> str:
        return str(token.norm_ if self.attr == "NORM" else token.lemma_)

    def _value(self, rule: Rule, doc: Doc, start: int, end: int, match: Any) -> FactValue | None:
        spec = rule.spec
        finding = self.kb.findings[spec.finding]
        from_number = spec.compares_number
        if finding.type != "number" and not from_number:
            return True if spec.value is None else spec.value
        if spec.value is not None and not from_number:
            return spec.value  # a number said in words: "last night" (about 12 hours ago)
        unit: str | None
        exact = False  # whole weeks, unless days were added
        if (
            match is not None
            and match.groupdict().get("wday_to")
            and not match.groupdict().get("n")
        ):
            # a weekday and today's ("on Friday night around 11 … It's Thursday morning
            # now, about 9"): the hours between them
            before = (
                doc.text[: match.start("wday_from")] if match.groupdict().get("wday_from") else ""
            )
            number = _weekday_hours(self._clock_digits(match), bool(_LAST_BEFORE.search(before)))
            number = self._clock_shifted(doc.text, number)
            unit = "hour"
        elif match is not None and match.groupdict().get("clock_from"):
            # two clock times: "around 11pm, it's 9am now" is 10 hours
            groups = self._clock_digits(match)
            number = _clock_hours(groups["clock_from"] or "", groups.get("clock_to") or "")
            days = self._days_back(match)
            if days:
                # the first on a day said before today («позавчера вечером, около 10 …
                # Сейчас полдень»: 38): the days back, then the clock times
                number = _dated_hours(groups, days)
            elif groups.get("part_from") and (
                groups.get("part_to") or _CLOCK_PART.search(groups.get("clock_to") or "")
            ):
                # bare hours with parts of the day: "at about 9 last night … this
                # morning at 8" is 11 hours, across midnight; "last night around 11 …
                # it's 3pm now" is 16 (h60en-012)
                number = _parted_hours(groups)
            number = self._clock_shifted(doc.text, number)
            unit = spec.unit
        elif match is not None and match.groupdict().get("date_from"):
            # two days of the month: "put in on the 3rd, today's the 12th" is 9 days
            groups = match.groupdict()
            number = _days_between(
                match["date_from"],
                groups.get("date_to") or "",
                groups.get("mon_from") or "",
                groups.get("mon_to") or "",
            )
            unit = "day"
            exact = True  # the weeks from a date to today's with their days (37 days: 5.3)
        elif match is not None and match.groupdict().get("n"):
            number = self.numbers.read_text(match["n"])
            unit = self.numbers.unit_of_text(match.groupdict().get("u") or "") or spec.unit
            if number is not None and match.groupdict().get("plus"):
                extra = self.numbers.read_text(match["plus"])
                number = None if extra is None else number + extra
            if number is not None and (match.groupdict().get("tenth") or "").isdigit():
                # a tenth in a digit of its own: «38 и 5» is 38.5
                number += int(match["tenth"]) / 10
            if number is not None and unit is not None:
                number, exact = self._added(match, number, unit)
            if number is not None and match.groupdict().get("degf"):
                # a temperature in Fahrenheit ("Temp 101.3F"): the vocabulary's is Celsius
                number = round((number - 32) * 5 / 9, 1)
        else:
            number, unit = self.numbers.read_span(doc[start:end])
            unit = unit or spec.unit
        if number is None:
            return None
        if spec.above_ref:
            # a result and its reference limit, both in the text ("PSA 6.8 (ref <4.0)")
            limit = self.numbers.read_text(match["ref"]) if match is not None else None
            return None if limit is None else number > limit
        if from_number:
            x = self.numbers.rescale(number, unit, spec.unit)
            if spec.threshold is not None:
                return True if x >= spec.threshold else (None if spec.true_only else False)
            return x <= (spec.at_most or 0.0)
        value = self.numbers.convert(number, unit, finding.unit or "", whole=not exact)
        if value is None or isinstance(value, bool | str):
            return None
        if spec.subtract_from is not None:
            value = spec.subtract_from - value
        lo, hi = finding.range or (float("-inf"), float("inf"))
        if not lo <= value <= hi:
            return None
        return value

    def _clock_shifted(self, text: str, hours: float | None) -> float | None:
        """``hours`` between two clock times, an hour off or on when the text says the
        clocks went forward or back (lexicon ``clocks_forward``, ``clocks_back``)."""
        if hours is None:
            return None
        for pattern, shift in self.clock_shifts:
            if pattern.search(text):
                return hours + shift if hours + shift > 0 else hours
        return hours

    def _clock_digits(self, match: Any) -> dict[str, str | None]:
        """The regex's groups with a clock time's hour word in digits («трёх ночи»: «3 ночи»,
        «в час ночи»: «1 ночи»); the rules' regexes decide where a word is a clock time."""
        groups: dict[str, str | None] = match.groupdict()
        for name in ("clock_from", "clock_to"):
            text = (groups.get(name) or "").strip().lower()
            word, _, rest = text.partition(" ")
            hour = self.numbers.clock_hour(word)
            if hour is not None:
                text = f"{hour}{' ' if rest else ''}{rest}"
            groups[name] = text or None
        clock = groups.get("clock_from") or ""
        if groups.get("night_of") and _BARE_HOUR.fullmatch(clock):
            # «в ночь на воскресенье около часа»: a bare hour of the night is «1 ночи»
            groups["clock_from"] = f"{clock} ночи"
        return groups

    def _days_back(self, match: Any) -> float:
        """The days a clock-time regex says its first time lies back (``plus_day`` groups:
        a number, or a word for one day each, «вчера»; «по» + «завчера» are two)."""
        days = 0.0
        for name, text in match.groupdict().items():
            if not text or not name.startswith("plus_day"):
                continue
            amount = self.numbers.read_text(text)
            days += amount if amount is not None else 1.0
        return days

    def _added(self, match: Any, number: float, unit: str) -> tuple[float, bool]:
        """``number`` with what the regex adds in other units (days to weeks, the time since
        a scan), and whether anything was added (then a part of a week counts)."""
        groups: dict[str, str | None] = match.groupdict()
        added = False
        for name, text in groups.items():
            extra_unit = _ADDED.fullmatch(name)
            if extra_unit is None or not text:
                continue
            amount = self.numbers.read_text(text)
            if amount is None:
                amount = self.numbers.read_text(text.split()[0]) or 1.0
            sign = -1.0 if extra_unit[1] == "less" else 1.0
            number += sign * self.numbers.rescale(amount, extra_unit[2], unit)
            added = True
        days = _weekdays_between(groups.get("wday_from") or "", groups.get("wday_to") or "")
        if days is not None:
            number += self.numbers.rescale(days, "day", unit)
            added = True
        return number, added

    def matches(self, doc: Doc, known: frozenset[str] = frozenset()) -> list[Raw]:
        """The rules' matches in ``doc``; ``known`` are message cues known from
        outside the text (the person's sex from a form: "male")."""
        sent_of = _sentence_of(doc)
        # a stop kept on its word ("2 см. Бледная"): a gap `_` may take the word, but
        # the sentence ended there and a phrase does not go on into the next one
        stuck = {
            i
            for i in range(1, len(doc))
            if doc[i].is_sent_start and len(doc[i - 1].text) > 1 and doc[i - 1].text[-1] in ".!?"
        }
        found: list[tuple[Rule, int, int, bool, Any]] = []
        for target, start, end in self.targets(doc):
            if stuck and any(start < i < end for i in stuck):
                continue
            meta = target.metadata
            found.append((meta["rule"], start, end, meta["negatable"], None))
        text = doc.text
        # Regexes written for digits also read numbers in words ("twenty eight
        # weeks", «двадцать девять недель»): a second pass over a digitised copy.
        digitised = self.numbers.digitise(text)
        lowered = text.lower() if plain_letters(text) else None
        lowered_copy = None
        if digitised is not None and plain_letters(digitised[0]):
            lowered_copy = digitised[0].lower()
        for (regex, rule), needs in zip(self.regexes, self._needs, strict=True):
            if may_match(needs, lowered):
                for m in regex.finditer(text):
                    span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                    if (
                        span is not None
                        and len(span)
                        and not self._cuts_half(span, m.start(), m.end())
                    ):
                        found.append((rule, span.start, span.end, False, m))
            if digitised is None or "\\d" not in regex.pattern:
                continue
            if not may_match(needs, lowered_copy):
                continue
            copy, starts, ends, windows = digitised
            for m in (m for a, b in windows for m in regex.finditer(copy, a, b)):
                if m.end() <= m.start():
                    continue
                a, b = starts[m.start()], ends[m.end() - 1]
                if copy[m.start() : m.end()] == text[a:b]:
                    continue  # no number word in it: the first pass has it
                span = doc.char_span(a, b, alignment_mode="expand")
                if span is not None and len(span) and not self._cuts_half(span, a, b):
                    found.append((rule, span.start, span.end, False, m))
        if not found:
            return []
        cues_by_sent: dict[int, set[str]] = {}
        if any(
            r.spec.near or r.spec.near_message or r.spec.unless_near or r.spec.unless_near_message
            for r, *_ in found
        ):
            for name, start, _end in self.cues(doc):
                if name in self.negated_cue_sets and self._denied(doc, start):
                    continue
                cues_by_sent.setdefault(sent_of[start], set()).add(name)
            for regex, name in self.cue_regexes:
                for m in regex.finditer(text):
                    span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                    if span is not None and len(span):
                        cues_by_sent.setdefault(sent_of[span.start], set()).add(name)
        in_message: set[str] = set().union(*cues_by_sent.values()) | known
        raws = []
        for rule, start, end, negatable, m in found:
            spec = rule.spec
            if spec.near and spec.near not in cues_by_sent.get(sent_of[start], set()):
                continue
            if any(name not in in_message for name in spec.near_message):
                continue
            if any(name in in_message for name in spec.unless_near_message):
                continue
            if spec.unless_near and spec.unless_near in cues_by_sent.get(sent_of[start], set()):
                continue
            guard = self._not_after.get(rule.name)
            if guard and self._preceded(doc, start, guard):
                continue
            after = self._not_before.get(rule.name)
            if after and any(after.match(self.form(t)) for t in self._next_two(doc, end)):
                continue
            value = self._value(rule, doc, start, end, m)
            if value is None:
                continue
            span = doc[start:end]
            value = self._corrected(rule, span, m, value)
            raws.append(
                Raw(
                    spec.finding,
                    value,
                    span.start_char,
                    span.end_char,
                    start,
                    end,
                    sent_of[start],
                    rule,
                    negatable,
                    # a time said in words taken back by a number («позавчера — ой, нет, три
                    # дня назад») is a number said, no estimate
                    corrected=spec.value is not None and value != spec.value,
                )
            )
        return _resolve_overlaps(raws, self.order)

    def _corrected(self, rule: Rule, span: Any, match: Any, value: FactValue) -> FactValue:
        """``value`` with a number the writer took back replaced ("three times - no, four")."""
        if self.corrections is None or isinstance(value, bool | str):
            return value
        groups = match.groupdict() if match is not None else {}
        if any(groups.get(g) for g in ("clock_from", "date_from", "plus", "wday_to")):
            return value  # two numbers already combined
        said = None
        spec = rule.spec
        if spec.value is not None and not spec.compares_number and self._hour_word:
            unit = self.kb.findings[spec.finding].unit
            if unit == "hours" and isinstance(value, int | float):
                said = (float(value), self._hour_word)  # «позавчера»: 48 hours
        factor = self.corrections.factor(span.text, span.doc.text[span.end_char :], said)
        if factor is None:
            return value
        new = round(value * factor, 2)
        if self.kb.findings[rule.spec.finding].unit in ("hours", "days") and new >= 3:
            new = round(new)  # whole hours or days, as `NumberReader.convert` gives them
        lo, hi = self.kb.findings[rule.spec.finding].range or (float("-inf"), float("inf"))
        if not lo <= new <= hi:
            return value
        return int(new) if new == int(new) else new

    def _preceded(self, doc: Doc, start: int, guard: re.Pattern[str]) -> bool:
        """Whether one of the 3 tokens before ``start`` (in its clause) matches ``guard``."""
        for i in range(start - 1, max(-1, start - 4), -1):
            token = doc[i]
            if token.is_punct:
                return False
            if guard.match(self.form(token)):
                return True
        return False

    def modifiers(self, doc: Doc, raws: list[Raw] | None = None) -> list[Any]:
        """ConText modifiers of the cues found, with their scopes settled.

        A cue about another person that is part of a matched phrase ("new
        partner", "Мужчина, 34 года") is dropped: the phrase already says
        what it means, and the cue must not reach the rest of the sentence.
        A phrase whose rule `keeps_cue` (a hint of the writer's sex from her husband
        named) keeps it: the phrase is not modified by the cue it overlaps, and the
        rest of the clause is still the husband's.
        """
        cues = self.context(doc)
        found = prune_overlaps(cues)
        # "my friend had chlamydia and she had a discharge": the clause break "and she"
        # ends the scopes before it, and its "she" goes on with the third party named
        # before it in the sentence (not a partner's: "my boyfriend's frenulum tore and
        # he held tissue on it" is the bleeding the message is about)
        clauses = [(start, end) for rule, start, end in found if rule.category == "CLAUSE"]
        found += [
            (rule, start, end)
            for rule, start, end in cues
            if rule.category == "FAMILY"
            and any(c_start < start and end == c_end for c_start, c_end in clauses)
            and any(self.form(t) in self.third_parties for t in doc[doc[start].sent.start : start])
        ]
        found.sort(key=lambda m: m[1])
        subject = self.note_subject(doc.text)
        if subject is not None:
            sex, named = subject
            found = [
                (rule, start, end)
                for rule, start, end in found
                if rule.category != "FAMILY"
                or not (
                    self.form(doc[start]) in self.note_pronouns[sex] | named
                    and all(self.form(t) in ("'s", "is") for t in doc[start + 1 : end])
                )
            ]
        if raws:
            found = [
                (rule, start, end)
                for rule, start, end in found
                if rule.category != "FAMILY"
                or not any(
                    r.tok_start < end
                    and start < r.tok_end
                    and r.finding not in _PARTNER_BLEEDING
                    and not r.rule.spec.keeps_cue
                    for r in raws
                )
            ]
        modifiers = [self._modifier_cls(rule, start, end, doc) for rule, start, end in found]
        graph = self._graph_cls(modifiers=modifiers)
        graph.update_scopes()
        _end_at_markers(modifiers)
        return modifiers

    def note_subject(self, text: str) -> tuple[str, frozenset[str]] | None:
        """The sex of the patient of a clinician's note and the words naming her ("Mum 30"),
        when the note names one patient in the third person near its start ("28F", "63 yo
        woman", "17 y/o boy") and says nothing in the first person; else None."""
        head = text[:160]
        hits = {
            sex: m
            for sex, regs in self.note_subjects.items()
            for r in regs
            if (m := r.search(head))
        }
        if len(hits) != 1 or any(r.search(text) for r in self.note_first_person):
            return None
        ((sex, m),) = hits.items()
        return sex, frozenset(w.lower() for w in re.findall(r"[A-Za-z]+", m[0]))

    def _denied(self, doc: Any, start: int) -> bool:
        """Whether the words just before token ``start`` deny it ("nobody", "no one")."""
        for words in self.cue_negations:
            before = doc[max(0, start - len(words)) : start]
            if len(before) == len(words) and all(
                self.form(t) == w for t, w in zip(before, words, strict=True)
            ):
                return True
        return False

    def run(self, text: str, known: frozenset[str] = frozenset()) -> tuple[Doc, list[Raw]]:
        # spaCy's vocabulary grows as new words arrive and is not safe to grow
        # from two threads at once (the web app parses in a thread pool).
        with self._lock:
            return self._run(text, known)

    def _run(self, text: str, known: frozenset[str] = frozenset()) -> tuple[Doc, list[Raw]]:
        doc = self.doc(text)
        raws = self.matches(doc, known)
        if not raws:
            return doc, []
        modifiers = self.modifiers(doc, raws)
        active = [
            m
            for m in modifiers
            if m.category not in _MARKERS and m.direction not in ("TERMINATE", "PSEUDO")
        ]
        out = []
        # A negation inside a phrase that means "yes" ("не останавливается",
        # "won't stop") is used up by it: it negates nothing outside that phrase.
        hosts = {
            id(m): (r.tok_start, r.tok_end)
            for m in active
            if m.category == "NEGATED_EXISTENCE"
            for r in raws
            if r.value is True
            and not r.negatable
            and r.tok_start <= m.modifier_span[0]
            and m.modifier_span[1] <= r.tok_end
        }
        for r in raws:
            # ConText's target assignment (ConTextGraph.apply_modifiers), for the
            # modifiers that can modify anything: scope overlaps the target, the
            # cue does not overlap it, and the target's type is allowed.
            edges = [
                m
                for m in active
                if m.scope_span[0] < r.tok_end
                and r.tok_start < m.scope_span[1]
                and not (m.modifier_span[0] < r.tok_end and r.tok_start < m.modifier_span[1])
                and m.allows(r.finding.upper())
                and (
                    id(m) not in hosts
                    or (hosts[id(m)][0] <= r.tok_start and r.tok_end <= hosts[id(m)][1])
                )
            ]
            if r.value is False:
                # "no pain at all and baby kicking": a negation does not reach over
                # "and" into a phrase that already says "no" (it would read "not
                # kicking" as reduced movements); "can't feel the baby" still does.
                edges = [
                    m
                    for m in edges
                    if m.category != "NEGATED_EXISTENCE"
                    or not any(
                        self.form(t) in _AND_WORDS for t in doc[m.modifier_span[1] : r.tok_start]
                    )
                ]
            edges = [m for m in edges if not self._statement_question(doc, m)]
            cats = {m.category for m in edges}
            # A hedge with a negation in it ("I don't think", "probably not",
            # «вроде не») also negates.
            negated = "NEGATED_EXISTENCE" in cats or any(
                m.category == "UNCERTAIN" and self._negating_hedge(doc[slice(*m.modifier_span)])
                for m in edges
            )
            # Show "no pain", not "pain": a negation just before the match joins its span.
            near = [
                m.modifier_span[0]
                for m in edges
                if m.category == "NEGATED_EXISTENCE" and 0 <= r.tok_start - m.modifier_span[1] <= 2
            ]
            if near:
                r = replace(r, start=doc[min(near)].idx)
            own = any(self.form(t) in self.negations for t in doc[r.tok_start : r.tok_end])
            if r.negatable and own:
                negated = True
            elif own and (r.value is False or r.rule.spec.compares_number):
                # A "no" phrase, or a number compared, that holds its own "not" ("not
                # due for about 10 days" is no period due) was read whole; a "not"
                # before it ("not on my period, not due for ...") says nothing more.
                negated = False
            out.append(
                replace(
                    r,
                    negated=negated,
                    hypothetical="HYPOTHETICAL" in cats,
                    other_person="FAMILY" in cats,
                    subjects_partner=any(
                        m.category == "FAMILY" and m.rule.literal in self.subjects_partner
                        for m in edges
                    ),
                    historical="HISTORICAL" in cats,
                    uncertain="UNCERTAIN" in cats,
                )
            )
        markers = {
            i
            for m in modifiers
            if m.category in _MARKERS or m.direction == "TERMINATE"
            for i in range(*m.modifier_span)
            if doc[i].text != ","  # commas inside a list are handled by _spread_negation
        }
        heads = {
            m.modifier_span[1]
            for m in active
            if m.category == "NEGATED_EXISTENCE" and m.direction == "FORWARD"
        }
        out = self._spread_negation(doc, out, markers, heads)
        out = self._past_frames(doc, out)
        return doc, self._event_owner(doc, out)

    def _past_verb(self, token: Any) -> bool:
        """Whether a token is a verb in the past tense (a past frame goes on over it)."""
        word = str(token.lower_).replace("ё", "е")
        if self.past is not None:
            return self.past(word)
        return word in self.past_forms or (
            len(word) > 3 and word.endswith("ed") and word not in self.not_past_ed
        )

    def _past_frames(self, doc: Doc, raws: list[Raw]) -> list[Raw]:
        """Findings told inside a past frame ("when I had my son I bled heavily and
        passed out, …") are historical (``_frames.py``)."""
        hits = self.frames(doc)
        if not any(category == "past_frame" for category, _s, _e in hits):
            return raws
        past = past_tokens(
            doc,
            hits,
            lambda t: bool(t.is_punct) or self.form(t) in self.frame_breaks,
            self._past_verb,
        )
        return [
            replace(r, historical=True) if not r.historical and r.tok_start in past else r
            for r in raws
        ]

    def _statement_question(self, doc: Doc, m: Any) -> bool:
        """A "?" after a sentence with no question word and no hedge in it: a fact
        told with worry ("blood in my cum 2nd time this month??"), not a question
        ("could it be cancer?") nor a doubt ("a bit itchy maybe?")."""
        if not self.question_words or m.category != "HYPOTHETICAL":
            return False
        cue = doc[m.modifier_span[0]]
        if cue.text[:1] != "?":
            return False
        words = [self.form(t) for t in cue.sent if not t.is_punct and t.i < cue.i]
        return (
            bool(words)
            and not any(w in self.question_words for w in words)
            and words[-1] not in _TAG_QUESTIONS
            and not _bracketed_guess(cue)
        )

    def _next_two(self, doc: Doc, end: int) -> list[Any]:
        """The two tokens after a match, up to a token of the language's
        ``extra.lookahead_stops`` (Russian: the end of the sentence, so for
        ``not_before`` «секс с парнем, первый раз. Кровь пошла» is no bleeding's first
        time; English has none: stop 44, two holdout readings look past the stop)."""
        out = []
        for t in doc[end : end + 2]:
            if t.text in self.lookahead_stops:
                break
            out.append(t)
        return out

    def _negating_hedge(self, cue: Any) -> bool:
        """ "I don't think", "probably not": a hedge that negates; "not sure" does not."""
        forms = [self.form(t) for t in cue]
        words = forms[1:] if forms and cue[0].is_punct else forms
        if any(tuple(words[: len(h)]) == h for h in self.negating_hedges):
            return True
        # «Полипов, насколько знаю, не было»: a hedge set off by commas, then the denial
        # of what came before; the words after the last comma decide.
        if "," in forms[1:]:
            last = len(forms) - 1 - forms[::-1].index(",")
            if any(f in self.negations for f in forms[last + 1 :]):
                return True
        return any(f in self.negations for f in forms) and not any(
            f in self.unsure_words for f in forms
        )

    def _spread_negation(
        self, doc: Doc, raws: list[Raw], markers: set[int], list_heads: set[int]
    ) -> list[Raw]:
        """ "no fever, discharge or itching": a negation runs along an or-list.

        ``list_heads``: tokens right after a forward negation ("Denies | pain,
        ..."), where a comma list may start without an "or".
        """
        ordered = sorted(raws, key=lambda r: (r.tok_start, -r.tok_end))
        out = list(ordered)
        covered = {i for r in raws for i in range(r.tok_start, r.tok_end)}
        for i, first in enumerate(ordered):
            if not out[i].negated:
                continue
            last = out[i]
            for j in range(i + 1, len(ordered)):
                nxt = ordered[j]
                if nxt.sent != first.sent:
                    break
                if nxt.tok_start < last.tok_end:
                    continue
                if any(i in markers for i in range(last.tok_end, nxt.tok_start + 1)):
                    break  # a new clause ("... and I'm not pregnant")
                gap = [self.form(t) for t in doc[last.tok_end : nxt.tok_start]]
                if any(
                    g not in self.sep_words
                    and not (g in self.or_fillers and any(o in self.or_words for o in gap[:k]))
                    for k, g in enumerate(gap)
                ):
                    break
                if "," in gap:
                    rest = doc[nxt.tok_end : doc[nxt.tok_start].sent.end]
                    # "Denies abdominal pain, shoulder-tip pain, dizziness.": a comma
                    # list of three or more that ends the sentence is one list too, its
                    # last item after a list word or a comma ("Denies dysuria,
                    # haematuria and testicular pain", h60en-066)
                    joins = [
                        t
                        for t in rest
                        if not t.is_punct and t.i not in covered and self.form(t) in self.sep_words
                    ]
                    listed = (
                        first.tok_start in list_heads
                        and all(
                            t.is_punct or t.i in covered or self.form(t) in self.sep_words
                            for t in rest
                        )
                        and sum(t.text == "," for t in doc[first.tok_end : rest.end]) + len(joins)
                        >= 2
                    )
                    if (
                        not listed
                        and not any(self.form(t) in self.or_words for t in rest)
                        and not any(g in self.or_words for g in gap)
                    ):
                        break
                if nxt.value is False:
                    break  # "no fever, peeing is fine": a "no" phrase ends the list
                if not nxt.negated and not nxt.hypothetical:
                    out[j] = replace(nxt, negated=True, uncertain=nxt.uncertain or first.uncertain)
                last = out[j]
        return self._spread_trailing_negation(doc, out, markers)

    def _spread_trailing_negation(self, doc: Doc, raws: list[Raw], markers: set[int]) -> list[Raw]:
        """«Слабости, головокружения нет»: a negation after a list runs back along it.

        Only where the language names such negations (``trailing_negations``), and
        only over findings said as a bare list (commas and "and" between them) whose
        first word can be in the negation's case: not «Кровотечение сильное, боли
        нет», not numbers or "no" phrases.
        """
        if not self.trailing_negations or self.genitive is None:
            return raws
        genitive = self.genitive
        out = list(raws)
        for i in range(len(out) - 1, -1, -1):
            last = out[i]
            if not last.negated or not self._trailing_negation_at(doc, last.tok_end):
                continue
            for j in range(i - 1, -1, -1):
                prev = out[j]
                if prev.sent != last.sent or prev.tok_end > last.tok_start:
                    continue
                gap = [self.form(t) for t in doc[prev.tok_end : last.tok_start]]
                if (
                    not gap
                    or any(g not in self.sep_words for g in gap)
                    or any(k in markers for k in range(prev.tok_end, last.tok_start))
                    or not (prev.value is True or isinstance(prev.value, str))
                    or not genitive(doc[prev.tok_start].lower_)
                    or not self._starts_item(doc, prev.tok_start)
                ):
                    break
                if not prev.negated and not prev.hypothetical:
                    out[j] = replace(prev, negated=True)
                last = out[j]
        return out

    def _trailing_negation_at(self, doc: Doc, i: int) -> bool:
        """Whether one of the language's trailing negations («нет», «не было») starts at ``i``."""
        forms = [self.form(t) for t in doc[i : i + 3]]
        return any(tuple(forms[: len(cue)]) == cue for cue in self.trailing_negations)

    def _starts_item(self, doc: Doc, i: int) -> bool:
        """The token opens a list item: first in its sentence or after a separator
        ("творожистые белые выделения, запаха нет": "выделения" is not an item)."""
        return doc[i].is_sent_start or i == 0 or self.form(doc[i - 1]) in self.sep_words

    def _event_owner(self, doc: Doc, raws: list[Raw]) -> list[Raw]:
        """Bleeding said near another person is theirs only when their bleeding is described."""
        partner_sents = {
            r.sent
            for r in raws
            if r.finding in _PARTNER_BLEEDING
            and (r.other_person or r.finding == "partner_blood_in_semen")
        }
        # "My friend says she bleeds after sex every time": a third person's own bleeding
        # (lexicon cue set ``other_bleeds``; stop 43, blind-cb-011)
        if any(r.other_person for r in raws):
            sent_of = _sentence_of(doc)
            partner_sents |= {
                sent_of[start] for name, start, _end in self.cues(doc) if name == "other_bleeds"
            }
        raws = [
            replace(r, other_person=False)
            if r.other_person and r.finding in self.event and r.sent not in partner_sents
            else r
            for r in raws
        ]
        # "blood everywhere … turns out it was him … I'm not bleeding at all": the
        # amount and colour were the partner's blood (round 5)
        partner_bled = any(
            not r.negated
            and not r.hypothetical
            and (
                r.finding == "partner_was_bleeding"
                or (r.finding in _PARTNER_BLEEDING and r.other_person)
                or r.finding == "partner_blood_in_semen"
            )
            for r in raws
        )
        clear = any(r.rule.spec.self_clear and not r.hypothetical for r in raws)
        if not (partner_bled and clear):
            return raws
        return [
            replace(r, other_person=True)
            if r.finding in _PARTNER_AMOUNT
            and not r.negated
            and not r.other_person
            and not r.rule.spec.self_clear  # "I'm not bleeding at all" is the person's
            else r
            for r in raws
        ]


def _sentence_of(doc: Doc) -> list[int]:
    """The index of each token's sentence."""
    sent_of = [0] * len(doc)
    for i, sent in enumerate(doc.sents):
        for t in range(sent.start, sent.end):
            sent_of[t] = i
    return sent_of


def _end_at_markers(modifiers: list[Any]) -> None:
    """A marker inside a cue's scope ends it ("with my girlfriend I got a pain").

    ConText limits a scope only when the two scopes overlap; a backward marker's
    scope stops just before the marker, so a marker right after the cue's own
    words ("my girlfriend | I") was missed.
    """
    for m in modifiers:
        stops = m.rule.terminated_by
        if not stops:
            continue
        for o in modifiers:
            if o is m or (o.category not in stops and o.direction != "TERMINATE"):
                continue
            start, end = o.modifier_span
            forward = m.direction in ("FORWARD", "BIDIRECTIONAL")
            if forward and m.modifier_span[1] <= start < m.scope_span[1]:
                m._scope_end = start
            backward = m.direction in ("BACKWARD", "BIDIRECTIONAL")
            if backward and m.scope_span[0] < end <= m.modifier_span[0]:
                m._scope_start = end


# "and" in both languages: a negation before it does not flip a "no" phrase after it.
_AND_WORDS = frozenset({"and", "и", "а"})


def _expand(alternatives: str, sets: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for word in alternatives.split("|"):
        out += sets.get(word[1:], []) if word.startswith("@") else [word]
    return out


def _overlap(a: Raw, b: Raw) -> bool:
    return a.tok_start < b.tok_end and b.tok_start < a.tok_end


def _bracketed_guess(cue: Any) -> bool:
    """A word or two in brackets asked as a guess: "jumped to the worst (pregnant?
    miscarriage?)" names fears, not facts (blind-bm-008, stop 41)."""
    doc, i, words = cue.doc, cue.i - 1, 0
    while i >= cue.sent.start and words <= 2:
        token = doc[i]
        if token.text == "(":
            return 1 <= words <= 2
        if token.is_punct and token.text != "?":
            return False
        words += 0 if token.is_punct else 1
        i -= 1
    return False


def _resolve_overlaps(raws: list[Raw], order: dict[str, list[str]]) -> list[Raw]:
    """Keep the longest match per finding; drop matches that yield to another finding.

    An overlapping shorter match of the same finding survives when its value is
    more severe ("резкая сильная боль справа внизу живота": the longer match
    says where, the shorter one how bad); the policy then keeps the worse value.
    A match with value "*" (present, value unknown) silences shorter ones, and so
    does a match of the absent value ("nothing hurts": "hurts" is not mild pain).
    """
    # Equal matches: the one that yields to fewer findings (a more specific rule
    # for the same words) comes first.
    raws.sort(
        key=lambda r: (-r.length, len(r.rule.spec.yield_to), r.rule.file, r.rule.index, r.tok_start)
    )
    kept: list[Raw] = []

    def rank(r: Raw) -> int:
        values = order.get(r.finding, [])
        return values.index(str(r.value)) if r.value in values else -1

    for r in raws:
        rivals = [k for k in kept if k.finding == r.finding and _overlap(k, r)]
        if rivals and r.finding in _LONGEST_WINS:
            continue
        if rivals and (
            any(k.value == "*" or (k.value == "none" and rank(k) == 0) for k in rivals)
            or all(rank(r) <= rank(k) for k in rivals)
        ):
            continue
        kept.append(r)
    out = []
    for r in kept:
        yields = r.rule.spec.yield_to
        if yields and any(
            k.finding != r.finding
            and ("*" in yields or k.finding in yields)
            and _overlap(k, r)
            # the writer's own bleeding counts only when she writes for a man, which
            # the parser decides later: no reading gives way to it here
            and not k.rule.spec.writer_bleeding
            for k in kept
        ):
            continue
        out.append(r)
    out.sort(key=lambda r: (r.tok_start, r.tok_end, r.finding))
    return out
