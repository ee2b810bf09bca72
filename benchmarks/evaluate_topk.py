"""Full-catalog evaluation of every ML-1M user: time and peak memory.

Ranks all 3,706 items for each of the 6,040 ML-1M users with a given
embedding model (random 64-d user and item tables; a keras model mapping user
ids to scores by a matmul with the item table), excludes each user's training
items and scores five metrics (precision, recall, NDCG, MAP, MRR) at k = 10,
20 and 100 against the held-out items. Split: for each user a random 20% of
their ML-1M ratings (at least one) is held out, the rest is excluded from
ranking. User and item ids are the codes 1..n of
`keras_recsys.data.IdEncoder` (row and column 0 reserved, never ranked;
docs/concepts.md). Reports the wall time of `keras_recsys.evaluation.evaluate_topk`
(after a warm-up on 256 users that compiles the model's predict step) and its
peak memory: the peak growth of the process's resident memory during the call
(sampled every 2 ms) and the tracemalloc peak, against the 89.5 MB that one
users x items float32 matrix would take.

Targets (issue 3): under 2 s on 2 CPU cores; peak memory below one users x
items float32 matrix.

Usage:
    flock /tmp/keras_recsys_bench.lock env KERAS_RECSYS_DATA=/work/shared/data \
        .venv/bin/python benchmarks/evaluate_topk.py
    .venv/bin/python benchmarks/evaluate_topk.py --quick
"""

import argparse
import json
import os
import pathlib
import sys
import threading
import time
import tracemalloc

import keras
import numpy as np
import scipy.sparse as sp

import keras_recsys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402

RESULTS = pathlib.Path(__file__).parent / "results" / "evaluate_topk.json"
METRICS = ("precision", "recall", "ndcg", "map", "mrr")
KS = (10, 20, 100)


def load_interactions(quick):
    """The user and item codes (`1..n`, 0 reserved) of every ML-1M rating
    (`_common.load_ml1m`), or of a synthetic log when quick or missing."""
    if not quick and _common.data_path("ml-1m", must_exist=False).exists():
        ratings, _, _ = _common.encode_ids(_common.load_ml1m().ratings)
        source = "ML-1M (load_movielens: ratings.reconstructed.uirt.tsv.gz)"
        return ratings["user_id"].to_numpy(), ratings["item_id"].to_numpy(), source
    rng = np.random.default_rng(0)
    num_users, num_items, per_user = (200, 300, 20) if quick else (6040, 3706, 165)
    users = np.repeat(np.arange(1, num_users + 1), per_user)
    items = 1 + np.concatenate(
        [rng.choice(num_items, per_user, replace=False) for _ in range(num_users)]
    )
    return users, items, f"synthetic ({num_users} x {num_items})"


def split(users, items, seed=0):
    rng = np.random.default_rng(seed)
    num_users, num_items = users.max() + 1, items.max() + 1
    order = np.lexsort((rng.random(len(users)), users))
    users, items = users[order], items[order]
    starts = np.searchsorted(users, np.arange(num_users))
    counts = np.bincount(users, minlength=num_users)
    held = np.maximum(1, (0.2 * counts).astype(int))
    position = np.arange(len(users)) - starts[users]
    test = position < held[users]

    def csr(mask):
        return sp.csr_matrix(
            (np.ones(mask.sum(), "float32"), (users[mask], items[mask])),
            shape=(num_users, num_items),
        )

    return csr(test), csr(~test)


def build_model(num_users, num_items, dim=64, seed=0):
    """Random user and item tables of `num_users` / `num_items` rows (table
    sizes; row 0, the reserved code, is zero) and their matmul."""
    rng = np.random.default_rng(seed)
    user_table = np.zeros((num_users, dim), "float32")
    item_table = np.zeros((num_items, dim), "float32")
    user_table[1:] = rng.normal(size=(num_users - 1, dim))
    item_table[1:] = rng.normal(size=(num_items - 1, dim))
    user_id = keras.Input(shape=(), dtype="int32", name="user_id")
    embedded = keras.layers.Embedding(
        num_users, dim, embeddings_initializer=keras.initializers.Constant(user_table)
    )(user_id)
    scores = keras.layers.Dense(
        num_items,
        use_bias=False,
        kernel_initializer=keras.initializers.Constant(item_table.T),
    )(embedded)
    return keras.Model(user_id, scores)


class RssPeak:
    """Samples the resident set size in a thread; keeps the peak growth."""

    def __init__(self):
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.base = self._rss()
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self):
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self.page

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.002)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny synthetic run")
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    users, items, source = load_interactions(args.quick)
    targets, exclude = split(users, items)
    num_users, num_items = targets.shape  # table sizes: n + 1 (code 0 reserved)
    model = build_model(num_users, num_items)
    queries = np.arange(num_users, dtype="int32")
    kwargs = dict(metrics=METRICS, ks=KS, batch_size=args.batch_size, verbose=0)

    # Warm-up: compiles the model's predict step and the ranking ops.
    warm = min(num_users, args.batch_size)
    keras_recsys.evaluation.evaluate_topk(
        model, queries[:warm], targets[:warm], exclude[:warm], **kwargs
    )
    tracemalloc.start()
    with RssPeak() as rss:
        start = time.perf_counter()
        results = keras_recsys.evaluation.evaluate_topk(
            model, queries, targets, exclude, **kwargs
        )
        seconds = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    num_users, num_items = num_users - 1, num_items - 1  # real users and items
    matrix_bytes = num_users * num_items * 4
    rss_growth = rss.peak - rss.base
    print(f"backend={keras.backend.backend()} data={source}")
    print(f"users={num_users} items={num_items} batch_size={args.batch_size}")
    print(f"time: {seconds:.2f} s (target < 2 s)")
    print(
        f"peak memory: RSS growth {rss_growth / 2**20:.1f} MiB, tracemalloc "
        f"{traced_peak / 2**20:.1f} MiB; one users x items float32 matrix "
        f"{matrix_bytes / 2**20:.1f} MiB"
    )
    for key in sorted(k for k in results if k != "num_users"):
        print(f"  {key:>14}: {results[key]:.4f}")
    if args.quick:
        return
    out = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    out[keras.backend.backend()] = {
        "command": (
            "flock /tmp/keras_recsys_bench.lock env KERAS_RECSYS_DATA="
            f"/work/shared/data KERAS_BACKEND={keras.backend.backend()} "
            ".venv/bin/python benchmarks/evaluate_topk.py"
        ),
        "data": source,
        "num_users": int(num_users),
        "num_items": int(num_items),
        "batch_size": args.batch_size,
        "seconds": seconds,
        "target_seconds": 2.0,
        "rss_growth_bytes": int(rss_growth),
        "tracemalloc_peak_bytes": int(traced_peak),
        "users_x_items_float32_bytes": int(matrix_bytes),
        **_common.environment(),
        "load_average_at_end": os.getloadavg(),
        "metrics": results,
    }
    _common.write_results(RESULTS, out)


if __name__ == "__main__":
    main()
