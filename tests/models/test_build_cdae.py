import keras
import numpy as np
import pytest

from keras_recsys.models import build_cdae


def _inputs():
    rows = (np.random.default_rng(0).random((8, 25)) < 0.3).astype("float32")
    return {"interactions": rows, "user_id": np.arange(8, dtype="int32") % 5}


def test_saves_and_loads_with_equal_predictions(tmp_path):
    model = build_cdae(5, 25, hidden_units=6, seed=1)
    x = _inputs()
    expected = model.predict(x, verbose=0)
    assert expected.shape == (8, 25)
    path = str(tmp_path / "cdae.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, atol=1e-6)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="num_users"):
        build_cdae(0, 10)
    with pytest.raises(ValueError, match="num_items"):
        build_cdae(3, 0)
