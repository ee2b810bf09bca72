"""Tests for keras_recsys/models/build_ease.py against a numpy reference."""

import keras
import numpy as np
import pytest
import scipy.sparse as sp

from keras_recsys.models import build_ease


def _rows(seed=0, users=30, items=8):
    return (np.random.default_rng(seed).random((users, items)) < 0.4).astype("float32")


def _reference_weights(x, lam):
    """Column by column: ridge regression of item j on the other items (the
    constraint diag(B) = 0 removes item j from its own regression)."""
    x = x.astype("float64")
    n = x.shape[1]
    weights = np.zeros((n, n))
    for j in range(n):
        others = [i for i in range(n) if i != j]
        a = x[:, others]
        weights[others, j] = np.linalg.solve(
            a.T @ a + lam * np.eye(n - 1), a.T @ x[:, j]
        )
    return weights


def test_closed_form_matches_per_item_ridge_regressions():
    x = _rows()
    original = x.copy()
    model = build_ease(x, l2_regularization=3.0)
    np.testing.assert_array_equal(x, original)  # the input is not modified
    weights = keras.ops.convert_to_numpy(model.get_layer("ease").item_weights)
    expected = _reference_weights(x, 3.0)
    np.testing.assert_allclose(weights, expected, atol=1e-5)
    scores = x[:5] @ expected
    scores[:, 0] = -1e9  # column 0 is the reserved code: never recommended
    np.testing.assert_allclose(
        model.predict(x[:5], verbose=0), scores, rtol=1e-4, atol=1e-5
    )
    sparse = build_ease(sp.csr_matrix(x), l2_regularization=3.0)
    np.testing.assert_allclose(
        sparse.predict(x[:5], verbose=0), model.predict(x[:5], verbose=0), atol=1e-6
    )


def test_saves_loads_and_stays_fixed_in_fit(tmp_path):
    x = _rows(seed=1)
    model = build_ease(x, l2_regularization=5.0)
    expected = model.predict(x, verbose=0)
    path = str(tmp_path / "ease.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, atol=1e-6)
    assert model.trainable_weights == []


def test_invalid_arguments():
    with pytest.raises(ValueError, match="l2_regularization"):
        build_ease(_rows(), l2_regularization=0.0)
    with pytest.raises(ValueError, match="interactions"):
        build_ease(np.ones(5))
