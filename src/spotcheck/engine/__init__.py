"""The pure reasoning core: no web, database, FHIR or CLI imports here."""

from ._assessment import Assessment, Cause, LevelReason, MustNotMiss, Option, Question, Reason
from ._engine import Engine
from ._facts import Facts, parse_facts
from ._interview import InterviewPolicy, NextStep
from ._triage import Triage

__all__ = [
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
    "parse_facts",
]
