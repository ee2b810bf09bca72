import keras
import numpy as np
import pytest

from keras_recsys.layers import EmbeddingTower
from keras_recsys.utils.testing import run_layer_test

SPECS = {
    "user_id": {"type": "id", "vocabulary_size": 10, "embedding_dim": 4},
    "genres": {"type": "id_list", "vocabulary_size": 6, "embedding_dim": 3},
    "age": {"type": "numeric", "dim": 2},
}


def _inputs():
    return {
        "user_id": np.array([1, 9, 0, 4], dtype="int32"),
        "genres": np.array([[1, 5, 0], [2, 0, 0], [0, 0, 0], [3, 3, 4]], dtype="int32"),
        "age": np.array([[0.1, 1.0], [0.5, 0.0], [0.9, 1.0], [0.2, 0.0]], "float32"),
    }


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _reference(tower, inputs):
    """The tower's forward pass written plainly in numpy (a loop per row)."""
    user_table = _np(tower.embeddings["user_id"].embeddings)
    genre_table = _np(tower.embeddings["genres"].embeddings)
    rows = []
    for i in range(len(inputs["user_id"])):
        parts = {"user_id": user_table[inputs["user_id"][i]], "age": inputs["age"][i]}
        genre_ids = [g for g in inputs["genres"][i] if g != 0]
        parts["genres"] = (
            np.mean([genre_table[g] for g in genre_ids], axis=0)
            if genre_ids
            else np.zeros(genre_table.shape[1])
        )
        x = np.concatenate([parts[name] for name in sorted(parts)])
        for j, dense in enumerate(tower.dense_layers):
            x = x @ _np(dense.kernel) + _np(dense.bias)
            if j < len(tower.dense_layers) - 1:
                x = np.maximum(x, 0.0)
        if tower.l2_normalize:
            x = x / np.linalg.norm(x)
        rows.append(x)
    return np.stack(rows)


def test_harness_batch_norm_l2():
    run_layer_test(
        EmbeddingTower,
        {
            "feature_specs": SPECS,
            "hidden_units": (8, 4),
            "dropout": 0.1,
            "normalization": "batch",
            "l2_normalize": True,
        },
        _inputs(),
        expected_output_shape=(4, 4),
        atol=1e-4,
        rtol=1e-4,
    )


@pytest.mark.parametrize("l2_normalize", [False, True])
def test_matches_numpy_reference(l2_normalize):
    tower = EmbeddingTower(SPECS, hidden_units=(5, 3), l2_normalize=l2_normalize)
    inputs = _inputs()
    out = _np(tower(inputs))
    np.testing.assert_allclose(out, _reference(tower, inputs), atol=1e-5, rtol=1e-5)
    if l2_normalize:
        np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)


def test_no_units_concatenates_features():
    tower = EmbeddingTower(SPECS, hidden_units=())
    out = _np(tower(_inputs()))
    assert out.shape == (4, 4 + 3 + 2)
    # The all-padding genre list pools to zeros.
    np.testing.assert_allclose(out[2, 2:5], 0.0)


def test_padding_does_not_change_the_pooled_list():
    tower = EmbeddingTower(
        {"genres": {"type": "id_list", "vocabulary_size": 6, "embedding_dim": 3}},
        hidden_units=(),
    )
    short = _np(tower({"genres": np.array([[2, 4]])}))
    padded = _np(tower({"genres": np.array([[2, 0, 4, 0, 0]])}))
    np.testing.assert_allclose(short, padded, atol=1e-6)


def test_missing_and_extra_features_are_named():
    tower = EmbeddingTower(SPECS, hidden_units=(4,))
    inputs = _inputs()
    del inputs["age"]
    with pytest.raises(ValueError, match=r"missing features \['age'\]"):
        tower(inputs)
    inputs = _inputs()
    inputs["zip"] = np.zeros((4, 1), "float32")
    with pytest.raises(ValueError, match=r"unexpected features \['zip'\]"):
        tower(inputs)


def test_id_out_of_range_raises_in_eager_call():
    tower = EmbeddingTower(SPECS, hidden_units=(4,))
    inputs = _inputs()
    inputs["user_id"] = np.array([1, 10, 2, 3], dtype="int32")
    with pytest.raises(ValueError, match="user_id_embedding.*id 10"):
        tower(inputs)
    inputs = _inputs()
    inputs["genres"][0, 0] = -1
    with pytest.raises(ValueError, match="genres_embedding.*id -1"):
        tower(inputs)


def test_compiled_predict_reads_the_oov_row(backend):
    tower = EmbeddingTower(
        {"user_id": {"type": "id", "vocabulary_size": 5, "embedding_dim": 2}},
        hidden_units=(),
        embeddings_initializer="random_normal",
    )
    inputs = {"user_id": keras.Input(shape=(), dtype="int32", name="user_id")}
    model = keras.Model(inputs, tower(inputs))
    ids = np.array([1, 5, -1], dtype="int32")
    if backend == "torch":
        with pytest.raises(ValueError, match="out of range"):
            model.predict({"user_id": ids}, verbose=0)
        return
    out = model.predict({"user_id": ids}, verbose=0)
    table = _np(tower.embeddings["user_id"].embeddings)
    np.testing.assert_allclose(out[0], table[1])
    np.testing.assert_allclose(out[1], table[5])  # the reserved OOV row
    np.testing.assert_allclose(out[2], table[5])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"feature_specs": {}}, ValueError, "feature_specs"),
        ({"feature_specs": {"a": {"type": "text"}}}, ValueError, "type"),
        (
            {"feature_specs": {"a": {"type": "id", "vocabulary_size": 3}}},
            ValueError,
            "embedding_dim",
        ),
        ({"feature_specs": {"a": {"type": "numeric", "dim": 0}}}, ValueError, "dim"),
        (
            {"feature_specs": {"a": {"type": "numeric", "size": 2}}},
            ValueError,
            "unknown keys",
        ),
        ({"feature_specs": SPECS, "dropout": 1.0}, ValueError, "dropout"),
        (
            {"feature_specs": SPECS, "normalization": "group"},
            ValueError,
            "normalization",
        ),
        ({"feature_specs": SPECS, "hidden_units": (4, 0)}, ValueError, "hidden_units"),
        ({"feature_specs": SPECS, "l2_normalize": 1}, TypeError, "l2_normalize"),
    ],
)
def test_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        EmbeddingTower(**kwargs)


def test_wrong_feature_shape_is_named():
    tower = EmbeddingTower(SPECS, hidden_units=(4,))
    inputs = _inputs()
    inputs["age"] = np.zeros((4, 3), "float32")
    with pytest.raises(ValueError, match="'age'.*shape"):
        tower(inputs)
