"""Tests for keras_recsys/losses/listwise_softmax_loss.py.

The checks shared by the listwise losses are in test_listwise_losses.py.
"""

import listwise_reference as ref
import numpy as np
from _listwise_data import graded_lists

from keras_recsys.losses import ListwiseSoftmaxLoss
from keras_recsys.utils.testing import run_loss_test


def test_harness_and_reference():
    y_true, y_pred = graded_lists()
    expected = ref.softmax_rows(y_true, y_pred, gain="exponential").mean()
    run_loss_test(
        ListwiseSoftmaxLoss,
        {"gain": "exponential"},
        y_true,
        y_pred,
        expected,
        rtol=1e-5,
    )


def test_binary_labels_equal_softmax_over_the_positive_share():
    # One positive per row: the loss is the plain softmax cross-entropy.
    y_pred = np.array([[1.0, 2.0, 3.0]], "float32")
    y_true = np.array([[0.0, 1.0, 0.0]], "float32")
    expected = -(2.0 - np.log(np.exp(y_pred).sum()))
    np.testing.assert_allclose(
        float(ListwiseSoftmaxLoss()(y_true, y_pred)), expected, rtol=1e-6
    )
