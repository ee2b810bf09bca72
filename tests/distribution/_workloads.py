"""Trains SASRec, two-tower and Mult-VAE on one device and under a strategy.

Run as a script (the multi-device tests start it in a subprocess, because
virtual devices must be set up before the backend initialises):

    python tests/distribution/_workloads.py jax
    python tests/distribution/_workloads.py tensorflow
    TF_CONFIG=... python tests/distribution/_workloads.py multi_worker

It prints one JSON line `RESULT {...}`: for each setting ("single", and
"data_parallel", "model_parallel", "mirrored" or "multi_worker") and each
model, the training loss after the fixed number of steps (evaluated on the
whole training set once training is done), the per-epoch losses, NDCG@10,
and for the model-parallel run the number of rows of the item table that
each device holds.
"""

import contextlib
import json
import os
import sys

ENGINE = sys.argv[1] if len(sys.argv) > 1 else "jax"
NUM_DEVICES = 4
# Same global batch and seed in every setting.
SEED = 7
EPOCHS = 3

if ENGINE == "jax":
    os.environ["KERAS_BACKEND"] = "jax"
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "")
        + f" --xla_force_host_platform_device_count={NUM_DEVICES}"
    )
else:
    os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_recsys  # noqa: E402

NUM_USERS = 256
NUM_ITEMS = 62  # SASRec's table then has 64 rows (padding and OOV rows).
MAX_LEN = 8
BATCH = 32


def sasrec_data():
    rng = np.random.default_rng(0)
    # Each user walks the catalog in strides of 1 or 2: the next item is
    # predictable from the sequence.
    starts = rng.integers(1, NUM_ITEMS + 1, NUM_USERS)
    strides = rng.integers(1, 3, NUM_USERS)
    steps = np.arange(MAX_LEN + 1)
    walks = (starts[:, None] - 1 + strides[:, None] * steps) % NUM_ITEMS + 1
    return walks[:, :-1].astype("int32"), walks[:, -1].astype("int32")


def two_tower_data():
    rng = np.random.default_rng(1)
    users = rng.integers(0, NUM_USERS, 8 * BATCH * 2).astype("int32")
    # A user prefers the items of its group of eight.
    items = ((users % 8) * 8 + rng.integers(0, 8, users.size)).astype("int32")
    return users, items


def vae_data():
    rng = np.random.default_rng(2)
    # Item codes 1..64 (column 0 is the reserved code, never an item).
    rows = np.zeros((NUM_USERS, 65), "float32")
    held_out = []
    for u in range(NUM_USERS):
        group = 1 + np.arange(16) + 16 * (u % 4)
        picked = rng.choice(group, 8, replace=False)
        rows[u, picked[:6]] = 1.0
        held_out.append(picked[6:])
    return rows, held_out


def ndcg(scorer, queries, targets, exclude=None, num_items=None):
    result = keras_recsys.evaluation.evaluate_topk(
        scorer,
        queries,
        targets,
        exclude=exclude,
        num_items=num_items,
        metrics=("ndcg",),
        ks=(10,),
        batch_size=64,
        verbose=0,
    )
    return float(result["ndcg@10"])


def fit(model, x, y, loss):
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss=loss)
    if ENGINE == "multi_worker":
        # Keras 3.15's fit fails under MultiWorkerMirroredStrategy; the same
        # train_step runs through strategy_fit on global batches, which
        # tf.distribute shards over the workers.
        import tensorflow as tf

        data = tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH)
        history = keras_recsys.distribution.strategy_fit(model, data, epochs=EPOCHS)
        # Keras losses divide by the number of replicas inside a strategy's
        # scope (each replica's share of the global mean): undo it.
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        values = [
            replicas * float(model.loss(y[i * BATCH : (i + 1) * BATCH], model(x_b)))
            for i, x_b in enumerate(batches(x))
        ]
        return {"epoch_losses": history["loss"], "loss": float(np.mean(values))}
    else:
        history = model.fit(
            x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0
        )
        final = model.evaluate(x, y, batch_size=BATCH, verbose=0)
    return {"epoch_losses": history.history["loss"], "loss": float(final)}


def batches(x):
    """Yields the training batches of `x` (an array or a dict of arrays)."""
    size = len(next(iter(x.values())) if isinstance(x, dict) else x)
    for start in range(0, size, BATCH):
        if isinstance(x, dict):
            yield {k: v[start : start + BATCH] for k, v in x.items()}
        else:
            yield x[start : start + BATCH]


def build_sasrec():
    return keras_recsys.models.build_sasrec(
        num_items=NUM_ITEMS + 1,  # the id table: codes 1..NUM_ITEMS, 0 = padding
        max_len=MAX_LEN,
        embedding_dim=16,
        num_blocks=1,
        dropout=0.0,
    )


def build_two_tower(cross_replica=False):
    return keras_recsys.models.build_two_tower(
        # 512 and 128 rows with the out-of-vocabulary row: both shard.
        {"user_id": {"type": "id", "vocabulary_size": 511, "embedding_dim": 15}},
        {"item_id": {"type": "id", "vocabulary_size": 127, "embedding_dim": 15}},
        hidden_units=(16,),
        cross_replica=cross_replica,
    )


def build_mult_vae():
    return keras_recsys.models.build_mult_vae(
        65, hidden_units=(32,), latent_dim=8, dropout=0.0, seed=SEED
    )


def run_sasrec():
    x, y = sasrec_data()
    model = build_sasrec()
    out = fit(model, x, y, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    out["ndcg"] = ndcg(model, x, y)
    out["tables"] = [model.get_layer("item_embedding").embeddings]
    return out


def run_two_tower(cross_replica=False):
    users, items = two_tower_data()
    retrieval = build_two_tower(cross_replica)
    user_model, item_model = (
        retrieval.get_layer("user_tower"),
        retrieval.get_layer("item_tower"),
    )
    loss = keras_recsys.losses.InBatchSoftmaxLoss(
        temperature=0.1, cross_replica=cross_replica
    )
    out = fit(retrieval, {"user_id": users, "item_id": items}, items, loss)
    # Plain calls: they read the local copy of tf.distribute's mirrored
    # variables and the global arrays of keras.distribution alike.
    catalog = keras.ops.convert_to_numpy(
        item_model({"item_id": np.arange(64)}, training=False)
    )
    test_users = np.arange(NUM_USERS)
    targets = [np.arange(8) + 8 * (u % 8) for u in test_users]

    def scorer(batch):
        vectors = user_model({"user_id": batch}, training=False)
        return keras.ops.convert_to_numpy(vectors) @ catalog.T

    out["ndcg"] = ndcg(scorer, test_users, targets, num_items=64)
    out["tables"] = [
        v for v in retrieval.weights if v.path.endswith("embedding/embeddings")
    ]
    return out


def run_mult_vae():
    rows, held_out = vae_data()
    model = build_mult_vae()
    out = fit(model, rows, rows, keras_recsys.losses.MultinomialLogLikelihood())
    exclude = [np.flatnonzero(r) for r in rows]
    out["ndcg"] = ndcg(model, rows, held_out, exclude=exclude)
    return out


def shard_rows(variable):
    """Rows of `variable` held by each device (read from its shards)."""
    value = variable.value
    shards = getattr(value, "addressable_shards", None)
    if shards is None:
        return [int(value.shape[0])]
    return sorted(int(s.data.shape[0]) for s in shards)


WORKLOADS = {
    "sasrec": (run_sasrec, build_sasrec),
    "two_tower": (run_two_tower, build_two_tower),
    "mult_vae": (run_mult_vae, build_mult_vae),
}


def run_all(scope, cross_replica=False, names=tuple(WORKLOADS)):
    """`scope(build_fn)` is the context each model is built and trained in."""
    results = {}
    for name in names:
        run, build = WORKLOADS[name]
        keras.utils.set_random_seed(SEED)
        with scope(build):
            out = run(cross_replica) if name == "two_tower" else run()
        tables = out.pop("tables", [])
        out["table_rows_per_device"] = {t.path: shard_rows(t) for t in tables}
        results[name] = out
    return results


def no_scope(build):
    return contextlib.nullcontext()


def jax_settings():
    devices = keras.distribution.list_devices()
    assert len(devices) == NUM_DEVICES, devices
    results = {"single": run_all(no_scope)}
    data_parallel = keras.distribution.DataParallel(devices=devices)
    results["data_parallel"] = run_all(lambda build: data_parallel.scope())
    mesh = keras.distribution.DeviceMesh((2, 2), ("data", "model"), devices)

    def model_parallel_scope(build):
        # The layout map is read from a build without values; the model is
        # then built for real inside the scope.
        layout_map = keras_recsys.distribution.get_layout_map(build, mesh, min_rows=64)
        return keras.distribution.ModelParallel(
            layout_map=layout_map, batch_dim_name="data"
        ).scope()

    results["model_parallel"] = run_all(model_parallel_scope)
    results["checkpoint"] = checkpoint_round_trip(mesh)
    results["retrieval"] = {
        "single": retrieval_and_metric(None, None),
        "data_parallel": retrieval_and_metric(data_parallel, None),
        "model_parallel": retrieval_and_metric(None, mesh),
    }
    return results


def checkpoint_round_trip(mesh):
    """Saves a sharded SASRec, loads it on one device, and back."""
    import tempfile

    x, y = sasrec_data()
    layout_map = keras_recsys.distribution.get_layout_map(
        build_sasrec, mesh, min_rows=64
    )
    sharded = keras.distribution.ModelParallel(
        layout_map=layout_map, batch_dim_name="data"
    )
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "sasrec.keras")
    keras.utils.set_random_seed(SEED)
    with sharded.scope():
        model = build_sasrec()
        model.compile(
            optimizer="adam",
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
        sharded_logits = model.predict(x, batch_size=64, verbose=0)
        model.save(path)
    single = keras.saving.load_model(path)
    single_logits = single.predict(x, batch_size=64, verbose=0)
    single.save_weights(os.path.join(folder, "single.weights.h5"))
    with sharded.scope():
        again = build_sasrec()
        again.load_weights(os.path.join(folder, "single.weights.h5"))
        again_logits = again.predict(x, batch_size=64, verbose=0)
    table = "item_embedding"
    return {
        "sharded_rows": shard_rows(model.get_layer(table).embeddings),
        "loaded_single_rows": shard_rows(single.get_layer(table).embeddings),
        "loaded_back_rows": shard_rows(again.get_layer(table).embeddings),
        "single_vs_sharded": float(np.abs(single_logits - sharded_logits).max()),
        "back_vs_sharded": float(np.abs(again_logits - sharded_logits).max()),
    }


def retrieval_and_metric(distribution, mesh):
    """Top-k of a (possibly sharded) TopKRetrieval and a streaming NDCG@10."""
    rng = np.random.default_rng(3)
    catalog = rng.normal(size=(1024, 16)).astype("float32")
    queries = rng.normal(size=(64, 16)).astype("float32")
    relevant = (rng.random((64, 1024)) < 0.02).astype("float32")

    def build():
        inputs = keras.Input((16,), name="query")
        outputs = keras_recsys.layers.TopKRetrieval(1024, k=10, name="index")(inputs)
        return keras.Model(inputs, outputs)

    if mesh is not None:
        distribution = keras.distribution.ModelParallel(
            layout_map=keras_recsys.distribution.get_layout_map(build, mesh),
            batch_dim_name="data",
        )
    scope = distribution.scope() if distribution else contextlib.nullcontext()
    with scope:
        model = build()
        index = model.get_layer("index")
        index.set_candidates(catalog, np.arange(1024) + 5)
        scores, ids = model.predict(queries, batch_size=32, verbose=0)
        metric = keras_recsys.metrics.NDCGAtK(10)
        for start in range(0, 64, 16):
            stop = start + 16
            metric.update_state(relevant[start:stop], queries[start:stop] @ catalog.T)
        ndcg_value = float(metric.result())
    return {
        "top_ids": np.asarray(ids).tolist(),
        "top_scores": np.asarray(scores).tolist(),
        "candidate_rows_per_device": shard_rows(index.candidates),
        "streaming_ndcg": ndcg_value,
    }


def tensorflow_settings():
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )
    results = {"single": run_all(no_scope)}
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    results["mirrored"] = run_all(lambda build: mirrored.scope())
    results["mirrored_cross_replica"] = run_all(
        lambda build: mirrored.scope(), cross_replica=True, names=("two_tower",)
    )
    return results


def multi_worker_settings():
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    results = {
        "multi_worker": run_all(
            lambda build: strategy.scope(), names=("sasrec", "mult_vae")
        )
    }
    results["multi_worker_cross_replica"] = run_all(
        lambda build: strategy.scope(), cross_replica=True, names=("two_tower",)
    )
    results["num_workers"] = strategy.num_replicas_in_sync
    return results


if __name__ == "__main__":
    settings = {
        "jax": jax_settings,
        "tensorflow": tensorflow_settings,
        "multi_worker": multi_worker_settings,
        "single_tensorflow": lambda: {"single": run_all(no_scope)},
    }[ENGINE]
    print("RESULT " + json.dumps(settings()), flush=True)
