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

__all__ = ["likelihood_ratios", "strongest"]


def likelihood_ratios(
    kb: KnowledgeBase,
    facts: Mapping[str, FactValue | None],
    baseline: FloatArray,
    causes: list[int] | None = None,
) -> tuple[list[str], FloatArray]:
    """The known findings (but sex) and their likelihood ratios, shape (findings, causes).

    ``causes`` picks the condition indices (columns) to compute, all by default.
    Ratios are NaN where a cause makes the value impossible and no other cause
    allows it (no evidence either way to show).
    """
    fids = [f for f, v in facts.items() if v is not None and f != "sex"]
    width = len(baseline) if causes is None else len(causes)
    if not fids:
        return fids, np.zeros((0, width))
    cols = [kb.column(f, facts[f]) for f in fids]  # type: ignore[arg-type]
    every = kb.table[:, cols].T  # (F, C): P(value | cause)
    total = (every @ baseline)[:, None]
    probs, weight = (every, baseline) if causes is None else (every[:, causes], baseline[causes])
    rest = total - probs * weight[None, :]
    rest_weight = np.broadcast_to((1.0 - weight)[None, :], rest.shape)
    # Divisions only where defined (NaN elsewhere): no warnings to silence.
    p_other = np.divide(
        rest, rest_weight, out=np.full_like(rest, np.nan), where=rest_weight > 1e-12
    )
    ratios: FloatArray = np.divide(
        probs, p_other, out=np.full_like(rest, np.nan), where=p_other > 0
    )
    return fids, ratios


def strongest(
    ratios: FloatArray, above: float, below: float, limit: int
) -> list[tuple[list[int], list[int]]]:
    """Per column (cause) of ``ratios`` (findings, causes): the rows whose ratio
    is at least ``above`` (for) and at most ``below`` (against), strongest first.

    Strength is |log ratio|; ties keep the findings' order.  Ratios that are
    0, infinite or NaN show nothing either way.
    """
    usable = (ratios > 0) & (ratios < np.inf)  # False for NaN too
    strength = np.abs(np.log(np.where(usable, ratios, 1.0)))
    order = np.argsort(np.where(usable, -strength, np.inf), axis=0, kind="stable")
    out = []
    for rows, column, ok in zip(
        order.T.tolist(), ratios.T.tolist(), usable.T.tolist(), strict=True
    ):
        ranked = [r for r in rows if ok[r]]
        out.append(
            (
                [r for r in ranked if column[r] >= above][:limit],
                [r for r in ranked if column[r] <= below][:limit],
            )
        )
    return out
