import keras
import numpy as np
import pytest
from _sampled_reference import CHAINS_X
from _sampled_reference import CHAINS_Y
from _sampled_reference import TARGETS
from _sampled_reference import N
from _sampled_reference import V
from _sampled_reference import chains_sasrec
from _sampled_reference import drawn_popularity
from _sampled_reference import drawn_uniform
from _sampled_reference import masked_mean
from _sampled_reference import scores
from _sampled_reference import states
from _sampled_reference import table

import keras_recsys
from keras_recsys.losses import SampledSoftmaxLoss
from keras_recsys.utils.testing import run_serialization_test


def _cross_entropy(positive, negative):
    logits = np.concatenate([positive[..., None], negative], axis=-1)
    top = logits.max(-1, keepdims=True)
    return np.log(np.exp(logits - top).sum(-1)) + top[..., 0] - positive


def test_uniform_against_numpy():
    layer, h = table(), states()
    loss = SampledSoftmaxLoss(layer, num_negatives=N)
    value = keras.ops.convert_to_numpy(loss(TARGETS, h))
    positive, negative = scores(layer, h, TARGETS, drawn_uniform())
    expected = masked_mean(_cross_entropy(positive, negative), TARGETS)
    np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_popularity_with_log_q_against_numpy():
    counts = np.array([0, 10, 1, 3, 0, 6, 2])
    layer, h = table(), states()
    loss = SampledSoftmaxLoss(
        layer, num_negatives=N, sampling="popularity", item_frequencies=counts
    )
    value = keras.ops.convert_to_numpy(loss(TARGETS, h))
    q = counts / counts.sum()
    negatives = drawn_popularity(np.cumsum(q))
    assert (counts[negatives] > 0).all()  # zero-count codes are never drawn
    positive, negative = scores(layer, h, TARGETS, negatives)
    log_q = np.log(np.maximum(q, 1e-30))
    expected = masked_mean(
        _cross_entropy(positive - log_q[TARGETS], negative - log_q[negatives]),
        TARGETS,
    )
    np.testing.assert_allclose(value, expected, rtol=1e-4)


def test_last_position_logits_read_the_negative_columns():
    layer = table()
    logits = np.random.default_rng(1).normal(size=(2, V)).astype("float32")
    targets = np.array([2, 6])
    value = keras.ops.convert_to_numpy(
        SampledSoftmaxLoss(layer, num_negatives=N)(targets, logits)
    )
    negatives = drawn_uniform()
    negative = np.where(targets[:, None] == negatives, -np.inf, logits[:, negatives])
    positive = logits[np.arange(2), targets]
    expected = _cross_entropy(positive, negative).mean()
    np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_trains_sasrec_and_draws_new_negatives_each_step():
    model = chains_sasrec(
        lambda items: SampledSoftmaxLoss(items, num_negatives=8), seed=3
    )
    items = model.get_layer("item_embedding")
    x, y = CHAINS_X, CHAINS_Y
    before = keras.ops.convert_to_numpy(items.seed_generator.state).copy()
    history = model.fit(x, y, batch_size=16, epochs=40, verbose=0)
    after = keras.ops.convert_to_numpy(items.seed_generator.state)
    assert not np.array_equal(before, after)  # the state advances in fit
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    top = np.argmax(model.predict(x[:2], verbose=0), axis=1)
    np.testing.assert_array_equal(top, [4, 7])


def test_serialization_and_arguments():
    revived = run_serialization_test(
        SampledSoftmaxLoss,
        {"num_negatives": 4, "sampling": "popularity", "item_frequencies": [0, 1, 2]},
    )
    with pytest.raises(ValueError, match="item_embedding"):
        revived(np.array([1]), np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="item_frequencies"):
        SampledSoftmaxLoss(sampling="popularity")
    with pytest.raises(ValueError, match="num_negatives"):
        SampledSoftmaxLoss(num_negatives=0)
    assert keras_recsys.losses.SampledSoftmaxLoss is SampledSoftmaxLoss
