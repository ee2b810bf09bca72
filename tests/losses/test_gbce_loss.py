import keras
import numpy as np
import pytest
from _sampled_reference import CHAINS_X
from _sampled_reference import CHAINS_Y
from _sampled_reference import TARGETS
from _sampled_reference import N
from _sampled_reference import V
from _sampled_reference import chains_sasrec
from _sampled_reference import drawn_uniform
from _sampled_reference import masked_mean
from _sampled_reference import scores
from _sampled_reference import states
from _sampled_reference import table

import keras_recsys
from keras_recsys.losses import GBCELoss
from keras_recsys.utils.testing import run_serialization_test


def _softplus(x):
    return np.logaddexp(0.0, x)


@pytest.mark.parametrize("t", [0.0, 0.75, 1.0])
def test_against_numpy(t):
    layer, h = table(), states()
    value = keras.ops.convert_to_numpy(
        GBCELoss(layer, num_negatives=N, t=t)(TARGETS, h)
    )
    positive, negative = scores(layer, h, TARGETS, drawn_uniform())
    alpha = N / (V - 2)  # negatives over the other real items (codes 1..V-1)
    beta = alpha * (t * (1 - 1 / alpha) + 1 / alpha)
    per_position = beta * _softplus(-positive) + _softplus(negative).sum(-1)
    np.testing.assert_allclose(value, masked_mean(per_position, TARGETS), rtol=1e-5)


def test_beta_matches_the_paper():
    # t = 0: plain BCE; t = 1: beta = alpha.
    assert GBCELoss(num_negatives=10, t=0.0).beta(1002) == pytest.approx(1.0)
    assert GBCELoss(num_negatives=10, t=1.0).beta(1002) == pytest.approx(0.01)


def test_trains_sasrec():
    model = chains_sasrec(
        lambda items: GBCELoss(items, num_negatives=8), seed=2, dropout=0.0
    )
    x, y = CHAINS_X, CHAINS_Y
    history = model.fit(x, y, batch_size=16, epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]


def test_serialization_and_arguments():
    run_serialization_test(GBCELoss, {"num_negatives": 4, "t": 0.5})
    with pytest.raises(ValueError, match="t"):
        GBCELoss(t=1.5)
    assert keras_recsys.losses.GBCELoss is GBCELoss
