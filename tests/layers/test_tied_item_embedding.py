import keras
import numpy as np
import pytest

from keras_recsys.layers import TiedItemEmbedding
from keras_recsys.utils.testing import run_layer_test


def _np(x):
    return keras.ops.convert_to_numpy(x)


def test_harness_embed_mode():
    ids = np.array([[1, 2, 0], [4, 3, 3]], dtype="int32")
    run_layer_test(
        TiedItemEmbedding,
        {"input_dim": 5, "output_dim": 3, "mask_zero": True},
        ids,
        expected_output_shape=(2, 3, 3),
    )


def test_harness_logits_mode():
    vectors = np.random.normal(size=(4, 3)).astype("float32")
    target = np.zeros((4, 6), dtype="float32")
    target[:, 0] = -1e9
    run_layer_test(
        TiedItemEmbedding,
        {"input_dim": 6, "output_dim": 3},
        vectors,
        call_kwargs={"mode": "logits"},
        expected_output_shape=(4, 6),
        fit_target=target,
    )


def test_harness_candidates_mode():
    vectors = np.random.normal(size=(4, 3)).astype("float32")
    candidates = np.array([[1, 2], [3, 4], [5, 1], [2, 2]], dtype="int32")
    run_layer_test(
        TiedItemEmbedding,
        {"input_dim": 6, "output_dim": 3},
        [vectors, candidates],
        call_kwargs={"mode": "candidates"},
        expected_output_shape=(4, 2),
    )


def test_logits_against_numpy():
    layer = TiedItemEmbedding(6, 3, embeddings_initializer="random_normal")
    vectors = np.random.normal(size=(2, 4, 3)).astype("float32")
    logits = _np(layer(vectors, mode="logits"))
    table = _np(layer.embeddings)
    assert table.shape == (7, 3)  # 6 ids + the OOV row, which is never scored
    expected = np.zeros((2, 4, 6))
    for b in range(2):
        for t in range(4):
            for j in range(6):
                expected[b, t, j] = sum(
                    vectors[b, t, k] * table[j, k] for k in range(3)
                )
    expected[..., 0] = -1e9
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-5)


def test_candidates_against_numpy():
    layer = TiedItemEmbedding(6, 3, embeddings_initializer="random_normal")
    vectors = np.random.normal(size=(2, 3)).astype("float32")
    candidates = np.array([[5, 0, 2], [1, 1, 4]])
    scores = _np(layer([vectors, candidates], mode="candidates"))
    table = _np(layer.embeddings)
    for b in range(2):
        for c in range(3):
            j = candidates[b, c]
            want = -1e9 if j == 0 else float(np.dot(vectors[b], table[j]))
            np.testing.assert_allclose(scores[b, c], want, rtol=1e-5, atol=1e-5)


def test_embed_mode_shares_the_table_with_scoring():
    layer = TiedItemEmbedding(6, 3, mask_zero=True)
    ids = np.array([[0, 2, 5]])
    vectors = layer(ids)
    np.testing.assert_allclose(_np(vectors), _np(layer.embeddings)[ids])
    mask = _np(layer.compute_mask(ids))
    np.testing.assert_array_equal(mask, ids != 0)
    assert len(layer.weights) == 1


def test_mask_passes_through_scoring():
    ids = keras.Input((4,), dtype="int32")
    layer = TiedItemEmbedding(6, 3, mask_zero=True)
    logits = layer(layer(ids), mode="logits")
    assert logits.shape == (None, 4, 6)
    mask = layer.compute_mask(np.zeros((2, 4, 3), "float32"), np.ones((2, 4), bool))
    assert _np(mask).shape == (2, 4)


def test_eager_ids_out_of_range_raise():
    layer = TiedItemEmbedding(6, 3)
    with pytest.raises(ValueError, match="out of range"):
        layer(np.array([[1, 6]]))
    with pytest.raises(ValueError, match="out of range"):
        layer([np.zeros((1, 3), "float32"), np.array([[7]])], mode="candidates")


def test_invalid_mode():
    layer = TiedItemEmbedding(6, 3)
    with pytest.raises(ValueError, match="mode"):
        layer(np.array([1, 2]), mode="reverse")
    with pytest.raises(ValueError, match="candidates"):
        layer(np.zeros((1, 3), "float32"), mode="candidates")


def test_next_item_mode_scores_the_last_real_position():
    layer = TiedItemEmbedding(6, 3, mask_zero=True, embeddings_initializer="normal")
    ids = np.array([[0, 2, 5, 0], [1, 0, 0, 0]], dtype="int32")
    vectors = layer(ids)
    table = _np(layer.embeddings)[:6]
    last = _np(layer(vectors, mode="next_item"))
    expected = np.stack([table[5] @ table.T, table[1] @ table.T])
    expected[:, 0] = -1e9
    np.testing.assert_allclose(last, expected, rtol=1e-5, atol=1e-5)
    every = _np(layer(vectors, mode="next_item", training=True))
    assert every.shape == (2, 4, 6)
    np.testing.assert_allclose(every[0, 2], expected[0], rtol=1e-5, atol=1e-5)
    states = layer(vectors, mode="next_item", training=True, training_output="states")
    np.testing.assert_allclose(_np(states), _np(vectors), atol=1e-6)


def test_candidates_out_of_range_are_refused_or_never_scored():
    layer = TiedItemEmbedding(6, 3, embeddings_initializer="normal")
    vectors = np.ones((1, 3), "float32")
    with pytest.raises(ValueError, match="candidates"):
        layer([vectors, np.array([[2, 6]])], mode="candidates")
    # Inside a compiled graph the values cannot be read: -1e9, not a row.
    inputs = [keras.Input((3,)), keras.Input((3,), dtype="int32")]
    model = keras.Model(inputs, layer(inputs, mode="candidates"))
    bad = [vectors, np.array([[2, 6, -1]])]
    if keras.backend.backend() == "torch":  # PyTorch's predict runs eagerly
        with pytest.raises(ValueError, match="candidates"):
            model.predict(bad, verbose=0)
        return
    scores = model.predict(bad, verbose=0)
    np.testing.assert_allclose(scores[0, 1:], -1e9)
    assert scores[0, 0] > -1e6
