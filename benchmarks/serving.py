"""Serving: the exported signature's latency, ANN retrieval, the batch job.

Three parts, on synthetic two-tower data (64-dim unit item embeddings drawn
around 1,000 cluster centres, as trained item towers are clustered; random
user embeddings; 5 seen items per user):

1. `signature`: a `keras_recsys.serving.Recommender.from_two_tower` over
   100,000 and 1,000,000 items is exported (`export`) and its `recommend`
   signature, loaded with `tf.saved_model.load`, is called with batches of
   1 and 256 raw user ids (`k=10`): p50/p99 latency and users per second.
2. `ann`: faiss-cpu's IVF-Flat index (inner product) over the 1,000,000 item
   embeddings against exact brute force (numpy): recall@10 and @100 of the
   returned ids and the speed-up in queries per second, per `nprobe`.
   hnswlib and usearch are measured at 100,000 items (building their graphs
   over 1,000,000 items takes too long on the shared 2-core machine).
3. `batch`: a `Recommender` of 1,000,000 users and 100,000 items is built
   in a subprocess (so that its peak memory, VmHWM, is its own) and
   `Recommender.write_recommendations` writes the top-100 of every user to
   Parquet, one file per shard of 50,000 users; a JSON line of progress
   (users, rows, seconds, peak memory) is printed after each shard to
   `--log`. `--max-users` stops after that many users (a slice).

Run (hold the team's benchmark lock; TensorFlow backend, 2 cores):

    flock /tmp/keras_recsys_bench.lock .venv/bin/python benchmarks/serving.py

`--quick` uses 20,000 items and 20,000 users.
"""

import argparse
import gc
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

os.environ["KERAS_BACKEND"] = "tensorflow"

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import keras_recsys  # noqa: E402

RESULTS = pathlib.Path(__file__).parent / "results" / "serving.json"
PLOT = pathlib.Path(__file__).parents[1] / "docs" / "_static" / "serving_batch.png"
DIM = 64


def item_embeddings(num_items, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(1000, DIM)).astype("float32")
    x = centres[rng.integers(0, 1000, num_items)] + 0.5 * rng.normal(
        size=(num_items, DIM)
    ).astype("float32")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def recommender(num_users, num_items, max_k, seed=0):
    rng = np.random.default_rng(seed)
    users = keras_recsys.data.IdEncoder().fit(np.arange(num_users))
    items = keras_recsys.data.IdEncoder().fit(np.arange(num_items))
    events = pd.DataFrame(
        {
            "user": np.repeat(np.arange(num_users), 5),
            "item": rng.integers(0, num_items, num_users * 5),
        }
    )
    user_id = keras.Input(shape=(), dtype="int32", name="user_id")
    # Zeros first, then random rows filled in slices once the events are
    # freed: Keras's random initializer on TensorFlow keeps ~3 copies of a
    # 256 MB table resident, which a batch job need not pay.
    table = keras.layers.Embedding(
        users.vocabulary_size, DIM, embeddings_initializer="zeros"
    )
    user_model = keras.Model(user_id, table(user_id))
    rec = keras_recsys.serving.Recommender.from_two_tower(
        user_model,
        item_embeddings(items.vocabulary_size),
        users,
        items,
        events,
        max_k=max_k,
    )
    del events
    gc.collect()
    step = 65536
    for start in range(0, users.vocabulary_size, step):
        rows = min(step, users.vocabulary_size - start)
        block = rng.uniform(-0.05, 0.05, (rows, DIM)).astype("float32")
        table.embeddings.value[start : start + rows].assign(block)
    return rec


def percentiles(times):
    ms = np.asarray(times) * 1000.0
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def signature_part(num_items, calls):
    import tensorflow as tf

    rec = recommender(num_users=10_000, num_items=num_items, max_k=100)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        rec.export(d)
        served = tf.saved_model.load(d).signatures["recommend"]
        rng = np.random.default_rng(1)
        for batch in (1, 256):

            def call(batch=batch):
                ids = tf.constant(rng.integers(0, 10_000, batch), tf.int64)
                return served(user_id=ids, k=tf.constant(10))

            call()
            n = calls if batch == 1 else max(3, calls // 10)
            times = []
            for _ in range(n):
                start = time.perf_counter()
                call()["item_id"].numpy()
                times.append(time.perf_counter() - start)
            p50, p99 = percentiles(times)
            rows.append(
                {
                    "num_items": num_items,
                    "batch": batch,
                    "calls": n,
                    "p50_ms": round(p50, 2),
                    "p99_ms": round(p99, 2),
                    "users_per_s": round(batch * n / sum(times), 1),
                }
            )
            print(rows[-1], flush=True)
    return rows


def exact_top(items, queries, k):
    """Exact top-k item positions (unordered), 100 queries at a time."""
    tops = []
    for start in range(0, len(queries), 100):
        scores = queries[start : start + 100] @ items.T
        tops.append(np.argpartition(-scores, k, axis=1)[:, :k])
    return np.concatenate(tops)


def recall(found, exact):
    return float(np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact)]))


def ann_part(num_items, num_queries):
    import faiss

    faiss.omp_set_num_threads(2)
    items = item_embeddings(num_items)
    queries = item_embeddings(num_queries, seed=5)
    start = time.perf_counter()
    exact100 = exact_top(items, queries, 100)
    brute_s = time.perf_counter() - start
    exact10 = [
        e[np.argsort(-(queries[i] @ items[e].T))[:10]] for i, e in enumerate(exact100)
    ]
    out = {
        "num_items": num_items,
        "queries": num_queries,
        "brute_force_qps": round(num_queries / brute_s, 1),
    }
    nlist = 4096 if num_items >= 200_000 else 256
    start = time.perf_counter()
    quantizer = faiss.IndexFlatIP(DIM)
    index = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
    index.train(items[np.random.default_rng(2).choice(num_items, 50 * nlist)])
    index.add(items)
    out["faiss_build_s"] = round(time.perf_counter() - start, 1)
    out["faiss_ivf"] = []
    for nprobe in (16, 32, 64, 128):
        index.nprobe = nprobe
        start = time.perf_counter()
        _, found = index.search(queries, 100)
        seconds = time.perf_counter() - start
        row = {
            "nlist": nlist,
            "nprobe": nprobe,
            "recall@10": round(recall(found[:, :10], exact10), 4),
            "recall@100": round(recall(found, exact100), 4),
            "qps": round(num_queries / seconds, 1),
            "speedup": round(brute_s / seconds, 1),
        }
        out["faiss_ivf"].append(row)
        print(row, flush=True)
    return out


def graph_part(num_items, num_queries, threads=2):
    import hnswlib
    from usearch.index import Index

    items = item_embeddings(num_items)
    queries = item_embeddings(num_queries, seed=5)
    start = time.perf_counter()
    exact100 = exact_top(items, queries, 100)
    brute_s = time.perf_counter() - start
    out = {"num_items": num_items, "brute_force_qps": round(num_queries / brute_s, 1)}
    start = time.perf_counter()
    h = hnswlib.Index(space="ip", dim=DIM)
    h.init_index(max_elements=num_items, ef_construction=100, M=16)
    # Graphs built by several threads insert in a racy order; the quick
    # mode builds with one so that its recalls repeat.
    h.set_num_threads(threads)
    h.add_items(items)
    h.set_ef(200)
    build = time.perf_counter() - start
    start = time.perf_counter()
    found, _ = h.knn_query(queries, k=100)
    seconds = time.perf_counter() - start
    out["hnswlib"] = {
        "build_s": round(build, 1),
        "recall@100": round(recall(found, exact100), 4),
        "speedup": round(brute_s / seconds, 1),
    }
    print(out["hnswlib"], flush=True)
    start = time.perf_counter()
    u = Index(
        ndim=DIM, metric="ip", connectivity=16, expansion_add=100, expansion_search=200
    )
    u.add(np.arange(num_items), items, threads=threads)
    build = time.perf_counter() - start
    start = time.perf_counter()
    matches = u.search(queries, 100, threads=2)
    seconds = time.perf_counter() - start
    out["usearch"] = {
        "build_s": round(build, 1),
        "recall@100": round(recall(matches.keys, exact100), 4),
        "speedup": round(brute_s / seconds, 1),
    }
    print(out["usearch"], flush=True)
    return out


def rss_mb(field="VmHWM"):
    """This process's resident memory from /proc: `VmHWM` the peak (unlike
    ru_maxrss it is not inherited from the parent across fork and exec),
    `VmRSS` the current."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def batch_part(num_users, num_items, shard_users, max_users):
    """Runs in a subprocess (`--part batch`): builds the recommender in this
    process (no `.keras` load: a job that trains or assembles its model
    serves it directly), then writes the top-100 of the users, shard by
    shard, with `write_recommendations` (one Parquet file per shard of
    `shard_users` users), printing one JSON line of progress after each."""
    baseline_mb = rss_mb()
    start = time.perf_counter()
    rec = recommender(num_users=num_users, num_items=num_items, max_k=100)
    gc.collect()
    build_s = time.perf_counter() - start
    built_mb, built_now_mb = rss_mb(), rss_mb("VmRSS")
    users = np.asarray(rec.user_lookup.vocabulary)[:max_users]
    rows = written = 0
    size_mb = seconds = 0.0
    with tempfile.TemporaryDirectory() as d:
        for i, first in enumerate(range(0, len(users), shard_users)):
            shard = users[first : first + shard_users]
            path = os.path.join(d, f"part-{i:04d}.parquet")
            tick = time.perf_counter()
            rows += rec.write_recommendations(
                path, user_ids=shard, k=100, batch_size=256
            )
            seconds += time.perf_counter() - tick
            written += len(shard)
            size_mb += os.path.getsize(path) / 2**20
            os.remove(path)
            out = {
                "num_users": len(rec.user_lookup.vocabulary),
                "num_items": len(rec.item_lookup.vocabulary),
                "users_written": written,
                "rows": rows,
                "seconds": round(seconds, 1),
                "users_per_s": round(written / seconds, 1),
                "extrapolated_full_run_minutes": round(
                    len(rec.user_lookup.vocabulary) / (written / seconds) / 60, 1
                ),
                "parquet_mb": round(size_mb, 1),
                "build_s": round(build_s, 1),
                "rss_after_imports_mb": round(baseline_mb, 1),
                "peak_rss_after_build_mb": round(built_mb, 1),
                "rss_after_build_mb": round(built_now_mb, 1),
                "rss_now_mb": round(rss_mb("VmRSS"), 1),
                "peak_rss_mb": round(rss_mb(), 1),
            }
            print(json.dumps(out), flush=True)
    return out


def run_batch_job(num_users, num_items, shard_users, max_users, log):
    """Runs `batch_part` in a subprocess, its progress lines teed to `log`."""
    cmd = [sys.executable, __file__, "--part", "batch", "--in-process"]
    cmd += ["--num-users", str(num_users), "--num-items", str(num_items)]
    cmd += ["--shard-users", str(shard_users), "--max-users", str(max_users)]
    with open(log, "w") as f:
        subprocess.run(cmd, stdout=f, check=True)
    text = pathlib.Path(log).read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    out = dict(lines[-1])
    fields = ("users_written", "seconds", "rss_now_mb", "peak_rss_mb")
    out["progress"] = [{f: line[f] for f in fields} for line in lines]
    return out


def plot_batch(batch, path):
    """Resident memory of the batch job against the users written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    gb = 2**20 / 1e9  # MiB to GB
    users = [0] + [p["users_written"] / 1e6 for p in batch["progress"]]
    peak = [batch["peak_rss_after_build_mb"]] + [
        p["peak_rss_mb"] for p in batch["progress"]
    ]
    now = [batch["rss_after_build_mb"]] + [p["rss_now_mb"] for p in batch["progress"]]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(users, [m * gb for m in peak], marker=".", label="peak (VmHWM)")
    ax.plot(users, [m * gb for m in now], marker=".", label="current (VmRSS)")
    ax.axhline(2.0, color="red", linestyle="--", label="target: 2 GB")
    ax.axhline(
        batch["rss_after_imports_mb"] * gb,
        color="gray",
        linestyle=":",
        label="TensorFlow, Keras, keras_recsys imported",
    )
    ax.set_ylim(0, 2.4)
    ax.set_xlabel("users written (millions)")
    ax.set_ylabel("resident memory (GB)")
    ax.set_title(
        f"Batch job: top-100 of {batch['num_users']:,} users x "
        f"{batch['num_items']:,} items, {batch['users_per_s']:,.0f} users/s"
    )
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--part", default="all", choices=["all", "signature", "ann", "batch"]
    )
    parser.add_argument("--num-users", type=int, default=None)
    parser.add_argument("--num-items", type=int, default=None)
    parser.add_argument("--shard-users", type=int, default=None)
    parser.add_argument(
        "--max-users", type=int, default=None, help="write only this many users"
    )
    parser.add_argument("--log", default="/tmp/keras_recsys_serving_batch.jsonl")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    big = 20_000 if args.quick else 1_000_000
    mid = 20_000 if args.quick else 100_000
    num_users = args.num_users or (20_000 if args.quick else 1_000_000)
    num_items = args.num_items or mid
    shard_users = args.shard_users or (5_000 if args.quick else 50_000)
    max_users = args.max_users or num_users
    if args.in_process:
        batch_part(num_users, num_items, shard_users, max_users)
        return
    # A single part updates its section of the stored results.
    stored = {}
    if args.part != "all" and not args.quick and RESULTS.exists():
        stored = json.loads(RESULTS.read_text())
    result = {
        **stored,
        "benchmark": "serving",
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "cpu_cores": os.cpu_count(),
        "quick": args.quick,
    }
    if args.part in ("all", "signature"):
        result["signature"] = signature_part(mid, 100) + signature_part(big, 30)
    if args.part in ("all", "ann"):
        result["ann"] = ann_part(big, 256 if args.quick else 1000)
        result["ann_graphs"] = graph_part(
            mid, 256 if args.quick else 1000, threads=1 if args.quick else 2
        )
    if args.part in ("all", "batch"):
        result["batch"] = run_batch_job(
            num_users, num_items, shard_users, max_users, args.log
        )
        print(result["batch"], flush=True)
    command = "flock /tmp/keras_recsys_bench.lock .venv/bin/python"
    command += " benchmarks/serving.py" + (" --quick" if args.quick else "")
    result["command"] = command
    if args.part != "all":
        part = command + " --part " + args.part
        if args.part == "batch" and args.max_users:
            part += f" --max-users {args.max_users}"
        result.setdefault("commands", {})[args.part] = part
    if not args.quick:
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")
        if "batch" in result and "progress" in result["batch"]:
            plot_batch(result["batch"], PLOT)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
