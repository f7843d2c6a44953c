"""P(cause | facts), exact, in log space.

Under the model (one cause, findings independent given the cause) the
posterior is the prior times the product of P(value | cause) over known
findings; unknown findings sum out to one and simply do not appear.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from .._errors import FactError
from ..kb import FactValue, KnowledgeBase

__all__ = ["columns_of", "normalise", "posterior"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def columns_of(kb: KnowledgeBase, facts: Mapping[str, FactValue | None],
               only: Iterable[str] | None = None) -> IntArray:
    """The table columns selected by the known facts (optionally a subset)."""
    keys = facts.keys() if only is None else only
    cols = [kb.column(f, v) for f in keys if (v := facts[f]) is not None]
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
    cols = columns_of(kb, facts)
    log_post = kb.log_prior + kb.log_table[:, cols].sum(axis=1)
    post = normalise(log_post)
    if not post.any():
        raise FactError("no cause in the knowledge base fits all these facts together",
                        field=", ".join(facts), allowed="check the facts for a mistake")
    return post
