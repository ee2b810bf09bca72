import keras
import numpy as np
import pytest

from keras_recsys.layers import TopKRetrieval
from keras_recsys.utils.testing import run_layer_test


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _reference(queries, candidates, ids, k, exclude=None):
    """Full score matrix, excluded ids dropped, sorted per row with numpy."""
    scores = queries.astype("float64") @ candidates.astype("float64").T
    out_scores, out_ids = [], []
    for i, row in enumerate(scores):
        keep = np.ones(len(ids), bool)
        if exclude is not None:
            keep &= ~np.isin(ids, exclude[i])
        order = np.argsort(-row[keep], kind="stable")[:k]
        out_scores.append(row[keep][order])
        out_ids.append(ids[keep][order])
    return np.array(out_scores), np.array(out_ids)


def test_harness():
    run_layer_test(
        TopKRetrieval,
        {"num_candidates": 20, "k": 3, "chunk_size": 8},
        np.random.rand(4, 5).astype("float32"),
        expected_output_shape=((4, 3), (4, 3)),
        run_training=False,  # no trainable weights
    )


@pytest.mark.parametrize("chunk_size", [1, 7, 50, 1000])
def test_matches_full_sort(chunk_size):
    rng = np.random.default_rng(0)
    candidates = rng.normal(size=(50, 6)).astype("float32")
    ids = rng.permutation(1000)[:50]
    queries = rng.normal(size=(9, 6)).astype("float32")
    index = TopKRetrieval.from_candidates(candidates, ids, k=5, chunk_size=chunk_size)
    scores, got_ids = index(queries)
    ref_scores, ref_ids = _reference(queries, candidates, ids, 5)
    np.testing.assert_array_equal(_np(got_ids), ref_ids)
    np.testing.assert_allclose(_np(scores), ref_scores, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("chunk_size", [4, 64])
def test_excluded_ids_are_never_returned(chunk_size):
    rng = np.random.default_rng(1)
    candidates = rng.normal(size=(40, 4)).astype("float32")
    ids = np.arange(40) + 100
    queries = rng.normal(size=(6, 4)).astype("float32")
    full_scores = queries @ candidates.T
    # Exclude each query's 3 best ids (the worst case) plus padding -1.
    best = ids[np.argsort(-full_scores, axis=1)[:, :3]]
    exclude = np.concatenate([best, -np.ones((6, 2), int)], axis=1)
    index = TopKRetrieval.from_candidates(candidates, ids, k=4, chunk_size=chunk_size)
    scores, got_ids = index(queries, exclude_ids=exclude)
    ref_scores, ref_ids = _reference(queries, candidates, ids, 4, exclude)
    np.testing.assert_array_equal(_np(got_ids), ref_ids)
    np.testing.assert_allclose(_np(scores), ref_scores, rtol=1e-5, atol=1e-5)


def test_too_many_exclusions_give_minus_one():
    candidates = np.eye(3, dtype="float32")
    index = TopKRetrieval.from_candidates(candidates, k=3, chunk_size=2)
    scores, ids = index(np.ones((1, 3), "float32"), exclude_ids=np.array([[0, 2]]))
    assert _np(ids).tolist() == [[1, -1, -1]]
    assert np.isneginf(_np(scores)[0, 1:]).all()


def test_candidates_are_saved_with_the_model(tmp_path):
    rng = np.random.default_rng(2)
    candidates = rng.normal(size=(30, 4)).astype("float32")
    index = TopKRetrieval.from_candidates(
        candidates, np.arange(30) * 7, k=3, chunk_size=8
    )
    inputs = keras.Input(shape=(4,))
    exclude = keras.Input(shape=(2,), dtype="int32")
    model = keras.Model([inputs, exclude], index(inputs, exclude_ids=exclude))
    queries = rng.normal(size=(5, 4)).astype("float32")
    ex = np.array([[0, 7]] * 5, dtype="int32")
    before = model.predict([queries, ex], verbose=0)
    path = str(tmp_path / "index.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    after = loaded.predict([queries, ex], verbose=0)
    np.testing.assert_array_equal(after[1], before[1])
    np.testing.assert_allclose(after[0], before[0])
    ref_scores, ref_ids = _reference(queries, candidates, np.arange(30) * 7, 3, ex)
    np.testing.assert_array_equal(after[1], ref_ids)


def test_from_model():
    tower = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
    features = np.random.rand(12, 3).astype("float32")
    index = TopKRetrieval.from_model(tower, features, ids=np.arange(12) + 1, k=2)
    np.testing.assert_allclose(
        _np(index.candidates), tower.predict(features, verbose=0), rtol=1e-6
    )
    assert _np(index.candidate_ids).tolist() == list(range(1, 13))


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"num_candidates": 0}, ValueError),
        ({"num_candidates": 5, "k": 6}, ValueError),
        ({"num_candidates": 5, "k": 0}, ValueError),
        ({"num_candidates": 5, "chunk_size": 0}, ValueError),
    ],
)
def test_invalid_arguments(kwargs, error):
    with pytest.raises(error, match="num_candidates|k|chunk_size"):
        TopKRetrieval(**kwargs)


def test_set_candidates_checks_shapes():
    index = TopKRetrieval(4, k=2)
    with pytest.raises(ValueError, match="num_candidates=4"):
        index.set_candidates(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="ids"):
        index.set_candidates(np.zeros((4, 2)), ids=np.arange(5))
    with pytest.raises(ValueError, match="finite"):
        index.set_candidates(np.full((4, 2), np.nan))
    index.set_candidates(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="dim 2"):
        index.set_candidates(np.zeros((4, 3)))


@pytest.mark.parametrize("big", [2**31, 2**32 + 3, -(2**31) - 1])
def test_ids_beyond_int32_are_rejected_not_wrapped(big):
    # Stored as int32, 2**32 + 3 used to come back as id 3.
    index = TopKRetrieval(3, k=1)
    with pytest.raises(ValueError, match="fit in int32"):
        index.set_candidates(np.eye(3), ids=np.array([0, 1, big], dtype="int64"))
