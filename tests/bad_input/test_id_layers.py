"""Bad-input probes: the layers at the id boundary and the feature layers."""

import _probes
import keras
import numpy as np
from _probes import error
from _probes import value

from keras_recsys import layers

TABLE_ROWS = np.arange(11 * 2, dtype="float32").reshape(11, 2)


def _embedding(**kwargs):
    layer = layers.IdEmbedding(10, 2, **kwargs)
    layer.build()
    layer.embeddings.assign(TABLE_ROWS)
    return layer


def _embed(ids, **kwargs):
    return _embedding(**kwargs)(ids)


CANDIDATES = np.eye(4, dtype="float32") * np.array([1.0, 2.0, 3.0, 4.0], "float32")


def _retrieve(queries, exclude_ids=None, ids=None):
    index = layers.TopKRetrieval.from_candidates(CANDIDATES, ids=ids, k=2)
    return index(queries, exclude_ids=exclude_ids)


QUERY = np.ones((1, 4), "float32")
SPECS = {
    "user_id": {"type": "id", "vocabulary_size": 5, "embedding_dim": 2},
    "genres": {"type": "id_list", "vocabulary_size": 4, "embedding_dim": 2},
    "age": {"type": "numeric", "dim": 1},
}
GOOD = {
    "user_id": np.array([1, 2]),
    "genres": np.array([[1, 0], [2, 3]]),
    "age": np.array([[0.5], [0.1]], "float32"),
}


def _tower(**changes):
    tower = layers.EmbeddingTower(SPECS, hidden_units=(2,))
    return tower({**GOOD, **changes})


def _with_candidate_ids(ids):
    return lambda: layers.TopKRetrieval.from_candidates(CANDIDATES, ids=ids, k=2)


TABLE = []
for case, ids, arg in [
    ("id_2_32_plus_3", np.array([2**32 + 3], "int64"), "inputs"),
    ("id_minus_2_32_plus_3", np.array([-(2**32) + 3], "int64"), "inputs"),
    ("id_2_31", np.array([2**31], "int64"), "inputs"),
    ("id_equal_input_dim", np.array([10]), "inputs"),
    ("id_minus_1", np.array([-1]), "inputs"),
    ("float_id_2_7", np.array([2.7]), "inputs"),
    ("float_id_integral", np.array([2.0]), "inputs"),
    ("nan_id", np.array([np.nan]), "inputs"),
    ("bool_ids", np.array([True, False]), "inputs"),
    ("string_ids", np.array(["3"]), "inputs"),
    ("float16_ids", np.array([1.0], "float16"), "inputs"),
    ("uint64_huge", np.array([2**63], "uint64"), "inputs"),
]:
    TABLE.append(error("IdEmbedding", case, lambda x=ids: _embed(x), arg))
    TABLE.append(
        error(
            "IdEmbedding",
            f"{case}_mask_zero",
            lambda x=ids: _embed(x, mask_zero=True),
            arg,
        )
    )
for case, ids in [
    ("int32", np.array([3, 0, 9], "int32")),
    ("int64", np.array([3, 0, 9], "int64")),
    ("uint8", np.array([3, 0, 9], "uint8")),
    ("two_dims", np.array([[3, 0], [9, 1]])),
    ("empty", np.zeros((0,), "int32")),
]:
    TABLE.append(value("IdEmbedding", case, lambda x=ids: _embed(x), TABLE_ROWS[ids]))
for arg, bad in [
    ("input_dim", 0),
    ("input_dim", 2.5),
    ("input_dim", "10"),
    ("output_dim", -1),
    ("mask_zero", 1),
    ("mask_zero", "yes"),
]:
    kwargs = {"input_dim": 10, "output_dim": 2, arg: bad}
    TABLE.append(
        error(
            "IdEmbedding",
            f"{arg}={bad!r}",
            lambda kw=kwargs: layers.IdEmbedding(**kw),
            arg,
        )
    )

# TopKRetrieval: scores q . c over candidates 0..3 (scores 1, 2, 3, 4).
for case, exclude, arg in [
    ("exclude_2_31", np.array([[2**31]], "int64"), "exclude_ids"),
    ("exclude_2_32_plus_3", np.array([[2**32 + 3]], "int64"), "exclude_ids"),
    ("exclude_minus_2_32", np.array([[-(2**32) + 3]], "int64"), "exclude_ids"),
    ("exclude_float", np.array([[3.0]]), "exclude_ids"),
    ("exclude_nan", np.array([[np.nan]]), "exclude_ids"),
    ("exclude_bool", np.array([[True]]), "exclude_ids"),
    ("exclude_string", np.array([["3"]]), "exclude_ids"),
    ("exclude_1d", np.array([3]), "exclude_ids"),
]:
    TABLE.append(
        error(
            "TopKRetrieval",
            case,
            lambda e=exclude: _retrieve(QUERY, exclude_ids=e),
            arg,
        )
    )
for case, queries, arg in [
    ("nan_query", np.full((1, 4), np.nan, "float32"), "inputs"),
    ("inf_query", np.full((1, 4), np.inf, "float32"), "inputs"),
    ("string_query", np.full((1, 4), "1"), "inputs"),
    ("query_1d", np.ones((4,), "float32"), "inputs"),
    ("query_wrong_dim", np.ones((1, 3), "float32"), "inputs"),
]:
    TABLE.append(error("TopKRetrieval", case, lambda q=queries: _retrieve(q), arg))
TABLE += [
    value("TopKRetrieval", "plain", lambda: _retrieve(QUERY), ([[4.0, 3.0]], [[3, 2]])),
    value(
        "TopKRetrieval",
        "exclude_best",
        lambda: _retrieve(QUERY, exclude_ids=np.array([[3, -1]])),
        ([[3.0, 2.0]], [[2, 1]]),
    ),
    value(
        "TopKRetrieval",
        "ids_near_int32_max",
        lambda: _retrieve(QUERY, ids=np.array([1, 2, 2**31 - 2, 2**31 - 1], "int64")),
        ([[4.0, 3.0]], [[2**31 - 1, 2**31 - 2]]),
    ),
    value(
        "TopKRetrieval",
        "exclude_int64_in_range",
        lambda: _retrieve(QUERY, exclude_ids=np.array([[3]], "int64")),
        ([[3.0, 2.0]], [[2, 1]]),
    ),
    error(
        "TopKRetrieval",
        "candidate_id_2_31",
        _with_candidate_ids(np.array([0, 1, 2, 2**31])),
        "ids",
    ),
    error(
        "TopKRetrieval",
        "candidate_ids_float",
        _with_candidate_ids(np.array([0.0, 1, 2, 3])),
        "ids",
    ),
    error(
        "TopKRetrieval",
        "candidate_ids_short",
        _with_candidate_ids(np.array([0, 1])),
        "ids",
    ),
    error(
        "TopKRetrieval",
        "candidates_nan",
        lambda: layers.TopKRetrieval.from_candidates(np.full((4, 2), np.nan), k=2),
        "embeddings",
    ),
    error(
        "TopKRetrieval", "k_above_candidates", lambda: layers.TopKRetrieval(4, k=5), "k"
    ),
    error("TopKRetrieval", "k_zero", lambda: layers.TopKRetrieval(4, k=0), "k"),
    error(
        "TopKRetrieval",
        "chunk_size_float",
        lambda: layers.TopKRetrieval(4, k=2, chunk_size=2.0),
        "chunk_size",
    ),
    error(
        "TopKRetrieval",
        "num_candidates_bool",
        lambda: layers.TopKRetrieval(True),
        "num_candidates",
    ),
]

# EmbeddingTower: id features go through IdEmbedding.
for case, changes, arg in [
    ("user_id_2_32_plus_1", {"user_id": np.array([2**32 + 1, 1], "int64")}, "user_id"),
    ("user_id_float", {"user_id": np.array([1.5, 2.0])}, "user_id"),
    ("user_id_nan", {"user_id": np.array([np.nan, 2.0])}, "user_id"),
    ("user_id_bool", {"user_id": np.array([True, False])}, "user_id"),
    ("user_id_string", {"user_id": np.array(["1", "2"])}, "user_id"),
    ("user_id_out_of_range", {"user_id": np.array([5, 1])}, "user_id"),
    ("genres_2_32", {"genres": np.array([[2**32, 0], [1, 2]], "int64")}, "genres"),
    ("genres_float", {"genres": np.array([[1.0, 0], [1, 2]])}, "genres"),
    ("genres_negative", {"genres": np.array([[-1, 0], [1, 2]])}, "genres"),
    ("age_nan", {"age": np.array([[np.nan], [0.1]], "float32")}, "age"),
    ("age_inf", {"age": np.array([[np.inf], [0.1]], "float32")}, "age"),
    ("age_string", {"age": np.array([["a"], ["b"]])}, "age"),
]:
    TABLE.append(error("EmbeddingTower", case, lambda c=changes: _tower(**c), arg))
TABLE += [
    error(
        "EmbeddingTower",
        "missing_feature",
        lambda: layers.EmbeddingTower(SPECS, hidden_units=(2,))(
            {"user_id": GOOD["user_id"]}
        ),
        "genres",
    ),
    error(
        "EmbeddingTower", "extra_feature", lambda: _tower(zip=np.array([1, 2])), "zip"
    ),
    error(
        "EmbeddingTower",
        "not_a_dict",
        lambda: layers.EmbeddingTower(SPECS, hidden_units=(2,))(GOOD["user_id"]),
        "dict",
    ),
    error(
        "EmbeddingTower",
        "l2_normalize_int",
        lambda: layers.EmbeddingTower(SPECS, l2_normalize=1),
        "l2_normalize",
    ),
    error(
        "EmbeddingTower",
        "dropout_one",
        lambda: layers.EmbeddingTower(SPECS, dropout=1.0),
        "dropout",
    ),
    error(
        "EmbeddingTower",
        "units_zero",
        lambda: layers.EmbeddingTower(SPECS, hidden_units=(0,)),
        "units",
    ),
    error(
        "EmbeddingTower",
        "spec_type_unknown",
        lambda: layers.EmbeddingTower({"a": {"type": "text"}}),
        "type",
    ),
    error(
        "EmbeddingTower",
        "spec_vocabulary_zero",
        lambda: layers.EmbeddingTower(
            {"a": {"type": "id", "vocabulary_size": 0, "embedding_dim": 2}}
        ),
        "vocabulary_size",
    ),
]


def _fm_reference(x):
    x = np.asarray(x, "float64")
    return 0.5 * ((x.sum(1) ** 2) - (x**2).sum(1)).sum(-1, keepdims=True)


FIELDS = np.arange(12, dtype="float32").reshape(2, 3, 2) / 10.0
TABLE += [
    value(
        "FactorizationMachine",
        "plain",
        lambda: layers.FactorizationMachine()(FIELDS),
        _fm_reference(FIELDS),
    ),
    value(
        "FactorizationMachine",
        "one_field",
        lambda: layers.FactorizationMachine()(FIELDS[:, :1]),
        np.zeros((2, 1)),
    ),
    error(
        "FactorizationMachine",
        "rank_2",
        lambda: layers.FactorizationMachine()(FIELDS[:, 0]),
        "shape",
    ),
    error(
        "FactorizationMachine",
        "reduce_sum_int",
        lambda: layers.FactorizationMachine(reduce_sum=1),
        "reduce_sum",
    ),
    error(
        "FactorizationMachine",
        "reduce_sum_none",
        lambda: layers.FactorizationMachine(reduce_sum=None),
        "reduce_sum",
    ),
    error(
        "CrossNetwork",
        "num_layers_zero",
        lambda: layers.CrossNetwork(num_layers=0),
        "num_layers",
    ),
    error(
        "CrossNetwork",
        "num_layers_float",
        lambda: layers.CrossNetwork(num_layers=1.5),
        "num_layers",
    ),
    error(
        "CrossNetwork",
        "projection_dim_zero",
        lambda: layers.CrossNetwork(projection_dim=0),
        "projection_dim",
    ),
    error(
        "CrossNetwork",
        "use_bias_string",
        lambda: layers.CrossNetwork(use_bias="no"),
        "use_bias",
    ),
    error(
        "InBatchSimilarity",
        "cross_replica_int",
        lambda: layers.InBatchSimilarity(cross_replica=0),
        "cross_replica",
    ),
    value(
        "InBatchSimilarity",
        "plain",
        lambda: layers.InBatchSimilarity()([FIELDS[:, 0], FIELDS[:, 1]]),
        np.asarray(FIELDS[:, 0], "float64") @ np.asarray(FIELDS[:, 1], "float64").T,
    ),
]


@_probes.parametrize(TABLE)
def test_probe(probe):
    _probes.check(probe)


def test_builder_inputs_cast_before_the_layers_so_ids_are_checked_first():
    # keras.Input(dtype="int32") casts what `predict` receives before any
    # layer runs: an int64 id of 2**32 + 3 reaches IdEmbedding as 3. The
    # check at the model boundary sees the raw ids.
    from keras_recsys.utils.validation import check_model_ids

    user = keras.Input(shape=(), dtype="int32", name="user_id")
    model = keras.Model(user, _embedding()(user))
    ids = np.array([2**32 + 3], "int64")
    assert keras.backend.standardize_dtype(model.inputs[0].dtype) == "int32"
    for bad, error_class in ((ids, ValueError), (np.array([2.7]), TypeError)):
        try:
            check_model_ids(model, {"user_id": bad})
        except error_class as e:
            assert "user_id" in str(e)
        else:
            raise AssertionError(f"check_model_ids accepted {bad!r}")
    check_model_ids(model, {"user_id": np.array([3], "int64")})
