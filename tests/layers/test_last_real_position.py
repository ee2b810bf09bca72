import keras
import numpy as np

from keras_recsys.layers import IdEmbedding
from keras_recsys.layers import LastRealPosition
from keras_recsys.utils.testing import run_layer_test


def test_harness():
    x = np.random.normal(size=(3, 4, 2)).astype("float32")
    run_layer_test(
        LastRealPosition,
        {},
        x,
        expected_output_shape=(3, 2),
        expected_output=x[:, -1],
    )


def test_reads_the_last_real_item_left_or_right_padded():
    ids = np.array([[0, 0, 4, 2], [4, 2, 0, 0], [0, 4, 2, 0], [0, 0, 0, 3]])
    items = IdEmbedding(5, 3, mask_zero=True)
    out = keras.ops.convert_to_numpy(LastRealPosition()(items(ids)))
    table = keras.ops.convert_to_numpy(items.embeddings)
    for row, id_row in zip(out, ids):
        last = [i for i in id_row if i != 0][-1]
        np.testing.assert_allclose(row, table[last])


def test_explicit_mask_and_empty_row():
    x = np.arange(24, dtype="float32").reshape(2, 4, 3)
    mask = np.array([[True, True, False, False], [False, False, False, False]])
    out = keras.ops.convert_to_numpy(LastRealPosition()(x, mask=mask))
    np.testing.assert_allclose(out[0], x[0, 1])
    np.testing.assert_allclose(out[1], x[1, 0])  # no real item: position 0


def test_in_a_functional_model():
    ids = keras.Input((4,), dtype="int32")
    out = LastRealPosition()(IdEmbedding(5, 3, mask_zero=True)(ids))
    assert out.shape == (None, 3)
