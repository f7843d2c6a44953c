"""The parser: text -> language -> pipeline -> findings with flags -> ParseResult."""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import replace

from .._errors import InputError
from ..kb import KnowledgeBase
from ._english import EnglishWords
from ._lang import detect
from ._pipeline import Pipeline, Raw
from ._policy import Policy
from ._proxy import Proxy, ProxyReader
from ._result import ParsedFinding, ParseResult, Status
from ._rules import LANGUAGES, LanguageRules, load_language, load_messages, load_policy
from ._russian import RussianWords
from ._translit import Transliteration, to_cyrillic

__all__ = ["MAX_CHARS", "Parser", "parser_for"]

MAX_CHARS = 5000


class Parser:
    """Parses messages in English and Russian for one knowledge base.

    Pipelines are built on first use of a language and kept (building the
    English one takes a few seconds: spaCy, the rules and their matchers; see docs/nlu.md).
    ``reference_year`` is the year read as "this year" when a text gives none (the rules'
    year windows count from it); by default the one ``rules/policy.yaml`` gives.
    """

    def __init__(self, kb: KnowledgeBase, *, reference_year: int | None = None) -> None:
        self.kb = kb
        self.reference_year = reference_year
        self.policy = Policy(kb, load_policy(kb))
        self.messages = load_messages()
        self._pipelines: dict[str, Pipeline] = {}
        self._english: EnglishWords | None = None
        self._russian: RussianWords | None = None
        self._proxies: dict[str, ProxyReader] = {}
        self._lock = threading.Lock()

    # --- building ------------------------------------------------------------------------

    def _rules(self, lang: str) -> LanguageRules:
        return load_language(self.kb, lang, reference_year=self.reference_year)

    def english(self) -> EnglishWords:
        if self._english is None:
            self._english = EnglishWords(self._rules("en"))
        return self._english

    def russian(self) -> RussianWords:
        if self._russian is None:
            self._russian = RussianWords(self._rules("ru"))
        return self._russian

    def pipeline(self, lang: str) -> Pipeline:
        with self._lock:
            if lang not in self._pipelines:
                rules = self._rules(lang)
                words = self.english() if lang == "en" else self.russian()
                self._pipelines[lang] = Pipeline(
                    self.kb,
                    rules,
                    words.normaliser(),
                    self.policy.shared,
                    self.policy.event,
                    self.policy.spec.order,
                    words.pattern_forms if isinstance(words, RussianWords) else None,
                    words.genitive if isinstance(words, RussianWords) else None,
                    words.past if isinstance(words, RussianWords) else None,
                    words.normal_form if isinstance(words, RussianWords) else None,
                )
            return self._pipelines[lang]

    def warm_up(self, *langs: str) -> None:
        """Build the pipelines now (servers call this at start-up)."""
        for lang in langs or LANGUAGES:
            self.pipeline(lang).run("warm up")

    # --- parsing -------------------------------------------------------------------------

    def _message(self, lang: str | None, key: str, **values: object) -> str:
        texts = self.messages.get(lang or "en") or self.messages["en"]
        return texts[key].format(**values)

    def parse(self, text: str, lang: str | None = None, *, sex: str | None = None) -> ParseResult:
        """Parse one message; bad text gives a message and no findings, never an error.

        ``lang`` ("en" or "ru") is the language to read the text in; it is
        detected when not given, and a text clearly in the other supported
        language is read in that language.  ``sex`` is the sex of the person
        who bleeds when a form already gives it: the rules that need the
        message to be about a man ("she bled too" is then his partner's
        blood) read it as if the text had said so, and it says whether a
        message about a relative is written for them (``ProxyReader.find``).
        """
        if lang is not None and lang not in LANGUAGES:
            raise InputError(f"unsupported language {lang!r}", field="lang", allowed="en, ru")
        sexes = self.kb.findings["sex"].values or []
        if sex is not None and sex not in sexes:
            raise InputError(f"unknown sex {sex!r}", field="sex", allowed=", ".join(sexes))
        known = frozenset({"male"}) if sex == "male" else frozenset()
        if not isinstance(text, str):
            raise InputError("the text must be a string", field="text")
        if not text.strip():
            return self._bad(text, lang, "empty", "empty")
        if len(text) > MAX_CHARS:
            return self._bad(text, lang, "too_long", "too_long", n=len(text), limit=MAX_CHARS)
        found = detect(
            text,
            lang,
            {"en": lambda w: self.english().known(w), "ru": lambda w: self.russian().known(w)},
        )
        latin: Transliteration | None = None
        if (found.status != "ok" or found.lang is None) and lang != "en":
            # Russian typed in Latin letters ("krov posle seksa")?
            latin = to_cyrillic(
                text, lambda w: self.russian().known(w), exact=lambda w: self.russian().exact(w)
            )
        if latin is None and found.lang == "en" and lang != "en":
            # passed as English on a few short words, but Russian in Latin letters?
            latin = to_cyrillic(
                text,
                lambda w: self.russian().known(w),
                lambda w: self.english().known(w),
                lambda w: self.russian().exact(w),
            )
        if latin is not None:
            read, withheld = self._findings(latin.text, "ru", known, sex)
            findings = tuple(
                replace(f, start=s, end=e, text=text[s:e])
                for f in read
                for s, e in [latin.back(f.start, f.end)]
            )
            message = "" if findings else self._message("ru", "nothing_found")
            return ParseResult(text, "ru", findings, "ok", message, self.policy, withheld)
        if found.status != "ok" or found.lang is None:
            key = "other_language_named" if found.other else found.status
            name = (found.other or {}).get(lang or "en", "")
            return self._bad(text, lang, found.status, key, language=name)
        use = found.lang
        findings, withheld = self._findings(text, use, known, sex)
        message = "" if findings else self._message(use, "nothing_found")
        return ParseResult(text, use, findings, "ok", message, self.policy, withheld)

    def _bad(
        self, text: str, lang: str | None, status: Status, key: str, **values: object
    ) -> ParseResult:
        return ParseResult(text, None, (), status, self._message(lang, key, **values), self.policy)

    def proxy(self, lang: str) -> ProxyReader:
        if lang not in self._proxies:
            pipeline = self.pipeline(lang)
            self._proxies[lang] = ProxyReader(pipeline.rules.lexicon, pipeline.numbers.digitise)
        return self._proxies[lang]

    def _findings(
        self, text: str, lang: str, known: frozenset[str] = frozenset(), sex: str | None = None
    ) -> tuple[tuple[ParsedFinding, ...], frozenset[str]]:
        """The findings read, and those the text keeps from being implied."""
        pipeline = self.pipeline(lang)
        proxy = self.proxy(lang).find(text, sex)
        if proxy is not None and proxy.sex == "male":
            # written for him, the message is a man's, as a form's sex says: his men's
            # findings need no `male` word of the writer's ("Writing on behalf of my
            # husband … He also gets up to pee 3-4 times a night", h91en-057)
            known |= {"male"}
        doc, raws = pipeline.run(_cyrillic_lookalikes(text) if lang == "ru" else text, known)
        if proxy is not None:
            # Written for someone else: what is said is about them (but not what is
            # said of their partner); the writer's own sex and age are not theirs.
            own = self.proxy(lang).writers_own(text, [sent.end_char for sent in doc.sents])
            writes_for_him = proxy.sex == "male"
            raws = [
                replace(r, other_person=r.subjects_partner)
                for r in raws
                if (
                    r.finding not in ("sex", "age")
                    or (r.finding == "age" and r.rule.spec.proxy_age and proxy.age is None)
                )
                and (
                    writes_for_him
                    if r.rule.spec.writer_bleeding
                    else not any(a <= r.start < b for a, b in own)
                )
            ]
            if proxy.sex == "male":
                raws = _his_own_semen(raws)  # writing for him
        else:
            note = pipeline.note_subject(text)
            if note is not None and note[0] == "male":
                # a note about "17 y/o boy" (stop 58, blind-h-022), as when writing for him
                raws = _his_own_semen(raws)
            # a relative's own past told for comparison is hers (blind-cb-015)
            past = self.proxy(lang).relatives_past(text, sex)
            raws = [
                r
                for r in raws
                if not r.rule.spec.writer_bleeding
                and (
                    r.finding in self.policy.partner_findings
                    or not any(a <= r.start < b for a, b in past)
                )
            ]
        out = [f for f in (self._finding(r, text) for r in raws) if f is not None]
        # a wish told as a wish, not denied or imagined ("we don't want a baby" withholds nothing)
        withheld = frozenset(
            r.finding
            for r in raws
            if r.rule.spec.withholds and not r.hypothetical and not r.negated
        )
        if proxy is not None:
            out.append(
                ParsedFinding(
                    "sex", proxy.sex, proxy.start, proxy.end, text[proxy.start : proxy.end]
                )
            )
            age = _corrected_age(pipeline, text, proxy)
            if age is not None and self.kb.findings["age"].range is not None:
                lo, hi = self.kb.findings["age"].range
                if lo <= age <= hi:
                    out.append(
                        ParsedFinding(
                            "age",
                            age,
                            proxy.age_start,
                            proxy.age_end,
                            text[proxy.age_start : proxy.age_end],
                        )
                    )
        elif lang == "ru":
            for cue in self.russian().sex_cues(doc):
                span = doc[cue.tok_start : cue.tok_end]
                out.append(
                    ParsedFinding("sex", cue.value, span.start_char, span.end_char, span.text)
                )
        return _merge(text, out), withheld

    def _finding(self, r: Raw, text: str) -> ParsedFinding | None:
        policy = self.policy
        fid, value = r.finding, r.value
        negated = r.negated and fid not in policy.not_negated
        if value == "*" and (not negated or self.kb.findings[fid].type in ("bool", "number")):
            # "pain during sex": present, but the text gives no value; a yes/no
            # finding's "*" only silences it ("brown discharge" is no abnormal discharge)
            return None
        usable = True
        if negated:
            flipped = policy.negate(fid, value)
            if flipped is None:
                usable = False
            else:
                value = flipped
        if r.other_person and fid in policy.spec.partner and value is True:
            fid = policy.spec.partner[fid]
        applies = usable and policy.applies(
            fid, hypothetical=r.hypothetical, other_person=r.other_person, historical=r.historical
        )
        return ParsedFinding(
            fid,
            value,
            r.start,
            r.end,
            text[r.start : r.end],
            negated,
            r.hypothetical,
            r.other_person,
            r.historical,
            applies,
            # a time said in words is an estimate the person confirms, like a hedge
            r.uncertain or (r.rule.spec.estimate and not r.corrected),
            # a number said in words, or a sex hinted at (a pad): weaker than one said
            approximate=r.rule.spec.hint
            or (
                r.rule.spec.value is not None
                and not r.corrected
                and self.kb.findings[fid].type == "number"
            ),
            not_male=r.rule.spec.woman_only
            or (r.rule.spec.not_male and value == policy.absent_value(fid)),
        )


def _corrected_age(pipeline: Pipeline, text: str, proxy: Proxy) -> int | None:
    """The relative's age, with a number the writer took back replaced ("my daughter is
    16 - sorry, 17": 17), as the rules' numbers are (``_corrections.py``)."""
    if proxy.age is None or pipeline.corrections is None:
        return proxy.age
    factor = pipeline.corrections.factor(
        text[proxy.age_start : proxy.age_end], text[proxy.age_end :]
    )
    return proxy.age if factor is None else round(proxy.age * factor)


def _his_own_semen(raws: list[Raw]) -> list[Raw]:
    """A message about him (written for him, or a clinician's note about him): "blood in
    his semen" is the person's own blood in the semen, not a partner's."""
    return [
        replace(r, finding="blood_in_semen") if r.finding == "partner_blood_in_semen" else r
        for r in raws
    ]


@functools.cache
def parser_for(kb: KnowledgeBase) -> Parser:
    """The parser of a knowledge base (one per process)."""
    return Parser(kb)


def _merge(text: str, findings: list[ParsedFinding]) -> tuple[ParsedFinding, ...]:
    """One entry per statement: duplicates dropped, touching spans of one reading joined.

    "Bit of brown spotting" matches "bit of brown" and "spotting" (both
    spotting); the person should see one line with the whole phrase.
    """
    out: list[ParsedFinding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end, f.finding)):
        for i, g in enumerate(out):
            same = (g.finding, g.value, g.negated, g.hypothetical, g.historical, g.uncertain) == (
                f.finding,
                f.value,
                f.negated,
                f.hypothetical,
                f.historical,
                f.uncertain,
            )
            if same and f.start <= g.end + 1 and not text[g.end : f.start].strip(" "):
                end = max(g.end, f.end)
                out[i] = replace(
                    g,
                    end=end,
                    text=text[g.start : end],
                    other_person=g.other_person or f.other_person,
                    applies=g.applies or f.applies,
                    approximate=g.approximate and f.approximate,
                )
                break
        else:
            out.append(f)
    return tuple(sorted(out, key=lambda f: (f.start, f.end, f.finding)))


_LATIN_TO_CYRILLIC = str.maketrans("aeopcxyAEOPCXYMHKTB", "аеорсхуАЕОРСХУМНКТВ")
_MIXED_WORD = re.compile(r"\b(?=\w*[а-яёА-ЯЁ])(?=\w*[a-zA-Z])\w+\b")


def _cyrillic_lookalikes(text: str) -> str:
    """ "Mне" typed with a Latin M: Latin letters that look Cyrillic, inside Cyrillic words.

    Same length, so every span still points into the original text.
    """
    return _MIXED_WORD.sub(lambda m: m.group(0).translate(_LATIN_TO_CYRILLIC), text)
