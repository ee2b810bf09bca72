import keras
import numpy as np
import pytest

from keras_recsys.layers import AppendMaskToken
from keras_recsys.utils.testing import run_layer_test


def _numpy_append(ids, token):
    out = []
    for row in ids:
        real = list(np.flatnonzero(row))
        new = list(row) + [0]
        new[real[-1] + 1 if real else 0] = token
        out.append(new)
    return np.array(out)


def test_harness():
    ids = np.array([[0, 3, 5], [3, 5, 0], [0, 0, 0], [1, 2, 4]])
    run_layer_test(
        AppendMaskToken,
        {"mask_token_id": 9, "max_len": 4},
        ids,
        expected_output_shape=(4, 4),
        expected_output=_numpy_append(ids, 9),
        run_training=False,
        run_mixed_precision=False,
    )


def test_masked_layout_passes_unchanged():
    ids = np.array([[3, 9, 5, 0], [0, 9, 9, 1]])
    out = keras.ops.convert_to_numpy(AppendMaskToken(9, max_len=4)(ids))
    np.testing.assert_array_equal(out, ids)


def test_random_histories_against_numpy():
    rng = np.random.default_rng(0)
    ids = rng.integers(1, 9, size=(20, 5))
    for r, n in enumerate(rng.integers(0, 6, size=20)):
        ids[r, : 5 - n] = 0 if r % 2 else ids[r, : 5 - n]
        if not r % 2:
            ids[r, n:] = 0
    out = keras.ops.convert_to_numpy(AppendMaskToken(9, max_len=8)(ids))
    np.testing.assert_array_equal(out, _numpy_append(ids, 9))


def test_invalid():
    with pytest.raises(ValueError, match="mask_token_id"):
        AppendMaskToken(0, max_len=3)
    with pytest.raises(ValueError, match="max_len=3"):
        AppendMaskToken(5, max_len=3)(np.ones((1, 4), "int32"))
