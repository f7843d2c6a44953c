"""Pydantic models of the knowledge-base files.

The files under ``kb/data`` are validated against these models on load; a
broken file stops with a :class:`~spotcheck.KnowledgeBaseError` naming the
file, the entry and the field.  Cross-references (a likelihood naming an
unknown finding, a rule naming an unknown level) are checked in ``_load``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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
    id: str
    kind: Literal["guideline", "paper", "web", "expert"]
    citation: str = Field(min_length=5)
    url: str | None = None


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
    source: str


class LikelihoodSpec(_Strict):
    """P(finding | condition): a number for a yes/no finding, a table otherwise.

    ``profile`` names a shared distribution declared on the finding instead.
    """

    p: float | dict[str, float] | None = None
    profile: str | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> LikelihoodSpec:
        if (self.p is None) == (self.profile is None):
            raise ValueError("give exactly one of 'p' or 'profile'")
        if self.p is not None and not self.source:
            raise ValueError("'p' needs a 'source' (a source id, or 'expert')")
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
    source: str


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
