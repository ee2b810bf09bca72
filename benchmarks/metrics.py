"""Throughput of the ranking metrics against keras-rs and a numpy baseline.

One run, same inputs for everyone: `batch x n` scores (1024 x 20,000 by
default) with 8 relevant items per row, at k = 10 and 100. For each metric it
prints rows/s of `keras_recsys.metrics`, of the corresponding keras-rs metric
(`PrecisionAtK`, `RecallAtK`, `NDCG`, `MeanAveragePrecision`,
`MeanReciprocalRank`; keras-rs has no F1 or hit rate) and of a plain numpy
`argpartition` implementation, their ratios, and whether the values agree
where the definitions coincide (binary labels, no ties, at most k relevant
items: MAP's normalizer min(k, relevant) equals keras-rs's relevant count).

Each metric runs the way `model.evaluate` runs it, the same for keras-rs:
inside a `tf.function` on TensorFlow (without XLA, which Keras turns off on
CPU-only machines), jit-compiled (stateless update) on JAX, eager on PyTorch.

Usage (keras-rs: `pip install -e ".[bench]"`):
    flock /tmp/keras_recsys_bench.lock env KERAS_BACKEND=jax \
        .venv/bin/python benchmarks/metrics.py
    .venv/bin/python benchmarks/metrics.py --quick
"""

import argparse
import json
import os
import pathlib
import platform
import sys
import time

import keras
import numpy as np

import keras_recsys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402

RESULTS = pathlib.Path(__file__).parent / "results" / "metrics.json"
OURS = {
    "precision": keras_recsys.metrics.PrecisionAtK,
    "recall": keras_recsys.metrics.RecallAtK,
    "f1": keras_recsys.metrics.F1AtK,
    "ndcg": keras_recsys.metrics.NDCGAtK,
    "map": keras_recsys.metrics.MAPAtK,
    "hit_rate": keras_recsys.metrics.HitRateAtK,
    "mrr": keras_recsys.metrics.MRRAtK,
}


def keras_rs_metrics():
    try:
        import keras_rs
    except ImportError:
        return {}, None
    m = keras_rs.metrics
    return {
        "precision": m.PrecisionAtK,
        "recall": m.RecallAtK,
        "ndcg": m.NDCG,
        "map": m.MeanAveragePrecision,
        "mrr": m.MeanReciprocalRank,
    }, keras_rs.__version__


def numpy_metric(name, y_true, y_pred, k):
    """Plain numpy: argpartition the top k, sort them, compute the metric."""
    top = np.argpartition(-y_pred, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(y_pred, top, 1), axis=1, kind="stable")
    top = np.take_along_axis(top, order, 1)
    rel = np.take_along_axis(y_true, top, 1) > 0
    num_rel = (y_true > 0).sum(1)
    hits = rel.sum(1)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    if name == "precision":
        values = hits / k
    elif name == "recall":
        values = hits / np.maximum(num_rel, 1)
    elif name == "f1":
        p, r = hits / k, hits / np.maximum(num_rel, 1)
        values = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)
    elif name == "ndcg":
        ideal = np.cumsum(discounts)[np.minimum(num_rel, k) - 1]
        values = (rel * discounts).sum(1) / ideal
    elif name == "map":
        precisions = np.cumsum(rel, 1) / np.arange(1, k + 1)
        values = (precisions * rel).sum(1) / np.minimum(num_rel, k)
    elif name == "hit_rate":
        values = (hits > 0).astype("float64")
    else:
        first = np.argmax(rel, 1)
        values = np.where(hits > 0, 1.0 / (first + 1), 0.0)
    return float(values.mean())


def runner(metric):
    """A function (y_true, y_pred) -> result, run as model.evaluate runs it."""
    if keras.backend.backend() == "jax":
        import jax

        @jax.jit
        def step(variables, y_true, y_pred):
            variables = metric.stateless_update_state(variables, y_true, y_pred)
            return metric.stateless_result(variables)

        def run(y_true, y_pred):
            return step([v.value for v in metric.variables], y_true, y_pred)

        return run

    def update(y_true, y_pred):
        metric.update_state(y_true, y_pred)
        return metric.result()

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        update = tf.function(update)

    def run(y_true, y_pred):
        metric.reset_state()
        return update(y_true, y_pred)

    return run


def timed(fn, repeats):
    """Median seconds of `repeats` calls after a warm-up, and the value."""
    value = float(keras.ops.convert_to_numpy(fn()))  # warm-up / compile
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = float(keras.ops.convert_to_numpy(fn()))
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds)), value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny inputs")
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument(
        "--repeats", type=int, default=5, help="timed calls of ours (median)"
    )
    parser.add_argument(
        "--krs-repeats", type=int, default=2, help="timed calls of keras-rs (median)"
    )
    args = parser.parse_args()
    if args.quick:
        args.batch, args.items, args.repeats, args.krs_repeats = 64, 2000, 1, 1
    rng = np.random.default_rng(0)
    y_true = np.zeros((args.batch, args.items), "float32")
    for row in y_true:
        row[rng.choice(args.items, 8, replace=False)] = 1.0
    # Continuous scores (no ties) that favour the relevant items.
    y_pred = (rng.standard_normal(y_true.shape) + 2.5 * y_true).astype("float32")
    t_true = keras.ops.convert_to_tensor(y_true)
    t_pred = keras.ops.convert_to_tensor(y_pred)
    theirs, krs_version = keras_rs_metrics()

    rows = []
    header = (
        f"{'metric':>9} {'k':>4} {'ours r/s':>10} {'keras-rs':>10} {'numpy':>10} "
        f"{'x krs':>7} {'x np':>6}  agree"
    )
    print(f"backend={keras.backend.backend()} inputs={args.batch}x{args.items}")
    print(header)
    for k in (10, 100):
        for name, cls in OURS.items():
            run = runner(cls(k))
            ours_s, ours_v = timed(lambda run=run: run(t_true, t_pred), args.repeats)
            start = time.perf_counter()
            np_v = numpy_metric(name, y_true, y_pred, k)
            np_s = time.perf_counter() - start
            krs_s = krs_v = None
            if name in theirs:
                krs_run = runner(theirs[name](k=k))
                krs_s, krs_v = timed(
                    lambda r=krs_run: r(t_true, t_pred), args.krs_repeats
                )
            row = {
                "metric": name,
                "k": k,
                "ours_rows_per_s": args.batch / ours_s,
                "numpy_rows_per_s": args.batch / np_s,
                "keras_rs_rows_per_s": None if krs_s is None else args.batch / krs_s,
                "ours_value": ours_v,
                "numpy_value": np_v,
                "keras_rs_value": krs_v,
            }
            row["speedup_vs_keras_rs"] = None if krs_s is None else krs_s / ours_s
            row["speedup_vs_numpy"] = np_s / ours_s
            row["agrees_with_numpy"] = abs(ours_v - np_v) < 1e-5
            row["agrees_with_keras_rs"] = (
                None if krs_v is None else abs(ours_v - krs_v) < 1e-5
            )
            rows.append(row)
            krs_txt = "-" if krs_s is None else f"{row['keras_rs_rows_per_s']:.0f}"
            ratio = "-" if krs_s is None else f"{row['speedup_vs_keras_rs']:.1f}"
            agree = "numpy " + ("yes" if row["agrees_with_numpy"] else "NO")
            if krs_v is not None:
                agree += ", keras-rs " + (
                    "yes" if row["agrees_with_keras_rs"] else "NO"
                )
            print(
                f"{name:>9} {k:>4} {row['ours_rows_per_s']:>10.0f} {krs_txt:>10} "
                f"{row['numpy_rows_per_s']:>10.0f} {ratio:>7} "
                f"{row['speedup_vs_numpy']:>6.1f}  {agree}"
            )
    if args.quick:
        return
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[keras.backend.backend()] = {
        "command": (
            f"flock /tmp/keras_recsys_bench.lock env KERAS_BACKEND="
            f"{keras.backend.backend()} .venv/bin/python benchmarks/metrics.py"
        ),
        "inputs": f"{args.batch}x{args.items}, 8 relevant per row",
        "repeats": args.repeats,
        "keras_rs_repeats": args.krs_repeats,
        "timing": "median of the timed calls after one warm-up call",
        "keras_rs_version": krs_version,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "load_average_at_end": os.getloadavg(),
        "rows": rows,
    }
    _common.write_results(RESULTS, results)


if __name__ == "__main__":
    main()
