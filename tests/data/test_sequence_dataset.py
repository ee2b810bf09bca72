import keras
import numpy as np
import pandas as pd
import pytest

import keras_recsys


def sequences():
    df = keras_recsys.data.make_synthetic(
        num_users=40, num_items=30, interactions_per_user=8, seed=1
    )
    df = df.assign(item_id=df["item_id"] + 1)
    return keras_recsys.data.build_sequences(df, max_len=6)


def test_batches_cover_every_sequence_once_per_epoch():
    seqs = sequences()
    ds = keras_recsys.data.SequenceDataset(seqs, batch_size=16, seed=0)
    assert len(ds) == 3
    for _ in range(2):
        xs = np.concatenate([ds[i][0] for i in range(len(ds))])
        ys = np.concatenate([ds[i][1] for i in range(len(ds))])
        key = lambda a, b: sorted(map(tuple, np.concatenate([a, b], axis=1).tolist()))  # noqa: E731
        assert key(xs, ys) == key(seqs["item_sequence"], seqs["target"])
        ds.on_epoch_end()
    ordered = keras_recsys.data.SequenceDataset(
        seqs["item_sequence"], seqs["target"], batch_size=16, shuffle=False
    )
    np.testing.assert_array_equal(ordered[0][0], seqs["item_sequence"][:16])


def test_fit():
    seqs = sequences()
    ds = keras_recsys.data.SequenceDataset(seqs, batch_size=16, seed=0)
    inputs = keras.Input(shape=(6,), dtype="int32", name="item_sequence")
    h = keras_recsys.layers.IdEmbedding(31, 8, mask_zero=True)(inputs)
    logits = keras.layers.Dense(31)(h)
    model = keras.Model(inputs, logits)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ds, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        keras_recsys.data.SequenceDataset(np.zeros(3, "int32"), np.zeros(3, "int32"))
    with pytest.raises(ValueError, match="rows"):
        keras_recsys.data.SequenceDataset(
            np.zeros((3, 2), "int32"), np.zeros((2, 2), "int32")
        )
    with pytest.raises(ValueError, match="target"):
        keras_recsys.data.SequenceDataset(pd.DataFrame().to_numpy().reshape(0, 2))
