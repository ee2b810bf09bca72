import numpy as np
import pandas as pd
import pytest

import keras_recsys

# pandas and numpy only: runs in the TensorFlow pass, not three times.
pytestmark = pytest.mark.backend_independent


def hit_rate_at_10(scores, train, test):
    """Plain loop: is the held-out item in the top 10 of the unseen items?"""
    hits = []
    for u, held in zip(test["user_id"], test["item_id"]):
        s = scores[u].astype("float64").copy()
        s[train.get(u, [])] = -np.inf
        top = np.argsort(-s, kind="stable")[:10]
        hits.append(held in top)
    return float(np.mean(hits))


def test_shape_and_determinism():
    df = keras_recsys.data.make_synthetic(num_users=30, num_items=40, seed=3)
    assert df.columns.tolist() == ["user_id", "item_id", "rating", "timestamp"]
    # Codes 1..n-1: 0 is reserved, as in IdEncoder.
    assert sorted(df["user_id"].unique()) == list(range(1, 30))
    assert df["item_id"].min() >= 1 and df["item_id"].max() <= 39
    assert not df.duplicated(["user_id", "item_id"]).any()
    assert df.groupby("user_id").size().min() >= 3
    pd.testing.assert_frame_equal(
        df, keras_recsys.data.make_synthetic(num_users=30, num_items=40, seed=3)
    )
    assert not df.equals(keras_recsys.data.make_synthetic(30, 40, seed=4))


def test_a_good_model_beats_popularity():
    df, model = keras_recsys.data.make_synthetic(
        num_users=400, num_items=200, seed=0, return_factors=True
    )
    train, _, test = keras_recsys.data.leave_last_out(df, n_val=0)
    num_users, num_items = 400, 200
    seen = {u: g.to_numpy() for u, g in train.groupby("user_id")["item_id"]}
    popularity = np.bincount(train["item_id"], minlength=num_items)
    pop_scores = np.tile(popularity, (num_users, 1))
    assert model["item_factors"].shape[0] == num_items  # one row per code
    planted = (
        model["scores_scale"] * model["user_factors"] @ model["item_factors"].T
        + model["item_bias"]
    )
    # A quick truncated SVD of the binary training matrix (a model that only
    # sees the training data).
    m = keras_recsys.data.interaction_matrix(train, num_users, num_items).toarray()
    u, s, vt = np.linalg.svd(m, full_matrices=False)
    svd_scores = (u[:, :16] * s[:16]) @ vt[:16]
    pop = hit_rate_at_10(pop_scores, seen, test)
    assert hit_rate_at_10(planted, seen, test) > pop + 0.1
    assert hit_rate_at_10(svd_scores, seen, test) > pop + 0.05


def test_bad_arguments():
    with pytest.raises(ValueError, match="interactions_per_user"):
        keras_recsys.data.make_synthetic(
            num_users=5, num_items=10, interactions_per_user=8
        )
    with pytest.raises(ValueError, match="num_users"):
        keras_recsys.data.make_synthetic(num_users=1)
