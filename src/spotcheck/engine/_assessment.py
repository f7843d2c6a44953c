"""The plain-data results the engine returns: assessments and questions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..kb import FactValue

__all__ = [
    "EMERGENCY_LEVELS",
    "Assessment",
    "Cause",
    "LevelReason",
    "MustNotMiss",
    "Option",
    "Question",
    "Reason",
    "Unsure",
    "Window",
    "percent",
]


def percent(p: float) -> str:
    """A probability in whole percent for people: never "0%" for something still
    possible, nor "100%" for something not certain ("<1%", ">99%")."""
    if p < 0.005:
        return "0%" if p <= 0 else "<1%"
    if p > 0.995:
        return "100%" if p >= 1 else ">99%"
    return f"{round(p * 100)}%"


@dataclass(frozen=True)
class Reason:
    """One known finding and how strongly it speaks for or against a cause."""

    finding: str
    value: FactValue
    label: str
    likelihood_ratio: float


@dataclass(frozen=True)
class Cause:
    id: str
    name: str
    probability: float
    urgency: str
    icd10: str
    summary: str
    reasons_for: tuple[Reason, ...] = ()
    reasons_against: tuple[Reason, ...] = ()
    advice: tuple[str, ...] = ()
    workup: tuple[str, ...] = ()


@dataclass(frozen=True)
class MustNotMiss:
    id: str
    name: str
    probability: float
    # Guidance conditions that keep it on the list (empty: its probability does).
    because: tuple[str, ...] = ()


@dataclass(frozen=True)
class LevelReason:
    """A rule or a cause that set (or supports) the triage level."""

    kind: str  # "rule", "explanation" or "cause"
    id: str
    level: str
    text: str
    source: str = ""


# Levels whose instruction is shown before any further question (issue 9).
EMERGENCY_LEVELS = ("emergency", "emergency_ambulance")


@dataclass(frozen=True)
class Unsure:
    """Red flags the person could not answer, and what to do if any is so (one level)."""

    findings: tuple[str, ...]
    level: str
    action: str
    text: str  # the whole line, as the safety net shows it


@dataclass(frozen=True)
class Window:
    """A time-critical treatment after sex that is still possible."""

    id: str
    hours_left: int
    text: str


@dataclass(frozen=True)
class Assessment:
    triage: str
    triage_label: str
    triage_summary: str
    triage_action: str
    set_by: tuple[LevelReason, ...]
    causes: tuple[Cause, ...]
    must_not_miss: tuple[MustNotMiss, ...]
    advice: tuple[str, ...]
    safety_net: tuple[str, ...]
    for_doctor: tuple[str, ...]
    facts: dict[str, FactValue | None]
    language: str
    kb_version: str
    disclaimer: str = ""
    windows: tuple[Window, ...] = ()
    # The cautious branch for unanswered red flags (also the safety net's first lines).
    unsure: tuple[Unsure, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_emergency(self) -> bool:
        """Go to A&E or call an ambulance: show this before asking anything else."""
        return self.triage in EMERGENCY_LEVELS

    @property
    def top(self) -> tuple[str, ...]:
        """Condition ids, most likely first."""
        return tuple(c.id for c in self.causes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        return data


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """The next thing to ask: one finding, or a group ("any of these?")."""

    id: str
    findings: tuple[str, ...]
    kind: str  # "bool", "enum", "number" or "group"
    phase: str  # "who", "screen" or "gain"
    text: str
    options: tuple[Option, ...]
    hint: str = ""
    minimum: float | None = None
    maximum: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
