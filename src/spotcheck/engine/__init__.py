"""The pure reasoning core: no web, database, FHIR or CLI imports here."""

from ._assessment import (
    EMERGENCY_LEVELS,
    Assessment,
    Cause,
    LevelReason,
    MustNotMiss,
    Option,
    Question,
    Reason,
    Unsure,
    Window,
    percent,
)
from ._engine import AUDIENCES, Engine
from ._facts import Facts, parse_facts
from ._interview import InterviewPolicy, NextStep
from ._triage import Triage

__all__ = [
    "AUDIENCES",
    "EMERGENCY_LEVELS",
    "Assessment",
    "Cause",
    "Engine",
    "Facts",
    "InterviewPolicy",
    "LevelReason",
    "MustNotMiss",
    "NextStep",
    "Option",
    "Question",
    "Reason",
    "Triage",
    "Unsure",
    "Window",
    "parse_facts",
    "percent",
]
