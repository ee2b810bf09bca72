"""Save/load helper shared by the builder tests of engineer C."""

import os

import keras
import numpy as np


def assert_saves_and_loads(model, inputs, tmp_path, atol=1e-6):
    """Saves `model` to `.keras`, loads it in safe mode, compares predictions."""
    expected = model.predict(inputs, verbose=0)
    path = os.path.join(str(tmp_path), f"{model.name}.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    got = loaded.predict(inputs, verbose=0)
    for a, b in zip(keras.tree.flatten(got), keras.tree.flatten(expected)):
        np.testing.assert_allclose(a, b, atol=atol, rtol=1e-5)
    return loaded
