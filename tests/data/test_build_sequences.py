import copy

import numpy as np
import pandas as pd
import pytest
from _data_frames import SETTINGS
from _data_frames import interaction_frames
from _data_frames import time_rank_key
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def reference(df, max_len, padding):
    position = {label: i for i, label in enumerate(df.index)}
    users, seqs, targets = [], [], []
    for user in sorted(df["user_id"].unique()):
        rows = df.index[df["user_id"] == user]
        rows = sorted(
            rows, key=lambda r: (time_rank_key(df.at[r, "timestamp"]), position[r])
        )
        items = [int(df.at[r, "item_id"]) for r in rows]
        if len(items) < 2:
            continue
        inputs, nexts = items[:-1][-max_len:], items[1:][-max_len:]
        pad = [0] * (max_len - len(inputs))
        if padding == "pre":
            seqs.append(pad + inputs)
            targets.append(pad + nexts)
        else:
            seqs.append(inputs + pad)
            targets.append(nexts + pad)
        users.append(user)
    return users, seqs, targets


@settings(**SETTINGS)
@given(interaction_frames(), st.integers(1, 6), st.sampled_from(["pre", "post"]))
def test_matches_reference(df, max_len, padding):
    df = df.assign(item_id=df["item_id"] + 1)
    before = copy.deepcopy(df)
    out = keras_recsys.data.build_sequences(df, max_len, padding=padding)
    pd.testing.assert_frame_equal(df, before)
    users, seqs, targets = reference(df, max_len, padding)
    assert out["user_id"].tolist() == users
    assert out["item_sequence"].reshape(-1, max_len).tolist() == seqs
    assert out["target"].reshape(-1, max_len).tolist() == targets
    assert out["item_sequence"].dtype == np.int32


@pytest.mark.parametrize(
    "kwargs,df,match",
    [
        ({"max_len": 0}, None, "max_len"),
        (
            {"max_len": 3},
            pd.DataFrame({"user_id": [1], "item_id": [0], "timestamp": [1]}),
            "padding id",
        ),
        (
            {"max_len": 3},
            pd.DataFrame({"user_id": [1], "item": [1], "timestamp": [1]}),
            "item_id",
        ),
    ],
)
def test_bad_input(kwargs, df, match):
    if df is None:
        df = pd.DataFrame({"user_id": [1, 1], "item_id": [1, 2], "timestamp": [1, 2]})
    with pytest.raises(ValueError, match=match):
        keras_recsys.data.build_sequences(df, **kwargs)


def test_movielens_100k(ml100k_dir):
    ratings = keras_recsys.data.load_movielens("ml-100k", data_dir=ml100k_dir).ratings
    out = keras_recsys.data.build_sequences(ratings, max_len=50)
    assert out["item_sequence"].shape == (943, 50)
    # Every user has >= 20 ratings, so no row is padded at max_len 19.
    short = keras_recsys.data.build_sequences(ratings, max_len=19)
    assert (short["item_sequence"] > 0).all()
