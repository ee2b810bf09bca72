import keras
import numpy as np
import pytest
from _autoencoder_reference import np_weights
from _autoencoder_reference import sigmoid

from keras_recsys.layers import CDAEBlock
from keras_recsys.utils.testing import run_layer_test


def _rows(batch=5, items=11):
    return (np.random.default_rng(0).random((batch, items)) < 0.3).astype("float32")


def test_harness():
    users = np.array([0, 1, 2, 3, 1], dtype="int32")
    run_layer_test(
        CDAEBlock,
        {
            "num_users": 4,
            "hidden_units": 6,
            "seed": 2,
            "user_embeddings_initializer": "random_normal",
        },
        [_rows(), users],
        expected_output_shape=(5, 11),
    )


def test_matches_a_numpy_forward_pass():
    rows = _rows()
    users = np.array([[3], [0], [2], [2], [1]], dtype="int32")
    block = CDAEBlock(
        num_users=4, hidden_units=6, user_embeddings_initializer="random_normal"
    )
    out = keras.ops.convert_to_numpy(block([rows, users]))
    kernel, bias = np_weights(block.hidden)
    out_kernel, out_bias = np_weights(block.decoder)
    table = keras.ops.convert_to_numpy(block.user_embedding.embeddings)
    expected = np.zeros((5, 11))
    for i in range(5):
        h = sigmoid(rows[i] @ kernel + bias + table[users[i, 0]])
        expected[i] = h @ out_kernel + out_bias
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_untrained_user_is_a_plain_denoising_autoencoder():
    rows = _rows()
    block = CDAEBlock(num_users=4, hidden_units=6)
    zero_users = np.zeros((5,), dtype="int32")
    out = keras.ops.convert_to_numpy(block([rows, zero_users]))
    kernel, bias = np_weights(block.hidden)
    out_kernel, out_bias = np_weights(block.decoder)
    expected = sigmoid(rows @ kernel + bias) @ out_kernel + out_bias
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_user_id_out_of_range_raises():
    with pytest.raises(ValueError, match="out of range"):
        CDAEBlock(num_users=4, hidden_units=3)([_rows(), np.array([0, 1, 2, 3, 4])])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"num_users": 0}, ValueError, "num_users"),
        ({"num_users": 3, "hidden_units": 0}, ValueError, "hidden_units"),
        ({"num_users": 3, "dropout": 1.5}, ValueError, "dropout"),
        ({"num_users": 3, "l2_normalize": 1}, TypeError, "l2_normalize"),
    ],
)
def test_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        CDAEBlock(**kwargs)


def test_invalid_inputs():
    with pytest.raises(ValueError, match="interactions, user_id"):
        CDAEBlock(num_users=3)(_rows())
    with pytest.raises(ValueError, match="user_id"):
        CDAEBlock(num_users=3)([_rows(), np.zeros((5, 2), dtype="int32")])
