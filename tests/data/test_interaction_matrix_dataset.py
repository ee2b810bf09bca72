import keras
import numpy as np
import pytest
import scipy.sparse as sp

import keras_recsys


def matrix():
    return sp.random(50, 20, density=0.2, format="csr", random_state=0, dtype="float32")


def test_rows_densified_per_batch():
    m = matrix()
    ds = keras_recsys.data.InteractionMatrixDataset(m, batch_size=16, seed=1)
    assert len(ds) == 4
    rows = []
    for i in range(len(ds)):
        x, y = ds[i]
        assert x.shape[1] == 20 and x.dtype == np.float32
        np.testing.assert_array_equal(x, y)
        rows.append(x)
    rows = np.concatenate(rows)
    # Every row exactly once (compare as multisets of rows).
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, m.toarray().tolist()))
    ordered = keras_recsys.data.InteractionMatrixDataset(
        m, target=2 * m, batch_size=16, shuffle=False
    )
    x, y = ordered[1]
    np.testing.assert_array_equal(x, m[16:32].toarray())
    np.testing.assert_array_equal(y, 2 * m[16:32].toarray())


def test_fit_autoencoder():
    ds = keras_recsys.data.InteractionMatrixDataset(matrix(), batch_size=16, seed=0)
    inputs = keras.Input(shape=(20,), name="interactions")
    out = keras.layers.Dense(20)(keras.layers.Dense(4, activation="tanh")(inputs))
    model = keras.Model(inputs, out)
    model.compile("adam", "mse")
    history = model.fit(ds, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_bad_input():
    with pytest.raises(TypeError, match="sparse"):
        keras_recsys.data.InteractionMatrixDataset(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="shape"):
        keras_recsys.data.InteractionMatrixDataset(matrix(), target=sp.eye(3))
