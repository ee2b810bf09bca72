import keras
import numpy as np
import pytest
from _feature_specs import tower_specs
from _towers_saving import assert_saves_and_loads

import keras_recsys
from keras_recsys.models import build_two_tower

USER, ITEM = tower_specs(num_users=20, num_items=15, embedding_dim=6, genre_dim=3)


def _batch(n=8, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "user_id": rng.integers(0, 20, n).astype("int32"),
        "age": rng.random((n, 1)).astype("float32"),
        "item_id": rng.integers(0, 15, n).astype("int32"),
        "genres": rng.integers(0, 5, (n, 3)).astype("int32"),
    }


def test_scores_are_user_item_dot_products_and_save(tmp_path):
    retrieval = build_two_tower(USER, ITEM, hidden_units=(8, 4))
    user_model, item_model = (
        retrieval.get_layer("user_tower"),
        retrieval.get_layer("item_tower"),
    )
    batch = _batch()
    scores = retrieval.predict(batch, verbose=0)
    users = user_model.predict({k: batch[k] for k in USER}, verbose=0)
    items = item_model.predict({k: batch[k] for k in ITEM}, verbose=0)
    assert scores.shape == (8, 8)
    np.testing.assert_allclose(np.linalg.norm(users, axis=1), 1.0, atol=1e-5)
    expected = np.array([[users[i] @ items[j] for j in range(8)] for i in range(8)])
    np.testing.assert_allclose(scores, expected, atol=1e-5)
    assert_saves_and_loads(retrieval, batch, tmp_path)
    assert_saves_and_loads(user_model, {k: batch[k] for k in USER}, tmp_path)
    assert_saves_and_loads(item_model, {k: batch[k] for k in ITEM}, tmp_path)


def test_item_model_becomes_an_index():
    retrieval = build_two_tower(USER, ITEM, hidden_units=(8, 4))
    user_model, item_model = (
        retrieval.get_layer("user_tower"),
        retrieval.get_layer("item_tower"),
    )
    catalog = {
        "item_id": np.arange(15, dtype="int32"),
        "genres": np.zeros((15, 3), "int32"),
    }
    index = keras_recsys.layers.TopKRetrieval.from_model(item_model, catalog, k=3)
    items = item_model.predict(catalog, verbose=0)
    user = user_model.predict(
        {"user_id": np.array([4]), "age": np.array([[0.5]], "float32")}, verbose=0
    )
    _, ids = index(user)
    expected = np.argsort(-(user @ items.T)[0], kind="stable")[:3]
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(ids)[0], expected)


def test_shared_and_missing_feature_names():
    with pytest.raises(ValueError, match=r"Both have \['user_id'\]"):
        build_two_tower(USER, {"user_id": USER["user_id"]})
    retrieval = build_two_tower(USER, ITEM, hidden_units=(4,))
    batch = _batch()
    del batch["genres"]
    with pytest.raises(ValueError, match="genres"):
        retrieval.predict(batch, verbose=0)
