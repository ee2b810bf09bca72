"""get_layout_map, and the cross-replica options on one device (every backend)."""

import keras
import numpy as np
import pytest

import keras_recsys
from keras_recsys.utils.testing import run_layer_test
from keras_recsys.utils.testing import run_loss_test


def mesh(model_size=2):
    return keras.distribution.DeviceMesh(
        shape=(1, model_size),
        axis_names=("data", "model"),
        devices=[f"cpu:{i}" for i in range(model_size)],
    )


def two_tower(user_vocabulary=2047):
    return keras_recsys.models.build_two_tower(
        {
            "user_id": {
                "type": "id",
                "vocabulary_size": user_vocabulary,
                "embedding_dim": 4,
            }
        },
        {
            "item_id": {"type": "id", "vocabulary_size": 4095, "embedding_dim": 4},
            "genres": {"type": "id_list", "vocabulary_size": 19, "embedding_dim": 2},
        },
        hidden_units=(4,),
    )


def test_large_tables_are_row_sharded_and_small_ones_replicated():
    layout_map = keras_recsys.distribution.get_layout_map(two_tower(), mesh())
    # 2048 and 4096 rows (with the out-of-vocabulary row); genres has 20.
    assert sorted(layout_map.keys()) == [
        "^item_tower/item_id_embedding/embeddings$",
        "^user_tower/user_id_embedding/embeddings$",
    ]
    assert layout_map["item_tower/item_id_embedding/embeddings"].axes == ("model", None)
    assert layout_map["item_tower/genres_embedding/embeddings"] is None
    assert layout_map["item_tower/dense/kernel"] is None


def test_a_builder_function_gives_the_same_map_without_allocating():
    built = keras_recsys.distribution.get_layout_map(two_tower(), mesh(), min_rows=16)
    lazy = keras_recsys.distribution.get_layout_map(two_tower, mesh(), min_rows=16)
    assert sorted(built.keys()) == sorted(lazy.keys())
    assert len(lazy.keys()) == 3
    # The build without values leaves no variable queued for initialization
    # and does not move the seeds of the next build.
    keras.utils.set_random_seed(3)
    first = two_tower().get_weights()
    keras.utils.set_random_seed(3)
    keras_recsys.distribution.get_layout_map(two_tower, mesh())
    second = two_tower().get_weights()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_rows_that_do_not_split_stay_replicated_with_a_warning():
    with pytest.warns(UserWarning, match="2049 rows.*2050 rows would shard"):
        layout_map = keras_recsys.distribution.get_layout_map(
            two_tower(user_vocabulary=2048), mesh()
        )
    assert list(layout_map.keys()) == ["^item_tower/item_id_embedding/embeddings$"]


def test_top_k_retrieval_candidates_are_sharded():
    inputs = keras.Input((4,))
    index = keras_recsys.layers.TopKRetrieval(2048, k=3, name="index")
    model = keras.Model(inputs, index(inputs))
    layout_map = keras_recsys.distribution.get_layout_map(model, mesh())
    assert layout_map["index/candidates"].axes == ("model", None)
    assert layout_map["index/candidate_ids"].axes == ("model",)


def test_invalid_arguments():
    with pytest.raises(TypeError, match="device_mesh"):
        keras_recsys.distribution.get_layout_map(two_tower(), "mesh")
    with pytest.raises(ValueError, match="model_axis.*Received: model_axis='rows'"):
        keras_recsys.distribution.get_layout_map(two_tower(), mesh(), model_axis="rows")
    with pytest.raises(ValueError, match="min_rows"):
        keras_recsys.distribution.get_layout_map(two_tower(), mesh(), min_rows=0)
    with pytest.raises(ValueError, match="must be built"):
        keras_recsys.distribution.get_layout_map(keras.layers.Dense(3), mesh())
    with pytest.raises(TypeError, match="`model` must be"):
        keras_recsys.distribution.get_layout_map(3, mesh())


def reference_loss(scores, ids, temperature):
    # Plain numpy: softmax cross-entropy of the diagonal, duplicates masked.
    logits = scores / temperature
    out = []
    for i in range(len(ids)):
        row = logits[i].copy()
        row[(ids == ids[i]) & (np.arange(len(ids)) != i)] = -1e9
        row = row - row.max()
        out.append(-(row[i] - np.log(np.exp(row).sum())))
    return np.mean(out)


def test_cross_replica_is_the_plain_loss_on_one_replica():
    rng = np.random.default_rng(0)
    queries = rng.normal(size=(6, 4)).astype("float32")
    candidates = rng.normal(size=(6, 4)).astype("float32")
    ids = np.array([1, 2, 3, 2, 5, 6], "float32")
    scores = queries @ candidates.T
    run_layer_test(
        keras_recsys.layers.InBatchSimilarity,
        {"cross_replica": True},
        [queries, candidates],
        expected_output=scores,
        run_training=False,
        run_mixed_precision=False,
    )
    run_loss_test(
        keras_recsys.losses.InBatchSoftmaxLoss,
        {"temperature": 0.5, "cross_replica": True},
        ids,
        scores,
        expected=reference_loss(scores, ids, 0.5),
    )
    with pytest.raises(TypeError, match="cross_replica"):
        keras_recsys.losses.InBatchSoftmaxLoss(cross_replica=1)
    with pytest.raises(TypeError, match="cross_replica"):
        keras_recsys.layers.InBatchSimilarity(cross_replica="yes")
