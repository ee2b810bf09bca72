"""Tests for keras_recsys/losses/lambda_loss.py.

The checks shared by the listwise losses are in test_listwise_losses.py.
"""

import listwise_reference as ref
import numpy as np
import pytest
from _listwise_data import graded_lists

from keras_recsys.losses import LambdaLoss
from keras_recsys.utils.testing import run_loss_test


def test_harness_and_reference():
    y_true, y_pred = graded_lists()
    kwargs = {"weighting": "ndcg_loss2pp", "mu": 2.0, "sigma": 0.5}
    expected = ref.lambda_rows(y_true, y_pred, **kwargs).mean()
    run_loss_test(LambdaLoss, kwargs, y_true, y_pred, expected, rtol=1e-5)


@pytest.mark.parametrize("weighting", ["ndcg_loss2", "lambdarank"])
def test_weightings_against_reference(weighting):
    y_true, y_pred = graded_lists(seed=1)
    loss = LambdaLoss(weighting=weighting, gain="linear", reduction="none")
    expected = ref.lambda_rows(y_true, y_pred, weighting, gain="linear")
    np.testing.assert_allclose(np.asarray(loss(y_true, y_pred)), expected, rtol=1e-5)


def test_tied_scores_take_ranks_by_index():
    # All scores equal: ranks follow the index (the metrics' tie rule), so
    # the swap weight of (item 2, item 0) is |D(3) - D(1)|, not 0.
    y_true = np.array([[0.0, -1.0, 1.0, 0.0]], "float32")
    y_pred = np.zeros((1, 4), "float32")
    expected = ref.lambda_rows(y_true, y_pred, "lambdarank")
    value = float(LambdaLoss(weighting="lambdarank")(y_true, y_pred))
    np.testing.assert_allclose(value, expected[0], rtol=1e-6)
    d = lambda r: 1.0 / np.log2(1.0 + r)  # noqa: E731
    # Item 2 has rank 2 (item 1 is excluded); items 0 and 3 ranks 1 and 3.
    np.testing.assert_allclose(value, (d(1) - d(2)) + (d(2) - d(3)), rtol=1e-6)


def test_ndcg_loss2pp_is_rho_plus_mu_delta_by_hand():
    # Regression: mu scales NDCG-Loss2's delta, not LambdaRank's rho (Wang et
    # al. 2018, NDCG-Loss2++ = rho + mu * delta). Equal scores, ranks 1, 2, 3;
    # the relevant item is third, IDCG = 1, every logistic term is log2(2) = 1.
    y_true = np.array([[0.0, 0.0, 1.0]], "float32")
    y_pred = np.zeros((1, 3), "float32")
    d = lambda r: 1.0 / np.log2(1.0 + r)  # noqa: E731
    rho = (d(1) - d(3)) + (d(2) - d(3))  # pairs (2, 0) and (2, 1)
    delta = (d(2) - d(3)) + (d(1) - d(2))  # rank gaps 2 and 1
    value = float(LambdaLoss(weighting="ndcg_loss2pp", mu=5.0)(y_true, y_pred))
    np.testing.assert_allclose(value, rho + 5.0 * delta, rtol=1e-6)
    assert abs(value - (5.0 * rho + delta)) > 0.1  # the old weighting
