import copy

import pandas as pd
import pytest
from _data_frames import SETTINGS
from _data_frames import interaction_frames
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def reference(df, ku, ki):
    rows = set(df.index)
    while True:
        sub = df.loc[sorted(rows)]
        uc = sub["user_id"].value_counts()
        ic = sub["item_id"].value_counts()
        keep = {
            r
            for r in rows
            if uc[df.at[r, "user_id"]] >= ku and ic[df.at[r, "item_id"]] >= ki
        }
        if keep == rows or not keep:
            return keep
        rows = keep


@settings(**SETTINGS)
@given(
    interaction_frames(max_users=5, max_items=5), st.integers(1, 4), st.integers(1, 4)
)
def test_matches_iterative_reference(df, ku, ki):
    before = copy.deepcopy(df)
    out = keras_recsys.data.filter_k_core(df, ku, ki)
    pd.testing.assert_frame_equal(df, before)
    assert set(out.index) == reference(df, ku, ki)
    if len(out):
        assert out["user_id"].value_counts().min() >= ku
        assert out["item_id"].value_counts().min() >= ki


def test_movielens_100k_is_already_a_20_core_for_users(ml100k_dir):
    ratings = keras_recsys.data.load_movielens("ml-100k", data_dir=ml100k_dir).ratings
    out = keras_recsys.data.filter_k_core(ratings, min_user_count=20, min_item_count=1)
    assert len(out) == 100_000
