import copy

import numpy as np
import pandas as pd
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def test_threshold():
    df = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [1, 2, 3], "rating": [5, 2, 4]})
    before = copy.deepcopy(df)
    out = keras_recsys.data.binarize(df, threshold=4)
    pd.testing.assert_frame_equal(df, before)
    assert out["item_id"].tolist() == [1, 3]
    assert out["rating"].tolist() == [1.0, 1.0]
    out = keras_recsys.data.binarize(df, threshold=4, drop_negatives=False)
    assert out["rating"].tolist() == [1.0, 0.0, 1.0]


def test_missing_ratings():
    df = pd.DataFrame({"rating": [1.0, np.nan]})
    with pytest.raises(ValueError, match="missing"):
        keras_recsys.data.binarize(df)


def test_movielens_100k_counts(ml100k_dir):
    ratings = keras_recsys.data.load_movielens("ml-100k", data_dir=ml100k_dir).ratings
    # README figures: 34,174 fours and 21,201 fives.
    assert len(keras_recsys.data.binarize(ratings, threshold=4)) == 55_375
