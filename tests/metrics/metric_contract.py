"""Checks every ranking metric shares: one input contract, one reference.

Each `tests/metrics/test_<metric>_at_k.py` calls `check_metric` with its own
class, so the harness call (and the inventory's view of it) stays per metric
while the contract checks are written once.
"""

import numpy as np
import pytest
import ranking_reference as ref

# One row: relevant items 1 and 3; the top 2 by score are items 0 and 1.
KNOWN_Y_TRUE = np.array([[0.0, 1.0, 0.0, 1.0]])
KNOWN_Y_PRED = np.array([[0.9, 0.8, 0.1, 0.0]])


def data(seed=0, batch=8, n=12):
    rng = np.random.default_rng(seed)
    # Graded labels, excluded items (-1), heavy ties in the scores.
    y_true = rng.integers(-1, 4, size=(batch, n)).astype("float32")
    y_true[0] = np.where(y_true[0] > 0, 0.0, y_true[0])  # no relevant item
    y_pred = rng.integers(0, 3, size=(batch, n)).astype("float32")
    sample_weight = rng.uniform(0.5, 2.0, size=(batch,)).astype("float32")
    return y_true, y_pred, sample_weight


def check_streaming_reference(metric_cls, name, **kwargs):
    """Unweighted and weighted results, streamed over two batches, against
    the numpy reference over all rows at once."""
    y_true, y_pred, sample_weight = data()
    for weights in (None, sample_weight):
        metric = metric_cls(k=5, **kwargs)
        for part in (slice(0, 3), slice(3, None)):
            metric.update_state(
                y_true[part],
                y_pred[part],
                sample_weight=None if weights is None else weights[part],
            )
        np.testing.assert_allclose(
            float(metric.result()),
            ref.mean(name, y_true, y_pred, 5, weights, **kwargs),
            rtol=1e-5,
        )


def check_function(fn, name, k, **kwargs):
    y_true, y_pred, _ = data(seed=k)
    np.testing.assert_allclose(
        np.asarray(fn(y_true, y_pred, k, **kwargs)),
        ref.rows(name, y_true, y_pred, k, **kwargs),
        rtol=1e-5,
        atol=1e-6,
    )


def check_known_value(metric_cls, expected):
    metric = metric_cls(k=2)
    metric.update_state(KNOWN_Y_TRUE, KNOWN_Y_PRED)
    np.testing.assert_allclose(float(metric.result()), expected, rtol=1e-6)


def check_rows_without_relevant_items(metric_cls):
    y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.0]])
    y_pred = np.array([[0.1, 0.9, 0.0], [0.3, 0.2, 0.1]])
    metric = metric_cls(k=2)
    metric.update_state(y_true, y_pred)
    alone = metric_cls(k=2)
    alone.update_state(y_true[:1], y_pred[:1])
    np.testing.assert_allclose(float(metric.result()), float(alone.result()))


def check_bad_input(metric_cls, fn):
    for k in (0, -1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="k"):
            metric_cls(k=k)
    with pytest.raises(ValueError, match=r"k=5.*n=4"):
        metric_cls(k=5).update_state(np.zeros((2, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"k=5.*n=4"):
        fn(np.zeros((2, 4)), np.zeros((2, 4)), 5)
    with pytest.raises(ValueError, match=r"\(2, 4\).*\(2, 5\)"):
        metric_cls(k=2).update_state(np.zeros((2, 4)), np.zeros((2, 5)))
