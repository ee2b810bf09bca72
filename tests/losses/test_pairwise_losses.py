"""Checks shared by the pairwise losses (BPR, pairwise hinge) against the
numpy reference in pairwise_reference.py. Each loss's own test file keeps
its harness run."""

import keras
import numpy as np
import pairwise_reference as ref
import pytest
from _listwise_data import graded_lists
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from keras_recsys.losses import BPRLoss
from keras_recsys.losses import PairwiseHingeLoss

CASES = {
    "bpr": (BPRLoss, {}, ref.bpr, ref.bpr_grad),
    "hinge": (PairwiseHingeLoss, {"margin": 0.7}, ref.hinge(0.7), ref.hinge_grad(0.7)),
}


@pytest.fixture(params=sorted(CASES))
def case(request):
    loss_cls, kwargs, value_fn, grad_fn = CASES[request.param]

    def make(**extra):
        return loss_cls(**kwargs, **extra)

    def reference(y_true, y_pred):
        return ref.pairwise_rows(y_true, y_pred, value_fn, grad_fn)

    return make, reference


def _data(seed=0):
    return graded_lists(seed, batch=6, n=9)  # row 0: no relevant item, no pair


def test_sample_weight_and_reduction(case):
    make, reference = case
    y_true, y_pred = _data(seed=1)
    weights = np.linspace(0.5, 2.0, len(y_true)).astype("float32")
    rows, _ = reference(y_true, y_pred)
    loss = make(reduction="none")
    np.testing.assert_allclose(
        np.asarray(loss(y_true, y_pred)), rows, rtol=1e-4, atol=1e-6
    )
    loss = make()
    np.testing.assert_allclose(
        float(loss(y_true, y_pred, sample_weight=weights)),
        (rows * weights).mean(),
        rtol=1e-4,
    )
    loss = make(reduction="sum")
    np.testing.assert_allclose(
        float(loss(y_true, y_pred, sample_weight=2.0)), 2 * rows.sum(), rtol=1e-4
    )


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    # A few shapes only: JAX compiles each op once per shape.
    shape=st.sampled_from([(1, 1), (2, 5), (4, 7)]),
    data=st.data(),
)
def test_fuzz_value_and_gradient(case, shape, data):
    make, reference = case
    y_true = data.draw(
        hnp.arrays("float32", shape, elements=st.sampled_from([-1.0, 0.0, 1.0, 2.0]))
    )
    y_pred = data.draw(
        hnp.arrays("float32", shape, elements=st.sampled_from([-2.0, 0.0, 0.5, 3.0]))
    )
    rows, grads = reference(y_true, y_pred)
    value, grad = ref.value_and_grad(make(), y_true, y_pred)
    np.testing.assert_allclose(value, rows.mean(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(grad, grads / len(rows), rtol=1e-4, atol=1e-6)


def test_gradient_under_jit(case):
    make, reference = case
    y_true, y_pred = _data(seed=2)
    rows, grads = reference(y_true, y_pred)
    value, grad = ref.value_and_grad(make(), y_true, y_pred, jit=True)
    np.testing.assert_allclose(value, rows.mean(), rtol=1e-4)
    np.testing.assert_allclose(grad, grads / len(rows), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_finite_for_large_scores_and_half_precision(case, dtype):
    make, reference = case
    y_true = np.array([[1.0, 0.0, 0.0, 2.0], [0.0, 1.0, -1.0, 0.0]], "float32")
    y_pred = np.array([[-1e4, 1e4, 0.0, 1e4], [1e4, -1e4, 1e4, -1e4]], "float32")
    x = keras.ops.cast(y_pred, dtype)
    value, grad = ref.value_and_grad(make(), y_true, x)
    assert np.isfinite(np.asarray(value, "float32")).all()
    assert np.isfinite(np.asarray(grad, "float32")).all()
    rounded = keras.ops.convert_to_numpy(keras.ops.cast(x, "float32"))
    rows, _ = reference(y_true, rounded)
    np.testing.assert_allclose(float(value), rows.mean(), rtol=1e-4)


def test_one_positive_and_1000_negatives_fits_in_memory(case):
    make, reference = case
    rng = np.random.default_rng(0)
    y_true = np.zeros((1024, 1001), "float32")
    y_true[:, 0] = 1.0
    y_pred = rng.normal(size=(1024, 1001)).astype("float32")
    # Compiled on JAX (static shapes, `ops.cond`), eager elsewhere (XLA on
    # TensorFlow compiles the same graph, only slower to start).
    jit = keras.backend.backend() == "jax"
    value, grad = ref.value_and_grad(make(), y_true, y_pred, jit=jit)
    assert np.isfinite(value) and np.isfinite(grad).all()
    # Spot-check a few rows against the reference.
    rows, _ = reference(y_true[:3], y_pred[:3])
    per_row = make(reduction="none")(y_true, y_pred)
    np.testing.assert_allclose(np.asarray(per_row)[:3], rows, rtol=1e-4)


def test_mismatched_shapes(case):
    make, _ = case
    with pytest.raises(ValueError, match=r"\(2, 4\).*\(2, 5\)"):
        make()(np.zeros((2, 4)), np.zeros((2, 5)))
