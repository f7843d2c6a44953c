"""Someone writing for the person who bled ("my wife is 34 and bled after sex", «у дочери…»).

The facts then describe that person: what the text says about them applies,
their sex is the relative's ("wife" → female) and their age is the one given
for them ("my daughter (16)", «ей 16»), never the writer's.  The cues are
regular expressions of the language's lexicon (``extra``: ``proxy_female``,
``proxy_male``, ``proxy_age``).

A message that *opens* with the relative ("my gf (27) is on the bathroom
floor …", "My husband is 34. …") and goes on about "she" or "he" is about
them even without a bleeding verb beside the name (``proxy_female_opening``,
``proxy_male_opening``), unless the writer speaks of their own bleeding
(``proxy_self``: "I bled", "I'm bleeding").  What the writer then says of
themself ("I'm 42, on HRT and had a hysterectomy myself") is not the person's
(``proxy_writer``, ``proxy_third_person``).  The same weak cues, used only
then, include a partner's injury told about "him" ("he lost his erection …
his penis is swollen") and, in Russian, «Жена на 14 неделе, …», «Мужу 50, …».
A relative's own history ("My mum had womb cancer and bled after the menopause.
I'm 52 …") is no writing for her: a cue whose sentence tells of the past
(``proxy_history``) does not count when the writer then speaks of themself
(``proxy_own``) and never of "she" or "her" again.
When a form gives the sex of the person who bleeds, it decides between the writer
and a relative of that sex ("my partner … he …" for a man: ``proxy_given_*``), and a
relative of the other sex is never the person.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ._schema import Lexicon

# ``NumberReader.digitise``: the text with number words in digits and where each
# character came from ("my daughter who is sixteen" → "… who is 16").
Digitise = Callable[[str], tuple[str, list[int], list[int], list[tuple[int, int]]] | None]

__all__ = ["Proxy", "ProxyReader"]


@dataclass(frozen=True)
class Proxy:
    """The person the writer writes about: sex, age (if said), and where it was said."""

    sex: str
    start: int
    end: int
    age: int | None = None
    age_start: int = 0
    age_end: int = 0


class ProxyReader:
    def __init__(self, lex: Lexicon, digitise: Digitise | None = None) -> None:
        self.digitise = digitise

        # Shared pieces written once (``proxy_part_<name>``, used as ``<<name>>``): the
        # greetings a message may open with, the words between "my" and a relative.
        parts = {
            key.removeprefix("proxy_part_"): "".join(value)
            for key, value in lex.extra.items()
            if key.startswith("proxy_part_")
        }

        def expand(pattern: str) -> str:
            return re.sub(r"<<(\w+)>>", lambda m: parts[m[1]], pattern)

        def compile_all(key: str) -> list[re.Pattern[str]]:
            return [re.compile(expand(p), re.IGNORECASE) for p in lex.extra.get(key, [])]

        def by_sex(female: str, male: str) -> list[tuple[str, re.Pattern[str]]]:
            return [("female", r) for r in compile_all(female)] + [
                ("male", r) for r in compile_all(male)
            ]

        self.sexes = by_sex("proxy_female", "proxy_male")
        self.openings = by_sex("proxy_female_opening", "proxy_male_opening")
        # used only when a form gives the sex: see ``find``
        self.given = by_sex("proxy_given_female", "proxy_given_male")
        self.self_cues = compile_all("proxy_self")
        # the writer's own sex, said ("I'm 23F"): see ``find``
        self.writer_sex = by_sex("proxy_writer_female", "proxy_writer_male")
        self.ages = compile_all("proxy_age")
        # the words that name a person of one sex, at the start of an age's match
        # («ему 19» is no daughter's age): ``proxy_age_words_female|male``
        self.age_words = {sex: compile_all(f"proxy_age_words_{sex}") for sex in ("female", "male")}
        self.writer_cues = compile_all("proxy_writer")
        self.third_person = compile_all("proxy_third_person")
        self.history = compile_all("proxy_history")
        self.own = compile_all("proxy_own")

    def find(self, text: str, given: str | None = None) -> Proxy | None:
        """The person bleeding when the writer writes for someone else, else None.

        ``given`` is the sex a form gives for the person who bleeds: a message about
        "my partner … he …" for a man is then written for him (``proxy_given_male``),
        and a relative of the other sex is not the person ("me and my boyfriend (he's
        15 too)" from a girl of 15).
        """

        def found(cues: list[tuple[str, re.Pattern[str]]]) -> list[tuple[int, str, re.Match[str]]]:
            return [
                (m.start(), sex, m)
                for sex, r in cues
                if given is None or sex == given
                for m in [r.search(text)]
                if m
            ]

        def current(
            cues: list[tuple[str, re.Pattern[str]]],
        ) -> list[tuple[int, str, re.Match[str]]]:
            return [h for h in found(cues) if not self._history(text, h[2])]

        hits = current(self.sexes)
        if not hits and not any(r.search(text) for r in self.self_cues):
            # a weak cue of the other sex than the writer says she is names her partner, not
            # someone written for ("I'm 23F. My boyfriend tore his banjo string")
            stated = {sex for sex, r in self.writer_sex if r.search(text)}
            hits = [h for h in current(self.openings) if h[1] in stated or len(stated) != 1]
            if not hits and given is not None:
                # a relative's own past is no writing for her here either (blind-cb-015)
                hits = current(self.given)
        if not hits:
            return None
        _, sex, m = min(hits, key=lambda h: h[0])
        age = self._age(text, sex)
        if age is None:
            return Proxy(sex, m.start(), m.end())
        return Proxy(sex, m.start(), m.end(), *age)

    def relatives_past(self, text: str, given: str | None = None) -> list[tuple[int, int]]:
        """Where a relative's own past is told ("my mum says she bled loads with me and it
        was nothing."): from each proxy cue that ``_history`` turns down to the end of
        its sentence, as character spans.  What is said there is hers, not the writer's."""
        spans = []
        # only the strong cues, a relative named with her own bleeding or collapse: the
        # weak ones ("my partner … he") also name the partner of the writer's own story
        for sex, r in self.sexes:
            m = r.search(text)
            if m is None or (given is not None and sex != given):
                continue
            if self._history(text, m):
                spans.append((m.start(), _sentence_end(text, m.end())))
        return spans

    def _history(self, text: str, m: re.Match[str]) -> bool:
        """Whether the cue ``m`` tells of the relative's past, the writer then speaking
        of themself and not of her ("My mum had womb cancer and bled after the
        menopause. I'm 52, …")."""
        if not self.history or not self.own:
            return False
        end = _sentence_end(text, m.end())
        if not any(r.search(text[m.start() : end]) for r in self.history):
            return False
        # the writer may speak of themself before the relative or after ("I'm 29 and 30
        # weeks pregnant, ... My mum says she bled ... when she was pregnant with me");
        # after it, never of her again
        rest = text[end:]
        return any(r.search(text[: m.start()] + " " + rest) for r in self.own) and not any(
            r.search(rest) for r in self.third_person
        )

    def writers_own(self, text: str, sent_ends: list[int]) -> list[tuple[int, int]]:
        """Where the writer speaks of themself ("For what it's worth I'm 42, on HRT
        and had a hysterectomy myself"): from a ``proxy_writer`` cue to the end of
        its sentence, or to the next mention of the person (``proxy_third_person``:
        "she", "her", ...), as character spans."""
        spans = []
        for cue in (m for r in self.writer_cues for m in r.finditer(text)):
            end = next((e for e in sent_ends if e > cue.start()), len(text))
            found = (r.search(text, cue.end(), end) for r in self.third_person)
            spans.append((cue.start(), min([end, *(m.start() for m in found if m)])))
        return spans

    def _age(self, text: str, sex: str) -> tuple[int, int, int] | None:
        """The age given for the person and where it stands in ``text``.

        Searched in the text, then (only if needed) in its digitised copy for an
        age in words ("my daughter who is sixteen").  An age said of someone of the
        other sex is not the person's («Дочери четырнадцать … с парнем, ему 19»).
        """
        found = self._search_age(text, sex)
        if found is not None or self.digitise is None:
            return found
        copy = self.digitise(text)
        if copy is None:
            return None
        digits, starts, ends, _ = copy
        found = self._search_age(digits, sex)
        if found is None:
            return None
        age, start, end = found
        return age, starts[start], ends[end - 1]

    def _search_age(self, text: str, sex: str) -> tuple[int, int, int] | None:
        other = self.age_words["male" if sex == "female" else "female"]
        for r in self.ages:
            for a in r.finditer(text):
                if any(w.match(a[0]) for w in other):
                    continue
                return int(a["n"]), a.start("n"), a.end("n")
        return None


def _sentence_end(text: str, start: int) -> int:
    """Where the sentence that runs on at ``start`` ends (after its full stop and space)."""
    stop = re.search(r"[.!?](?:\s|$)", text[start:])
    return start + stop.end() if stop else len(text)
