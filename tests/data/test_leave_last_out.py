import copy

import numpy as np
import pandas as pd
import pytest
from _data_frames import SETTINGS
from _data_frames import assert_partition
from _data_frames import interaction_frames
from _data_frames import time_rank_key
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def reference(df, n_test, n_val, min_train):
    """Plain per-user loop: order by (time, NaN oldest; then input position)."""
    train, val, test = [], [], []
    for _, group in df.groupby("user_id", sort=False):
        rows = list(group.index)
        pos = {label: i for i, label in enumerate(df.index)}
        rows.sort(key=lambda r: (time_rank_key(df.at[r, "timestamp"]), pos[r]))
        c = len(rows)
        spare = max(c - min_train, 0)
        k_test = min(n_test, spare)
        k_val = min(n_val, spare - k_test)
        test += rows[c - k_test :]
        val += rows[c - k_test - k_val : c - k_test]
        train += rows[: c - k_test - k_val]
    return set(train), set(val), set(test)


@settings(**SETTINGS)
@given(
    interaction_frames(),
    st.integers(0, 3),
    st.integers(0, 2),
    st.integers(0, 2),
)
def test_matches_reference(df, n_test, n_val, min_train):
    before = copy.deepcopy(df)
    parts = keras_recsys.data.leave_last_out(
        df, n_test=n_test, n_val=n_val, min_train=min_train
    )
    pd.testing.assert_frame_equal(df, before)
    assert_partition(df, parts)
    assert tuple(set(p.index) for p in parts) == reference(df, n_test, n_val, min_train)


@settings(**SETTINGS)
@given(interaction_frames())
def test_no_leakage(df):
    train, val, test = keras_recsys.data.leave_last_out(df)

    def times(part, user):
        t = part.loc[part["user_id"] == user, "timestamp"].to_numpy()
        return np.where(np.isnan(t), -np.inf, t)

    for user in df["user_id"].unique():
        earlier = np.r_[times(train, user), times(val, user)]
        later = times(test, user)
        if earlier.size and later.size:
            assert later.min() >= earlier.max()
        if times(train, user).size and times(val, user).size:
            assert times(val, user).min() >= times(train, user).max()


def test_nan_times_stay_in_training():
    df = pd.DataFrame(
        {
            "user_id": [1, 1, 1],
            "item_id": [1, 2, 3],
            "timestamp": [np.nan, 5.0, np.nan],
        }
    )
    train, val, test = keras_recsys.data.leave_last_out(df)
    assert test["item_id"].tolist() == [2]
    # Equal (here both unknown) times: the later row counts as later.
    assert val["item_id"].tolist() == [3]
    assert train["item_id"].tolist() == [1]


def test_small_users_keep_training_events():
    df = pd.DataFrame({"user_id": [1, 2, 2], "item_id": [1, 1, 2], "timestamp": 0})
    train, val, test = keras_recsys.data.leave_last_out(df, n_test=1, n_val=1)
    assert train["user_id"].tolist() == [1, 2]
    assert test["item_id"].tolist() == [2] and len(val) == 0


@pytest.mark.parametrize(
    "df,kwargs,match",
    [
        (pd.DataFrame({"user": [1], "timestamp": [1]}), {}, "user_id"),
        (pd.DataFrame({"user_id": [np.nan, 1.0], "timestamp": [1, 2]}), {}, "NaN"),
        (pd.DataFrame({"user_id": [1], "timestamp": [1]}), {"n_test": -1}, "n_test"),
        (pd.DataFrame({"user_id": [], "timestamp": []}), {}, "empty"),
    ],
)
def test_bad_input(df, kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras_recsys.data.leave_last_out(df, **kwargs)


def test_movielens_100k(ml100k_dir):
    data = keras_recsys.data.load_movielens("ml-100k", data_dir=ml100k_dir)
    train, val, test = keras_recsys.data.leave_last_out(data.ratings)
    assert len(test) == len(val) == 943
    assert len(train) == 100_000 - 2 * 943
    last = data.ratings.groupby("user_id")["timestamp"].max()
    assert (test.set_index("user_id")["timestamp"] == last.loc[test["user_id"]]).all()


def test_datetime_and_nullable_times():
    df = pd.DataFrame(
        {
            "user_id": [1, 1, 1],
            "item_id": [1, 2, 3],
            "timestamp": pd.to_datetime(["2020-01-02", "2020-01-01", None]),
        }
    )
    parts = keras_recsys.data.leave_last_out(df)
    assert [p["item_id"].tolist() for p in parts] == [[3], [2], [1]]
    df = df.assign(timestamp=pd.array([3, None, 1], dtype="Int64"))
    parts = keras_recsys.data.leave_last_out(df)
    assert [p["item_id"].tolist() for p in parts] == [[2], [3], [1]]


def test_text_times_are_rejected():
    df = pd.DataFrame({"user_id": [1], "item_id": [1], "timestamp": ["noon"]})
    with pytest.raises(ValueError, match="numbers"):
        keras_recsys.data.leave_last_out(df)
