import itertools

import keras
import numpy as np
import pytest
from _towers_saving import assert_saves_and_loads

from keras_recsys.models import build_deepfm

FIELDS = {"user_id": 10, "item_id": 8, "gender": 2}


def _w(model, name, index=0):
    return keras.ops.convert_to_numpy(model.get_layer(name).weights[index])


def test_matches_numpy_and_saves(tmp_path):
    model = build_deepfm(FIELDS, embedding_dim=3, hidden_units=(5,))
    for name in FIELDS:  # non-zero first-order weights for a real check
        layer = model.get_layer(f"{name}_weight")
        layer.embeddings.assign(np.random.rand(*layer.embeddings.shape))
    inputs = {
        "user_id": np.array([0, 9, 4], dtype="int32"),
        "item_id": np.array([7, 0, 3], dtype="int32"),
        "gender": np.array([1, 0, 1], dtype="int32"),
    }
    out = model.predict(inputs, verbose=0)
    names = sorted(FIELDS)
    for row in range(3):
        v = [_w(model, f"{n}_embedding")[inputs[n][row]] for n in names]
        linear = sum(_w(model, f"{n}_weight")[inputs[n][row]][0] for n in names)
        fm = sum(v[i] @ v[j] for i, j in itertools.combinations(range(3), 2))
        h = np.maximum(
            np.concatenate(v) @ _w(model, "deep_dense_0")
            + _w(model, "deep_dense_0", 1),
            0,
        )
        deep = h @ _w(model, "deep_output")[:, 0] + _w(model, "deep_output", 1)[0]
        np.testing.assert_allclose(
            out[row, 0], linear + fm + deep, rtol=1e-5, atol=1e-6
        )
    assert_saves_and_loads(model, inputs, tmp_path)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="field_vocabulary_sizes"):
        build_deepfm({"user_id": 3})
    with pytest.raises(ValueError, match="'item_id'"):
        build_deepfm({"user_id": 3, "item_id": 0})
    with pytest.raises(ValueError, match="dropout"):
        build_deepfm(FIELDS, dropout=1.5)
