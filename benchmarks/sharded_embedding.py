"""A 4,000,000 x 64 float32 item table (about 1 GB) sharded over 4 devices.

JAX with 4 virtual CPU devices (`--xla_force_host_platform_device_count=4`)
and a `("data", "model")` mesh of shape (1, 4): the layout map of
`keras_recsys.distribution.get_layout_map` row-shards SASRec's item table
over the "model" axis. The script

1. reads the layout from a build without values (no table allocated),
2. builds SASRec with sampled candidates inside `ModelParallel` and checks
   from the array's shards that each device holds a quarter of the rows,
3. trains a few steps of next-item training (the positive and 15 uniform
   negatives per sequence, binary cross-entropy, SGD),
4. ranks the whole 4M catalog for a few sequences (top 10),

and then does steps 2-4 again on one device with the same seed, and
compares: the losses and the top-10 ids must be equal. Writes
benchmarks/results/sharded_embedding.json.

    flock /tmp/keras_recsys_bench.lock python benchmarks/sharded_embedding.py [--quick]
"""

import argparse
import os
import pathlib
import sys
import time

os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = (
    os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=4"
)
ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_recsys  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402

MAX_LEN = 8
NUM_CANDIDATES = 16
BATCH = 64
STEPS = 5
QUERIES = 8


# The figures printed at the end of a run.
SUMMARY = (
    "quarter_of_rows_per_device",
    "top10_ids_equal",
    "top10_scores_max_abs_diff",
    "loss_max_abs_diff",
)


def build(num_items):
    return keras_recsys.models.build_sasrec(
        num_items=num_items,
        max_len=MAX_LEN,
        embedding_dim=64,
        num_blocks=1,
        dropout=0.0,
        num_candidates=NUM_CANDIDATES,
    )


def data(num_items):
    rng = np.random.default_rng(0)
    sequences = rng.integers(1, num_items, (BATCH * STEPS + QUERIES, MAX_LEN))
    positives = rng.integers(1, num_items, (BATCH * STEPS, 1))
    negatives = rng.integers(1, num_items, (BATCH * STEPS, NUM_CANDIDATES - 1))
    candidates = np.concatenate([positives, negatives], axis=1)
    labels = np.zeros(candidates.shape, "float32")
    labels[:, 0] = 1.0
    return sequences.astype("int32"), candidates.astype("int32"), labels


def run(num_items, distribution):
    sequences, candidates, labels = data(num_items)
    keras.utils.set_random_seed(0)
    scope = distribution.scope() if distribution else _nullcontext()
    with scope:
        start = time.perf_counter()
        model = build(num_items)
        build_seconds = time.perf_counter() - start
        table = model.get_layer("item_embedding").embeddings
        rows = sorted(int(s.data.shape[0]) for s in table.value.addressable_shards)
        model.compile(
            optimizer=keras.optimizers.SGD(0.5),
            loss=keras.losses.BinaryCrossentropy(from_logits=True),
        )
        start = time.perf_counter()
        history = model.fit(
            {
                "item_sequence": sequences[: BATCH * STEPS],
                "candidates": candidates,
            },
            labels,
            batch_size=BATCH,
            epochs=1,
            shuffle=False,
            verbose=0,
        )
        train_seconds = time.perf_counter() - start
        # Mean loss over the steps, then the loss after them.
        final = model.evaluate(
            {"item_sequence": sequences[: BATCH * STEPS], "candidates": candidates},
            labels,
            batch_size=BATCH,
            verbose=0,
        )
        losses = [float(history.history["loss"][-1]), float(final)]
        # Rank the whole catalog with the trained layers (no second table).
        items = model.get_layer("item_embedding")
        sequence = keras.Input((MAX_LEN,), dtype="int32")
        states = model.get_layer("last_real_position")(
            model.get_layer("transformer_encoder")(items(sequence))
        )
        scorer = keras.Model(sequence, items(states, mode="logits"))
        start = time.perf_counter()
        logits = scorer.predict(sequences[-QUERIES:], batch_size=QUERIES, verbose=0)
        top_scores, top_ids = keras.ops.top_k(logits, 10)
        rank_seconds = time.perf_counter() - start
        result = {
            "rows_per_device": rows,
            "table_shape": list(table.shape),
            "table_mib": round(np.prod(table.shape) * 4 / 2**20),
            "losses": losses,
            "top_ids": keras.ops.convert_to_numpy(top_ids).tolist(),
            "top_scores": keras.ops.convert_to_numpy(top_scores).tolist(),
            "build_seconds": round(build_seconds, 1),
            "train_seconds": round(train_seconds, 1),
            "rank_seconds": round(rank_seconds, 1),
            "peak_rss_mib_so_far": round(_common.peak_rss_mib()),
        }
    del model, scorer, logits, table, items
    return result


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 40,000-row table")
    parser.add_argument("--output", default=str(_common.results_path(__file__)))
    args = parser.parse_args()
    # Table rows = num_items + 1 (the id table, padding included, and the
    # out-of-vocabulary row).
    num_items = (40_000 if args.quick else 4_000_000) - 1
    devices = keras.distribution.list_devices()
    mesh = keras.distribution.DeviceMesh((1, 4), ("data", "model"), devices)
    start = time.perf_counter()
    layout_map = keras_recsys.distribution.get_layout_map(
        lambda: build(num_items), mesh
    )
    layout_seconds = time.perf_counter() - start
    layout_peak = round(_common.peak_rss_mib())
    sharded = run(
        num_items,
        keras.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="data"),
    )
    print("sharded:", {k: v for k, v in sharded.items() if not k.startswith("top")})
    single = run(num_items, None)
    print("single:", {k: v for k, v in single.items() if not k.startswith("top")})
    same_ids = sharded["top_ids"] == single["top_ids"]
    score_diff = float(
        np.abs(np.array(sharded["top_scores"]) - np.array(single["top_scores"])).max()
    )
    loss_diff = float(np.abs(np.array(sharded["losses"]) - single["losses"]).max())
    result = {
        "benchmark": "sharded_embedding",
        "devices": "4 virtual CPU devices (XLA host platform)",
        **_common.environment(),
        "mesh": {"shape": [1, 4], "axis_names": ["data", "model"]},
        "layout_map": {k: list(layout_map[k].axes) for k in layout_map.keys()},
        "layout_from_build_without_values_seconds": round(layout_seconds, 2),
        "peak_rss_mib_after_layout": layout_peak,
        "training": f"{STEPS} steps of batch {BATCH}: positive + "
        f"{NUM_CANDIDATES - 1} uniform negatives, binary cross-entropy, SGD(0.5)",
        "sharded": sharded,
        "single_device": single,
        "quarter_of_rows_per_device": sharded["rows_per_device"]
        == [sharded["table_shape"][0] // 4] * 4,
        "top10_ids_equal": same_ids,
        "top10_scores_max_abs_diff": score_diff,
        "loss_max_abs_diff": loss_diff,
        "command": _common.command(__file__, env=""),
    }
    _common.report(result, SUMMARY, None if args.quick else args.output)


if __name__ == "__main__":
    main()
