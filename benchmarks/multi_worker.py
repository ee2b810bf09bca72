"""Two-tower on ML-100K: two local TensorFlow workers against one process.

One process trains `keras_recsys.models.build_two_tower` (user id and item
id towers) with `model.fit`; then two worker processes on localhost
(`TF_CONFIG`, `tf.distribute.MultiWorkerMirroredStrategy`, one CPU replica
each) train the same model at the same global batch and seed with
`keras_recsys.distribution.strategy_fit` (Keras's train_step under the
strategy; Keras 3.15's `fit` fails there). tf.distribute shards each
global batch over the workers. Both use the cross-replica in-batch softmax
(`InBatchSimilarity(cross_replica=True)` and
`InBatchSoftmaxLoss(cross_replica=True)`), so each query sees the global
batch's candidates as on one process. Each user's oldest 80% of ratings
train, the latest 20% are the targets of full-catalog Recall@20 and NDCG@20
(`keras_recsys.evaluation.evaluate_topk`, training items excluded).

Reports the metrics, the wall time and each process's peak resident memory.
Writes benchmarks/results/multi_worker.json.

    KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock \\
        python benchmarks/multi_worker.py [--quick]
"""

import argparse
import json
import os
import pathlib
import socket
import subprocess
import sys
import time

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import _movielens100k as ml  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_recsys  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402

BATCH = 1024
SEED = 0


def prepare():
    ratings = ml.read_ratings(ml.ml100k_dir() / "u.data")
    train_df, test_df = keras_recsys.data.per_user_temporal_split(ratings, (0.8, 0.2))
    num_users = int(ratings["user_id"].max()) + 1
    num_items = int(ratings["item_id"].max()) + 1
    # One fixed order of the training pairs, the same for every run.
    order = np.random.default_rng(SEED).permutation(len(train_df))
    users = train_df["user_id"].to_numpy()[order].astype("int32")
    items = train_df["item_id"].to_numpy()[order].astype("int32")
    return users, items, train_df, test_df, num_users, num_items


def build(num_users, num_items):
    retrieval = keras_recsys.models.build_two_tower(
        {"user_id": {"type": "id", "vocabulary_size": num_users, "embedding_dim": 32}},
        {"item_id": {"type": "id", "vocabulary_size": num_items, "embedding_dim": 32}},
        hidden_units=(64, 32),
        cross_replica=True,
    )
    user_model, item_model = (
        retrieval.get_layer("user_tower"),
        retrieval.get_layer("item_tower"),
    )
    retrieval.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras_recsys.losses.InBatchSoftmaxLoss(
            temperature=0.1, cross_replica=True
        ),
    )
    return retrieval, user_model, item_model


def metrics(user_model, item_model, train_df, test_df, num_users, num_items):
    # Plain calls read the local copy of the mirrored variables.
    catalog = keras.ops.convert_to_numpy(
        item_model({"item_id": np.arange(num_items, dtype="int32")}, training=False)
    )
    matrix = keras_recsys.data.interaction_matrix

    def scorer(batch):
        vectors = user_model({"user_id": batch}, training=False)
        return keras.ops.convert_to_numpy(vectors) @ catalog.T

    # Every user with a target: row u of the matrices, user id u.
    result = keras_recsys.evaluation.evaluate_topk(
        scorer,
        np.arange(num_users, dtype="int32"),
        matrix(test_df, num_users, num_items),
        exclude=matrix(train_df, num_users, num_items),
        num_items=num_items,
        metrics=("recall", "ndcg"),
        ks=(20,),
        verbose=0,
    )
    return {k: round(float(v), 4) for k, v in result.items()}


def run(role, epochs):
    import tensorflow as tf

    users, items, train_df, test_df, num_users, num_items = prepare()
    x = {"user_id": users, "item_id": items}
    start = time.perf_counter()
    keras.utils.set_random_seed(SEED)
    if role == "single":
        retrieval, user_model, item_model = build(num_users, num_items)
        history = retrieval.fit(
            x, items, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0
        ).history
        workers = 1
    else:
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        with strategy.scope():
            retrieval, user_model, item_model = build(num_users, num_items)
        data = tf.data.Dataset.from_tensor_slices((x, items)).batch(BATCH)
        history = keras_recsys.distribution.strategy_fit(retrieval, data, epochs=epochs)
        workers = strategy.num_replicas_in_sync
    train_seconds = time.perf_counter() - start
    result = metrics(user_model, item_model, train_df, test_df, num_users, num_items)
    result.update(
        {
            "workers": workers,
            "epoch_losses": [round(v, 4) for v in history["loss"]],
            "train_seconds": round(train_seconds, 1),
            "peak_rss_mib": round(_common.peak_rss_mib()),
        }
    )
    return result


def free_port():
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


def launch(role, epochs, num_workers):
    cluster = {"worker": [f"localhost:{free_port()}" for _ in range(num_workers)]}
    procs = []
    for index in range(num_workers):
        env = dict(os.environ)
        if role == "worker":
            config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
            env["TF_CONFIG"] = json.dumps(config)
        procs.append(
            subprocess.Popen(
                [sys.executable, __file__, "--role", role, "--epochs", str(epochs)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
        )
    results = []
    for proc in procs:
        out, err = proc.communicate()
        lines = [x for x in out.splitlines() if x.startswith("RESULT ")]
        if proc.returncode or not lines:
            sys.exit(out[-2000:] + err[-4000:])
        results.append(json.loads(lines[-1][7:]))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 epochs")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--role", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--output", default=str(HERE / "results" / "multi_worker.json"))
    args = parser.parse_args()
    epochs = args.epochs or (2 if args.quick else 10)
    if args.role:
        print("RESULT " + json.dumps(run(args.role, epochs)), flush=True)
        return
    start = time.perf_counter()
    (single,) = launch("single", epochs, 1)
    single_wall = time.perf_counter() - start
    start = time.perf_counter()
    workers = launch("worker", epochs, 2)
    workers_wall = time.perf_counter() - start
    rows = [("one process", single, single_wall)] + [
        (f"worker {i} of 2", w, workers_wall) for i, w in enumerate(workers)
    ]
    print(
        f"{'run':<14} {'recall@20':>9} {'ndcg@20':>8} {'train s':>8} "
        f"{'wall s':>7} {'peak MiB':>9}"
    )
    for name, r, wall in rows:
        print(
            f"{name:<14} {r['recall@20']:>9.4f} {r['ndcg@20']:>8.4f} "
            f"{r['train_seconds']:>8.1f} {wall:>7.1f} {r['peak_rss_mib']:>9}"
        )
    diff = max(abs(w[m] - single[m]) for w in workers for m in ("recall@20", "ndcg@20"))
    result = {
        "benchmark": "multi_worker",
        "data": "ml-100k u.data, every rating an interaction; per-user temporal "
        "split 80/20",
        "protocol": "full catalog, training items excluded, evaluate_topk",
        "model": "two-tower, id towers (32-d tables, units (64, 32)), "
        "cross-replica in-batch softmax (temperature 0.1), Adam(3e-3), "
        f"global batch {BATCH}, {epochs} epochs, fixed data order",
        "backend": "tensorflow",
        **_common.environment(),
        "one_process": dict(single, wall_seconds=round(single_wall, 1)),
        "two_workers": {"workers": workers, "wall_seconds": round(workers_wall, 1)},
        "max_metric_abs_diff": round(diff, 4),
        "tolerance": 0.005,
        "same_metrics_within_tolerance": diff <= 0.005,
        "note": "both workers share the same 2 CPU cores (and the machine with "
        "other jobs): the wall time shows the cost of the collectives, not a "
        "speed-up",
        "command": "KERAS_RECSYS_DATA=/work/shared/data flock "
        "/tmp/keras_recsys_bench.lock /work/main/.venv/bin/python "
        "benchmarks/multi_worker.py" + (" --quick" if args.quick else ""),
    }
    if not args.quick:
        pathlib.Path(args.output).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
