"""Regressions (#13): hostile inputs to the ranking core, metrics and losses."""

import keras
import numpy as np
import pytest

from keras_recsys import losses
from keras_recsys import metrics
from keras_recsys.ranking import contract
from keras_recsys.utils.backend_utils import compile_function
from keras_recsys.utils.backend_utils import float64_supported

Y_TRUE = np.array([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 0.0]])
Y_PRED = np.array([[0.9, 0.8, 0.1, 0.0], [0.1, 0.2, 0.3, 0.4]], "float32")
RANKING_LOSSES = [
    losses.BPRLoss,
    losses.PairwiseHingeLoss,
    losses.MultinomialLogLikelihood,
    losses.ListwiseSoftmaxLoss,
    losses.ApproxNDCGLoss,
    losses.LambdaLoss,
]


def test_integer_scores_above_2_24_are_widened_exactly():
    # float32 rounds 2**24 + 1 to 2**24: the two items would tie and the tie
    # rule would put item 0 (not relevant) first.
    y_true = np.array([[0.0, 1.0]])
    y_pred = np.array([[2**24, 2**24 + 1]], "int64")
    if float64_supported():
        assert float(metrics.precision_at_k(y_true, y_pred, 1)[0]) == 1.0
    else:
        # JAX without x64 has no float64: documented, and warned about once.
        contract._warned.discard("float64")
        with pytest.warns(UserWarning, match="x64"):
            metrics.precision_at_k(y_true, y_pred, 1)


def test_ndcg_graded_relevance_200_overflows_to_nan():
    y_true = np.array([[200.0, 0.0, 3.0, 0.0]])
    y_pred = np.array([[0.1, 0.9, 0.8, 0.0]])
    gains = np.array([2.0**200 - 1, 0.0, 2.0**3 - 1, 0.0])
    dcg = gains[1] / np.log2(2) + gains[2] / np.log2(3)
    ideal = gains[0] / np.log2(2) + gains[2] / np.log2(3)
    got = float(metrics.ndcg_at_k(y_true, y_pred, 2)[0])
    np.testing.assert_allclose(got, dcg / ideal, rtol=1e-5, atol=1e-30)
    # Two labels near the float32 limit: the ratio is still exact.
    y_true = np.array([[150.0, 149.0, 0.0, 0.0]])
    y_pred = np.array([[0.1, 0.9, 0.8, 0.0]])
    # Ranked: item 1 (149), item 2 (0), item 0 (150).
    want = (2.0**149 + 2.0**150 / np.log2(4)) / (2.0**150 + 2.0**149 / np.log2(3))
    got = float(metrics.ndcg_at_k(y_true, y_pred, 3)[0])
    np.testing.assert_allclose(got, want, rtol=1e-5)
    assert np.isfinite(float(losses.ApproxNDCGLoss()(y_true, y_pred)))


@pytest.mark.parametrize("weight", [-1.0, np.nan, np.inf])
def test_negative_or_nan_sample_weights_are_refused(weight):
    weights = np.array([1.0, weight])
    with pytest.raises(ValueError, match="`sample_weight` must be finite and >= 0"):
        metrics.NDCGAtK(2).update_state(Y_TRUE, Y_PRED, sample_weight=weights)
    with pytest.raises(ValueError, match="`sample_weight` must be finite and >= 0"):
        losses.BPRLoss()(Y_TRUE, Y_PRED, sample_weight=weights)


@pytest.mark.parametrize("loss_class", RANKING_LOSSES, ids=lambda c: c.__name__)
def test_nan_labels_silently_ignored_by_losses(loss_class):
    y_true = Y_TRUE.copy()
    y_true[0, 1] = np.nan
    with pytest.raises(ValueError, match="`y_true` must not hold NaN"):
        loss_class()(y_true, Y_PRED)
    # Inside a compiled step (values unreadable) the loss is NaN, visibly.
    compiled = compile_function(lambda t, p: loss_class(reduction="none")(t, p))
    if keras.backend.backend() != "torch":  # torch steps run eagerly
        per_row = keras.ops.convert_to_numpy(
            compiled(
                keras.ops.convert_to_tensor(y_true), keras.ops.convert_to_tensor(Y_PRED)
            )
        )
        assert np.isnan(per_row[0]) and np.isfinite(per_row[1])


def test_nan_labels_in_fit_give_a_nan_loss_or_an_error():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(4)(inputs))
    model.compile(optimizer="sgd", loss=losses.BPRLoss())
    y_true = np.tile(Y_TRUE, (2, 1))
    y_true[0, 1] = np.nan
    x = np.ones((4, 4), "float32")
    try:
        history = model.fit(x, y_true, batch_size=4, epochs=1, verbose=0)
    except ValueError as e:  # eager steps (PyTorch) raise
        assert "y_true" in str(e)
    else:
        assert np.isnan(history.history["loss"][0])


def test_empty_batches_raise_zero_size_reduction():
    empty = np.zeros((0, 4))
    assert np.asarray(metrics.ndcg_at_k(empty, empty, 2)).shape == (0,)
    metric = metrics.RecallAtK(2)
    metric.update_state(Y_TRUE, Y_PRED)
    before = float(metric.result())
    metric.update_state(empty, empty)
    assert float(metric.result()) == before
    for loss_class in RANKING_LOSSES:
        assert float(loss_class()(empty, empty)) == 0.0


@pytest.mark.parametrize("which", ["y_true", "y_pred"])
def test_string_labels_give_numbers(which):
    args = {"y_true": Y_TRUE, "y_pred": Y_PRED}
    args[which] = args[which].astype(str)
    with pytest.raises(TypeError, match=f"`{which}` must be numeric"):
        metrics.ndcg_at_k(args["y_true"], args["y_pred"], 2)
    with pytest.raises(TypeError, match=f"`{which}` must be numeric"):
        losses.BPRLoss()(args["y_true"], args["y_pred"])


def test_sparse_int64_ids_beyond_int32_wrap_to_another_item():
    # 2**32 + 1 would be cast to item 1.
    with pytest.raises(ValueError, match="item id 4294967297"):
        metrics.recall_at_k(np.array([2**32 + 1, 1], "int64"), Y_PRED, 2)
    with pytest.raises(TypeError, match="`y_true`"):
        metrics.recall_at_k(np.array([True, False]), Y_PRED, 2)
