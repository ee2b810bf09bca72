import numpy as np
import pandas as pd
import pytest
from _data_frames import SETTINGS
from _data_frames import checked_split
from _data_frames import interaction_frames
from _data_frames import ordered_times
from _data_frames import time_rank_key
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


@settings(**SETTINGS)
@given(interaction_frames(), st.sampled_from([(0.8, 0.2), (0.5, 0.25, 0.25)]))
def test_matches_reference_and_no_leakage(df, ratios):
    parts = checked_split(keras_recsys.data.per_user_temporal_split, df, ratios)
    position = {label: i for i, label in enumerate(df.index)}
    expected = [set() for _ in ratios]
    for _, group in df.groupby("user_id"):
        rows = sorted(
            group.index,
            key=lambda r: (time_rank_key(df.at[r, "timestamp"]), position[r]),
        )
        cuts = [round(len(rows) * c) for c in np.cumsum((0.0,) + ratios)]
        cuts[-1] = len(rows)
        for k in range(len(ratios)):
            expected[k] |= set(rows[cuts[k] : cuts[k + 1]])
    assert [set(p.index) for p in parts] == expected
    for user in df["user_id"].unique():
        for early, late in zip(parts[:-1], parts[1:]):
            a = ordered_times(early[early["user_id"] == user])
            b = ordered_times(late[late["user_id"] == user])
            if a.size and b.size:
                assert b.min() >= a.max()


def test_known_case():
    df = pd.DataFrame(
        {"user_id": [1] * 5, "item_id": [1, 2, 3, 4, 5], "timestamp": [5, 4, 3, 2, 1]}
    )
    train, test = keras_recsys.data.per_user_temporal_split(df, (0.8, 0.2))
    assert test["item_id"].tolist() == [1]


def test_ratios_must_sum_to_one():
    df = pd.DataFrame({"user_id": [1], "item_id": [1], "timestamp": [1]})
    with pytest.raises(ValueError, match="sum to 1"):
        keras_recsys.data.per_user_temporal_split(df, (0.5, 0.4))
