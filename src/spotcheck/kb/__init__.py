"""The knowledge base: data files, their schema and the compiled model."""

from ._atoms import Atom, FactValue, parse_atom
from ._load import load_knowledge_base
from ._model import CompiledRule, CompiledScreenStep, KnowledgeBase

__all__ = [
    "Atom",
    "CompiledRule",
    "CompiledScreenStep",
    "FactValue",
    "KnowledgeBase",
    "load_knowledge_base",
    "parse_atom",
]
