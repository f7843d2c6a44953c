"""Pydantic models of the rule files under ``nlu/rules``.

Layout (one folder per language, plus one language-neutral policy file)::

    rules/policy.yaml          how findings combine: absent values, severity order,
                               which findings a past mention or another person's
                               mention leaves alone, partner mapping, implications
    rules/<lang>/lexicon.yaml  numbers, units, word sets (@name), cue sets, gap blockers
    rules/<lang>/context.yaml  ConText cues: negation, hypothetical, history,
                               other person, self, clause breaks, terminators
    rules/<lang>/*.yaml        target rules: finding, value, patterns

Patterns are written in a small token language (see ``_dsl``) or, after
``re:``, as a regular expression over the raw text.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ContextFile",
    "ContextSpec",
    "Implication",
    "Lexicon",
    "PolicyFile",
    "TargetFile",
    "TargetSpec",
]

Unit = Literal["day", "week", "fortnight", "month", "year", "hour", "minute"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetSpec(_Strict):
    """One target rule: patterns that support ``finding`` = ``value``."""

    finding: str
    # None: true for a yes/no finding; for a number finding the number in the span.
    # "*" (enum findings): present with a value the text does not give; only its
    # negation says something ("no pain during sex" -> none).  For a yes/no finding
    # "*" is a phrase that is not the finding: it only silences shorter matches.
    value: bool | int | float | str | None = None
    # With value "*": further findings the same phrases silence ("we use condoms
    # every time" is neither a recurrence nor bleeding after every time).
    also: list[str] = []
    # With value "*": the phrases also stop the policy from implying the finding
    # ("trying for a baby, so no contraception" is sex without contraception, but no
    # contraceptive failure: the vocabulary's failure is an unwanted pregnancy).
    withholds: bool = False
    patterns: list[str] = Field(min_length=1)
    # Unit of a bare number ("34F" -> years); the span's own unit word wins.
    unit: Unit | None = None
    # A yes/no finding read from a number: value = number >= threshold ("temp 38.5"),
    # or number <= at_most; a number with a unit word is first converted to `unit`.
    threshold: float | None = None
    at_most: float | None = None
    # Only a number past the threshold is read (a last period's date 20 days back says no
    # late period, and none that is on time either: the cycle is not known).
    true_only: bool = False
    # A yes/no finding read from a result and its reference limit, both in the text: a
    # regex names groups ``n`` (the result) and ``ref`` (the upper limit); value = n > ref
    # ("PSA 6.8 (ref <4.0)" -> raised; "PSA 2.1, ref <4" -> not raised).
    above_ref: bool = False
    # A number told as what is left: value = subtract_from - number, in the
    # finding's unit ("due date is ten weeks away" -> 40 - 10 = 30 weeks).  A
    # regex may also name a group ``plus``, a number in the same unit added to
    # ``n`` ("my 12-week scan was four weeks ago" -> 16).
    subtract_from: float | None = None
    # Drop this match when it overlaps a match of one of these findings ("*": any).
    yield_to: list[str] = []
    # A cue set (lexicon `cues`) that must occur in the same sentence.
    near: str | None = None
    # Further cue sets that must occur somewhere in the message: facts told
    # over several sentences ("raped by a man I don't know. No condom.").
    near_message: list[str] = []
    # A cue set that, in the same sentence, drops the match ("sex 2 days ago,
    # since then …" is since the sex, not a recurrence).
    unless_near: str | None = None
    # Cue sets that, anywhere in the message, drop the match (the morning-after
    # pill after a split condom says nothing of a condom not used).
    unless_near_message: list[str] = []
    # Drop the match when one of these words is among the 3 tokens before it.
    not_after: list[str] = []
    # Drop the match when one of these words is among the two tokens after it
    # ("две недели назад" is not a week of pregnancy).
    not_before: list[str] = []
    # A time said in words ("sex last night" = about 12 hours): an estimate, not
    # what the person said. It is offered for the person to confirm
    # (ParseResult.unsure) and stays unknown until then, as every independent
    # annotator of the holdout sets reads it; a rule that depends on it takes
    # its cautious branch meanwhile.
    estimate: bool = False
    # A phrase by which the person says the blood was not hers ("I'm not bleeding
    # at all", "nothing coming from me"): with the partner's own bleeding in the
    # message, the amount and colour of "blood everywhere" are the partner's.
    self_clear: bool = False
    # A sign of the writer's sex from what she describes, not a statement of it
    # (`finding: sex` only): a pad, a comparison with her periods, «матку удалили».
    # It votes like a finding of one sex; a stated sex or a verb's gender wins.
    hint: bool = False
    # A hint read from another person named as the writer's own ("Муж ВИЧ-положительный":
    # she has a husband): the words naming that person stay their cue, so what follows in
    # the clause ("муж курит", «у мужа варфарин») is still theirs (`hint` rules only).
    keeps_cue: bool = False
    # A phrase by which a woman says she herself was bleeding ("my period started an
    # hour before", "I was on day one of my period"): it counts only when she writes
    # for a man, and then it is his partner's bleeding (the partner_was_bleeding rules).
    writer_bleeding: bool = False
    # An age said of the person the message is about, not of the writer ("took him (58) to
    # the GP", "Patient details: male, twenty-two"): kept when someone writes for a relative
    # or partner whose age the cue naming them does not give (``age`` only).
    proxy_age: bool = False
    # A general denial that speaks of the belly only for a woman ("nothing hurts",
    # «ничего не болит», «Боли нет»): when the person is a man, the absent value it
    # gives (``lower_abdominal_pain: none``) is left out (a pain he says is kept).
    not_male: bool = False
    # A reading on a woman's scale only, whatever its value: "bled a lot", "blood
    # everywhere" measure a bleed against pads and periods (the vocabulary's amount);
    # from a man's torn frenulum, readable writers leave the amount out (33 of 33 holdout
    # lines), so the reading is left out when the person is a man.
    woman_only: bool = False

    @property
    def compares_number(self) -> bool:
        """Whether the yes/no value comes from a number compared (threshold, at_most or a
        reference limit given beside it)."""
        return self.threshold is not None or self.at_most is not None or self.above_ref


class TargetFile(_Strict):
    rules: list[TargetSpec] = []


ContextCategory = Literal[
    "negated",
    "hypothetical",
    "historical",
    "other_person",
    "self",
    "clause",
    "terminate",
    "pseudo",
    "uncertain",
    # past frames (``_frames.py``): not ConText cues
    "past_frame",
    "present",
    "not_past",
    "new_episode",
]


class ContextSpec(_Strict):
    """A ConText cue: which category, which direction, how far it reaches."""

    category: ContextCategory
    direction: Literal["forward", "backward", "bidirectional"] = "forward"
    max_scope: int | None = Field(default=None, ge=1)
    # a cue whose scope is a list ("safety net: heavy bleeding, fever, offensive
    # discharge") is not ended by a clause break, only by the sentence or max_scope
    across_clauses: bool = False
    # an other_person cue naming the partner of the one written about ("her husband"):
    # in a message written for her, what it covers stays someone else's, while her own
    # "she"/"her" become the person's (stop 64, h29en-064)
    subjects_partner: bool = False
    # the findings the cue may modify (ConText's allowed types), when it says something
    # of those alone: "… actually no, it doesn't hurt" takes back a pain, not the bleeding
    # told before it (stop 65)
    findings: list[str] | None = None
    patterns: list[str] = Field(min_length=1)


class ContextFile(_Strict):
    context: list[ContextSpec]


class Lexicon(_Strict):
    """Words a language's patterns share."""

    # Number words (lower case; lemmas for Russian) -> value.
    numbers: dict[str, float]
    # Unit words per unit (lower case; lemmas for Russian).
    units: dict[Unit, list[str]]
    # Named word sets, usable in patterns as @name.
    sets: dict[str, list[str]] = {}
    # Named cue sets (patterns), usable in a rule's `near`.
    cues: dict[str, list[str]] = {}
    # Exact lower-case forms -> the form patterns see (slang, abbreviations,
    # and for Russian lemmas pymorphy3 gets wrong).
    normalise: dict[str, str] = {}
    # Words a gap `_` never crosses (negations, "but", ...).
    gap_blockers: list[str] = []
    # Words that fill a `~neg` slot and so negate the match.
    negations: list[str] = []
    # Question words and hedges ("could", "is", "maybe", "assume", ...).  When
    # given, a question mark makes a sentence hypothetical only if one of them is
    # in it: "blood in my cum 2nd time this month??" tells a fact with worry,
    # "could it be cancer?" asks, "a bit itchy maybe?" doubts.  Empty: every
    # sentence ending in "?" is hypothetical.
    question_words: list[str] = []
    # Words the spelling correction never changes, and common words of the
    # language (used by language detection).
    common_words: list[str] = []
    # Language-specific word lists used by code (for example Russian verbs
    # whose subject is usually a thing, not the person).
    extra: dict[str, list[str]] = {}
    # A cue set -> findings it drops anywhere in the message ("I thought it was
    # me", then the partner's torn frenulum: the amount of blood was not hers).
    drops: dict[str, list[str]] = {}


class Implication(_Strict):
    """``when`` every listed finding has the value ("*": any value), set ``then``
    for findings still unknown, ``unless`` one of those holds."""

    when: dict[str, bool | int | float | str]
    then: dict[str, bool | int | float | str]
    unless: dict[str, bool | int | float | str] = {}


class AtLeastUnless(_Strict):
    """Findings that lower an ``at_least`` minimum, and the minimum then."""

    when_any: list[str]
    least: dict[str, float]


class PolicyFile(_Strict):
    # The year the reader takes as "this year" when a text gives none: the rules' year
    # windows (`<<years_within_last_3>>`, `_years.py`) count from it.  Data, not the
    # clock, so a text reads the same on any day.
    reference_year: int = Field(gt=1900, le=2099)
    # Value an enum finding takes when negated ("no pain" -> none).
    absent: dict[str, str] = {}
    # Findings no negation changes: an age told after a denial ("... no pain. 41").
    not_negated: list[str] = []
    # Findings a question or a condition leaves standing: "I think my period might be
    # starting?" still says who is writing.
    not_hypothetical: list[str] = []
    # Severity order of enum values: on conflict, the later value wins.
    order: dict[str, list[str]] = {}
    # Numbers on conflict: first mention, or the largest / smallest.
    numbers: dict[str, Literal["first", "max", "min"]] = {}
    # Findings of the current episode: a past mention ("I fainted last year") does not apply.
    current: list[str] = []
    # Findings about the act itself: a cue about another person never moves them.
    shared: list[str] = []
    # Findings that say nothing of the writer's sex although the knowledge base
    # gives them to one sex ("the condom split" happens to both people).
    no_sex_hint: list[str] = []
    # Findings of both sexes that, said in text, still point to one ("I was really
    # dry" is almost always a woman): a vote like a one-sex finding's.
    sex_hint: dict[str, Literal["female", "male"]] = {}
    # Bleeding findings: about another person only when that person's bleeding
    # is described in the same sentence.
    event: list[str] = []
    # A man's finding said of the partner -> the partner finding.
    partner: dict[str, str] = {}
    implies: list[Implication] = []
    # A yes finding that needs at least this much of a number finding, when
    # that number is known: {bleeding_ongoing: {hours_since_sex: 2}} ("still
    # bleeding" half an hour after sex is not bleeding that goes on for hours).
    at_least: dict[str, dict[str, float]] = {}
    # ... unless one of these findings holds, for which a shorter time is enough:
    # on blood thinners, bleeding past 20-30 minutes is prolonged (S23).
    at_least_unless: dict[str, AtLeastUnless] = {}
    # Hedged findings ("not pregnant as far as I know"): "unknown" leaves every
    # hedged finding out of the facts; "cautious" leaves out the reassuring ones
    # (negated, false, absent) and keeps a hedged sign ("the condom split I think").
    hedged: Literal["unknown", "cautious"] = "cautious"
    # Findings that explain the bleeding away (a period due): hedged, they stay unknown
    # even with "cautious" («Вроде бы месячные должны начаться через пару дней, но не
    # уверена», "I think my period might be due"): a reassurance, not a sign.
    hedged_unknown: list[str] = []
    # A contradiction the reader settles on the cautious side instead of dropping both:
    # contradiction id -> the findings kept; the others are dropped and the implications
    # run again ("31+2 weeks … not low on the 20-week scan" must not lose the pregnancy to
    # a negated scan cue; stop 43, blind-cg-004).
    contradiction_keeps: dict[str, list[str]] = {}
