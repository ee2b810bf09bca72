"""No data tool modifies the DataFrame or arrays it is given."""

import copy

import numpy as np
import pandas as pd
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent

D = keras_recsys.data


def frame():
    rng = np.random.default_rng(0)
    n = 120
    df = pd.DataFrame(
        {
            "user_id": rng.integers(1, 9, n),
            "item_id": rng.integers(1, 25, n),
            "rating": rng.integers(1, 6, n).astype("float32"),
            "timestamp": rng.integers(0, 1000, n).astype("float64"),
        }
    )
    df.loc[::7, "timestamp"] = np.nan
    df.index = np.arange(n)[::-1] * 2
    return df


def sparse_of(df):
    return D.interaction_matrix(df, 9, 25)


CALLS = {
    "drop_duplicate_interactions": lambda df: D.drop_duplicate_interactions(df),
    "fill_missing": lambda df: D.fill_missing(df, {"timestamp": "median"}),
    "remove_outliers": lambda df: D.remove_outliers(
        df, "rating", method="zscore", max_user_events=30
    ),
    "filter_k_core": lambda df: D.filter_k_core(df, 3, 3),
    "binarize": lambda df: D.binarize(df, 3, drop_negatives=False),
    "random_split": lambda df: D.random_split(df, (0.5, 0.5), seed=0),
    "temporal_split": lambda df: D.temporal_split(df),
    "leave_last_out": lambda df: D.leave_last_out(df),
    "per_user_temporal_split": lambda df: D.per_user_temporal_split(df),
    "heldout_user_split": lambda df: D.heldout_user_split(df, 2, 2, seed=0),
    "build_sequences": lambda df: D.build_sequences(df, 5),
    "interaction_matrix": lambda df: D.interaction_matrix(df, 9, 25, "rating"),
    "user_features": lambda df: D.user_features(df, 9),
    "item_features": lambda df: D.item_features(df, 25),
    "interaction_features": lambda df: D.interaction_features(
        df, np.eye(25, 4, dtype="float32"), 9
    ),
    "sample_negatives": lambda df: D.sample_negatives(
        df["user_id"].to_numpy(), df, 25, 3, seed=0
    ),
    "sampled_candidates": lambda df: D.sampled_candidates(
        np.arange(1, 9), np.ones(8, dtype=int), df, 25, 5, seed=0
    ),
    "IdEncoder": lambda df: D.IdEncoder().fit_transform(df["item_id"]),
    "TripletDataset": lambda df: D.TripletDataset(
        df["user_id"].to_numpy(), df["item_id"].to_numpy(), 25, 2, batch_size=8
    )[0],
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_dataframe_unchanged(name):
    df = frame()
    before = copy.deepcopy(df)
    CALLS[name](df)
    pd.testing.assert_frame_equal(df, before, check_exact=True)


def test_arrays_and_matrices_unchanged():
    df = frame()
    users = df["user_id"].to_numpy().copy()
    items = df["item_id"].to_numpy().copy()
    u0, i0 = users.copy(), items.copy()
    m = sparse_of(df)
    m0 = m.copy()
    lists = [np.array([3, 1, 2]), np.array([5])]
    lists0 = copy.deepcopy(lists)
    D.sample_negatives(np.array([0, 1]), lists, 10, 2, seed=0)
    D.sample_negatives(users, m, 25, 2, seed=0)
    ds = D.TripletDataset(users, items, 25, 2, batch_size=8, positives=m)
    ds[0]
    ds.on_epoch_end()
    ds[1]
    mds = D.InteractionMatrixDataset(m, batch_size=4)
    mds[0]
    seqs = np.array([[0, 1, 2]], dtype="int32")
    D.SequenceDataset(seqs, seqs.copy())[0]
    np.testing.assert_array_equal(users, u0)
    np.testing.assert_array_equal(items, i0)
    assert (m != m0).nnz == 0
    for a, b in zip(lists, lists0):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(seqs, [[0, 1, 2]])
