"""Regression (#13): the top-k sort key overflowed int32 once k + 1 >= 46,341."""

import numpy as np

from keras_recsys import metrics
from keras_recsys.ranking import contract
from keras_recsys.ranking import row_functions
from keras_recsys.ranking.selection import top_k

N, K = 100_000, 50_000
NAMES = ("precision", "recall", "f1", "ndcg", "map", "mrr", "hit_rate")


def _inputs():
    rng = np.random.default_rng(13)
    # Few distinct scores: long runs of ties across the k-th position.
    y_pred = rng.integers(0, 50, size=(1, N)).astype("float32")
    y_true = (rng.random((1, N)) < 0.01).astype("float32")
    y_true[0, :200] *= 3.0  # graded gains
    y_true[0, rng.choice(N, 500, replace=False)] = -1.0  # excluded items
    return y_true, y_pred


def _reference(y_true, y_pred):
    """Plain numpy: the stable order (lower index first among ties)."""
    labels, scores = y_true[0].astype("float64"), y_pred[0]
    valid = np.flatnonzero(labels >= 0)
    top = labels[valid[np.argsort(-scores[valid], kind="stable")][:K]]
    hit = top > 0
    num_relevant = (labels > 0).sum()
    precision, recall = hit.sum() / K, hit.sum() / num_relevant
    discount = 1.0 / np.log2(np.arange(K) + 2.0)
    ideal = np.sort(labels[labels > 0])[::-1][:K]
    ndcg = (hit * (2.0**top - 1) * discount).sum() / (
        (2.0**ideal - 1) * discount[: len(ideal)]
    ).sum()
    ap = (hit * np.cumsum(hit) / np.arange(1, K + 1)).sum() / min(K, num_relevant)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
        "ndcg": ndcg,
        "map": ap,
        "mrr": 1.0 / (np.argmax(hit) + 1),
        "hit_rate": float(hit.any()),
    }, top


def test_top_k_sort_key_overflow_at_k_50000():
    y_true, y_pred = _inputs()
    expected, top = _reference(y_true, y_pred)
    labels, scores = contract.check_inputs(y_true, y_pred, K)
    np.testing.assert_array_equal(np.asarray(top_k(labels, scores, K).labels)[0], top)
    # Every registered metric over that one selection (as evaluate_topk).
    sums = np.asarray(row_functions.batch_sums(NAMES, (K,), {}, y_true, y_pred))
    np.testing.assert_allclose(sums, [expected[n] for n in NAMES], rtol=1e-4)
    # And through a public function and a metric class.
    got = float(metrics.ndcg_at_k(y_true, y_pred, K)[0])
    np.testing.assert_allclose(got, expected["ndcg"], rtol=1e-4)
    metric = metrics.MAPAtK(K)
    metric.update_state(y_true, y_pred)
    np.testing.assert_allclose(float(metric.result()), expected["map"], rtol=1e-4)
