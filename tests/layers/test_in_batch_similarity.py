import keras
import numpy as np
import pytest

import keras_recsys
from keras_recsys.layers import InBatchSimilarity
from keras_recsys.utils.testing import run_layer_test


def test_harness_known_values():
    q = np.random.rand(4, 3).astype("float32")
    c = np.random.rand(4, 3).astype("float32")
    expected = np.array([[q[i] @ c[j] for j in range(4)] for i in range(4)])
    run_layer_test(
        InBatchSimilarity,
        {},
        [q, c],
        expected_output_shape=(4, 4),
        expected_output=expected,
        run_training=False,  # no weights
    )


def test_rejects_mismatched_dims():
    with pytest.raises(ValueError, match="same dim"):
        InBatchSimilarity()([np.zeros((2, 3)), np.zeros((2, 4))])
    with pytest.raises(ValueError, match="query_embeddings"):
        InBatchSimilarity()(np.zeros((2, 3)))


def test_trains_with_the_loss():
    q_in = keras.Input((3,))
    c_in = keras.Input((3,))
    scores = InBatchSimilarity()(
        [keras.layers.Dense(4)(q_in), keras.layers.Dense(4)(c_in)]
    )
    model = keras.Model([q_in, c_in], scores)
    model.compile(
        optimizer="adam", loss=keras_recsys.losses.InBatchSoftmaxLoss(temperature=0.5)
    )
    x = np.random.rand(16, 3).astype("float32")
    history = model.fit([x, x], np.arange(16), batch_size=8, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
