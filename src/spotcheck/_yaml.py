"""Reading the package's YAML data files: one loader, one error."""

from __future__ import annotations

from typing import Any, Protocol

import yaml

from ._errors import KnowledgeBaseError

# libyaml's loader when the wheel has it: the same result, several times
# faster (the text reader's rules take ~6 s with the pure-Python loader).
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Readable(Protocol):
    def read_text(self, encoding: str = ...) -> str: ...


def read_yaml(file: _Readable, name: str) -> Any:
    """Parse one data file; a broken or unreadable file names itself."""
    try:
        return yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"not valid YAML: {exc}", file=name) from exc
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot be read: {exc}", file=name) from exc
