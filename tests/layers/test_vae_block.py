import keras
import numpy as np
import pytest
from _autoencoder_reference import np_l2_normalize
from _autoencoder_reference import np_mlp

from keras_recsys.layers import VAEBlock
from keras_recsys.utils.testing import run_layer_test


def _rows(batch=6, items=12):
    return (np.random.default_rng(0).random((batch, items)) < 0.3).astype("float32")


def _identity(x):
    return x


def test_harness():
    run_layer_test(
        VAEBlock,
        {"latent_dim": 3, "hidden_units": (8,), "beta": 0.2, "seed": 4},
        _rows(),
        expected_output_shape=(6, 12),
    )


def _numpy_reference(block, rows):
    x = np_l2_normalize(rows.astype("float64"))
    h = np_mlp(x, block.encoder, [np.tanh, _identity])
    mean, log_var = h[:, :3], h[:, 3:]
    kl = np.mean(
        [0.5 * np.sum(np.exp(lv) + m**2 - 1.0 - lv) for m, lv in zip(mean, log_var)]
    )
    logits = np_mlp(mean, block.decoder, [np.tanh, _identity])
    return logits, kl


def test_inference_output_kl_and_added_loss_match_numpy():
    rows = _rows()
    block = VAEBlock(latent_dim=3, hidden_units=(8,), beta=0.3)
    out = keras.ops.convert_to_numpy(block(rows))
    logits, kl = _numpy_reference(block, rows)
    np.testing.assert_allclose(out, logits, atol=1e-5)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(block.last_kl), kl, rtol=1e-5, atol=1e-6
    )
    assert len(block.losses) == 1
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(block.losses[0]), 0.3 * kl, rtol=1e-5
    )


def test_training_samples_and_beta_scales_the_model_loss():
    rows = _rows()
    inputs = keras.Input((12,))
    block = VAEBlock(latent_dim=3, hidden_units=(8,), beta=0.0, dropout=0.0)
    model = keras.Model(inputs, block(inputs))
    model.compile(loss="mse")
    targets = np.zeros_like(rows)
    base = model.evaluate(rows, targets, verbose=0, batch_size=6)
    block.beta.assign(2.0)
    with_kl = model.evaluate(rows, targets, verbose=0, batch_size=6)
    _, kl = _numpy_reference(block, rows)
    np.testing.assert_allclose(with_kl - base, 2.0 * kl, rtol=1e-4)
    a = keras.ops.convert_to_numpy(block(rows, training=True))
    b = keras.ops.convert_to_numpy(block(rows, training=True))
    assert not np.allclose(a, b)


def test_beta_is_a_saved_non_trainable_weight(tmp_path):
    inputs = keras.Input((12,))
    block = VAEBlock(latent_dim=3, hidden_units=(8,))
    model = keras.Model(inputs, block(inputs))
    assert not block.beta.trainable
    assert all(w is not block.beta for w in model.trainable_weights)
    block.beta.assign(0.37)
    path = str(tmp_path / "vae.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    loaded_block = loaded.layers[-1]
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded_block.beta), 0.37, rtol=1e-6
    )
    np.testing.assert_allclose(
        loaded.predict(_rows(), verbose=0), model.predict(_rows(), verbose=0)
    )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"latent_dim": 0}, ValueError, "latent_dim"),
        ({"hidden_units": (4, -1)}, ValueError, "hidden_units"),
        ({"dropout": 1.0}, ValueError, "dropout"),
        ({"beta": -0.1}, ValueError, "beta"),
        ({"beta": float("nan")}, ValueError, "beta"),
        ({"l2_normalize": None}, TypeError, "l2_normalize"),
    ],
)
def test_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        VAEBlock(**kwargs)


def test_invalid_inputs():
    rows = _rows()
    rows[1, 1] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        VAEBlock(latent_dim=2, hidden_units=(4,))(rows)
    with pytest.raises(ValueError, match="batch, num_items"):
        VAEBlock(latent_dim=2, hidden_units=(4,))(np.zeros((12,), dtype="float32"))
