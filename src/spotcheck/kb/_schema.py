"""Pydantic models of the knowledge-base files.

The files under ``kb/data`` are validated against these models on load; a
broken file stops with a :class:`~spotcheck.KnowledgeBaseError` naming the
file, the entry and the field.  Cross-references (a likelihood naming an
unknown finding, a rule naming an unknown level) are checked in ``_load``.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
    model_validator,
)

__all__ = [
    "BandSpec",
    "ConditionSpec",
    "ConditionText",
    "ConditionsFile",
    "ContradictionSpec",
    "ExplanationSpec",
    "FindingSpec",
    "FindingText",
    "FindingsFile",
    "FloorSpec",
    "GuidanceFile",
    "GuidanceStatement",
    "LanguagePack",
    "LevelSpec",
    "LevelText",
    "LikelihoodSpec",
    "MetaFile",
    "PriorSpec",
    "ProfileSpec",
    "Provenance",
    "ProvenanceKind",
    "RiskFactorSpec",
    "RuleSpec",
    "RulesFile",
    "ScreenStep",
    "SourceSpec",
    "SourcesFile",
    "TextItem",
    "WindowSpec",
]

Sex = Literal["female", "male"]
AppliesTo = Literal["any", "female", "male"]
Category = Literal[
    "natural", "injury", "infection", "growth", "cancer", "pregnancy", "medicine", "men", "partner"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sources -----------------------------------------------------------------


class SourceSpec(_Strict):
    """A published source: who, what, when and where anyone can find it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["guideline", "paper", "web", "expert"]
    # Authors ("Shapley M, Jordan J, Croft PR") or the publisher ("NICE").
    authors: str = Field(min_length=2)
    title: str = Field(min_length=5)
    year: int = Field(ge=1900, le=2100)
    # Journal, volume and pages, or the guideline's number.
    published_in: str | None = None
    # A DOI, PubMed or web address (https://doi.org/..., https://pubmed.ncbi.nlm.nih.gov/...).
    url: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _address(self) -> SourceSpec:
        # The expert pseudo-source points at the project's own page on its method.
        local = self.kind == "expert" and re.match(r"^docs/\S+\.md$", self.url or "")
        if not self.url or not (re.match(r"^https?://\S+$", self.url) or local):
            raise ValueError("a source needs an address: 'url' (a DOI, PubMed or web address)")
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citation(self) -> str:
        """One line: authors. Title. Where, year."""
        where = f" {self.published_in}." if self.published_in else ""
        return f"{self.authors}. {self.title}.{where} {self.year}."


ProvenanceKind = Literal["cite", "derived", "expert"]


class Provenance(_Strict):
    """Where a number comes from: exactly one of three kinds.

    * ``cite``: a source id, a locator ``at`` (table, page or section) and
      ``says``, the value as the source states it;
    * ``derived``: the source ids and the ``method`` that turns their figures
      into this number;
    * ``expert``: a one-line reason, optionally the sources it is
      ``informed_by``.
    """

    cite: str | None = None
    at: str | None = None
    says: str | None = None
    derived: tuple[str, ...] | None = None
    method: str | None = None
    expert: str | None = None
    informed_by: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _no_bare_id(cls, data: Any) -> Any:
        if isinstance(data, str):
            raise ValueError(
                "give {cite: ID, at: LOCATOR, says: VALUE}, {derived: [IDS], method: HOW} "
                f"or {{expert: REASON}}, not the bare name {data!r}"
            )
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> Provenance:
        given = [k for k in ("cite", "derived", "expert") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'cite', 'derived' or 'expert'")
        if self.cite is not None:
            if not (self.at or "").strip():
                raise ValueError("a cite needs a locator 'at' (table, page or section)")
            if not (self.says or "").strip():
                raise ValueError("a cite needs 'says': the value as the source states it")
        elif self.at is not None or self.says is not None:
            raise ValueError("'at' and 'says' belong to a cite")
        if self.derived is not None:
            if not self.derived:
                raise ValueError("'derived' needs at least one source id")
            if len((self.method or "").strip()) < 10:
                raise ValueError("'derived' needs a 'method' saying how the number was computed")
        elif self.method is not None:
            raise ValueError("'method' belongs to 'derived'")
        if self.expert is not None and len(self.expert.strip()) < 10:
            raise ValueError("'expert' needs a one-line reason")
        if self.informed_by and self.expert is None:
            raise ValueError("'informed_by' belongs to 'expert'")
        return self

    @property
    def kind(self) -> ProvenanceKind:
        if self.cite is not None:
            return "cite"
        return "derived" if self.derived is not None else "expert"

    @property
    def source_ids(self) -> tuple[str, ...]:
        if self.cite is not None:
            return (self.cite,)
        return tuple(self.derived or self.informed_by)


class SourcesFile(_Strict):
    sources: list[SourceSpec]


# --- findings ----------------------------------------------------------------


class BandSpec(_Strict):
    """One band of a numeric finding: values below ``upto`` (the last band has none)."""

    id: str
    upto: float | None = None


class ProfileSpec(_Strict):
    """A named distribution over the states of an enum or numeric finding."""

    p: dict[str, float]
    source: Provenance


class LikelihoodSpec(_Strict):
    """P(finding | condition): a number for a yes/no finding, a table otherwise.

    ``profile`` names a shared distribution declared on the finding instead.
    ``by_sex`` gives one such likelihood for women and one for men, where the
    sources differ by sex (a condition of both sexes, a finding of both).
    """

    p: float | dict[str, float] | None = None
    profile: str | None = None
    by_sex: dict[Literal["female", "male"], LikelihoodSpec] | None = None
    source: Provenance | None = None

    @model_validator(mode="after")
    def _one_of(self) -> LikelihoodSpec:
        if self.by_sex is not None:
            if self.p is not None or self.profile is not None or self.source is not None:
                raise ValueError("'by_sex' stands alone: put 'p' and 'source' under each sex")
            if set(self.by_sex) != {"female", "male"}:
                raise ValueError("'by_sex' needs both 'female' and 'male'")
            if any(spec.by_sex is not None for spec in self.by_sex.values()):
                raise ValueError("'by_sex' cannot be nested")
            return self
        if (self.p is None) == (self.profile is None):
            raise ValueError("give exactly one of 'p', 'profile' or 'by_sex'")
        if self.p is not None and not self.source:
            raise ValueError("'p' needs a 'source' (cite, derived or expert)")
        if isinstance(self.p, float) and not 0.0 <= self.p <= 1.0:
            raise ValueError(f"probability {self.p} is outside [0, 1]")
        if isinstance(self.p, dict):
            for key, value in self.p.items():
                if not 0.0 <= value <= 1.0:
                    raise ValueError(f"probability {value} for {key!r} is outside [0, 1]")
        return self


class FindingSpec(_Strict):
    id: str
    type: Literal["bool", "enum", "number"]
    values: list[str] | None = None
    unit: str | None = None
    range: tuple[float, float] | None = None
    bands: list[BandSpec] | None = None
    applies_to: AppliesTo = "any"
    # Clinician findings are not asked in the patient interview.
    audience: Literal["patient", "clinician", "context"] = "patient"
    # P(finding | a condition that does not list it): its share among all
    # people who noticed bleeding after sex.
    leak: LikelihoodSpec | None = None
    profiles: dict[str, ProfileSpec] = Field(default_factory=dict)
    snomed: str | None = None
    # The interview asks this finding only when all these atoms hold ...
    ask_only_if: list[str] = Field(default_factory=list)
    # ... and never when any of these holds.
    ask_skip_if: list[str] = Field(default_factory=list)
    # When any of these holds the finding says nothing new (a late period once the
    # pregnancy is known): the posterior and the reasons leave it out, as the
    # interview, which skips it then, never learns it.  Each must be in ask_skip_if.
    redundant_if: list[str] = Field(default_factory=list)
    # For this sex the finding is the same observation as another yes/no finding
    # (a man's unusual discharge is his urethral discharge): the other one carries
    # the evidence, once, and is stated from this one when it is unknown.
    same_as: dict[Literal["female", "male"], str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _shape(self) -> FindingSpec:
        if self.type == "enum" and not self.values:
            raise ValueError("an enum finding needs 'values'")
        if self.type == "number":
            if self.range is None or not self.bands:
                raise ValueError("a numeric finding needs 'range' and 'bands'")
            if self.bands[-1].upto is not None:
                raise ValueError("the last band must be open (no 'upto')")
            edges = [b.upto for b in self.bands[:-1]]
            known = [e for e in edges if e is not None]
            if len(known) != len(edges) or known != sorted(known):
                raise ValueError("band edges ('upto') must be given and increasing")
        if self.type != "enum" and self.values:
            raise ValueError("'values' is only for enum findings")
        return self

    def states(self) -> list[str]:
        """The discrete states the model uses for this finding."""
        if self.type == "bool":
            return ["false", "true"]
        if self.type == "enum":
            return list(self.values or [])
        return [b.id for b in self.bands or []]


class FindingsFile(_Strict):
    findings: list[FindingSpec]


# --- conditions --------------------------------------------------------------


class PriorSpec(_Strict):
    """Relative frequency among people of one sex who noticed bleeding after sex.

    Per 1,000 such people; the loader normalises within each sex.
    """

    p: float = Field(gt=0)
    source: Provenance


class ConditionSpec(_Strict):
    id: str
    category: Category
    icd10: str = Field(pattern=r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")
    snomed: str | None = None
    prior: dict[Sex, PriorSpec]
    urgency: str
    # Escalate to ``urgency`` once the probability reaches this, even when the
    # cause is not the most likely one (dangerous causes only).
    escalate_at: float | None = Field(default=None, gt=0, lt=1)
    must_not_miss: bool = False
    # A must-not-miss cause is listed from this probability ...
    rule_out_below: float = Field(default=0.01, gt=0, lt=1)
    # ... and whatever its probability while any of these groups of atoms
    # holds in full (guidance says to consider it then) ...
    consider_when: list[list[str]] = Field(default_factory=list)
    # ... unless one of these groups holds in full (it is excluded).
    excluded_by: list[list[str]] = Field(default_factory=list)
    # Weeks of pregnancy [from, to) in which this cause can occur; outside the
    # window P(cause) is zero.  The edges must be band edges of pregnancy_weeks.
    gestation_weeks: tuple[float, float] | None = None
    # Organs the cause needs: with none ("hysterectomy") it drops out.
    needs: list[Literal["womb", "cervix"]] = Field(default_factory=list)
    likelihoods: dict[str, LikelihoodSpec]

    @model_validator(mode="after")
    def _must_not_miss_only(self) -> ConditionSpec:
        if (self.consider_when or self.excluded_by) and not self.must_not_miss:
            raise ValueError("'consider_when' and 'excluded_by' need must_not_miss: true")
        return self

    @field_validator("prior")
    @classmethod
    def _some_prior(cls, value: dict[str, PriorSpec]) -> dict[str, PriorSpec]:
        if not value:
            raise ValueError("give a prior for at least one sex")
        return value


class ConditionsFile(_Strict):
    conditions: list[ConditionSpec]


# --- triage levels and rules -------------------------------------------------


class LevelSpec(_Strict):
    id: str
    # Probability mass of causes at least this urgent that sets this level.
    cumulative_threshold: float | None = Field(default=None, gt=0, le=1)
    source: str | None = None


class ScreenStep(_Strict):
    """A question the interview asks before choosing by information gain."""

    id: str
    findings: list[str] = Field(min_length=1)
    sex: AppliesTo = "any"
    only_if: list[str] = Field(default_factory=list)  # all must hold
    only_if_any: list[str] = Field(default_factory=list)  # at least one must hold
    skip_if: list[str] = Field(default_factory=list)  # any one skips
    # Skip when every atom of any one group holds.
    skip_when: list[list[str]] = Field(default_factory=list)
    # Also ask (whatever only_if / only_if_any say) when one of these findings
    # was asked and answered "don't know": a "don't know" never hides a red flag.
    if_unknown: list[str] = Field(default_factory=list)
    # Clinician steps (examination, tests, measured vital signs) are asked
    # only in clinician mode; patient steps only of patients.
    audience: Literal["any", "patient", "clinician"] = "any"
    # Still asked once the level is above the floor, where the screen asks only
    # what could raise it: what the team receiving the person must know
    # (pregnancy, blood thinners) whatever the level.
    handover: bool = False
    rationale: str
    source: str


class RuleSpec(_Strict):
    id: str
    level: str
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    # A second group of which at least one atom must also hold.
    and_any: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    # The rule does not fire when every atom of one of these groups holds.
    unless_all: list[list[str]] = Field(default_factory=list)
    rationale: str = Field(min_length=10)
    source: str
    # The guidance statements (model/guidance.yaml) this rule implements.
    guidance: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_condition(self) -> RuleSpec:
        if not self.all and not self.any:
            raise ValueError("a rule needs 'all' or 'any' conditions")
        return self


class ContradictionSpec(_Strict):
    """Facts that cannot hold together; the engine rejects them."""

    id: str
    all: list[str] = Field(min_length=2)
    rationale: str
    source: str


class FloorSpec(_Strict):
    """The level every result has unless an explanation grants a lower one."""

    level: str
    rationale: str
    guidance: list[str] = Field(min_length=1)


class RiskFactorSpec(_Strict):
    """Facts any one of which takes away an explanation (self-care is then not earned)."""

    id: str
    any: list[str] = Field(min_length=1)
    # Groups of atoms any one of which, holding in full, waives this group: from 45
    # the perimenopause takes self-care away unless periods are known regular.
    unless_all: list[list[str]] = Field(default_factory=list)
    rationale: str
    guidance: list[str] = Field(default_factory=list)


class ExplanationSpec(_Strict):
    """A named benign explanation that grants ``level`` below the floor.

    It holds when every ``all`` atom and (if given) one ``any`` atom hold on
    known facts, and no atom of its risk-factor groups nor of ``unless`` holds.
    """

    id: str
    level: str
    sex: AppliesTo = "any"
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    risk_factors: list[str] = Field(min_length=1)
    # Atoms of those groups that this explanation expects, so they do not take
    # it away (discharge while the cervix heals after LLETZ, S21).
    expected: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    rationale: str
    source: str
    guidance: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _has_condition(self) -> ExplanationSpec:
        if not self.all and not self.any:
            raise ValueError("an explanation needs 'all' or 'any' conditions")
        return self


class WindowSpec(_Strict):
    """A time window after sex for a time-critical treatment (shown while it is open)."""

    id: str
    within_hours: float = Field(gt=0)
    when_any: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    source: str
    guidance: list[str] = Field(min_length=1)


class RulesFile(_Strict):
    levels: list[LevelSpec]
    floor: FloorSpec
    risk_factors: list[RiskFactorSpec]
    explanations: list[ExplanationSpec]
    windows: list[WindowSpec] = Field(default_factory=list)
    rules: list[RuleSpec]
    screen: list[ScreenStep]
    contradictions: list[ContradictionSpec] = Field(default_factory=list)


class GuidanceStatement(_Strict):
    """One public guidance statement the triage policy relies on."""

    id: str = Field(pattern=r"^S[0-9]+$")
    publisher: str
    title: str
    url: str = Field(pattern=r"^https?://")
    read: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    says: str = Field(min_length=20)
    # The levels it sets (empty: it adds to the level set by the clinical need).
    levels: list[str] = Field(default_factory=list)
    # Why no rule implements it (a statement with no rule needs one).
    not_encoded: str | None = None


class GuidanceFile(_Strict):
    statements: list[GuidanceStatement]


class MetaFile(_Strict):
    version: str
    languages: list[str]
    # P(sex) among people who notice bleeding after sex (weights the priors).
    sex_weights: dict[Sex, PriorSpec]


# --- language packs ----------------------------------------------------------


class TextItem(_Strict):
    """A line of advice shown unless one of ``hide_if`` holds on known facts."""

    text: str
    hide_if: list[str] = Field(default_factory=list)


Line = str | TextItem


class LevelText(_Strict):
    label: str
    summary: str
    action: str
    safety_net: list[Line] = Field(min_length=1)


class FindingText(_Strict):
    name: str
    question: str
    values: dict[str, str] = Field(default_factory=dict)
    hint: str | None = None
    # Wording for men where the general one speaks of periods or pads.
    question_male: str | None = None
    values_male: dict[str, str] = Field(default_factory=dict)


class ConditionText(_Strict):
    name: str
    summary: str
    advice: list[Line] = Field(min_length=1)
    workup: list[str] = Field(min_length=1)


class LanguagePack(_Strict):
    levels: dict[str, LevelText]
    findings: dict[str, FindingText]
    conditions: dict[str, ConditionText]
    rules: dict[str, str]  # rule id -> advice
    explanations: dict[str, str] = Field(default_factory=dict)  # explanation id -> advice
    windows: dict[str, str] = Field(default_factory=dict)  # window id -> "{hours}" text
    screen: dict[str, str]  # screen step id -> question text
    ui: dict[str, str] = Field(default_factory=dict)
