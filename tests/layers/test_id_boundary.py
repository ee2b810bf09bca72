"""Regressions (#13): ids at the model boundary never read another id's row."""

import keras
import numpy as np
import pytest

from keras_recsys.layers import EmbeddingTower
from keras_recsys.layers import IdEmbedding
from keras_recsys.layers import TopKRetrieval
from keras_recsys.utils.backend_utils import compile_function


def _layer():
    layer = IdEmbedding(10, 2, embeddings_initializer="random_normal")
    layer.build()
    return layer, keras.ops.convert_to_numpy(layer.embeddings)


@pytest.mark.parametrize("bad", [2**32 + 3, -(2**32) + 3, 2**31])
def test_int64_ids_beyond_int32_read_another_ids_row(bad):
    layer, table = _layer()
    with pytest.raises(ValueError, match=f"id {bad}.*input_dim=10"):
        layer(np.array([bad, 1], "int64"))
    tower = EmbeddingTower(
        {"user_id": {"type": "id", "vocabulary_size": 10, "embedding_dim": 2}}
    )
    with pytest.raises(ValueError, match=f"user_id.*id {bad}"):
        tower({"user_id": np.array([bad, 1], "int64")})
    if keras.backend.backend() == "tensorflow":
        # Only TensorFlow graphs hold int64 (JAX without x64 has none, PyTorch
        # runs eagerly): in a graph the id reads the OOV row, not row 3.
        out = compile_function(layer)(keras.ops.convert_to_tensor([bad], "int64"))
        np.testing.assert_allclose(keras.ops.convert_to_numpy(out)[0], table[10])


@pytest.mark.parametrize(
    "ids", [[2.7], [np.nan], [2.0], [True]], ids=["2.7", "nan", "2.0", "bool"]
)
def test_float_nan_and_bool_ids_are_truncated_or_accepted(ids):
    layer, _ = _layer()
    with pytest.raises(TypeError, match="`inputs` must be integer ids"):
        layer(np.array(ids))
    # Also when tracing a compiled graph (the dtype is known there).
    with pytest.raises(TypeError, match="`inputs` must be integer ids"):
        compile_function(layer)(keras.ops.convert_to_tensor(np.array(ids)))


def test_top_k_retrieval_exclude_ids_at_or_above_2_31_wrap():
    candidates = np.eye(3, dtype="float32") * np.array([1.0, 2.0, 3.0], "float32")
    # Candidate id 2**31 - 1 is the best; 2**32 + (2**31 - 1) must not hit it.
    index = TopKRetrieval.from_candidates(
        candidates, ids=np.array([5, 6, 2**31 - 1]), k=2
    )
    queries = np.ones((1, 3), "float32")
    bad = np.array([[2**32 + 2**31 - 1]], "int64")
    with pytest.raises(ValueError, match="`exclude_ids` must be candidate ids"):
        index(queries, exclude_ids=bad)
    with pytest.raises(TypeError, match="`exclude_ids` must be integer ids"):
        index(queries, exclude_ids=np.array([[6.0]]))
    if keras.backend.backend() == "tensorflow":
        scores, ids = compile_function(lambda q, e: index(q, exclude_ids=e))(
            keras.ops.convert_to_tensor(queries), keras.ops.convert_to_tensor(bad)
        )
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(ids), [[2**31 - 1, 6]])
    _, ids = index(queries, exclude_ids=np.array([[2**31 - 1]], "int64"))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(ids), [[6, 5]])
