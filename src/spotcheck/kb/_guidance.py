"""The guidance trace: which rules, explanations and windows implement each statement."""

from __future__ import annotations

from typing import Any

from ._model import KnowledgeBase

__all__ = ["guidance_trace"]


def guidance_trace(kb: KnowledgeBase) -> dict[str, Any]:
    """Statement id -> its title, levels, implementing items and any reason it is not encoded.

    Items are written ``kind:id`` (``rule:heavy_bleeding``, ``explanation:period_onset``,
    ``window:pep``, ``floor:consultation``).
    """
    items: list[tuple[str, tuple[str, ...]]] = [
        *((f"rule:{r.id}", r.guidance) for r in kb.rules),
        *((f"explanation:{e.id}", e.guidance) for e in kb.explanations),
        *((f"window:{w.id}", w.guidance) for w in kb.windows),
        (f"floor:{kb.levels[kb.floor]}", kb.floor_guidance),
    ]
    statements = {}
    for sid, st in kb.guidance.items():
        statements[sid] = {
            "title": st.title,
            "url": st.url,
            "levels": list(st.levels),
            "implemented_by": [name for name, ids in items if sid in ids],
            "not_encoded": st.not_encoded,
        }
    unsourced = [name for name, ids in items if not ids]
    return {"statements": statements, "items_without_guidance": unsourced}
