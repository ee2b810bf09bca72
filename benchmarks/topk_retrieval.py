"""TopKRetrieval over 1,000,000 candidates against one full top_k.

Builds a `keras_recsys.layers.TopKRetrieval` index over 1,000,000 random
candidates of dimension 64 and answers a batch of 256 queries, scoring
`--chunk-size` candidates at a time with a running top-k merge (the largest
score block it holds is 256 x chunk_size). The baseline computes the full
256 x 1,000,000 score matrix and one `keras.ops.top_k` over it. The script
reports both times (median of `--repeats` after a warm-up), the largest score
block each holds, and whether both return the same ids.

Run (hold the team's benchmark lock):

    flock /tmp/keras_recsys_bench.lock .venv/bin/python benchmarks/topk_retrieval.py

`--quick` uses 20,000 candidates.
"""

import argparse
import os
import pathlib
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

import keras_recsys  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402

RESULTS = pathlib.Path(__file__).parent / "results" / "topk_retrieval.json"


def timed(fn, repeats):
    fn()  # warm-up (compilation, allocation)
    times = []
    out = None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        out = [ops.convert_to_numpy(x) for x in out]
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--num-candidates", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--queries", type=int, default=256)
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--chunk-size", type=int, default=65536)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if args.quick:
        args.num_candidates, args.repeats = 20_000, 1

    rng = np.random.default_rng(0)
    candidates = rng.standard_normal((args.num_candidates, args.dim), dtype="float32")
    ids = rng.permutation(args.num_candidates).astype("int32")
    queries = rng.standard_normal((args.queries, args.dim), dtype="float32")

    index = keras_recsys.layers.TopKRetrieval.from_candidates(
        candidates, ids, k=args.k, chunk_size=args.chunk_size
    )
    inputs = keras.Input(shape=(args.dim,))
    model = keras.Model(inputs, index(inputs))

    def chunked():
        return model.predict_on_batch(queries)

    table = ops.convert_to_tensor(candidates)
    table_ids = ops.convert_to_tensor(ids)

    def full():
        scores = ops.matmul(ops.convert_to_tensor(queries), ops.transpose(table))
        top_scores, top_index = ops.top_k(scores, args.k)
        return top_scores, ops.take(table_ids, top_index)

    chunked_s, (c_scores, c_ids) = timed(chunked, args.repeats)
    full_s, (f_scores, f_ids) = timed(full, args.repeats)
    same_ids = bool(np.array_equal(c_ids, f_ids))
    max_score_diff = float(np.abs(c_scores - f_scores).max())
    chunk = min(args.chunk_size, args.num_candidates)
    result = {
        "benchmark": "topk_retrieval",
        **_common.environment(),
        "num_candidates": args.num_candidates,
        "dim": args.dim,
        "queries": args.queries,
        "k": args.k,
        "chunk_size": args.chunk_size,
        "chunked_seconds": round(chunked_s, 4),
        "full_top_k_seconds": round(full_s, 4),
        "chunked_largest_score_block": [args.queries, chunk],
        "full_score_matrix": [args.queries, args.num_candidates],
        "chunked_score_block_mb": round(args.queries * chunk * 4 / 2**20, 1),
        "full_score_matrix_mb": round(
            args.queries * args.num_candidates * 4 / 2**20, 1
        ),
        "same_ids": same_ids,
        "max_abs_score_difference": max_score_diff,
        "command": "flock /tmp/keras_recsys_bench.lock .venv/bin/python "
        "benchmarks/topk_retrieval.py " + " ".join(sys.argv[1:]),
    }
    print(
        f"{args.queries} queries x {args.num_candidates:,} candidates (dim {args.dim}), "
        f"k={args.k}, backend {keras.backend.backend()}"
    )
    print(f"{'method':28s} {'seconds':>8s} {'largest score block':>22s}")
    print(
        f"{'TopKRetrieval (chunked)':28s} {chunked_s:8.3f} "
        f"{f'{args.queries} x {chunk}':>22s}"
    )
    print(
        f"{'matmul + one ops.top_k':28s} {full_s:8.3f} "
        f"{f'{args.queries} x {args.num_candidates}':>22s}"
    )
    print(f"same ids: {same_ids}; max |score difference|: {max_score_diff:.2e}")
    if not args.quick:
        _common.write_results(args.output, result)
    if not same_ids:
        sys.exit("the chunked and full top-k ids differ")


if __name__ == "__main__":
    main()
