import pandas as pd
import pytest
from _data_frames import SETTINGS
from _data_frames import checked_split
from _data_frames import interaction_frames
from _data_frames import ordered_times
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


@settings(**SETTINGS)
@given(interaction_frames(), st.sampled_from([(0.8, 0.2), (0.6, 0.2, 0.2)]))
def test_partitions_without_leakage(df, ratios):
    parts = checked_split(keras_recsys.data.temporal_split, df, ratios)
    # Nothing in a later part is older than anything in an earlier part
    # (missing times count as the oldest).
    for early, late in zip(parts[:-1], parts[1:]):
        if len(early) and len(late):
            assert ordered_times(early).max() <= ordered_times(late).min()


def test_known_cut():
    df = pd.DataFrame(
        {
            "user_id": [1, 2, 3, 4],
            "item_id": [1, 2, 3, 4],
            "timestamp": [40, 10, 30, 20],
        }
    )
    train, test = keras_recsys.data.temporal_split(df, (0.5, 0.5))
    assert train["timestamp"].tolist() == [10, 20]
    assert test["timestamp"].tolist() == [40, 30]


def test_missing_time_column():
    df = pd.DataFrame({"user_id": [1], "item_id": [1], "time": [1]})
    with pytest.raises(ValueError, match="timestamp"):
        keras_recsys.data.temporal_split(df, (0.5, 0.5))
