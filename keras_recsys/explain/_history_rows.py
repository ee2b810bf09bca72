"""explain_history's methods for autoencoders (input `interactions`)."""

import numpy as np

from keras_recsys.explain import _common
from keras_recsys.utils import backend_utils


def occlusion(scorer, row, items):
    """(value at `row`, drop when each of `items` is set to 0)."""
    rows = np.repeat(row[None], len(items) + 1, axis=0)
    rows[np.arange(1, len(items) + 1), items] = 0.0
    values = scorer.rows(rows)
    return values[0], values[0] - values[1:]


def _normalizes_rows(model):
    return any(getattr(layer, "l2_normalize", False) for layer in model.layers)


def integrated_gradients(scorer, row, items, steps, baseline):
    if baseline is None:
        baseline = np.zeros_like(row)
        if _normalizes_rows(scorer.model):
            # The score is blind to the row's scale, so the zero row is no
            # baseline (every path from it gives 0): spread the row's total
            # evenly over the items instead.
            baseline[:] = row.sum() / row.size
    baseline = np.asarray(baseline, dtype="float32")
    if baseline.shape != row.shape:
        raise ValueError(
            f"`baseline` must have the row's shape {row.shape}. Received "
            f"shape {baseline.shape}"
        )
    # The candidates stay those of the input along the whole path.
    excluded = scorer.excluded(row[None])
    alphas = _common.midpoints(steps)[:, None]
    path = baseline[None] + alphas * (row - baseline)[None]
    _, (grad,) = backend_utils.value_and_gradients(
        lambda rows: scorer(rows, excluded), [path]
    )
    attributions = (row - baseline) * _common.to_numpy(grad).mean(axis=0)
    ends = _common.padded_rows(np.stack([row, baseline]))
    full, base = _common.to_numpy(scorer(ends, excluded))[:2]
    rest = np.ones(row.size, bool)
    rest[items] = False
    return (
        float(full),
        attributions[items].astype("float64"),
        float(base),
        float(attributions[rest].sum()),
    )
