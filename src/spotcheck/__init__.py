"""Spotcheck: triage and differential diagnosis for bleeding after sex.

>>> from spotcheck import Engine
>>> engine = Engine.default()
>>> result = engine.assess({"sex": "female", "age": 31, "bleeding_amount": "spotting"})
"""

import typing as _typing

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
    Window,
)

if _typing.TYPE_CHECKING:
    from .nlu import ParsedFinding, ParseResult

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
    "ParseResult",
    "ParsedFinding",
    "Question",
    "Reason",
    "SpotcheckError",
    "Window",
    "__version__",
]


_LAZY = {"ParseResult", "ParsedFinding"}


def __getattr__(name: str) -> object:
    """Free-text types come from the ``nlu`` adapter, imported on first use only.

    The core must import without any adapter (tests/test_architecture.py).
    """
    if name in _LAZY:
        from . import nlu

        return getattr(nlu, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
