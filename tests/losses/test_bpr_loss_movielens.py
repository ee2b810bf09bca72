"""BPRLoss trains a real model inside an ordinary `model.fit` (MovieLens-100K).

A matrix-factorization model scores one held-out positive and 50 sampled
negatives per row; it is trained with `BPRLoss` and judged with
`HitRateAtK(10)` and `NDCGAtK(10)` compiled into `fit`. Random ranking of 51
candidates gives a hit rate@10 of 10/51 = 0.196.
"""

import keras
import numpy as np
import pytest

import keras_recsys

NUM_NEGATIVES = 50


def _candidates(rng, users, positives, num_items):
    # The positive goes last: among tied scores it would rank last, so ties
    # can only make the result look worse, never better.
    negatives = rng.integers(1, num_items + 1, size=(len(users), NUM_NEGATIVES))
    candidates = np.concatenate([negatives, positives[:, None]], axis=1)
    labels = np.zeros(candidates.shape, "float32")
    labels[:, -1] = 1.0
    return {"user_id": users, "candidates": candidates.astype("int32")}, labels


@pytest.mark.slow
@pytest.mark.real_data
def test_bpr_mf_on_movielens_100k_beats_random(ml100k_dir):
    data = np.loadtxt(ml100k_dir / "u.data", dtype="int64")
    users, items, times = data[:, 0], data[:, 1], data[:, 3]
    num_users, num_items = users.max(), items.max()
    # Leave-last-out: each user's latest rating is held out.
    order = np.lexsort((times, users))
    users, items = users[order], items[order]
    last = np.r_[users[1:] != users[:-1], True]
    rng = np.random.default_rng(0)
    # A random third of the training interactions keeps the test to seconds.
    keep = np.flatnonzero(~last)
    keep = np.sort(rng.choice(keep, 30000, replace=False))
    train_x, train_y = _candidates(rng, users[keep], items[keep], num_items)
    test_x, test_y = _candidates(rng, users[last], items[last], num_items)

    user_id = keras.Input(shape=(), dtype="int32", name="user_id")
    candidates = keras.Input(
        shape=(NUM_NEGATIVES + 1,), dtype="int32", name="candidates"
    )
    user_vec = keras_recsys.layers.IdEmbedding(num_users + 1, 32)(user_id)
    item_vecs = keras_recsys.layers.IdEmbedding(num_items + 1, 32)(candidates)
    scores = keras.layers.Dot(axes=(1, 2))([user_vec, item_vecs])
    model = keras.Model({"user_id": user_id, "candidates": candidates}, scores)
    model.compile(
        optimizer=keras.optimizers.Adam(0.05),
        loss=keras_recsys.losses.BPRLoss(),
        metrics=[
            keras_recsys.metrics.HitRateAtK(10),
            keras_recsys.metrics.NDCGAtK(10),
        ],
    )
    history = model.fit(
        train_x,
        train_y,
        validation_data=(test_x, test_y),
        batch_size=2048,
        epochs=2,
        validation_freq=2,
        verbose=0,
    )
    hit_rate = history.history["val_hit_rate@10"][-1]
    ndcg = history.history["val_ndcg@10"][-1]
    assert history.history["loss"][-1] < history.history["loss"][0]
    # Random ranking: hit rate 10/51 = 0.196 and NDCG@10 about 0.09.
    assert hit_rate > 2.5 * 10 / 51, history.history
    assert ndcg > 0.2, history.history
