"""A new ranking metric is one registered per-row function and one class
(keras_recsys/ranking/row_functions.py): both the metric class and
`evaluate_topk` then compute it."""

import keras
import numpy as np
import pytest

from keras_recsys.evaluation import evaluate_topk
from keras_recsys.metrics.ranking_metric import RankingMetric
from keras_recsys.ranking import row_functions


@pytest.fixture
def toy_metric():
    # "Relevant items in the top k, squared": a metric no code knows.
    @row_functions.register("toy_hits_squared")
    def toy(topk, k, y_true):
        hits = keras.ops.sum(keras.ops.cast(topk.relevant, "float32"), axis=1)
        return hits * hits

    class ToyAtK(RankingMetric):
        row_function = "toy_hits_squared"

    yield ToyAtK
    del row_functions.ROW_FUNCTIONS["toy_hits_squared"]


def test_a_registered_function_drives_a_class_and_evaluate_topk(toy_metric):
    scores = np.array([[0.9, 0.1, 0.5, 0.3], [0.2, 0.8, 0.4, 0.6]], "float32")
    targets = [np.array([0, 2, 3]), np.array([0])]
    # Plain reference: top 2 are items {0, 2} and {1, 3}.
    expected = np.mean([2.0**2, 0.0])
    metric = toy_metric(2)
    assert metric.name == "toy_hits_squared@2"
    labels = np.zeros_like(scores)
    for u, t in enumerate(targets):
        labels[u, t] = 1.0
    metric.update_state(labels, scores)
    np.testing.assert_allclose(float(metric.result()), expected)
    # evaluate_topk never ranks column 0 (item codes start at 1): shift the
    # items by one behind a reserved column that would otherwise win.
    coded = np.concatenate([np.full((2, 1), 9.0, "float32"), scores], axis=1)
    got = evaluate_topk(
        lambda users: coded[users],
        np.arange(2),
        [t + 1 for t in targets],
        metrics=("toy_hits_squared", "recall"),
        ks=2,
        verbose=0,
    )
    np.testing.assert_allclose(got["toy_hits_squared@2"], expected)
    with pytest.raises(ValueError, match="already registered"):
        row_functions.register("toy_hits_squared")(lambda topk, k, y_true: None)
