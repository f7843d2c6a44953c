"""The knowledge base: data files, their schema and the compiled model."""

from ._atoms import (
    Atom,
    AtomIndex,
    FactValue,
    all_hold,
    any_holds,
    holds_all,
    holds_any,
    parse_atom,
)
from ._guidance import guidance_trace
from ._load import load_knowledge_base
from ._model import (
    CompiledExplanation,
    CompiledRule,
    CompiledScreenStep,
    CompiledWindow,
    KnowledgeBase,
    SexTables,
    visible,
)
from ._provenance import (
    CANONICAL_PRESENTATIONS,
    NumberRecord,
    format_provenance,
    provenance_report,
)

__all__ = [
    "CANONICAL_PRESENTATIONS",
    "Atom",
    "AtomIndex",
    "CompiledExplanation",
    "CompiledRule",
    "CompiledScreenStep",
    "CompiledWindow",
    "FactValue",
    "KnowledgeBase",
    "NumberRecord",
    "SexTables",
    "all_hold",
    "any_holds",
    "format_provenance",
    "guidance_trace",
    "holds_all",
    "holds_any",
    "load_knowledge_base",
    "parse_atom",
    "provenance_report",
    "visible",
]
