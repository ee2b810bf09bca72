import inspect

import keras
import numpy as np
import pytest

from keras_recsys.models import build_mult_vae


def _rows():
    return (np.random.default_rng(0).random((8, 25)) < 0.3).astype("float32")


def test_saves_and_loads_with_equal_predictions(tmp_path):
    model = build_mult_vae(25, hidden_units=(12,), latent_dim=4, seed=1)
    model.get_layer("vae").beta.assign(0.25)
    expected = model.predict(_rows(), verbose=0)
    assert expected.shape == (8, 25)
    # Sampling is off at inference: predict is deterministic.
    np.testing.assert_allclose(model.predict(_rows(), verbose=0), expected)
    path = str(tmp_path / "mult_vae.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(_rows(), verbose=0), expected, atol=1e-6)
    beta = keras.ops.convert_to_numpy(loaded.get_layer("vae").beta)
    np.testing.assert_allclose(beta, 0.25)
    assert [d.units for d in model.get_layer("vae").encoder] == [12, 8]


def test_paper_defaults():
    # [I-600-200-600-I], dropout 0.5 on the input (Liang et al. 2018).
    params = inspect.signature(build_mult_vae).parameters
    assert params["hidden_units"].default == (600,)
    assert params["latent_dim"].default == 200
    assert params["dropout"].default == 0.5
    assert params["activation"].default == "tanh"


def test_invalid_arguments():
    with pytest.raises(ValueError, match="num_items"):
        build_mult_vae(0)
    with pytest.raises(ValueError, match="latent_dim"):
        build_mult_vae(10, latent_dim=0)
