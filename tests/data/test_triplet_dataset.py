import keras
import numpy as np
import pandas as pd
import pytest

import keras_recsys


def pairs():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(12), 5)
    items = np.concatenate(
        [rng.choice(np.arange(1, 30), 5, replace=False) for _ in range(12)]
    )
    return users, items


def test_batches_and_fresh_negatives():
    users, items = pairs()
    ds = keras_recsys.data.TripletDataset(
        users, items, num_items=30, num_negatives=3, batch_size=16, seed=3
    )
    assert len(ds) == 4
    positives = set(zip(users.tolist(), items.tolist()))
    seen = []
    for _epoch in range(2):
        batches = [ds[i] for i in range(len(ds))]
        served = []
        for x, y in batches:
            assert x["item_id"].shape[1] == 4 and x["user_id"].shape[0] == y.shape[0]
            np.testing.assert_array_equal(y[:, 0], 1)
            assert (y[:, 1:] == 0).all()
            for u, row in zip(x["user_id"], x["item_id"]):
                assert (u, row[0]) in positives
                assert not any((u, n) in positives for n in row[1:])
                assert len(set(row[1:].tolist())) == 3 and row[1:].min() >= 1
                served.append((u, row[0]))
        # Every positive once per epoch.
        assert sorted(served) == sorted(positives)
        seen.append(np.concatenate([x["item_id"] for x, _ in batches]))
        ds.on_epoch_end()
    assert not np.array_equal(seen[0], seen[1])
    # Same seed, same batches.
    again = keras_recsys.data.TripletDataset(
        users, items, num_items=30, num_negatives=3, batch_size=16, seed=3
    )
    np.testing.assert_array_equal(again[1][0]["item_id"], _first_epoch_batch(1))


def _first_epoch_batch(index):
    users, items = pairs()
    ds = keras_recsys.data.TripletDataset(
        users, items, num_items=30, num_negatives=3, batch_size=16, seed=3
    )
    return ds[index][0]["item_id"]


def test_extra_positives_are_excluded():
    users = np.array([0, 0])
    items = np.array([1, 2])
    known = pd.DataFrame({"user_id": [0] * 5, "item_id": [3, 4, 5, 6, 7]})
    ds = keras_recsys.data.TripletDataset(
        users, items, 10, num_negatives=2, batch_size=2, positives=known, seed=0
    )
    for _epoch in range(5):
        _, _ = ds[0]
        negatives = ds[0][0]["item_id"][:, 1:]
        assert set(negatives.ravel().tolist()) <= {0, 8, 9}
        ds.on_epoch_end()


def _scores(users, items, num_users, num_items):
    u = keras_recsys.layers.IdEmbedding(num_users, 8)(users)
    v = keras_recsys.layers.IdEmbedding(num_items, 8)(items)
    return u, v


def test_fit_listwise_and_pointwise():
    users, items = pairs()
    ds = keras_recsys.data.TripletDataset(
        users, items, 30, num_negatives=4, batch_size=16, seed=0
    )
    user_in = keras.Input(shape=(), dtype="int32", name="user_id")
    item_in = keras.Input(shape=(5,), dtype="int32", name="item_id")
    u, v = _scores(user_in, item_in, 12, 30)
    logits = keras.layers.Dot(axes=(1, 2))([u, v])
    model = keras.Model({"user_id": user_in, "item_id": item_in}, logits)
    model.compile("adam", keras.losses.CategoricalCrossentropy(from_logits=True))
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    # fit calls on_epoch_end (Keras may also call it once more around its
    # first peek at the data), so each epoch gets fresh negatives.
    assert ds.epoch >= 2

    ds = keras_recsys.data.TripletDataset(
        users, items, 30, num_negatives=4, batch_size=16, seed=0, layout="pointwise"
    )
    x, y = ds[0]
    assert x["user_id"].shape == (80,) and y.shape == (80, 1)
    user_in = keras.Input(shape=(), dtype="int32", name="user_id")
    item_in = keras.Input(shape=(), dtype="int32", name="item_id")
    u, v = _scores(user_in, item_in, 12, 30)
    out = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Multiply()([u, v]))
    model = keras.Model({"user_id": user_in, "item_id": item_in}, out)
    model.compile("adam", "binary_crossentropy")
    model.fit(ds, epochs=1, verbose=0)


def test_bad_input():
    with pytest.raises(ValueError, match="same length"):
        keras_recsys.data.TripletDataset(np.array([0, 1]), np.array([1]), 5)
    with pytest.raises(ValueError, match="non-interacted"):
        keras_recsys.data.TripletDataset(
            np.array([0, 0]), np.array([0, 1]), 3, num_negatives=2
        )
    with pytest.raises(ValueError, match="layout"):
        keras_recsys.data.TripletDataset(np.array([0]), np.array([1]), 5, layout="x")
