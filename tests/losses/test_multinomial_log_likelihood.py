"""Tests for keras_recsys/losses/multinomial_log_likelihood.py."""

import keras
import numpy as np
import pairwise_reference as ref
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from keras_recsys.losses import MultinomialLogLikelihood
from keras_recsys.utils.testing import run_loss_test


def _data(seed=0, batch=6, n=9):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(-1, 3, size=(batch, n)).astype("float32")
    y_true[0] = np.minimum(y_true[0], 0.0)
    y_pred = rng.normal(size=(batch, n)).astype("float32")
    return y_true, y_pred


def _softmax_grad(y_true, y_pred):
    # d/dlogits of -sum y log_softmax = softmax * sum(y) - y, over kept items.
    grads = np.zeros_like(y_pred, dtype="float64")
    for b in range(len(y_true)):
        keep = y_true[b] >= 0
        logits = y_pred[b][keep].astype("float64")
        probs = np.exp(logits - np.logaddexp.reduce(logits))
        grads[b][keep] = probs * y_true[b][keep].sum() - y_true[b][keep]
    return grads


def test_harness_and_reference():
    y_true, y_pred = _data()
    expected = ref.multinomial_rows(y_true, y_pred).mean()
    run_loss_test(
        MultinomialLogLikelihood, {}, y_true, y_pred, expected=expected, rtol=1e-4
    )


def test_sample_weight_and_reduction():
    y_true, y_pred = _data(seed=1)
    rows = ref.multinomial_rows(y_true, y_pred)
    weights = np.linspace(0.5, 2.0, len(y_true)).astype("float32")
    loss = MultinomialLogLikelihood(reduction="none")
    np.testing.assert_allclose(np.asarray(loss(y_true, y_pred)), rows, rtol=1e-5)
    np.testing.assert_allclose(
        float(MultinomialLogLikelihood()(y_true, y_pred, sample_weight=weights)),
        (rows * weights).mean(),
        rtol=1e-5,
    )


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(shape=st.sampled_from([(1, 1), (2, 5), (4, 7)]), data=st.data())
def test_fuzz_value_and_gradient(shape, data):
    y_true = data.draw(
        hnp.arrays("float32", shape, elements=st.sampled_from([-1.0, 0.0, 1.0, 3.0]))
    )
    y_pred = data.draw(
        hnp.arrays("float32", shape, elements=st.floats(-5, 5, width=32))
    )
    value, grad = ref.value_and_grad(MultinomialLogLikelihood(), y_true, y_pred)
    rows = ref.multinomial_rows(y_true, y_pred)
    np.testing.assert_allclose(value, rows.mean(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        grad, _softmax_grad(y_true, y_pred) / len(rows), rtol=1e-4, atol=1e-5
    )


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_finite_for_large_logits_and_half_precision(dtype):
    y_true = np.array([[1.0, 0.0, 0.0, 2.0], [0.0, 1.0, -1.0, 0.0]], "float32")
    y_pred = np.array([[-1e4, 1e4, 0.0, 1e4], [1e4, -1e4, 1e4, -1e4]], "float32")
    x = keras.ops.cast(y_pred, dtype)
    value, grad = ref.value_and_grad(MultinomialLogLikelihood(), y_true, x)
    assert np.isfinite(value).all() and np.isfinite(grad).all()
    rounded = keras.ops.convert_to_numpy(keras.ops.cast(x, "float32"))
    np.testing.assert_allclose(
        float(value), ref.multinomial_rows(y_true, rounded).mean(), rtol=1e-4
    )


def test_mismatched_shapes():
    with pytest.raises(ValueError, match=r"\(2, 4\).*\(2, 5\)"):
        MultinomialLogLikelihood()(np.zeros((2, 4)), np.zeros((2, 5)))
