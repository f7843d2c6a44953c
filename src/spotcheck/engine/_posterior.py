"""P(cause | facts), exact, in log space.

Under the model (one cause, findings independent given the cause) the
posterior is the prior times the product of P(value | cause) over known
findings; unknown findings sum out to one and simply do not appear.  A known
finding that another fact makes redundant (the KB's ``redundant_if``: a late
period once the pregnancy is known) carries no evidence either.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from .._errors import FactError
from ..kb import FactValue, KnowledgeBase
from ..kb._atoms import any_holds

__all__ = ["carries_evidence", "columns_of", "normalise", "posterior"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def carries_evidence(kb: KnowledgeBase, fid: str, facts: Mapping[str, FactValue | None]) -> bool:
    """Whether the known finding ``fid`` counts as evidence among ``facts``."""
    redundant = kb.redundant_if.get(fid)
    return redundant is None or not any_holds(redundant, facts)


def columns_of(
    kb: KnowledgeBase,
    facts: Mapping[str, FactValue | None],
    only: Iterable[str] | None = None,
) -> IntArray:
    """The table columns selected by the known facts (optionally a subset)."""
    lookup, columns, bands = kb.lookup, kb.columns, kb.bands
    cols = []
    for fid in facts if only is None else only:
        value = facts[fid]
        if value is None or not carries_evidence(kb, fid, facts):
            continue
        col = lookup.get((fid, value))
        if col is None:  # a number: find its band
            col = columns[fid][0] + bisect.bisect_right(bands[fid], float(value))
        cols.append(col)
    return np.asarray(cols, dtype=np.intp)


def normalise(log_post: FloatArray) -> FloatArray:
    """Softmax along the last axis; rows that are impossible stay all zero."""
    top = np.max(log_post, axis=-1, keepdims=True)
    finite = np.isfinite(top)
    shifted = np.where(finite, log_post - np.where(finite, top, 0.0), -np.inf)
    weights = np.exp(shifted)
    total = weights.sum(axis=-1, keepdims=True)
    out: FloatArray = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    return out


def posterior(kb: KnowledgeBase, facts: Mapping[str, FactValue | None]) -> FloatArray:
    """The exact posterior over conditions given the known facts."""
    # Row 0 of the joint tables is the prior, so one gather covers everything.
    lookup, columns, bands = kb.lookup, kb.columns, kb.bands
    tables = kb.tables(facts.get("sex"))
    rows = [0]
    for fid, value in facts.items():
        if value is not None and carries_evidence(kb, fid, facts):
            col = lookup.get((fid, value))
            if col is None:  # a number: find its band
                col = columns[fid][0] + bisect.bisect_right(bands[fid], float(value))
            rows.append(col + 1)
    # Products of probabilities are exact and cheap; only after very many
    # facts could they underflow, and then log space takes over.
    post: FloatArray = np.multiply.reduce(tables.joint_t[rows], axis=0)
    total = np.add.reduce(post)
    if not total > 1e-250:
        log_post = np.add.reduce(tables.log_joint_t[rows], axis=0)
        top = log_post.max()
        if top == -np.inf:
            raise FactError(
                "no cause in the knowledge base fits all these facts together",
                field=", ".join(facts),
                allowed="check the facts for a mistake",
            )
        post = np.exp(log_post - top)
        total = np.add.reduce(post)
    post /= total
    return post
