import copy

import numpy as np
import pandas as pd
import pytest
from _data_frames import SETTINGS
from _data_frames import assert_partition
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


@st.composite
def frames(draw):
    num_users = draw(st.integers(3, 12))
    counts = draw(st.lists(st.integers(1, 12), min_size=num_users, max_size=num_users))
    users = np.repeat(np.arange(num_users) * 10, counts)
    items = np.concatenate([np.arange(c) for c in counts])
    df = pd.DataFrame({"user_id": users, "item_id": items})
    df.index = np.arange(len(df)) + 1000
    return df


@settings(**SETTINGS)
@given(frames(), st.integers(0, 5), st.sampled_from([0.2, 0.3, 0.5]))
def test_properties(df, seed, fraction):
    num_users = df["user_id"].nunique()
    n_val = (num_users - 1) // 2
    n_test = num_users - 1 - n_val
    before = copy.deepcopy(df)
    parts = keras_recsys.data.heldout_user_split(
        df, n_val, n_test, test_fraction=fraction, seed=seed
    )
    pd.testing.assert_frame_equal(df, before)
    assert_partition(df, parts)
    train, val_in, val_out, test_in, test_out = parts
    train_users = set(train["user_id"])
    val_users = set(val_in["user_id"]) | set(val_out["user_id"])
    test_users = set(test_in["user_id"]) | set(test_out["user_id"])
    # Held-out users never appear in training, and val/test users differ.
    assert not train_users & val_users and not train_users & test_users
    assert not val_users & test_users
    assert len(val_users) == n_val and len(test_users) == n_test
    # Each held-out user predicts floor(fraction * count) events (>= 5 events).
    counts = df["user_id"].value_counts()
    for fold_in, holdout in ((val_in, val_out), (test_in, test_out)):
        for user in set(fold_in["user_id"]) | set(holdout["user_id"]):
            c = counts[user]
            expected = int(np.floor(fraction * c + 1e-9)) if c >= 5 else 0
            assert (holdout["user_id"] == user).sum() == expected
    again = keras_recsys.data.heldout_user_split(
        df, n_val, n_test, test_fraction=fraction, seed=seed
    )
    for a, b in zip(parts, again):
        pd.testing.assert_frame_equal(a, b)


def test_too_many_heldout_users():
    df = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [1, 1, 1]})
    with pytest.raises(ValueError, match="training users"):
        keras_recsys.data.heldout_user_split(df, 2, 1, seed=0)


def test_bad_fraction():
    df = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [1, 1, 1]})
    with pytest.raises(ValueError, match="test_fraction"):
        keras_recsys.data.heldout_user_split(df, 1, 1, test_fraction=1.5)


def test_movielens_100k(ml100k_dir):
    ratings = keras_recsys.data.load_movielens("ml-100k", data_dir=ml100k_dir).ratings
    parts = keras_recsys.data.heldout_user_split(ratings, 100, 100, seed=98765)
    assert sum(len(p) for p in parts) == 100_000
    assert parts[0]["user_id"].nunique() == 743
