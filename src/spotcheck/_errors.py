"""The one exception tree of Spotcheck.

Every error the package raises on purpose is a :class:`SpotcheckError`, so a
caller can catch one class.  Adapters (CLI, web, FHIR) convert third-party
errors into these at their edge.
"""

from __future__ import annotations

__all__ = [
    "FactError",
    "InputError",
    "KnowledgeBaseError",
    "SpotcheckError",
]


class SpotcheckError(Exception):
    """Base class of every error Spotcheck raises on purpose."""


class KnowledgeBaseError(SpotcheckError):
    """A knowledge-base file is missing, malformed or inconsistent.

    The message names the file, the entry and the field.
    """

    def __init__(self, message: str, *, file: str = "", entry: str = "", field: str = "") -> None:
        self.file = file
        self.entry = entry
        self.field = field
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"entry {entry}" if entry else "",
                f"field {field}" if field else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class InputError(SpotcheckError):
    """Input from a caller does not fit the vocabulary.

    ``field`` names the offending input and ``allowed`` describes what would be
    accepted, so every adapter can show a precise message.
    """

    def __init__(self, message: str, *, field: str = "", allowed: str = "") -> None:
        self.field = field
        self.allowed = allowed
        self.message = message
        text = message
        if field:
            text = f"{field}: {text}"
        if allowed:
            text = f"{text} (allowed: {allowed})"
        super().__init__(text)


class FactError(InputError):
    """A set of facts contradicts itself (for example a man who is pregnant)."""
