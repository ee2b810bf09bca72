"""Small graded candidate lists for the listwise and pairwise loss tests."""

import numpy as np


def graded_lists(seed=0, batch=5, n=7):
    """Labels in {-1, 0, 1, 2, 3}, row 0 without a relevant item, scores
    drawn without ties."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(-1, 4, size=(batch, n)).astype("float32")
    y_true[0] = np.minimum(y_true[0], 0.0)
    y_pred = rng.normal(size=(batch, n)).astype("float32")
    return y_true, y_pred
