"""Reasons for and against each cause, as likelihood ratios.

The ratio for a known finding is P(value | cause) / P(value | any other
cause), the others weighted by their probability for someone of the same
sex before any symptom is known, so the weights do not depend on the order
in which facts arrived.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..kb import FactValue, KnowledgeBase
from ._posterior import FloatArray

__all__ = ["likelihood_ratios"]


def likelihood_ratios(
    kb: KnowledgeBase, facts: Mapping[str, FactValue | None], baseline: FloatArray
) -> dict[str, FloatArray]:
    """finding id -> likelihood ratio of its known value for every condition."""
    out: dict[str, FloatArray] = {}
    for fid, value in facts.items():
        if value is None or fid == "sex":
            continue
        col = kb.table[:, kb.column(fid, value)]
        rest = baseline @ col - baseline * col
        rest_weight = 1.0 - baseline
        p_other = np.divide(
            rest, rest_weight, out=np.full_like(rest, np.nan), where=rest_weight > 1e-12
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            out[fid] = np.where(p_other > 0, col / p_other, np.inf)
    return out
