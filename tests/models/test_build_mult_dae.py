import inspect

import keras
import numpy as np
import pytest

from keras_recsys.models import build_mult_dae


def _rows():
    return (np.random.default_rng(0).random((8, 25)) < 0.3).astype("float32")


def test_saves_and_loads_with_equal_predictions(tmp_path):
    model = build_mult_dae(
        25,
        hidden_units=(12,),
        latent_dim=4,
        kernel_regularizer=keras.regularizers.L2(1e-4),
        seed=1,
    )
    expected = model.predict(_rows(), verbose=0)
    assert expected.shape == (8, 25)
    path = str(tmp_path / "mult_dae.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(_rows(), verbose=0), expected, atol=1e-6)


def test_architecture():
    block = build_mult_dae(7, hidden_units=(6,), latent_dim=3).get_layer("dae")
    assert [d.units for d in block.encoder] == [6, 3]
    assert [d.units for d in block.decoder] == [6, 7]
    assert block.dropout == 0.5 and block.l2_normalize
    params = inspect.signature(build_mult_dae).parameters
    assert params["hidden_units"].default == (600,)
    assert params["latent_dim"].default == 200


def test_invalid_arguments():
    with pytest.raises(ValueError, match="num_items"):
        build_mult_dae(-3)
    with pytest.raises(ValueError, match="hidden_units"):
        build_mult_dae(10, hidden_units=(0,))
