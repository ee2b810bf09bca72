"""Tests for keras_recsys/models/add_catalog_scores.py."""

import keras
import numpy as np
import pytest

import keras_recsys

USERS, ITEMS = 6, 9


def test_pair_model_scores_every_pair(tmp_path):
    ncf = keras_recsys.models.build_ncf(
        USERS, ITEMS, embedding_dim=4, hidden_units=(4,)
    )
    model = keras_recsys.models.add_catalog_scores(ncf, {"item_id": np.arange(ITEMS)})
    users = np.array([0, 3, 5])
    out = model.predict({"user_id": users, "item_id": np.array([1, 2, 3])}, verbose=0)
    # Reference: the pair model on the list of every (user, item) pair.
    pairs = np.array([(u, j) for u in users for j in range(ITEMS)])
    flat = ncf.predict({"user_id": pairs[:, 0], "item_id": pairs[:, 1]}, verbose=0)
    expected = flat.reshape(len(users), ITEMS)
    expected[:, 0] = -1e9  # code 0 is reserved: never recommended
    np.testing.assert_allclose(out["catalog"], expected, rtol=1e-5, atol=1e-6)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    again = loaded.predict(
        {"user_id": users, "item_id": np.array([1, 2, 3])}, verbose=0
    )
    np.testing.assert_allclose(again["catalog"], out["catalog"], rtol=1e-6)


def test_two_tower_scores_the_catalog_with_the_current_item_tower():
    retrieval = keras_recsys.models.build_two_tower(
        {"user_id": {"type": "id", "vocabulary_size": USERS, "embedding_dim": 4}},
        {"item_id": {"type": "id", "vocabulary_size": ITEMS, "embedding_dim": 4}},
        hidden_units=(4,),
    )
    user_model, item_model = (
        retrieval.get_layer("user_tower"),
        retrieval.get_layer("item_tower"),
    )
    model = keras_recsys.models.add_catalog_scores(
        retrieval, {"item_id": np.arange(ITEMS)}
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.1),
        loss={"scores": keras_recsys.losses.InBatchSoftmaxLoss(), "catalog": None},
        metrics={"catalog": [keras_recsys.metrics.HitRateAtK(3)]},
    )
    x = {"user_id": np.arange(USERS), "item_id": np.arange(USERS)}
    model.fit(x, {"scores": x["item_id"], "catalog": x["item_id"]}, verbose=0)
    # After training, the catalog output uses the trained item tower.
    users = user_model.predict({"user_id": np.arange(USERS)}, verbose=0)
    items = item_model.predict({"item_id": np.arange(ITEMS)}, verbose=0)
    got = model.predict(x, verbose=0)["catalog"]
    expected = users @ items.T
    expected[:, 0] = -1e9
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_only_the_reserved_candidates_are_masked():
    ncf = keras_recsys.models.build_ncf(USERS, ITEMS, embedding_dim=4)
    candidates = np.array([3, 0, 5])
    model = keras_recsys.models.add_catalog_scores(ncf, {"item_id": candidates})
    users = np.array([1, 2])
    out = model.predict({"user_id": users, "item_id": np.array([1, 2])}, verbose=0)
    flat = ncf.predict(
        {"user_id": np.repeat(users, 3), "item_id": np.tile(candidates, 2)}, verbose=0
    ).reshape(2, 3)
    np.testing.assert_allclose(out["catalog"][:, [0, 2]], flat[:, [0, 2]], rtol=1e-5)
    np.testing.assert_array_equal(out["catalog"][:, 1], -1e9)


def test_bad_arguments():
    ncf = keras_recsys.models.build_ncf(USERS, ITEMS, embedding_dim=4)
    with pytest.raises(ValueError, match="not inputs of the model"):
        keras_recsys.models.add_catalog_scores(ncf, {"movie": np.arange(3)})
    with pytest.raises(ValueError, match="candidates"):
        keras_recsys.models.add_catalog_scores(ncf, {})
    with pytest.raises(TypeError, match="keras.Model"):
        keras_recsys.models.add_catalog_scores(lambda x: x, {"item_id": [1]})
