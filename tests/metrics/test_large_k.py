"""Regression (#13): the top-k sort key overflowed int32 once k + 1 >= 46,341."""

import numpy as np
import ranking_reference as ref

from keras_recsys import metrics
from keras_recsys.ranking import contract
from keras_recsys.ranking.selection import top_k

N, K = 100_000, 50_000


def _inputs():
    rng = np.random.default_rng(13)
    # Few distinct scores: long runs of ties across the k-th position.
    y_pred = rng.integers(0, 50, size=(2, N)).astype("float32")
    y_true = (rng.random((2, N)) < 0.01).astype("float32")
    y_true[0, :200] *= 3.0  # graded gains
    y_true[1, rng.choice(N, 500, replace=False)] = -1.0  # excluded items
    return y_true, y_pred


def test_top_k_sort_key_overflow_at_k_50000():
    y_true, y_pred = _inputs()
    labels, scores = contract.check_inputs(y_true, y_pred, K)
    selection = top_k(labels, scores, K)
    got_labels = np.asarray(selection.labels)
    for row in range(2):
        valid = np.flatnonzero(y_true[row] >= 0)
        # Higher score first, lower index first among equal scores.
        order = valid[np.argsort(-y_pred[row, valid], kind="stable")][:K]
        np.testing.assert_array_equal(got_labels[row], y_true[row, order])


def test_every_metric_at_k_50000_matches_the_reference():
    y_true, y_pred = _inputs()
    for name, fn in [
        ("precision", metrics.precision_at_k),
        ("recall", metrics.recall_at_k),
        ("f1", metrics.f1_at_k),
        ("ndcg", metrics.ndcg_at_k),
        ("map", metrics.map_at_k),
        ("mrr", metrics.mrr_at_k),
        ("hit_rate", metrics.hit_rate_at_k),
    ]:
        np.testing.assert_allclose(
            np.asarray(fn(y_true, y_pred, K)),
            ref.rows(name, y_true, y_pred, K),
            rtol=1e-4,
            err_msg=name,
        )
