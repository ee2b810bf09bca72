"""Sparse `y_true` (item ids) gives the dense-label result (keras_recsys/ranking/contract.py).

Thousands of random rows, batched: ties in the scores, exclusions, rows with
no relevant item, duplicated ids; eagerly for every metric, and inside the
compiled `evaluate`/`fit` steps.
"""

import pathlib
import sys

import keras
import numpy as np
import pytest

import keras_recsys
from keras_recsys import metrics

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "metrics"))
import ranking_reference as ref  # noqa: E402

CLASSES = [
    metrics.PrecisionAtK,
    metrics.RecallAtK,
    metrics.F1AtK,
    metrics.NDCGAtK,
    metrics.MAPAtK,
    metrics.HitRateAtK,
    metrics.MRRAtK,
]
FUNCTIONS = {
    "precision": metrics.precision_at_k,
    "recall": metrics.recall_at_k,
    "f1": metrics.f1_at_k,
    "ndcg": metrics.ndcg_at_k,
    "map": metrics.map_at_k,
    "hit_rate": metrics.hit_rate_at_k,
    "mrr": metrics.mrr_at_k,
}


def _cases(seed, rows, n, width):
    """Random scores with ties, ids (with -1 padding, -(j+2) exclusions, and
    duplicates) and the dense labels they stand for, written plainly."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 4, size=(rows, n)).astype("float32")
    ids = np.full((rows, width), -1, dtype="int32")
    dense = np.zeros((rows, n), dtype="float32")
    for r in range(rows):
        num_relevant = rng.integers(0, 4)  # some rows: none
        num_excluded = rng.integers(0, 4)
        relevant = rng.integers(0, n, size=num_relevant)  # may repeat
        excluded = rng.integers(0, n, size=num_excluded)
        entries = list(relevant) + [-(j + 2) for j in excluded]
        rng.shuffle(entries)
        ids[r, : len(entries)] = entries
        dense[r, excluded] = -1.0
        dense[r, relevant] = 1.0  # relevant wins over excluded
    return ids, dense, scores


def test_sparse_equals_dense_eagerly_on_thousands_of_rows():
    # 3,000 random rows in one batch, for 7 metrics (and a second cut-off).
    for seed in range(1):
        ids, dense, scores = _cases(seed, rows=3000, n=13, width=7)
        for name, fn in FUNCTIONS.items():
            for k in (1, 4) if name == "ndcg" else (4,):
                got = keras.ops.convert_to_numpy(fn(ids, scores, k))
                want = keras.ops.convert_to_numpy(fn(dense, scores, k))
                np.testing.assert_array_equal(got, want, err_msg=f"{name}@{k}")
        # One of them against the plain reference too (dense is tested there).
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(metrics.ndcg_at_k(ids, scores, 4)),
            ref.rows("ndcg", dense, scores, 4),
            rtol=1e-5,
            atol=1e-6,
        )


def test_one_id_per_row_equals_one_hot_rows():
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 3, size=(1000, 9)).astype("float32")
    ids = rng.integers(0, 9, size=1000)
    dense = np.eye(9, dtype="float32")[ids]
    for cls in (metrics.RecallAtK, metrics.NDCGAtK):
        sparse_metric, dense_metric = cls(3), cls(3)
        sparse_metric.update_state(ids, scores)
        dense_metric.update_state(dense, scores)
        assert float(sparse_metric.result()) == float(dense_metric.result())
    np.testing.assert_allclose(
        float(metrics.MRRAtK(3)(ids, scores)),
        ref.mean("mrr", dense, scores, 3),
        rtol=1e-5,
    )


def _score_model(n):
    # Outputs its input exactly (identity kernel, no bias, learning rate 0):
    # the scores of each row are the data's, inside compiled steps.
    model = keras.Sequential(
        [
            keras.Input((n,)),
            keras.layers.Dense(n, use_bias=False, kernel_initializer="identity"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(0.0),
        loss=lambda y_true, y_pred: 0.0 * keras.ops.mean(y_pred, axis=1),
        metrics=[cls(4) for cls in CLASSES],
    )
    return model


@pytest.mark.parametrize("step", ["evaluate", "fit"])
def test_sparse_equals_dense_inside_compiled_steps(step):
    ids, dense, scores = _cases(11, rows=2048, n=13, width=7)
    model = _score_model(13)

    def run(y):
        if step == "evaluate":
            return model.evaluate(
                scores, y, batch_size=256, verbose=0, return_dict=True
            )
        history = model.fit(scores, y, batch_size=256, epochs=1, verbose=0)
        return {name: values[-1] for name, values in history.history.items()}

    sparse, dense_logs = run(ids), run(dense)
    for cls in CLASSES:
        name = cls(4).name
        np.testing.assert_allclose(sparse[name], dense_logs[name], rtol=1e-6)
    np.testing.assert_allclose(
        sparse["recall@4"], ref.mean("recall", dense, scores, 4), rtol=1e-5
    )


def test_errors_name_the_cause():
    scores = np.zeros((3, 3), "float32")
    # An in-batch (batch, batch) matrix with catalog ids: the id is out of
    # range and the message says what the square matrix probably is.
    with pytest.raises(ValueError, match=r"item id 40.*in-batch similarity"):
        metrics.recall_at_k(np.array([40, 1, 2]), scores, 1)
    with pytest.raises(ValueError, match=r"k=5.*n=3.*in-batch"):
        metrics.RecallAtK(5).update_state(np.array([0, 1, 2]), scores)
    # Float (batch, m) is a dense row of the wrong width; ids must be ints.
    with pytest.raises(ValueError, match=r"same shape.*integer"):
        metrics.recall_at_k(np.zeros((3, 2), "float32"), scores, 1)
    with pytest.raises(ValueError, match=r"not integers"):
        metrics.recall_at_k(np.array([0.5, 1.0, 2.0]), scores, 1)
    assert keras_recsys.metrics.NDCGAtK(10).name == "ndcg@10"


def test_out_of_range_ids_give_nan_inside_compiled_steps():
    model = _score_model(5)
    x = np.zeros((4, 5), "float32")
    y = np.array([[0, 9], [1, -1], [2, -1], [3, -1]], "int32")
    if keras.backend.backend() == "torch":
        # PyTorch steps run eagerly: the values can be read, so it raises.
        with pytest.raises(ValueError, match="item id 9"):
            model.evaluate(x, y, verbose=0)
        return
    assert np.isnan(model.evaluate(x, y, verbose=0, return_dict=True)["ndcg@4"])
