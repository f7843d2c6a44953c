"""Spotcheck: triage and differential diagnosis for bleeding after sex.

>>> from spotcheck import Engine
>>> engine = Engine.default()
>>> result = engine.assess({"sex": "female", "age": 31, "bleeding_amount": "spotting"})
"""

from ._errors import FactError, InputError, KnowledgeBaseError, SpotcheckError
from .engine import (
    Assessment,
    Cause,
    Engine,
    Facts,
    InterviewPolicy,
    LevelReason,
    MustNotMiss,
    Option,
    Question,
    Reason,
)

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "Cause",
    "Engine",
    "FactError",
    "Facts",
    "InputError",
    "InterviewPolicy",
    "KnowledgeBaseError",
    "LevelReason",
    "MustNotMiss",
    "Option",
    "Question",
    "Reason",
    "SpotcheckError",
    "__version__",
]
