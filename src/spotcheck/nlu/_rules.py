"""Load and validate the rule files (``importlib.resources``, once per language)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .._errors import KnowledgeBaseError
from .._yaml import read_yaml
from ..kb import KnowledgeBase
from ._dsl import PatternError, compile_pattern
from ._schema import ContextFile, ContextSpec, Lexicon, PolicyFile, TargetFile, TargetSpec
from ._years import EARLIEST_YEAR, LATEST_YEAR, PlaceholderError, expand_years

__all__ = [
    "LANGUAGES",
    "MATCH_ATTR",
    "SURFACE_ATTR",
    "LanguageRules",
    "Rule",
    "load_language",
    "load_messages",
    "load_other_languages",
    "load_policy",
]

LANGUAGES = ("en", "ru")
# The attribute patterns match on: English the corrected lower-case form,
# Russian the lemma.
MATCH_ATTR = {"en": "NORM", "ru": "LEMMA"}
# The attribute of `=word` (surface) specs.
SURFACE_ATTR = {"en": "LOWER", "ru": "NORM"}
_SPECIAL = {"lexicon.yaml", "context.yaml"}


@dataclass(frozen=True)
class Rule:
    """A target rule with where it came from (for error messages and debugging)."""

    spec: TargetSpec
    file: str
    index: int
    # 1, 2, ...: the copy of a silencer for its `also` findings
    part: int = 0

    @property
    def name(self) -> str:
        return f"{self.file}#{self.index + 1}" + (f"/{self.part}" if self.part else "")


@dataclass(frozen=True)
class LanguageRules:
    lang: str
    lexicon: Lexicon
    context: tuple[ContextSpec, ...]
    rules: tuple[Rule, ...]


def _root() -> Any:
    return resources.files("spotcheck.nlu") / "rules"


M = TypeVar("M", bound=BaseModel)


def _read(model: type[M], path: Any, name: str) -> M:
    raw = read_yaml(path, name)
    try:
        return model.model_validate(raw or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KnowledgeBaseError(first["msg"], file=name, field=where) from None


def _check_value(kb: KnowledgeBase, spec: TargetSpec, name: str) -> None:
    if spec.finding not in kb.findings:
        raise KnowledgeBaseError("unknown finding", file=name, field=spec.finding)
    finding = kb.findings[spec.finding]
    value = spec.value
    if finding.type == "bool":
        # "*": a phrase that is not this finding and silences shorter matches inside it
        if value is not None and not isinstance(value, bool) and value != "*":
            raise KnowledgeBaseError(f"{value!r} is not true/false", file=name, field=spec.finding)
    elif finding.type == "enum":
        if value != "*" and value not in (finding.values or []):
            raise KnowledgeBaseError(
                f"{value!r} is not one of {finding.values}", file=name, field=spec.finding
            )
    elif value is not None and value != "*":
        # A fixed number is an approximation said in words ("last night" = about 12 hours);
        # "*" is a phrase that is not this number ("we've done it twice": the sex, not the
        # bleeding) and silences shorter matches inside it.
        lo, hi = finding.range or (float("-inf"), float("inf"))
        if isinstance(value, bool | str) or not lo <= value <= hi:
            raise KnowledgeBaseError(
                "a number finding takes its value from the text or a number in its range",
                file=name,
                field=spec.finding,
            )
    if spec.compares_number and finding.type != "bool":
        raise KnowledgeBaseError("threshold needs a yes/no finding", file=name, field=spec.finding)
    if spec.above_ref and (
        spec.threshold is not None
        or spec.at_most is not None
        or not all(p.startswith("re:") and "(?P<n>" in p and "(?P<ref>" in p for p in spec.patterns)
    ):
        raise KnowledgeBaseError(
            "'above_ref' needs regex patterns naming groups n and ref, and no threshold",
            file=name,
            field=spec.finding,
        )
    if spec.estimate and (finding.type != "number" or spec.value is None):
        raise KnowledgeBaseError(
            "'estimate' is for a number finding with a fixed value", file=name, field=spec.finding
        )
    if spec.hint and (spec.finding != "sex" or spec.value is None):
        raise KnowledgeBaseError(
            "'hint' is for a sex rule with a fixed value", file=name, field=spec.finding
        )
    if spec.keeps_cue and not spec.hint:
        raise KnowledgeBaseError("'keeps_cue' is for a hint", file=name, field=spec.finding)
    for other in spec.yield_to:
        if other != "*" and other not in kb.findings:
            raise KnowledgeBaseError("unknown finding in yield_to", file=name, field=other)


def _check_patterns(patterns: list[str], lang: str, lex: Lexicon, name: str, entry: str) -> None:
    for pattern in patterns:
        try:
            if pattern.startswith("re:"):
                re.compile(pattern[3:])
            else:
                compile_pattern(pattern, MATCH_ATTR[lang], lex, SURFACE_ATTR[lang])
        except (PatternError, re.error) as exc:
            raise KnowledgeBaseError(f"{pattern!r}: {exc}", file=name, entry=entry) from None


def _expand(patterns: list[str], year: int, name: str, entry: str) -> list[str]:
    """The patterns with their year placeholders filled (``_years``)."""
    try:
        return [expand_years(p, year) for p in patterns]
    except PlaceholderError as exc:
        raise KnowledgeBaseError(str(exc), file=name, entry=entry) from None


@functools.cache
def _language(kb: KnowledgeBase, lang: str, year: int) -> LanguageRules:
    folder = _root() / lang
    lex_name, context_name = f"{lang}/lexicon.yaml", f"{lang}/context.yaml"
    lexicon = _read(Lexicon, folder / "lexicon.yaml", lex_name)
    cues = {k: _expand(v, year, lex_name, f"cues.{k}") for k, v in lexicon.cues.items()}
    lexicon = lexicon.model_copy(update={"cues": cues})
    context = _read(ContextFile, folder / "context.yaml", context_name)
    context_specs = tuple(
        cue.model_copy(update={"patterns": _expand(cue.patterns, year, context_name, f"#{i + 1}")})
        for i, cue in enumerate(context.context)
    )
    for i, cue in enumerate(context_specs):
        _check_patterns(cue.patterns, lang, lexicon, context_name, f"#{i + 1}")
        for fid in cue.findings or ():
            if fid not in kb.findings:
                raise KnowledgeBaseError("unknown finding", file=context_name, field=fid)
    for cue_name, cue_patterns in lexicon.cues.items():
        _check_patterns(cue_patterns, lang, lexicon, lex_name, f"cues.{cue_name}")
    dropped_by: dict[str, list[str]] = {}
    for cue_name, dropped in lexicon.drops.items():
        for fid in dropped:
            if cue_name not in lexicon.cues or fid not in kb.findings:
                raise KnowledgeBaseError(
                    "unknown cue set or finding",
                    file=f"{lang}/lexicon.yaml",
                    field=f"drops.{cue_name}",
                )
            dropped_by.setdefault(fid, []).append(cue_name)
    rules: list[Rule] = []
    files = sorted(
        (p for p in folder.iterdir() if p.name.endswith(".yaml") and p.name not in _SPECIAL),
        key=lambda p: p.name,
    )
    for path in files:
        name = f"{lang}/{path.name}"
        target_file = _read(TargetFile, path, name)
        for i, spec in enumerate(target_file.rules):
            entry = f"#{i + 1} ({spec.finding})"
            spec = spec.model_copy(update={"patterns": _expand(spec.patterns, year, name, entry)})
            if spec.finding in dropped_by:
                extra = [c for c in dropped_by[spec.finding] if c not in spec.unless_near_message]
                spec = spec.model_copy(
                    update={"unless_near_message": [*spec.unless_near_message, *extra]}
                )
            _check_value(kb, spec, name)
            _check_patterns(spec.patterns, lang, lexicon, name, entry)
            cue_sets = [spec.near, spec.unless_near, *spec.near_message, *spec.unless_near_message]
            for near in cue_sets:
                if near is not None and near not in lexicon.cues:
                    raise KnowledgeBaseError(f"unknown cue set {near!r}", file=name, entry=f"#{i}")
            if (spec.also or spec.withholds) and spec.value != "*":
                raise KnowledgeBaseError(
                    "'also' and 'withholds' are for a silencer (value '*')",
                    file=name,
                    entry=f"#{i}",
                )
            rules.append(Rule(spec, path.name, i))
            for part, other in enumerate(spec.also, start=1):
                copy = spec.model_copy(update={"finding": other, "also": []})
                _check_value(kb, copy, name)
                rules.append(Rule(copy, path.name, i, part))
    if not rules:
        raise KnowledgeBaseError("no target rules", file=f"{lang}/")
    return LanguageRules(lang, lexicon, context_specs, tuple(rules))


def load_language(
    kb: KnowledgeBase, lang: str, *, reference_year: int | None = None
) -> LanguageRules:
    """The validated rules of one language (cached).

    Year placeholders in the patterns (``<<years_within_last_3>>``, see ``_years``) are
    filled from ``reference_year``, by default the one ``policy.yaml`` gives.
    """
    year = load_policy(kb).reference_year if reference_year is None else reference_year
    if not EARLIEST_YEAR < year <= LATEST_YEAR:
        raise KnowledgeBaseError(
            f"reference year {year} outside {EARLIEST_YEAR + 1}..{LATEST_YEAR}",
            field="reference_year",
        )
    return _language(kb, lang, year)


@functools.cache
def load_policy(kb: KnowledgeBase) -> PolicyFile:
    policy = _read(PolicyFile, _root() / "policy.yaml", "policy.yaml")
    named = [
        *policy.absent,
        *policy.not_negated,
        *policy.order,
        *policy.numbers,
        *policy.current,
        *policy.shared,
        *policy.no_sex_hint,
        *policy.sex_hint,
        *policy.event,
        *policy.hedged_unknown,
        *policy.partner,
        *policy.partner.values(),
    ]
    for rule in policy.implies:
        named += [*rule.when, *rule.then, *rule.unless]
    for fid, needs in policy.at_least.items():
        named += [fid, *needs]
    for fid in named:
        if fid not in kb.findings:
            raise KnowledgeBaseError("unknown finding", file="policy.yaml", field=fid)
    for fid, order in policy.order.items():
        bad = [v for v in order if v not in (kb.findings[fid].values or [])]
        if bad:
            raise KnowledgeBaseError(f"unknown value {bad[0]!r}", file="policy.yaml", field=fid)
    return policy


class _Messages(BaseModel):
    messages: dict[str, dict[str, str]]


class _Languages(BaseModel):
    languages: dict[str, dict[str, Any]]


@functools.cache
def load_messages() -> dict[str, dict[str, str]]:
    return _read(_Messages, _root() / "messages.yaml", "messages.yaml").messages


@functools.cache
def load_other_languages() -> dict[str, tuple[dict[str, str], frozenset[str]]]:
    """Common words of languages Spotcheck does not read: code -> (names, words)."""
    raw = _read(_Languages, _root() / "languages.yaml", "languages.yaml").languages
    return {
        code: (
            {str(k): str(v) for k, v in entry["name"].items()},
            frozenset(str(w).lower() for w in entry["words"]),
        )
        for code, entry in raw.items()
    }
