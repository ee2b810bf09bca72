"""Tests for keras_recsys/losses/bpr_loss.py against a numpy reference.

The checks shared with the other pairwise loss are in test_pairwise_losses.py.
"""

import pairwise_reference as ref
from _listwise_data import graded_lists

from keras_recsys.losses import BPRLoss
from keras_recsys.utils.testing import run_loss_test


def test_harness_and_reference():
    y_true, y_pred = graded_lists(batch=6, n=9)  # row 0: no relevant item
    rows, _ = ref.pairwise_rows(y_true, y_pred, ref.bpr, ref.bpr_grad)
    run_loss_test(BPRLoss, {}, y_true, y_pred, expected=rows.mean(), rtol=1e-4)
