import inspect

import keras
import numpy as np
import pytest

from keras_recsys.losses import MaskedMeanSquaredError
from keras_recsys.models import build_autorec


def _ratings():
    rng = np.random.default_rng(0)
    r = rng.integers(1, 6, (10, 30)).astype("float32")
    r[rng.random(r.shape) < 0.7] = 0.0
    return r


def test_saves_and_loads_with_equal_predictions(tmp_path):
    model = build_autorec(
        30, hidden_units=8, kernel_regularizer=keras.regularizers.L2(1e-3)
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss=MaskedMeanSquaredError(row_reduction="sum"),
    )
    history = model.fit(_ratings(), _ratings(), epochs=10, batch_size=10, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    expected = model.predict(_ratings(), verbose=0)
    assert expected.shape == (10, 30)
    path = str(tmp_path / "autorec.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded.loss, MaskedMeanSquaredError)
    np.testing.assert_allclose(
        loaded.predict(_ratings(), verbose=0), expected, atol=1e-5
    )


def test_architecture():
    block = build_autorec(9, hidden_units=4).get_layer("autoencoder")
    assert [d.units for d in block.encoder] == [4]
    assert [d.units for d in block.decoder] == [9]
    assert block.dropout == 0.0 and not block.l2_normalize
    assert inspect.signature(build_autorec).parameters["hidden_units"].default == 500


def test_invalid_arguments():
    with pytest.raises(ValueError, match="num_inputs"):
        build_autorec(0)
    with pytest.raises(TypeError, match="hidden_units"):
        build_autorec(10, hidden_units=2.5)
