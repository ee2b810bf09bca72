"""Tests for keras_recsys/losses/pairwise_hinge_loss.py against a numpy reference.

The checks shared with the other pairwise loss are in test_pairwise_losses.py.
"""

import numpy as np
import pairwise_reference as ref

from keras_recsys.losses import PairwiseHingeLoss
from keras_recsys.utils.testing import run_loss_test


def test_harness_and_reference():
    rng = np.random.default_rng(0)
    y_true = rng.integers(-1, 4, size=(6, 9)).astype("float32")
    y_true[0] = np.minimum(y_true[0], 0.0)  # no relevant item: no pair
    y_pred = rng.normal(size=(6, 9)).astype("float32")
    rows, _ = ref.pairwise_rows(y_true, y_pred, ref.hinge(0.7), ref.hinge_grad(0.7))
    run_loss_test(
        PairwiseHingeLoss,
        {"margin": 0.7},
        y_true,
        y_pred,
        expected=rows.mean(),
        rtol=1e-4,
    )
