import keras
import numpy as np
import pytest
from _towers_saving import assert_saves_and_loads

from keras_recsys.models import build_rating_model

USER = {
    "user_id": {"type": "id", "vocabulary_size": 12, "embedding_dim": 4},
    "occupation": {"type": "id", "vocabulary_size": 5, "embedding_dim": 2},
    "age": {"type": "numeric", "dim": 1},
}
ITEM = {
    "item_id": {"type": "id", "vocabulary_size": 9, "embedding_dim": 4},
    "genres": {"type": "id_list", "vocabulary_size": 6, "embedding_dim": 2},
}


def _inputs():
    return {
        "user_id": np.array([0, 11, 3], dtype="int32"),
        "occupation": np.array([4, 0, 2], dtype="int32"),
        "age": np.array([[0.2], [0.5], [0.9]], dtype="float32"),
        "item_id": np.array([8, 1, 1], dtype="int32"),
        "genres": np.array([[1, 2, 0], [5, 0, 0], [0, 0, 0]], dtype="int32"),
    }


def test_output_is_mlp_plus_biases_and_saves(tmp_path):
    model = build_rating_model(USER, ITEM, hidden_units=(6,), global_mean=3.5)
    for name in ("user_id_bias", "item_id_bias", "occupation_bias"):
        layer = model.get_layer(name)
        layer.embeddings.assign(np.random.rand(*layer.embeddings.shape))
    inputs = _inputs()
    out = model.predict(inputs, verbose=0)
    user_part = model.get_layer("user_features")({k: inputs[k] for k in USER})
    item_part = model.get_layer("item_features")({k: inputs[k] for k in ITEM})
    x = np.concatenate(
        [keras.ops.convert_to_numpy(user_part), keras.ops.convert_to_numpy(item_part)],
        axis=1,
    )
    w = lambda n, i=0: keras.ops.convert_to_numpy(model.get_layer(n).weights[i])  # noqa: E731
    h = np.maximum(x @ w("dense_0") + w("dense_0", 1), 0)
    expected = h @ w("rating") + w("rating", 1)
    for name, key in (
        ("user_id_bias", "user_id"),
        ("item_id_bias", "item_id"),
        ("occupation_bias", "occupation"),
    ):
        expected += w(name)[inputs[key]]
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(w("rating", 1), [3.5])
    assert_saves_and_loads(model, inputs, tmp_path)


def test_fits_ratings():
    model = build_rating_model(USER, ITEM, hidden_units=(8,), global_mean=3.0)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    inputs = _inputs()
    model_initial = model.predict(inputs, verbose=0)[:, 0]
    ratings = np.array([5.0, 1.0, 3.0], dtype="float32")
    # One epoch over 30 copies: 30 steps without 30 epochs of overhead.
    tiled = {k: np.concatenate([v] * 30) for k, v in inputs.items()}
    history = model.fit(tiled, np.tile(ratings, 30), batch_size=3, epochs=1, verbose=0)
    before = np.mean((model_initial - ratings) ** 2)
    after = np.mean((model.predict(inputs, verbose=0)[:, 0] - ratings) ** 2)
    assert np.isfinite(history.history["loss"][-1])
    assert after < 0.1 * before


def test_invalid_arguments():
    with pytest.raises(ValueError, match="Both have"):
        build_rating_model(USER, {"age": {"type": "numeric", "dim": 1}})
    with pytest.raises(TypeError, match="id_biases"):
        build_rating_model(USER, ITEM, id_biases="yes")
    with pytest.raises(ValueError, match="global_mean"):
        build_rating_model(USER, ITEM, global_mean=float("nan"))
