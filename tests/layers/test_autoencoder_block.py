import keras
import numpy as np
import pytest
from _autoencoder_reference import identity
from _autoencoder_reference import np_l2_normalize
from _autoencoder_reference import np_mlp
from _autoencoder_reference import sigmoid

from keras_recsys.layers import AutoencoderBlock
from keras_recsys.utils.testing import run_layer_test


def _rows(batch=6, items=12, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.random((batch, items)) < 0.3).astype("float32")


def test_harness():
    rows = _rows()
    run_layer_test(
        AutoencoderBlock,
        {"hidden_units": (8, 4), "dropout": 0.5, "l2_normalize": True, "seed": 1},
        rows,
        expected_output_shape=(6, 12),
    )


def test_matches_a_numpy_forward_pass():
    rows = _rows()
    rows[2] = 0.0  # an empty row stays finite under L2 normalization
    block = AutoencoderBlock(
        hidden_units=(8, 4), dropout=0.5, l2_normalize=True, output_activation="sigmoid"
    )
    out = keras.ops.convert_to_numpy(block(rows))
    assert [d.units for d in block.decoder] == [8, 12]
    expected = np_mlp(
        np_l2_normalize(rows.astype("float64")),
        block.encoder + block.decoder,
        [np.tanh, np.tanh, np.tanh, sigmoid],
    )
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_autorec_forward_pass_without_normalization():
    ratings = np.random.default_rng(2).integers(0, 6, (3, 10)).astype("float32")
    block = AutoencoderBlock(hidden_units=(5,), activation="sigmoid")
    out = keras.ops.convert_to_numpy(block(ratings))
    expected = np_mlp(
        ratings.astype("float64"), block.encoder + block.decoder, [sigmoid, identity]
    )
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_dropout_corrupts_only_in_training():
    rows = np.ones((4, 20), dtype="float32")
    block = AutoencoderBlock(hidden_units=(6,), dropout=0.5, seed=3)
    inference = keras.ops.convert_to_numpy(block(rows))
    np.testing.assert_allclose(inference, keras.ops.convert_to_numpy(block(rows)))
    training = keras.ops.convert_to_numpy(block(rows, training=True))
    assert not np.allclose(training, inference)


def test_custom_decoder_and_output_dim():
    block = AutoencoderBlock(hidden_units=(8, 4), decoder_units=(3, 5), output_dim=7)
    out = block(_rows())
    assert tuple(out.shape) == (6, 7)
    assert [d.units for d in block.decoder] == [3, 5, 7]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"hidden_units": ()}, ValueError, "hidden_units"),
        ({"hidden_units": (4, 0)}, ValueError, "hidden_units"),
        ({"dropout": 1.0}, ValueError, "dropout"),
        ({"dropout": -0.1}, ValueError, "dropout"),
        ({"l2_normalize": "yes"}, TypeError, "l2_normalize"),
        ({"output_dim": 0}, ValueError, "output_dim"),
        ({"seed": 1.5}, TypeError, "seed"),
    ],
)
def test_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        AutoencoderBlock(**kwargs)


def test_invalid_inputs():
    with pytest.raises(ValueError, match="batch, num_items"):
        AutoencoderBlock(hidden_units=(4,))(np.zeros((2, 3, 4), dtype="float32"))
    rows = _rows()
    rows[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        AutoencoderBlock(hidden_units=(4,))(rows)
