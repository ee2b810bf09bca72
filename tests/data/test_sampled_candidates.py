import numpy as np
import pandas as pd
import pytest
from _data_frames import SETTINGS
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


@settings(**SETTINGS)
@given(st.integers(0, 500), st.booleans())
def test_heldout_plus_never_interacted(seed, shuffle):
    rng = np.random.default_rng(seed)
    num_items = 40
    train = [
        rng.choice(num_items, size=rng.integers(1, 20), replace=False) for _ in range(6)
    ]
    held = np.array(
        [next(i for i in range(1, num_items) if i not in set(t)) for t in train]
    )
    out = keras_recsys.data.sampled_candidates(
        np.arange(6),
        held,
        train,
        num_items,
        num_negatives=15,
        seed=seed,
        shuffle=shuffle,
    )
    assert out.shape == (6, 16)
    for u, row in enumerate(out):
        assert (row == held[u]).sum() == 1
        if not shuffle:
            assert row[0] == held[u]
        negatives = [i for i in row.tolist() if i != held[u]]
        assert len(set(negatives)) == 15
        assert not set(negatives) & set(train[u].tolist())


def test_ncf_layout_on_movielens(ml100k_dir):
    ratings = keras_recsys.data.load_movielens("ml-100k", data_dir=ml100k_dir).ratings
    train, _, test = keras_recsys.data.leave_last_out(ratings, n_val=0)
    test = test.sort_values("user_id")
    out = keras_recsys.data.sampled_candidates(
        test["user_id"].to_numpy(),
        test["item_id"].to_numpy(),
        ratings,
        num_items=1683,
        num_negatives=99,
        seed=0,
    )
    assert out.shape == (943, 100)
    seen = set(zip(ratings["user_id"], ratings["item_id"]))
    users = test["user_id"].to_numpy()
    assert not any((users[r], i) in seen for r in range(943) for i in out[r, 1:])


def test_bad_input():
    with pytest.raises(ValueError, match="one item per user"):
        keras_recsys.data.sampled_candidates(
            np.array([0, 1]), np.array([1]), [np.array([2]), np.array([3])], 10
        )
    with pytest.raises(ValueError, match="non-interacted"):
        keras_recsys.data.sampled_candidates(
            np.array([0]),
            np.array([1]),
            pd.DataFrame({"user_id": [0], "item_id": [2]}),
            num_items=4,
            num_negatives=3,
        )
