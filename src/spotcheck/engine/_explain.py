"""Reasons for and against each cause, as likelihood ratios.

The ratio for a known finding is P(value | cause) / P(value | any other
cause), the others weighted by their probability for someone of the same
sex before any symptom is known, so the weights do not depend on the order
in which facts arrived.
"""

from __future__ import annotations

import math

import numpy as np

from ._posterior import FloatArray

__all__ = ["likelihood_ratios", "strongest"]


def likelihood_ratios(table: FloatArray, columns: list[int], baseline: FloatArray) -> FloatArray:
    """Likelihood ratios of the values in ``table`` columns for every cause, shape (F, C).

    A value's ratios depend only on the value and the baseline (the sex), not on
    the other facts, so callers may keep them.  They are NaN where a cause makes
    the value impossible and no other cause allows it (no evidence either way).
    """
    if not columns:
        return np.zeros((0, len(baseline)))
    probs = table[:, columns].T  # (F, C): P(value | cause)
    rest = (probs @ baseline)[:, None] - probs * baseline[None, :]
    rest_weight = np.broadcast_to((1.0 - baseline)[None, :], rest.shape)
    # Divisions only where defined (NaN elsewhere): no warnings to silence.
    p_other = np.divide(
        rest, rest_weight, out=np.full_like(rest, np.nan), where=rest_weight > 1e-12
    )
    ratios: FloatArray = np.divide(
        probs, p_other, out=np.full_like(rest, np.nan), where=p_other > 0
    )
    return ratios


def strongest(
    ratios: FloatArray, above: float, below: float, limit: int
) -> list[tuple[list[int], list[int]]]:
    """Per column (cause) of ``ratios`` (findings, causes): the rows whose ratio
    is at least ``above`` (for) and at most ``below`` (against), strongest first.

    Strength is |log ratio|; ties keep the findings' order.  Ratios that are
    0, infinite or NaN show nothing either way.  The ranking is plain Python:
    a handful of findings per cause, where numpy's per-call cost would dominate.
    """
    out = []
    log, inf = math.log, math.inf
    for column in ratios.T.tolist():
        # Usable ratios only (NaN fails the comparison); reverse keeps ties in order.
        power = {r: abs(log(x)) for r, x in enumerate(column) if 0.0 < x < inf}
        ranked = sorted(power, key=power.__getitem__, reverse=True)
        out.append(
            (
                [r for r in ranked if column[r] >= above][:limit],
                [r for r in ranked if column[r] <= below][:limit],
            )
        )
    return out
