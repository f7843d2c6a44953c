"""The public API is what ``__all__`` says, and every name there resolves."""

from __future__ import annotations

import importlib
import pkgutil

import spotcheck


def test_all_names_resolve() -> None:
    for name in spotcheck.__all__:
        assert hasattr(spotcheck, name), name


def test_all_is_sorted_and_unique() -> None:
    names = [n for n in spotcheck.__all__ if not n.startswith("__")]
    assert names == sorted(names)
    assert len(set(spotcheck.__all__)) == len(spotcheck.__all__)


def test_public_names_are_declared() -> None:
    public = {n for n in vars(spotcheck) if not n.startswith("_")}
    # Subpackages and adapter modules are importable but not re-exported names.
    modules = {m.name for m in pkgutil.iter_modules(spotcheck.__path__)}
    assert public - modules <= set(spotcheck.__all__)


def test_exported_classes_claim_the_public_module() -> None:
    # Private modules hold the code; __init__ re-exports it (httpx style).
    for name in spotcheck.__all__:
        obj = getattr(spotcheck, name)
        module = getattr(obj, "__module__", "spotcheck")
        assert module.startswith("spotcheck"), (name, module)


def test_one_exception_tree() -> None:
    for name in ("KnowledgeBaseError", "InputError", "FactError"):
        assert issubclass(getattr(spotcheck, name), spotcheck.SpotcheckError)
    assert issubclass(spotcheck.FactError, spotcheck.InputError)


PUBLIC_MODULES = {"cli", "evaluation", "testing"}


def test_private_modules_are_private() -> None:
    for info in pkgutil.walk_packages(spotcheck.__path__, "spotcheck."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue  # Alembic's scripts and the entry point are not importable API
        leaf = info.name.rsplit(".", 1)[-1]
        if not info.ispkg and leaf not in PUBLIC_MODULES:
            assert leaf.startswith("_"), info.name
        importlib.import_module(info.name)
