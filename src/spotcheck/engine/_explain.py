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
) -> tuple[list[str], FloatArray]:
    """The known findings (but sex) and their likelihood ratios, shape (findings, C).

    Ratios are NaN where a cause makes the value impossible and no other cause
    allows it (no evidence either way to show).
    """
    fids = [f for f, v in facts.items() if v is not None and f != "sex"]
    if not fids:
        return fids, np.zeros((0, len(baseline)))
    cols = [kb.column(f, facts[f]) for f in fids]  # type: ignore[arg-type]
    probs = kb.table[:, cols].T  # (F, C): P(value | cause)
    rest = (probs @ baseline)[:, None] - probs * baseline[None, :]
    rest_weight = (1.0 - baseline)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        p_other = np.where(rest_weight > 1e-12, rest / rest_weight, np.nan)
        ratios: FloatArray = np.where(p_other > 0, probs / p_other, np.nan)
    return fids, ratios
