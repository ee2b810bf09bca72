import copy

import numpy as np
import pandas as pd
import pytest
from _data_frames import SETTINGS
from _data_frames import interaction_frames
from _data_frames import time_rank_key
from hypothesis import given
from hypothesis import settings

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


@settings(**SETTINGS)
@given(interaction_frames(max_users=3, max_items=3))
def test_keeps_latest_of_each_pair(df):
    before = copy.deepcopy(df)
    out = keras_recsys.data.drop_duplicate_interactions(df)
    pd.testing.assert_frame_equal(df, before)
    expected = {}
    for pos, (label, row) in enumerate(df.iterrows()):
        key = (row["user_id"], row["item_id"])
        rank = (time_rank_key(row["timestamp"]), pos)
        if key not in expected or rank >= expected[key][0]:
            expected[key] = (rank, label)
    assert sorted(out.index) == sorted(label for _, label in expected.values())
    assert list(out.index) == sorted(out.index, key=list(df.index).index)


def test_known_case():
    df = pd.DataFrame(
        {
            "user_id": [1, 1, 2],
            "item_id": [5, 5, 5],
            "rating": [3.0, 4.0, 5.0],
            "timestamp": [20, 10, np.nan],
        }
    )
    out = keras_recsys.data.drop_duplicate_interactions(df)
    assert out["rating"].tolist() == [3.0, 5.0]
    out = keras_recsys.data.drop_duplicate_interactions(df, time_col=None)
    assert out["rating"].tolist() == [4.0, 5.0]
