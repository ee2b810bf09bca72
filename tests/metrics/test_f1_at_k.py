"""Tests for keras_recsys/metrics/f1_at_k.py against a numpy reference."""

import numpy as np
import pytest
import ranking_reference as ref

import keras_recsys
from keras_recsys.metrics import F1AtK
from keras_recsys.metrics import f1_at_k
from keras_recsys.utils.testing import run_metric_test

VARIANTS = [{}]


def _data(seed=0, batch=8, n=12):
    rng = np.random.default_rng(seed)
    # Graded labels, excluded items (-1), heavy ties in the scores.
    y_true = rng.integers(-1, 4, size=(batch, n)).astype("float32")
    y_true[0] = np.where(y_true[0] > 0, 0.0, y_true[0])  # no relevant item
    y_pred = rng.integers(0, 3, size=(batch, n)).astype("float32")
    sample_weight = rng.uniform(0.5, 2.0, size=(batch,)).astype("float32")
    return y_true, y_pred, sample_weight


@pytest.mark.parametrize("kwargs", VARIANTS[:1])
def test_harness_and_reference(kwargs):
    y_true, y_pred, sample_weight = _data()
    # `compile(metrics=...)` passes no sample weights, so the harness runs
    # unweighted; the weighted case is checked below.
    expected = ref.mean("f1", y_true, y_pred, 5, **kwargs)
    run_metric_test(F1AtK, {"k": 5, **kwargs}, y_true, y_pred, expected=expected)
    metric = F1AtK(k=5, **kwargs)
    metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    np.testing.assert_allclose(
        float(metric.result()),
        ref.mean("f1", y_true, y_pred, 5, sample_weight, **kwargs),
        rtol=1e-5,
    )


@pytest.mark.parametrize("kwargs", VARIANTS)
@pytest.mark.parametrize("k", [1, 3, 12])
def test_function_matches_reference(kwargs, k):
    y_true, y_pred, _ = _data(seed=k)
    got = np.asarray(f1_at_k(y_true, y_pred, k, **kwargs))
    np.testing.assert_allclose(
        got, ref.rows("f1", y_true, y_pred, k, **kwargs), rtol=1e-5, atol=1e-6
    )


def test_known_value():
    # Relevant items 1 and 3; the top 2 are items 0 and 1.
    y_true = np.array([[0.0, 1.0, 0.0, 1.0]])
    y_pred = np.array([[0.9, 0.8, 0.1, 0.0]])
    metric = keras_recsys.metrics.F1AtK(k=2)
    metric.update_state(y_true, y_pred)
    np.testing.assert_allclose(float(metric.result()), 0.5, rtol=1e-6)


def test_rows_without_relevant_items_carry_no_weight():
    y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.0]])
    y_pred = np.array([[0.1, 0.9, 0.0], [0.3, 0.2, 0.1]])
    metric = F1AtK(k=2)
    metric.update_state(y_true, y_pred)
    alone = F1AtK(k=2)
    alone.update_state(y_true[:1], y_pred[:1])
    np.testing.assert_allclose(float(metric.result()), float(alone.result()))


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "3"])
def test_invalid_k(k):
    with pytest.raises(ValueError, match="k"):
        F1AtK(k=k)


def test_k_larger_than_n():
    with pytest.raises(ValueError, match=r"k=5.*n=4"):
        F1AtK(k=5).update_state(np.zeros((2, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"k=5.*n=4"):
        f1_at_k(np.zeros((2, 4)), np.zeros((2, 4)), 5)


def test_mismatched_shapes():
    with pytest.raises(ValueError, match=r"\(2, 4\).*\(2, 5\)"):
        F1AtK(k=2).update_state(np.zeros((2, 4)), np.zeros((2, 5)))
