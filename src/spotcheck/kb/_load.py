"""Read, validate and compile the knowledge base (once, cached).

Files are read with :mod:`importlib.resources`, so the knowledge base works
from a wheel or a zip as well as from a checkout.  Every problem becomes a
:class:`KnowledgeBaseError` naming the file, the entry and the field.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .._errors import KnowledgeBaseError
from .._yaml import read_yaml
from ._model import KnowledgeBase, compile_knowledge_base
from ._schema import (
    ConditionsFile,
    FindingsFile,
    GuidanceFile,
    LanguagePack,
    MetaFile,
    RulesFile,
    SourcesFile,
)

__all__ = ["load_knowledge_base", "read_files"]

_M = TypeVar("_M", bound=BaseModel)


def _data_root() -> Traversable:
    return resources.files("spotcheck.kb").joinpath("data")


def _yaml_files(folder: Traversable) -> Iterator[Traversable]:
    yield from sorted(
        (f for f in folder.iterdir() if f.is_file() and f.name.endswith(".yaml")),
        key=lambda f: f.name,
    )


def _entry_name(data: Any, loc: tuple[int | str, ...]) -> tuple[str, str]:
    """Turn a pydantic error location into (entry, field) for the message."""
    node = data
    entry = ""
    consumed = 0
    for i, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "id" in node:
            entry = str(node["id"])
            consumed = i + 1
        elif isinstance(part, str) and i <= 1 and not entry:
            entry, consumed = part, i + 1
    field = ".".join(str(p) for p in loc[consumed:]) or ".".join(str(p) for p in loc)
    return entry, field


def validate(model: type[_M], data: Any, name: str) -> _M:
    """Validate ``data`` against ``model``; errors name file, entry and field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        entry, field = _entry_name(data, tuple(first["loc"]))
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise KnowledgeBaseError(first["msg"] + more, file=name, entry=entry, field=field) from exc


def read_files(root: Traversable | None = None) -> dict[str, Any]:
    """Read and validate every file; returns the validated models by role."""
    root = root or _data_root()
    model = root.joinpath("model")
    out: dict[str, Any] = {"digest": hashlib.sha256()}

    def load(file: Traversable, rel: str, schema: type[_M]) -> _M:
        raw = read_yaml(file, rel)
        out["digest"].update(file.read_bytes())
        return validate(schema, raw, rel)

    out["meta"] = load(model.joinpath("meta.yaml"), "model/meta.yaml", MetaFile)
    out["findings"] = load(model.joinpath("findings.yaml"), "model/findings.yaml", FindingsFile)
    out["rules"] = load(model.joinpath("rules.yaml"), "model/rules.yaml", RulesFile)
    out["guidance"] = load(model.joinpath("guidance.yaml"), "model/guidance.yaml", GuidanceFile)
    out["sources"] = [
        (f"model/sources/{f.name}", load(f, f"model/sources/{f.name}", SourcesFile))
        for f in _yaml_files(model.joinpath("sources"))
    ]
    out["conditions"] = [
        (f"model/conditions/{f.name}", load(f, f"model/conditions/{f.name}", ConditionsFile))
        for f in _yaml_files(model.joinpath("conditions"))
    ]
    packs: dict[str, LanguagePack] = {}
    for lang in out["meta"].languages:
        merged: dict[str, dict[str, Any]] = {
            "levels": {},
            "findings": {},
            "conditions": {},
            "rules": {},
            "explanations": {},
            "windows": {},
            "screen": {},
            "ui": {},
        }
        for f in _yaml_files(root.joinpath(lang)):
            rel = f"{lang}/{f.name}"
            raw = read_yaml(f, rel) or {}
            out["digest"].update(f.read_bytes())
            if not isinstance(raw, dict):
                raise KnowledgeBaseError("expected a mapping of sections", file=rel)
            for section, entries in raw.items():
                if section not in merged:
                    raise KnowledgeBaseError(
                        f"unknown section {section!r} (allowed: {', '.join(merged)})", file=rel
                    )
                for key, value in (entries or {}).items():
                    if key in merged[section]:
                        raise KnowledgeBaseError(
                            "defined twice in this language", file=rel, entry=f"{section}.{key}"
                        )
                    merged[section][key] = value
        packs[lang] = validate(LanguagePack, merged, f"{lang}/*.yaml")
    out["packs"] = packs
    return out


@functools.cache
def load_knowledge_base() -> KnowledgeBase:
    """The packaged knowledge base, validated and compiled (cached)."""
    files = read_files()
    return compile_knowledge_base(files)
