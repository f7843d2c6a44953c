"""The compiled knowledge base: validated specs plus the arrays the engine uses.

The model is one cause among mutually exclusive conditions (a root node) with
one child per finding.  ``table[c, s]`` is P(finding state s | condition c)
for every state of every finding laid side by side; each finding's block of
columns sums to one per condition, so unknown findings simply drop out.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .._errors import KnowledgeBaseError
from ._atoms import (
    Atom,
    AtomIndex,
    FactValue,
    any_holds,
    holds_all,
    holds_any,
    parse_atom,
)
from ._schema import (
    ConditionSpec,
    ExplanationSpec,
    FindingSpec,
    GuidanceStatement,
    LanguagePack,
    LikelihoodSpec,
    PriorSpec,
    Provenance,
    RuleSpec,
    ScreenStep,
    SourceSpec,
    TextItem,
)

__all__ = [
    "CompiledExplanation",
    "CompiledRule",
    "CompiledScreenStep",
    "CompiledWindow",
    "KnowledgeBase",
    "SexTables",
    "compile_knowledge_base",
]

FloatArray = npt.NDArray[np.float64]

# A yes/no finding that only one sex can have is nearly impossible for a
# condition of the other sex; not exactly 0, so a mistaken answer cannot make
# every cause impossible.
_OTHER_SEX_P = 1e-3


@dataclass(frozen=True)
class CompiledRule:
    id: str
    level: int
    all: tuple[Atom, ...]
    any: tuple[Atom, ...]
    unless: tuple[Atom, ...]
    rationale: str
    source: str
    and_any: tuple[Atom, ...] = ()
    guidance: tuple[str, ...] = ()
    unless_all: tuple[tuple[Atom, ...], ...] = ()
    # The knowledge base's shared index (a rule on its own gets its own).
    index: AtomIndex = field(default_factory=AtomIndex, compare=False, repr=False)
    _masks: tuple[int, int, int, int, tuple[int, ...]] = field(
        init=False, compare=False, repr=False
    )

    # The bits of the 'all' conditions, on their own for a quick first test.
    all_mask: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        mask = self.index.mask
        masks = (
            mask(self.all),
            mask(self.any),
            mask(self.and_any),
            mask(self.unless),
            tuple(mask(g) for g in self.unless_all),
        )
        object.__setattr__(self, "_masks", masks)
        object.__setattr__(self, "all_mask", masks[0])

    def fires(self, facts: Mapping[str, FactValue | None]) -> bool:
        """True when every condition holds on known facts (never on unknowns)."""
        return self.fires_on(self.index.truth(facts))

    def fires_on(self, truth: int) -> bool:
        """:meth:`fires`, given the facts' truth mask (``index.truth(facts)``)."""
        every, some, and_some, unless, unless_all = self._masks
        return (
            holds_all(every, truth)
            and (not some or holds_any(some, truth))
            and (not and_some or holds_any(and_some, truth))
            and not holds_any(unless, truth)
            and not any(holds_all(group, truth) for group in unless_all)
        )

    @property
    def atoms(self) -> tuple[Atom, ...]:
        return self.all + self.any + self.and_any


@dataclass(frozen=True)
class CompiledExplanation:
    """A benign explanation that grants ``level`` when no risk factor is known."""

    id: str
    level: int
    sex: str
    all: tuple[Atom, ...]
    any: tuple[Atom, ...]
    # Every atom that takes the explanation away (its risk-factor groups and 'unless').
    blockers: tuple[Atom, ...]
    rationale: str
    source: str
    guidance: tuple[str, ...]
    # Blockers that a group of known facts waives (a group's 'unless_all'): the
    # blocker, and the groups any one of which, holding in full, waives it.
    waivers: tuple[tuple[Atom, tuple[tuple[Atom, ...], ...]], ...] = ()
    index: AtomIndex = field(default_factory=AtomIndex, compare=False, repr=False)
    _masks: tuple[int, int, int, tuple[tuple[int, tuple[int, ...]], ...]] = field(
        init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        # The sex an explanation is for is one more condition on the facts.
        sex = () if self.sex == "any" else (parse_atom(f"sex={self.sex}"),)
        mask = self.index.mask
        waived = {a for a, _ in self.waivers}
        masks = (
            mask(self.all + sex),
            mask(self.any),
            mask(tuple(b for b in self.blockers if b not in waived)),
            tuple((mask((a,)), tuple(mask(g) for g in groups)) for a, groups in self.waivers),
        )
        object.__setattr__(self, "_masks", masks)

    def holds(self, facts: Mapping[str, FactValue | None]) -> bool:
        return self.holds_on(self.index.truth(facts))

    def holds_on(self, truth: int) -> bool:
        """:meth:`holds`, given the facts' truth mask."""
        every, some, blockers, waivable = self._masks
        return (
            holds_all(every, truth)
            and (not some or holds_any(some, truth))
            and not holds_any(blockers, truth)
            and not any(
                holds_any(bit, truth) and not any(holds_all(g, truth) for g in groups)
                for bit, groups in waivable
            )
        )

    @property
    def atoms(self) -> tuple[Atom, ...]:
        return self.all + self.any


@dataclass(frozen=True)
class CompiledWindow:
    """A treatment window after sex, open while ``hours_since_sex`` is below the limit."""

    id: str
    within_hours: float
    when_any: tuple[Atom, ...]
    unless: tuple[Atom, ...]
    source: str
    guidance: tuple[str, ...]

    def open(self, facts: Mapping[str, FactValue | None]) -> bool | None:
        """True/False once the hours are known, None while they are not (still relevant)."""
        if not any_holds(self.when_any, facts) or any_holds(self.unless, facts):
            return False
        hours = facts.get("hours_since_sex")
        if hours is None:
            return None
        return float(hours) < self.within_hours


def visible(lines: Sequence[str | TextItem], facts: Mapping[str, FactValue | None]) -> list[str]:
    """The lines of advice that fit the person (``hide_if`` atoms checked on known facts)."""
    out = []
    for line in lines:
        if isinstance(line, str):
            out.append(line)
        elif not any_holds(_parsed(tuple(line.hide_if)), facts):
            out.append(line.text)
    return out


@functools.cache
def _parsed(texts: tuple[str, ...]) -> tuple[Atom, ...]:
    return tuple(parse_atom(t) for t in texts)


@dataclass(frozen=True)
class CompiledScreenStep:
    id: str
    findings: tuple[str, ...]
    sex: str
    only_if: tuple[Atom, ...]
    only_if_any: tuple[Atom, ...]
    skip_if: tuple[Atom, ...]
    skip_when: tuple[tuple[Atom, ...], ...]
    rationale: str
    audience: str = "any"
    if_unknown: tuple[str, ...] = ()
    handover: bool = False


# eq=False: identity hashing, so compiled bases can key caches.
@dataclass(frozen=True, eq=False)
class SexTables:
    """The likelihood arrays for one sex (or for an unknown sex: the mixture)."""

    table: FloatArray  # (C, S): P(state | cause)
    log_table: FloatArray  # (C, S)
    # (1 + S, C): the prior, then ``table`` transposed (rows contiguous), and logs.
    joint_t: FloatArray = field(repr=False)
    log_joint_t: FloatArray = field(repr=False)


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    version: str
    digest: str
    languages: tuple[str, ...]
    levels: tuple[str, ...]
    level_thresholds: FloatArray  # per level; inf where mass never sets it
    findings: dict[str, FindingSpec]
    conditions: tuple[ConditionSpec, ...]
    condition_index: dict[str, int]
    sources: dict[str, SourceSpec]
    rules: tuple[CompiledRule, ...]
    floor: int
    floor_guidance: tuple[str, ...]
    explanations: tuple[CompiledExplanation, ...]
    windows: tuple[CompiledWindow, ...]
    guidance: dict[str, GuidanceStatement]
    contradictions: tuple[CompiledRule, ...]
    screen: tuple[CompiledScreenStep, ...]
    ask_only_if: dict[str, tuple[Atom, ...]]
    ask_skip_if: dict[str, tuple[Atom, ...]]
    redundant_if: dict[str, tuple[Atom, ...]]
    red_flag_atoms: tuple[Atom, ...]
    red_flags_by_finding: dict[str, tuple[Atom, ...]]
    packs: dict[str, LanguagePack]
    # arrays
    log_prior: FloatArray  # (C,)
    table: FloatArray  # (C, S)
    log_table: FloatArray  # (C, S)
    columns: dict[str, tuple[int, int]]  # finding -> [start, stop) of its states
    states: dict[str, tuple[str, ...]]
    bands: dict[str, tuple[float, ...]]  # numeric finding -> band edges
    urgency: npt.NDArray[np.int64]  # (C,)
    escalate_at: FloatArray  # (C,) inf when none
    must_not_miss: npt.NDArray[np.bool_]
    rule_out_below: FloatArray
    consider_when: dict[str, tuple[tuple[Atom, ...], ...]]
    excluded_by: dict[str, tuple[tuple[Atom, ...], ...]]
    # (1 + S, C): the prior, then ``table`` transposed (rows contiguous), and logs.
    joint_t: FloatArray = field(repr=False)
    log_joint_t: FloatArray = field(repr=False)
    lookup: dict[tuple[str, FactValue], int] = field(repr=False)  # yes/no and enum columns
    at_least: FloatArray = field(repr=False)  # (C, L): urgency[c] >= level
    is_level: FloatArray = field(repr=False)  # (C, L): urgency[c] == level
    # Bit masks over ``atoms`` (see AtomIndex): the groups above and the red flags.
    atoms: AtomIndex = field(repr=False)
    consider_masks: dict[str, tuple[int, ...]] = field(repr=False)
    excluded_masks: dict[str, tuple[int, ...]] = field(repr=False)
    red_flag_mask: int = field(repr=False)
    # yes/no finding -> findings that are asked only when it holds (and so imply it).
    implied_by: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # P(sex) weights as written in meta.yaml, with their provenance.
    sex_weights: dict[str, PriorSpec] = field(default_factory=dict, repr=False)
    # The arrays for a known sex, where some likelihoods differ by sex (else empty).
    by_sex: dict[str, SexTables] = field(default_factory=dict, repr=False)
    # (sex, finding, the finding that is the same observation for that sex).
    same_as: tuple[tuple[str, str, str], ...] = field(default=(), repr=False)

    def tables(self, sex: FactValue | None) -> SexTables:
        """The likelihood arrays for someone of this sex (unknown: the mixture)."""
        found = self.by_sex.get(sex) if isinstance(sex, str) else None
        return found if found is not None else self._marginal

    @functools.cached_property
    def _marginal(self) -> SexTables:
        return SexTables(self.table, self.log_table, self.joint_t, self.log_joint_t)

    @property
    def condition_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.conditions)

    def column(self, finding: str, value: FactValue) -> int:
        """The column of ``table`` for a known value of a finding."""
        found = self.lookup.get((finding, value))
        if found is not None:
            return found
        start = self.columns[finding][0]
        return start + bisect.bisect_right(self.bands[finding], float(value))

    def truth(self, facts: Mapping[str, FactValue | None]) -> int:
        """The mask of every compiled condition that holds on the known facts."""
        return self.atoms.truth(facts)

    def level_index(self, level: str) -> int:
        return self.levels.index(level)

    def text(self, lang: str) -> LanguagePack:
        try:
            return self.packs[lang]
        except KeyError:
            raise KnowledgeBaseError(
                f"no texts in language {lang!r} (available: {', '.join(self.packs)})"
            ) from None


def _fail(message: str, file: str, entry: str = "", fld: str = "") -> KnowledgeBaseError:
    return KnowledgeBaseError(message, file=file, entry=entry, field=fld)


def _distribution(spec: LikelihoodSpec, finding: FindingSpec, file: str, entry: str) -> list[float]:
    """The probabilities of each state of ``finding`` that ``spec`` describes."""
    states = finding.states()
    where = f"likelihoods.{finding.id}"
    if spec.profile is not None:
        if spec.profile not in finding.profiles:
            raise _fail(
                f"unknown profile {spec.profile!r} (allowed: {', '.join(finding.profiles)})",
                file,
                entry,
                where,
            )
        table: float | dict[str, float] = finding.profiles[spec.profile].p
    else:
        assert spec.p is not None
        table = spec.p
    if finding.type == "bool":
        if not isinstance(table, float | int):
            raise _fail("a yes/no finding takes one probability", file, entry, where)
        return [1.0 - float(table), float(table)]
    if not isinstance(table, dict):
        raise _fail(f"give a table over {', '.join(states)}", file, entry, where)
    if set(table) != set(states):
        missing = sorted(set(states) - set(table))
        extra = sorted(set(table) - set(states))
        raise _fail(
            f"table must cover exactly {', '.join(states)} (missing {missing}, unknown {extra})",
            file,
            entry,
            where,
        )
    total = sum(table.values())
    if not math.isclose(total, 1.0, abs_tol=0.02):
        raise _fail(f"table sums to {total:.3f}, not 1", file, entry, where)
    return [table[s] / total for s in states]


def _atoms(
    texts: list[str], findings: dict[str, FindingSpec], file: str, entry: str, fld: str
) -> tuple[Atom, ...]:
    out = []
    for text in texts:
        try:
            atom = parse_atom(text)
        except ValueError as exc:
            raise _fail(str(exc), file, entry, fld) from None
        spec = findings.get(atom.finding)
        if spec is None:
            raise _fail(f"unknown finding {atom.finding!r} in {text!r}", file, entry, fld)
        if spec.type == "enum":
            bad = [v for v in atom.values if v not in (spec.values or [])]
            if atom.op not in ("is", "in") or bad:
                raise _fail(
                    f"{text!r}: allowed values are {', '.join(spec.values or [])}", file, entry, fld
                )
        elif spec.type == "bool" and (atom.op != "is" or not isinstance(atom.values[0], bool)):
            raise _fail(f"{text!r}: a yes/no finding is written 'x' or 'not x'", file, entry, fld)
        elif spec.type == "number" and atom.op in ("is", "in"):
            raise _fail(f"{text!r}: compare a number with >=, >, <= or <", file, entry, fld)
        out.append(atom)
    return tuple(out)


def _overlaps(a: Atom, b: Atom, spec: FindingSpec) -> bool:
    """Whether some value of the finding satisfies both atoms."""
    if a.finding != b.finding:
        return False
    if spec.type == "number":
        lo, hi = spec.range or (0.0, 0.0)
        probe = np.linspace(lo, hi, 2001)
        return any(a.holds(float(x)) and b.holds(float(x)) for x in probe)
    values: list[FactValue] = [False, True] if spec.type == "bool" else list(spec.values or [])
    return any(a.holds(v) and b.holds(v) for v in values)


def _apply_windows_and_organs(
    table: FloatArray,
    conditions: Sequence[ConditionSpec],
    findings: Mapping[str, FindingSpec],
    columns: Mapping[str, tuple[int, int]],
    files_of: Mapping[str, str],
) -> None:
    """Zero the pregnancy-week bands outside a cause's window, and hysterectomy
    for a cause that needs the womb or cervix (the rows are then renormalised)."""
    weeks = findings.get("pregnancy_weeks")
    bands = (weeks.bands or []) if weeks else []
    edges = [0.0] + [float(b.upto) for b in bands if b.upto is not None]
    for i, c in enumerate(conditions):
        if c.gestation_weeks is not None:
            if weeks is None:
                raise _fail("no 'pregnancy_weeks' finding", files_of[c.id], c.id, "gestation_weeks")
            lo, hi = c.gestation_weeks
            last = float((weeks.range or (0.0, 42.0))[1])
            if lo not in edges or not (hi in edges or hi >= last) or hi <= lo:
                raise _fail(
                    f"window edges must be band edges of pregnancy_weeks ({edges})",
                    files_of[c.id],
                    c.id,
                    "gestation_weeks",
                )
            start, stop = columns["pregnancy_weeks"]
            for k in range(stop - start):
                if edges[k] < lo or edges[k] >= hi:
                    table[i, start + k] = 0.0
            total = table[i, start:stop].sum()
            if total <= 0:
                raise _fail("no probability left inside the window", files_of[c.id], c.id)
            table[i, start:stop] /= total
        if c.needs and "hysterectomy" in findings:
            start, stop = columns["hysterectomy"]
            table[i, start : start + 2] = (1.0, 0.0)


def compile_knowledge_base(files: dict[str, Any]) -> KnowledgeBase:
    meta = files["meta"]
    findings: dict[str, FindingSpec] = {}
    for f in files["findings"].findings:
        if f.id in findings:
            raise _fail("finding defined twice", "model/findings.yaml", f.id, "id")
        findings[f.id] = f

    sources: dict[str, SourceSpec] = {}
    for name, sf in files["sources"]:
        for s in sf.sources:
            if s.id in sources:
                raise _fail("source defined twice", name, s.id, "id")
            sources[s.id] = s

    def need_source(src: str | None, file: str, entry: str, fld: str) -> None:
        if src is not None and src not in sources:
            raise _fail(f"unknown source {src!r}", file, entry, fld)

    def need_provenance(prov: Provenance | None, file: str, entry: str, fld: str) -> None:
        if prov is None:
            return
        for src in prov.source_ids:
            need_source(src, file, entry, fld)
            if prov.kind != "expert" and sources[src].kind == "expert":
                raise _fail(f"{src!r} is not a published source; use 'expert'", file, entry, fld)

    rules_file = files["rules"]
    levels = tuple(level.id for level in rules_file.levels)
    if len(levels) != 5 or len(set(levels)) != 5:
        raise _fail("expected the five triage levels", "model/rules.yaml", "levels")
    thresholds = np.array(
        [lv.cumulative_threshold if lv.cumulative_threshold else np.inf for lv in rules_file.levels]
    )
    thresholds[0] = 0.0  # self-care needs no evidence
    for lv in rules_file.levels:
        need_source(lv.source, "model/rules.yaml", lv.id, "source")

    for f in findings.values():
        for pname, prof in f.profiles.items():
            need_provenance(prof.source, "model/findings.yaml", f.id, f"profiles.{pname}.source")
            _distribution(LikelihoodSpec(profile=pname), f, "model/findings.yaml", f.id)
        if f.id != "sex":
            if f.leak is None:
                raise _fail("a leak is required", "model/findings.yaml", f.id, "leak")
            need_provenance(f.leak.source, "model/findings.yaml", f.id, "leak.source")

    conditions: list[ConditionSpec] = []
    files_of: dict[str, str] = {}
    for name, cf in files["conditions"]:
        for c in cf.conditions:
            if c.id in files_of:
                raise _fail(f"condition also defined in {files_of[c.id]}", name, c.id, "id")
            files_of[c.id] = name
            conditions.append(c)
    if not conditions:
        raise _fail("no conditions found", "model/conditions")
    # A profile no condition or leak uses is a number that changes nothing, yet it
    # would count in the provenance shares: refuse it.
    used = {(fid, f.leak.profile) for fid, f in findings.items() if f.leak is not None}
    for c in conditions:
        for fid, lk in c.likelihoods.items():
            used.add((fid, lk.profile))
            for one in (lk.by_sex or {}).values():
                used.add((fid, one.profile))
    for f in findings.values():
        for pname in f.profiles:
            if (f.id, pname) not in used:
                raise _fail(
                    f"profile {pname!r} is used by no condition or leak",
                    "model/findings.yaml",
                    f.id,
                    f"profiles.{pname}",
                )
    index = {c.id: i for i, c in enumerate(conditions)}

    # --- tables ---------------------------------------------------------------
    columns: dict[str, tuple[int, int]] = {}
    states: dict[str, tuple[str, ...]] = {}
    width = 0
    for f in findings.values():
        st = tuple(f.states())
        states[f.id] = st
        columns[f.id] = (width, width + len(st))
        width += len(st)
    n = len(conditions)
    table = np.zeros((n, width))

    weights = {sex: spec.p for sex, spec in meta.sex_weights.items()}
    for sex, spec in meta.sex_weights.items():
        need_provenance(spec.source, "model/meta.yaml", "sex_weights", sex)
    totals = {sex: sum(c.prior[sex].p for c in conditions if sex in c.prior) for sex in weights}
    joint = np.zeros((n, 2))  # P(c, sex) up to a constant
    for i, c in enumerate(conditions):
        name = files_of[c.id]
        for sex, spec in c.prior.items():
            need_provenance(spec.source, name, c.id, f"prior.{sex}.source")
            joint[i, ("female", "male").index(sex)] = weights[sex] * spec.p / totals[sex]
        if c.urgency not in levels:
            raise _fail(
                f"unknown level {c.urgency!r} (allowed: {', '.join(levels)})", name, c.id, "urgency"
            )
        for fid, lk in c.likelihoods.items():
            if fid not in findings or fid == "sex":
                raise _fail(f"unknown finding {fid!r}", name, c.id, f"likelihoods.{fid}")
            unused = set(findings[fid].same_as) & (set(lk.by_sex or {}) | set(c.prior))
            if unused == set(c.prior) or (lk.by_sex is not None and unused):
                (sex, *_) = sorted(unused)
                raise _fail(
                    f"for sex={sex} {fid!r} is {findings[fid].same_as[sex]!r}: give the"
                    " likelihood there",
                    name,
                    c.id,
                    f"likelihoods.{fid}",
                )
            if lk.by_sex is None:
                need_provenance(lk.source, name, c.id, f"likelihoods.{fid}.source")
                continue
            if findings[fid].applies_to != "any" or set(c.prior) != {"female", "male"}:
                raise _fail(
                    "'by_sex' is for a finding of both sexes in a condition of both sexes",
                    name,
                    c.id,
                    f"likelihoods.{fid}.by_sex",
                )
            for sex, one in lk.by_sex.items():
                need_provenance(one.source, name, c.id, f"likelihoods.{fid}.by_sex.{sex}.source")
    prior = joint.sum(axis=1)
    s0, s1 = columns["sex"]
    table[:, s0:s1] = joint / prior[:, None]

    # Rows that differ by sex: (condition, columns, women's row, men's row).
    by_sex_rows: list[tuple[int, int, int, list[float], list[float]]] = []
    for fid, f in findings.items():
        if fid == "sex":
            continue
        start, stop = columns[fid]
        assert f.leak is not None
        leak = _distribution(f.leak, f, "model/findings.yaml", fid)
        for i, c in enumerate(conditions):
            spec = c.likelihoods.get(fid)
            if spec is not None and spec.by_sex is not None:
                women = _distribution(spec.by_sex["female"], f, files_of[c.id], c.id)
                men = _distribution(spec.by_sex["male"], f, files_of[c.id], c.id)
                by_sex_rows.append((i, start, stop, women, men))
                # Sex unknown: the mixture, weighted by P(sex | condition).
                w = table[i, s0]
                row = [w * a + (1.0 - w) * b for a, b in zip(women, men, strict=True)]
            elif spec is not None:
                row = _distribution(spec, f, files_of[c.id], c.id)
            elif f.type == "bool" and f.applies_to != "any" and f.applies_to not in c.prior:
                row = [1.0 - _OTHER_SEX_P, _OTHER_SEX_P]
            else:
                row = leak
            table[i, start:stop] = row

    prior_share = prior / prior.sum()
    log_prior = np.log(prior_share)

    def tables_of(table: FloatArray) -> SexTables:
        _apply_windows_and_organs(table, conditions, findings, columns, files_of)
        with np.errstate(divide="ignore"):
            log_table = np.log(table)
        return SexTables(
            table=table,
            log_table=log_table,
            joint_t=np.ascontiguousarray(np.vstack([prior_share[None, :], table.T])),
            log_joint_t=np.ascontiguousarray(np.vstack([log_prior[None, :], log_table.T])),
        )

    same_as = tuple(
        (sex, fid, other) for fid, f in findings.items() for sex, other in f.same_as.items()
    )
    for sex, fid, other in same_as:
        if other not in findings or {findings[other].type, findings[fid].type} != {"bool"}:
            raise _fail(f"{other!r} is no yes/no finding like it", "model/findings.yaml", fid)
        if findings[other].applies_to not in ("any", sex):
            raise _fail(f"{other!r} does not apply to sex={sex}", "model/findings.yaml", fid)
    per_sex: dict[str, SexTables] = {}
    if by_sex_rows or same_as:  # else every sex reads the one table
        for k, sex in enumerate(("female", "male")):
            own = table.copy()
            for i, start, stop, women, men in by_sex_rows:
                own[i, start:stop] = (women, men)[k]
            for _, fid, _ in (t for t in same_as if t[0] == sex):
                # One row for every cause says nothing: the evidence is the other's.
                spec = findings[fid]
                assert spec.leak is not None
                start, stop = columns[fid]
                own[:, start:stop] = _distribution(spec.leak, spec, "model/findings.yaml", fid)
            per_sex[sex] = tables_of(own)
    marginal = tables_of(table)
    table, log_table = marginal.table, marginal.log_table

    # --- rules ----------------------------------------------------------------
    rfile = "model/rules.yaml"

    guidance = {g.id: g for g in files["guidance"].statements}
    if len(guidance) != len(files["guidance"].statements):
        raise _fail("statement ids must be unique", "model/guidance.yaml", "statements")
    for g in guidance.values():
        bad = [lv for lv in g.levels if lv not in levels]
        if bad:
            raise _fail(f"unknown level {bad[0]!r}", "model/guidance.yaml", g.id, "levels")

    def need_level(level: str, entry: str) -> int:
        if level not in levels:
            raise _fail(
                f"unknown level {level!r} (allowed: {', '.join(levels)})", rfile, entry, "level"
            )
        return levels.index(level)

    def need_guidance(ids: list[str], entry: str) -> tuple[str, ...]:
        for gid in ids:
            if gid not in guidance:
                raise _fail(f"unknown guidance statement {gid!r}", rfile, entry, "guidance")
        return tuple(ids)

    atoms = AtomIndex()  # every condition below gets its bits here

    def compile_rule(r: RuleSpec) -> CompiledRule:
        level = need_level(r.level, r.id)
        need_source(r.source, rfile, r.id, "source")
        all_atoms = _atoms(r.all, findings, rfile, r.id, "all")
        return CompiledRule(
            r.id,
            level,
            all_atoms,
            _atoms(r.any, findings, rfile, r.id, "any"),
            _atoms(r.unless, findings, rfile, r.id, "unless"),
            r.rationale,
            r.source,
            _atoms(r.and_any, findings, rfile, r.id, "and_any"),
            need_guidance(r.guidance, r.id),
            tuple(_atoms(g, findings, rfile, r.id, "unless_all") for g in r.unless_all),
            index=atoms,
        )

    rules = tuple(compile_rule(r) for r in rules_file.rules)
    if len({r.id for r in rules}) != len(rules):
        raise _fail("rule ids must be unique", rfile, "rules")

    floor = need_level(rules_file.floor.level, "floor")
    need_guidance(rules_file.floor.guidance, "floor")
    risk_groups: dict[str, tuple[Atom, ...]] = {}
    group_waivers: dict[str, tuple[tuple[Atom, ...], ...]] = {}
    for rf in rules_file.risk_factors:
        need_guidance(rf.guidance, rf.id)
        risk_groups[rf.id] = _atoms(rf.any, findings, rfile, rf.id, "any")
        group_waivers[rf.id] = tuple(
            _atoms(g, findings, rfile, rf.id, "unless_all") for g in rf.unless_all
        )

    def compile_explanation(e: ExplanationSpec) -> CompiledExplanation:
        level = need_level(e.level, e.id)
        if level >= floor:
            raise _fail("an explanation must grant a level below the floor", rfile, e.id, "level")
        need_source(e.source, rfile, e.id, "source")
        blockers: list[Atom] = []
        waivers: dict[Atom, list[tuple[Atom, ...]]] = {}
        unwaived: set[Atom] = set()
        for gid in e.risk_factors:
            if gid not in risk_groups:
                raise _fail(
                    f"unknown risk-factor group {gid!r} (allowed: {', '.join(risk_groups)})",
                    rfile,
                    e.id,
                    "risk_factors",
                )
            blockers += risk_groups[gid]
            for a in risk_groups[gid]:
                if group_waivers[gid]:
                    waivers.setdefault(a, []).extend(group_waivers[gid])
                else:
                    unwaived.add(a)
        expected = _atoms(e.expected, findings, rfile, e.id, "expected")
        for a in expected:
            if a not in blockers:
                raise _fail(
                    f"{a.text!r} is not in a risk-factor group of this explanation",
                    rfile,
                    e.id,
                    "expected",
                )
        blockers = [b for b in blockers if b not in expected]
        unless = _atoms(e.unless, findings, rfile, e.id, "unless")
        blockers += unless
        # An atom of a group with no waiver (or of 'unless') blocks whatever else holds.
        unwaived.update(unless)
        waived = tuple(
            (a, tuple(dict.fromkeys(groups)))
            for a, groups in waivers.items()
            if a not in unwaived and a in blockers
        )
        conditions = _atoms(e.all, findings, rfile, e.id, "all") + _atoms(
            e.any, findings, rfile, e.id, "any"
        )
        for c in conditions:
            for b in blockers:
                # A yes/no or enum condition that is also its own risk factor never holds.
                spec = findings[c.finding]
                if spec.type != "number" and _overlaps(c, b, spec):
                    raise _fail(
                        f"condition {c.text!r} overlaps its own risk factor {b.text!r}",
                        rfile,
                        e.id,
                        "all",
                    )
        return CompiledExplanation(
            e.id,
            level,
            e.sex,
            _atoms(e.all, findings, rfile, e.id, "all"),
            _atoms(e.any, findings, rfile, e.id, "any"),
            tuple(dict.fromkeys(blockers)),
            e.rationale,
            e.source,
            need_guidance(e.guidance, e.id),
            waived,
            index=atoms,
        )

    explanations = tuple(compile_explanation(e) for e in rules_file.explanations)
    windows = []
    for w in rules_file.windows:
        need_source(w.source, rfile, w.id, "source")
        windows.append(
            CompiledWindow(
                w.id,
                w.within_hours,
                _atoms(w.when_any, findings, rfile, w.id, "when_any"),
                _atoms(w.unless, findings, rfile, w.id, "unless"),
                w.source,
                need_guidance(w.guidance, w.id),
            )
        )
    # Red flags are the positive conditions of rules and the risk factors that
    # take an explanation away; a negated one ("not bleeding_ongoing")
    # qualifies a rule and is reassuring, not a red flag.
    red_flags = tuple(
        dict.fromkeys(
            [a for r in rules for a in r.atoms if a.values != (False,)]
            + [a for e in explanations for a in e.blockers if a.values != (False,)]
        )
    )
    explanation_atoms = {a for e in explanations for a in e.atoms}
    exceptions = [
        (r.id, "unless", u)
        for r in rules
        for u in r.unless + tuple(a for g in r.unless_all for a in g)
    ] + [
        (rf.id, "unless_all", w)
        for rf in rules_file.risk_factors
        for g in group_waivers[rf.id]
        for w in g
    ]
    for owner, key, u in exceptions:
        # Sex and age come with every assessment: never added, so never a flag added.
        if u.finding in ("sex", "age"):
            continue
        for a in red_flags:
            if _overlaps(u, a, findings[u.finding]) and u not in explanation_atoms:
                raise _fail(
                    f"'{key}' condition {u.text!r} overlaps the red flag {a.text!r}: "
                    "adding a red flag could then lower the level",
                    rfile,
                    owner,
                    key,
                )
    contradictions = tuple(
        CompiledRule(
            c.id,
            0,
            _atoms(c.all, findings, rfile, c.id, "all"),
            (),
            (),
            c.rationale,
            c.source,
            index=atoms,
        )
        for c in rules_file.contradictions
    )

    def compile_step(s: ScreenStep) -> CompiledScreenStep:
        for fid in (*s.findings, *s.if_unknown):
            if fid not in findings:
                raise _fail(f"unknown finding {fid!r}", rfile, s.id, "findings")
        need_source(s.source, rfile, s.id, "source")
        return CompiledScreenStep(
            s.id,
            tuple(s.findings),
            s.sex,
            _atoms(s.only_if, findings, rfile, s.id, "only_if"),
            _atoms(s.only_if_any, findings, rfile, s.id, "only_if_any"),
            _atoms(s.skip_if, findings, rfile, s.id, "skip_if"),
            tuple(_atoms(group, findings, rfile, s.id, "skip_when") for group in s.skip_when),
            s.rationale,
            s.audience,
            tuple(s.if_unknown),
            s.handover,
        )

    screen = tuple(compile_step(s) for s in rules_file.screen)
    ask_only_if = {
        f.id: _atoms(f.ask_only_if, findings, "model/findings.yaml", f.id, "ask_only_if")
        for f in findings.values()
        if f.ask_only_if
    }
    # Only a red flag is implied: the triage leaves red flags out to check that
    # none lowers the level, and an implied fact must go with the one given.
    flagged = {a.finding for a in red_flags if a.values == (True,)}
    implied_by: dict[str, list[str]] = {}
    for fid, atoms_of in ask_only_if.items():
        (parent, *more) = atoms_of
        if not more and parent.values == (True,) and parent.finding in flagged:
            implied_by.setdefault(parent.finding, []).append(fid)
        elif not more and parent.finding in ask_only_if:
            # Asked only at a stage of something that is itself asked only when a
            # yes/no finding holds: reduced fetal movements (asked from 20 weeks)
            # imply a pregnancy as the weeks do.
            (grand, *others) = ask_only_if[parent.finding]
            if not others and grand.values == (True,) and grand.finding in flagged:
                implied_by.setdefault(grand.finding, []).append(fid)
    ask_skip_if = {
        f.id: _atoms(f.ask_skip_if, findings, "model/findings.yaml", f.id, "ask_skip_if")
        for f in findings.values()
        if f.ask_skip_if
    }
    redundant_if = {
        f.id: _atoms(f.redundant_if, findings, "model/findings.yaml", f.id, "redundant_if")
        for f in findings.values()
        if f.redundant_if
    }
    for fid, atoms_of in redundant_if.items():
        if not set(atoms_of) <= set(ask_skip_if.get(fid, ())):
            raise _fail(
                "every 'redundant_if' state must also be in 'ask_skip_if' (the interview and"
                " given facts must agree)",
                "model/findings.yaml",
                fid,
                "redundant_if",
            )

    # --- texts ------------------------------------------------------------------
    packs: dict[str, LanguagePack] = files["packs"]
    for lang, pack in packs.items():
        where = f"{lang}/*.yaml"
        for section, ids in (
            ("levels", levels),
            ("findings", tuple(findings)),
            ("conditions", tuple(index)),
            ("rules", tuple(r.id for r in rules)),
            ("explanations", tuple(e.id for e in explanations)),
            ("windows", tuple(w.id for w in windows)),
            ("screen", tuple(s.id for s in screen)),
        ):
            have = getattr(pack, section)
            missing = [i for i in ids if i not in have]
            if missing:
                raise _fail(f"missing texts for {', '.join(missing)}", where, section)
            unknown = [i for i in have if i not in ids]
            if unknown:
                raise _fail(f"texts for unknown ids {', '.join(unknown)}", where, section)
        for fid, spec in findings.items():
            if spec.type == "enum":
                missing = [v for v in spec.values or [] if v not in pack.findings[fid].values]
                if missing:
                    raise _fail(
                        f"missing texts for values {', '.join(missing)}",
                        where,
                        f"findings.{fid}",
                        "values",
                    )

    def groups(c: ConditionSpec, key: str) -> tuple[tuple[Atom, ...], ...]:
        return tuple(_atoms(g, findings, files_of[c.id], c.id, key) for g in getattr(c, key))

    lookup: dict[tuple[str, FactValue], int] = {}
    for fid, spec in findings.items():
        start = columns[fid][0]
        if spec.type == "bool":
            lookup[(fid, False)], lookup[(fid, True)] = start, start + 1
        elif spec.type == "enum":
            lookup.update({(fid, v): start + i for i, v in enumerate(states[fid])})
    bands = {
        fid: tuple(float(b.upto) for b in spec.bands or [] if b.upto is not None)
        for fid, spec in findings.items()
        if spec.type == "number"
    }

    consider_when = {c.id: groups(c, "consider_when") for c in conditions if c.must_not_miss}
    excluded_by = {c.id: groups(c, "excluded_by") for c in conditions if c.must_not_miss}
    consider_masks = {cid: tuple(atoms.mask(g) for g in gs) for cid, gs in consider_when.items()}
    excluded_masks = {cid: tuple(atoms.mask(g) for g in gs) for cid, gs in excluded_by.items()}
    red_flag_mask = atoms.mask(red_flags)
    atoms.freeze()

    urgency = np.array([levels.index(c.urgency) for c in conditions], dtype=np.int64)
    at_least = (urgency[:, None] >= np.arange(len(levels))[None, :]).astype(np.float64)
    return KnowledgeBase(
        version=meta.version,
        digest=files["digest"].hexdigest()[:12],
        languages=tuple(meta.languages),
        levels=levels,
        level_thresholds=thresholds,
        findings=findings,
        conditions=tuple(conditions),
        condition_index=index,
        sources=sources,
        rules=rules,
        floor=floor,
        floor_guidance=tuple(rules_file.floor.guidance),
        explanations=explanations,
        windows=tuple(windows),
        guidance=guidance,
        contradictions=contradictions,
        screen=screen,
        ask_only_if=ask_only_if,
        ask_skip_if=ask_skip_if,
        redundant_if=redundant_if,
        red_flag_atoms=red_flags,
        red_flags_by_finding={
            f: tuple(a for a in red_flags if a.finding == f) for f in {a.finding for a in red_flags}
        },
        packs=packs,
        log_prior=log_prior,
        table=table,
        log_table=log_table,
        columns=columns,
        states=states,
        bands=bands,
        joint_t=marginal.joint_t,
        log_joint_t=marginal.log_joint_t,
        by_sex=per_sex,
        lookup=lookup,
        urgency=urgency,
        escalate_at=np.array([c.escalate_at or np.inf for c in conditions]),
        must_not_miss=np.array([c.must_not_miss for c in conditions]),
        rule_out_below=np.array([c.rule_out_below for c in conditions]),
        consider_when=consider_when,
        excluded_by=excluded_by,
        atoms=atoms,
        consider_masks=consider_masks,
        excluded_masks=excluded_masks,
        red_flag_mask=red_flag_mask,
        implied_by={parent: tuple(children) for parent, children in implied_by.items()},
        same_as=same_as,
        at_least=at_least,
        is_level=(urgency[:, None] == np.arange(len(levels))[None, :]).astype(np.float64),
        sex_weights=dict(meta.sex_weights),
    )
