"""Tests for keras_recsys/losses/pairwise_hinge_loss.py against a numpy reference.

The checks shared with the other pairwise loss are in test_pairwise_losses.py.
"""

import pairwise_reference as ref
from _listwise_data import graded_lists

from keras_recsys.losses import PairwiseHingeLoss
from keras_recsys.utils.testing import run_loss_test


def test_harness_and_reference():
    y_true, y_pred = graded_lists(batch=6, n=9)  # row 0: no relevant item
    rows, _ = ref.pairwise_rows(y_true, y_pred, ref.hinge(0.7), ref.hinge_grad(0.7))
    run_loss_test(
        PairwiseHingeLoss,
        {"margin": 0.7},
        y_true,
        y_pred,
        expected=rows.mean(),
        rtol=1e-4,
    )
