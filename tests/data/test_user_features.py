import copy

import numpy as np
import pandas as pd
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def test_against_plain_loops():
    ratings = pd.DataFrame(
        {
            "user_id": [1, 1, 3, 3, 3],
            "item_id": [1, 2, 1, 2, 3],
            "rating": [4, 2, 5, 5, 2.0],
        }
    )
    users = pd.DataFrame(
        {
            "user_id": [1, 2, 3],
            "gender": ["M", "F", None],
            "age": [20.0, 40.0, 30.0],
        }
    )
    before = (copy.deepcopy(ratings), copy.deepcopy(users))
    out = keras_recsys.data.user_features(
        ratings, 4, users=users, categorical=("gender",), numeric=("age",)
    )
    pd.testing.assert_frame_equal(ratings, before[0])
    pd.testing.assert_frame_equal(users, before[1])
    for u in range(4):
        mine = ratings[ratings.user_id == u]
        assert out["activity"][u] == pytest.approx(np.log1p(len(mine)))
        mean = mine.rating.mean() if len(mine) else 0.0
        assert out["mean_rating"][u] == pytest.approx(mean)
    # Categories sorted (F=1, M=2), unknown and missing users 0.
    assert out["gender"].tolist() == [0, 2, 1, 0]
    assert out["age"].tolist() == pytest.approx([0, -np.sqrt(1.5), np.sqrt(1.5), 0])


def test_movielens_100k(ml100k_dir):
    data = keras_recsys.data.load_movielens("ml-100k", data_dir=ml100k_dir)
    out = keras_recsys.data.user_features(data.ratings, 944, users=data.users)
    assert out["occupation"].max() == 21  # u.occupation lists 21 occupations
    assert out["gender"][1:].min() == 1


def test_bad_ids():
    with pytest.raises(ValueError, match="outside"):
        keras_recsys.data.user_features(
            pd.DataFrame({"user_id": [5], "rating": [1.0]}), 3
        )
