import numpy as np
import pandas as pd
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def test_maps_to_one_based_codes_in_sorted_order():
    values = np.array([30, 10, 20, 10, 30])
    before = values.copy()
    encoder = keras_recsys.data.IdEncoder()
    codes = encoder.fit_transform(values)
    np.testing.assert_array_equal(values, before)
    # Reference: position in the sorted distinct ids, plus one.
    distinct = sorted(set(values.tolist()))
    np.testing.assert_array_equal(codes, [distinct.index(v) + 1 for v in values])
    assert encoder.vocabulary_size == 4
    np.testing.assert_array_equal(encoder.transform([20, 99]), [2, 0])
    np.testing.assert_array_equal(encoder.inverse_transform(codes), values)


def test_strings_and_save_load(tmp_path):
    encoder = keras_recsys.data.IdEncoder().fit(pd.Series(["b", "a", "c"]))
    path = tmp_path / "vocab.json"
    encoder.save(path)
    loaded = keras_recsys.data.IdEncoder.load(path)
    np.testing.assert_array_equal(loaded.transform(["c", "a", "x"]), [3, 1, 0])
    assert loaded.inverse_transform(np.array([2])).tolist() == ["b"]
    ints = keras_recsys.data.IdEncoder().fit(np.array([5, 1, 9]))
    ints.save(path)
    loaded = keras_recsys.data.IdEncoder.load(path)
    np.testing.assert_array_equal(loaded.transform(np.array([9, 5, 1])), [3, 2, 1])
    assert loaded.inverse_transform(np.array([3]))[0] == 9


def test_errors():
    encoder = keras_recsys.data.IdEncoder(unknown="error").fit([1, 2])
    with pytest.raises(ValueError, match="not in the vocabulary"):
        encoder.transform([3])
    with pytest.raises(ValueError, match="padding"):
        encoder.inverse_transform(np.array([0]))
    with pytest.raises(ValueError, match="missing"):
        keras_recsys.data.IdEncoder().fit([1.0, np.nan])
    with pytest.raises(ValueError, match="empty"):
        keras_recsys.data.IdEncoder().fit([])
    with pytest.raises(ValueError, match="not fitted"):
        keras_recsys.data.IdEncoder().transform([1])
    with pytest.raises(ValueError, match="unknown"):
        keras_recsys.data.IdEncoder(unknown="drop")


def test_movielens_100k(ml100k_dir):
    ratings = keras_recsys.data.load_movielens("ml-100k", data_dir=ml100k_dir).ratings
    users = keras_recsys.data.IdEncoder().fit(ratings["user_id"])
    items = keras_recsys.data.IdEncoder().fit(ratings["item_id"])
    assert users.vocabulary_size == 944 and items.vocabulary_size == 1683
    # ML-100K ids are already 1..943 and 1..1682, so codes equal ids.
    np.testing.assert_array_equal(
        items.transform(ratings["item_id"]), ratings["item_id"]
    )
