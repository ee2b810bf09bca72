import keras
import numpy as np

from keras_recsys.layers import IdEmbedding
from keras_recsys.layers import MaskedItemPositions
from keras_recsys.utils.testing import run_layer_test


def test_harness_both_layouts():
    states = np.random.normal(size=(2, 4, 3)).astype("float32")
    run_layer_test(
        MaskedItemPositions,
        {"max_len": 4},
        [states, np.ones((2, 3), "int32")],
        expected_output_shape=(2, 3),
        expected_output=states[:, -1],
        run_training=False,
    )
    run_layer_test(
        MaskedItemPositions,
        {"max_len": 4},
        [states, np.ones((2, 4), "int32")],
        expected_output_shape=(2, 4, 3),
        expected_output=states,
        run_training=False,
    )


def test_history_layout_reads_the_last_real_position():
    ids = np.array([[0, 4, 2, 0], [4, 2, 0, 0]])
    items = IdEmbedding(5, 3, mask_zero=True)
    vectors = items(ids)
    layer = MaskedItemPositions(max_len=5)
    out = keras.ops.convert_to_numpy(
        layer([vectors, ids[:, :3]], mask=[ids != 0, None])
    )
    table = keras.ops.convert_to_numpy(items.embeddings)
    np.testing.assert_allclose(out, table[[2, 2]])
