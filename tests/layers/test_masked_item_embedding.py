import keras
import numpy as np
import pytest

from keras_recsys.layers import MaskedItemEmbedding
from keras_recsys.utils.testing import run_layer_test


def test_harness():
    ids = np.array([[0, 3, 5, 6], [6, 1, 2, 0]])  # 6 is [MASK]
    run_layer_test(
        MaskedItemEmbedding,
        {"input_dim": 6, "output_dim": 4},
        ids,
        expected_output_shape=(2, 4, 4),
    )


def test_mask_token_reads_its_own_row_and_is_never_scored():
    items = MaskedItemEmbedding(6, 3, mask_zero=True)
    assert items.mask_token_id == 6
    ids = np.array([[0, 2, 6]])
    vectors = keras.ops.convert_to_numpy(items(ids))
    table = keras.ops.convert_to_numpy(items.embeddings)
    assert table.shape == (7, 3)
    np.testing.assert_allclose(vectors[0, 2], table[6])
    np.testing.assert_allclose(vectors[0, 1], table[2])
    mask = keras.ops.convert_to_numpy(items.compute_mask(ids))
    np.testing.assert_array_equal(mask, [[False, True, True]])
    logits = keras.ops.convert_to_numpy(items(vectors, mode="logits"))
    assert logits.shape == (1, 3, 6)  # codes 0..5: no [MASK] column
    np.testing.assert_allclose(logits[0, :, 0], -1e9)
    np.testing.assert_allclose(logits[0, 1, 1:], table[1:6] @ vectors[0, 1], rtol=1e-5)


def test_eager_call_rejects_ids_past_the_mask_token():
    items = MaskedItemEmbedding(6, 3)
    with pytest.raises(ValueError, match="out of range"):
        items(np.array([[1, 7]]))
