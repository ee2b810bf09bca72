"""Tests for keras_recsys/losses/approx_ndcg_loss.py.

The checks shared by the listwise losses are in test_listwise_losses.py.
"""

import listwise_reference as ref
import numpy as np
from _listwise_data import graded_lists

from keras_recsys.losses import ApproxNDCGLoss
from keras_recsys.metrics import ndcg_at_k
from keras_recsys.utils.testing import run_loss_test


def test_harness_and_reference():
    y_true, y_pred = graded_lists()
    expected = ref.approx_ndcg_rows(y_true, y_pred, temperature=0.5).mean()
    run_loss_test(ApproxNDCGLoss, {"temperature": 0.5}, y_true, y_pred, expected)


def test_tends_to_one_minus_exact_ndcg_at_low_temperature():
    y_true, y_pred = graded_lists(seed=3)
    y_true[0, 0] = 2.0  # every row has a relevant item
    loss = ApproxNDCGLoss(temperature=1e-4, reduction="none")
    exact = np.asarray(ndcg_at_k(y_true, y_pred, k=y_true.shape[1]))
    np.testing.assert_allclose(np.asarray(loss(y_true, y_pred)), 1.0 - exact, atol=1e-4)
