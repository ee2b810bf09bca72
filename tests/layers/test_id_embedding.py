import keras
import numpy as np
import pytest

from keras_recsys.layers import IdEmbedding
from keras_recsys.utils.testing import run_layer_test


def test_harness():
    ids = np.array([[1, 2, 0], [4, 3, 3]], dtype="int32")
    run_layer_test(
        IdEmbedding,
        {"input_dim": 5, "output_dim": 3},
        ids,
        expected_output_shape=(2, 3, 3),
    )


def test_reads_the_rows_of_its_ids():
    layer = IdEmbedding(6, 2)
    ids = np.array([[0, 5], [3, 3]])
    out = keras.ops.convert_to_numpy(layer(ids))
    table = keras.ops.convert_to_numpy(layer.embeddings)
    assert table.shape == (7, 2)  # 6 ids + the OOV row
    np.testing.assert_allclose(out, table[ids])


@pytest.mark.parametrize("bad", [-1, 6, 100])
def test_eager_call_rejects_ids_out_of_range(bad):
    layer = IdEmbedding(6, 2)
    with pytest.raises(ValueError, match=f"id {bad}.*input_dim=6"):
        layer(np.array([1, bad]))


def test_float_ids_must_be_integral():
    # A float dtype is refused (even 2.0): 2.7 would be truncated to id 2.
    layer = IdEmbedding(6, 2)
    for ids in ([1.5, 2.0], [np.nan, 2.0], [2.0, 1.0], [True, False]):
        with pytest.raises(TypeError, match="`inputs` must be integer ids"):
            layer(np.array(ids))


def test_compiled_predict_routes_bad_ids_to_the_oov_row(backend):
    layer = IdEmbedding(6, 2, embeddings_initializer="random_normal")
    inputs = keras.Input(shape=(), dtype="int32")
    model = keras.Model(inputs, layer(inputs))
    table = keras.ops.convert_to_numpy(layer.embeddings)
    ids = np.array([2, -1, 6, 1000], dtype="int32")
    if backend == "torch":
        # PyTorch runs eagerly: the error is raised instead.
        with pytest.raises(ValueError, match="out of range"):
            model.predict(ids, verbose=0)
        return
    out = model.predict(ids, verbose=0, batch_size=4)
    np.testing.assert_allclose(out[0], table[2])
    for row in out[1:]:
        np.testing.assert_allclose(row, table[6])  # the OOV row
    assert np.isfinite(out).all()


def test_mask_zero():
    layer = IdEmbedding(6, 2, mask_zero=True)
    ids = np.array([[0, 0, 3], [1, 2, 3]])
    mask = keras.ops.convert_to_numpy(layer.compute_mask(ids))
    np.testing.assert_array_equal(mask, ids != 0)
    assert layer.supports_masking


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"input_dim": 0, "output_dim": 2}, ValueError),
        ({"input_dim": 3, "output_dim": -1}, ValueError),
        ({"input_dim": 3.5, "output_dim": 2}, TypeError),
        ({"input_dim": 3, "output_dim": 2, "mask_zero": "yes"}, TypeError),
    ],
)
def test_invalid_arguments(kwargs, error):
    with pytest.raises(error, match="input_dim|output_dim|mask_zero"):
        IdEmbedding(**kwargs)
