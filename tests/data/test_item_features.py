import copy

import numpy as np
import pandas as pd
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def test_against_plain_loops():
    ratings = pd.DataFrame(
        {"user_id": [1, 2, 3], "item_id": [1, 1, 2], "rating": [4.0, 2.0, 5.0]}
    )
    items = pd.DataFrame(
        {"item_id": [1, 2, 3], "genres": [["Drama"], "Comedy|Drama", []]}
    )
    before = copy.deepcopy(items)
    out = keras_recsys.data.item_features(ratings, 4, items=items)
    pd.testing.assert_frame_equal(items, before)
    assert out["genre_names"].tolist() == ["Comedy", "Drama"]
    np.testing.assert_array_equal(out["genres"], [[0, 0], [0, 1], [1, 1], [0, 0]])
    assert out["popularity"].tolist() == pytest.approx(np.log1p([0, 2, 1, 0]))
    assert out["mean_rating"].tolist() == pytest.approx([0, 3, 5, 0])


def test_movielens_100k(ml100k_dir):
    data = keras_recsys.data.load_movielens("ml-100k", data_dir=ml100k_dir)
    out = keras_recsys.data.item_features(data.ratings, 1683, items=data.items)
    assert out["genres"].shape == (1683, 19)
    assert out["genres"].sum() == sum(len(g) for g in data.items["genres"])
    assert np.expm1(out["popularity"]).sum() == pytest.approx(100_000)
