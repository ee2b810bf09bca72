"""Tests for keras_recsys/layers/catalog_candidates.py."""

import keras
import numpy as np
import pytest

from keras_recsys.layers import CatalogCandidates
from keras_recsys.utils.testing import run_layer_test


def test_harness_grid_pairs_every_query_with_every_candidate():
    users = np.array([7, 8], "int32")
    run_layer_test(
        CatalogCandidates,
        {"features": {"item_id": ((3,), "int32")}, "grid": True},
        {"user_id": users},
        expected_output={"user_id": np.repeat(users, 3), "item_id": np.zeros(6)},
        run_training=False,  # no trainable weights
        run_mixed_precision=False,  # ids only
    )


def test_from_arrays_holds_the_values_and_saves_them(tmp_path):
    items = np.arange(10, 14)
    genres = np.arange(8, dtype="float64").reshape(4, 2)
    layer = CatalogCandidates.from_arrays({"item_id": items, "genre": genres})
    out = layer(np.zeros((5, 3)))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(out["item_id"]), items)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(out["genre"]), genres)
    grid = CatalogCandidates.from_arrays({"item_id": items}, grid=True)
    pairs = grid({"user_id": np.array([1, 2])})
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(pairs["item_id"]), np.tile(items, 2)
    )
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(pairs["user_id"]), [1, 1, 1, 1, 2, 2, 2, 2]
    )
    # Inside a saved model the candidates are weights: they load back.
    query = keras.Input((3,))
    model = keras.Model(query, layer(query)["genre"])
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(np.zeros((2, 3)), verbose=0), genres)


def test_bad_arguments():
    with pytest.raises(ValueError, match="features"):
        CatalogCandidates({})
    with pytest.raises(ValueError, match="same number of rows"):
        CatalogCandidates({"a": ((3,), "int32"), "b": ((4,), "int32")})
    with pytest.raises(TypeError, match="grid"):
        CatalogCandidates({"a": ((3,), "int32")}, grid=1)
