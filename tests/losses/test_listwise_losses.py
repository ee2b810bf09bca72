"""Checks shared by the listwise losses (softmax, ApproxNDCG, LambdaLoss)
against the numpy references in listwise_reference.py. Each loss's own test
file keeps its harness run."""

import keras
import listwise_reference as ref
import numpy as np
import pairwise_reference
import pytest
from _listwise_data import graded_lists

from keras_recsys.losses import ApproxNDCGLoss
from keras_recsys.losses import LambdaLoss
from keras_recsys.losses import ListwiseSoftmaxLoss
from keras_recsys.metrics import ndcg_at_k

CASES = {
    "softmax": (ListwiseSoftmaxLoss, {}, lambda t, p: ref.softmax_rows(t, p)),
    "approx_ndcg": (
        ApproxNDCGLoss,
        {"temperature": 0.7},
        lambda t, p: ref.approx_ndcg_rows(t, p, 0.7),
    ),
    "lambda": (
        LambdaLoss,
        {"weighting": "ndcg_loss2pp"},
        lambda t, p: ref.lambda_rows(t, p, "ndcg_loss2pp"),
    ),
}


@pytest.fixture(params=sorted(CASES))
def case(request):
    return CASES[request.param]


@pytest.mark.parametrize("jit", [False, True])
def test_value_and_gradient(case, jit):
    loss_cls, kwargs, reference = case
    y_true, y_pred = graded_lists(seed=2, batch=4, n=6)
    loss = loss_cls(reduction="sum", **kwargs)
    value, grad = pairwise_reference.value_and_grad(loss, y_true, y_pred, jit=jit)
    np.testing.assert_allclose(value, reference(y_true, y_pred).sum(), rtol=1e-5)
    expected = ref.numeric_grad(lambda p: reference(y_true, p), y_pred)
    np.testing.assert_allclose(grad, expected, atol=1e-4)
    # Excluded items and rows with no relevant item get no gradient.
    assert np.all(grad[y_true < 0] == 0.0)
    assert np.all(grad[0] == 0.0)


def test_excluded_items_are_left_out(case):
    loss_cls, kwargs, _ = case
    y_true, y_pred = graded_lists(seed=4)
    loss = loss_cls(reduction="none", **kwargs)
    # Padding a list with excluded items of any score changes nothing.
    pad_true = np.concatenate([y_true, -np.ones((len(y_true), 3), "float32")], 1)
    pad_pred = np.concatenate([y_pred, np.full((len(y_pred), 3), 9.0, "float32")], 1)
    # Rows with no relevant item contribute 0, even with every item excluded.
    pad_true[1] = -1.0
    expected = np.array(loss(y_true, y_pred))
    expected[1] = 0.0
    value = np.asarray(loss(pad_true, pad_pred))
    np.testing.assert_allclose(value, expected, rtol=1e-6)
    assert value[0] == 0.0 and value[1] == 0.0


def test_sample_weight(case):
    loss_cls, kwargs, reference = case
    y_true, y_pred = graded_lists(seed=5)
    weights = np.linspace(0.5, 2.0, len(y_true)).astype("float32")
    value = float(loss_cls(**kwargs)(y_true, y_pred, sample_weight=weights))
    expected = (reference(y_true, y_pred) * weights).mean()
    np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_fit_improves_ndcg(case):
    # A linear scorer that starts reversed learns to rank with the loss.
    loss_cls, kwargs, _ = case
    rng = np.random.default_rng(0)
    features = rng.normal(size=(64, 8, 3)).astype("float32")
    direction = np.array([1.0, -1.0, 0.5], "float32")
    y_true = np.clip(np.round(features @ direction + 1), 0, 3).astype("float32")
    start = keras.initializers.Constant(-direction[:, None])
    model = keras.Sequential(
        [
            keras.Input((8, 3)),
            keras.layers.Dense(1, kernel_initializer=start),
            keras.layers.Flatten(),
        ]
    )

    def mean_ndcg():
        scores = model.predict(features, verbose=0)
        return float(np.mean(np.asarray(ndcg_at_k(y_true, scores, 3))))

    before = mean_ndcg()
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss=loss_cls(**kwargs))
    model.fit(features, y_true, epochs=20, batch_size=64, verbose=0)
    after = mean_ndcg()
    assert before < 0.5 and after > 0.9, (before, after)


def test_shape_mismatch_and_bad_arguments():
    with pytest.raises(ValueError, match="same shape"):
        ListwiseSoftmaxLoss()(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="temperature"):
        ApproxNDCGLoss(temperature=0.0)
    with pytest.raises(ValueError, match="weighting"):
        LambdaLoss(weighting="ndcg")
    with pytest.raises(ValueError, match="gain"):
        LambdaLoss(gain="log")
    with pytest.raises(ValueError, match="sigma"):
        LambdaLoss(sigma=-1.0)
