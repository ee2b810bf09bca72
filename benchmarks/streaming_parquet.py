"""Streaming two-tower training from Parquet shards in bounded memory.

Writes N synthetic interactions (20,000,000 by default) into Parquet shards,
then, each phase in a fresh process so that its peak memory is its own:

- `stream`: reads every row of the shards through
  `keras_recsys.data.ParquetInteractionDataset` (shuffle buffer, batches,
  uniform negatives) and counts them;
- `workers`: two worker processes (`num_workers=2`) stream their shards
  side by side: disjoint, covering every row;
- `train`: trains `keras_recsys.models.build_two_tower` with
  `InBatchSoftmaxLoss` on the stream for a bounded number of steps (training
  over all 20M rows on 2 shared CPU cores would take hours: the stream phase
  is what shows that all rows go through the pipeline).

Reports rows, seconds and the peak resident memory (`ru_maxrss`) of each
process; the target is < 2 GB per process. Writes
benchmarks/results/streaming_parquet.json.

    flock /tmp/keras_recsys_bench.lock python benchmarks/streaming_parquet.py [--quick]
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NUM_USERS = 500_000
NUM_ITEMS = 100_000
BATCH = 4096


# The figures printed at the end of a run.
SUMMARY = (
    "every_row_once",
    "peak_rss_mib_max_over_processes",
    "under_2_gib_per_process",
)


def write(folder, rows, shards):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    per_shard = rows // shards
    chunk = 1_000_000
    for shard in range(shards):
        path = folder / f"part-{shard:03d}.parquet"
        with pq.ParquetWriter(
            path, pa.schema([("user_id", pa.int32()), ("item_id", pa.int32())])
        ) as writer:
            for start in range(0, per_shard, chunk):
                n = min(chunk, per_shard - start)
                users = rng.integers(0, NUM_USERS, n, dtype="int32")
                # Each user leans to a block of items, with Zipf-like noise.
                offsets = np.minimum(rng.zipf(1.3, n), 1000).astype("int32")
                items = ((users // 10) * 7 + offsets) % NUM_ITEMS
                writer.write_table(
                    pa.table({"user_id": users, "item_id": items.astype("int32")}),
                    row_group_size=262_144,
                )
    return sorted(str(p) for p in folder.glob("*.parquet"))


def dataset(paths, **kwargs):
    import keras_recsys.data

    return keras_recsys.data.ParquetInteractionDataset(
        paths,
        batch_size=BATCH,
        num_negatives=4,
        num_items=NUM_ITEMS,
        shuffle_buffer=1_048_576,
        **kwargs,
    )


def phase_stream(paths, num_workers=1, worker_index=0):
    ds = dataset(paths, num_workers=num_workers, worker_index=worker_index)
    start = time.perf_counter()
    rows = checksum = batches = 0
    for x, _ in ds:
        rows += len(x["user_id"])
        checksum += int(x["user_id"].astype("int64").sum())
        batches += 1
    seconds = time.perf_counter() - start
    return {
        "rows": rows,
        "batches": batches,
        "user_id_sum": checksum,
        "seconds": round(seconds, 1),
        "rows_per_second": int(rows / seconds),
        "peak_rss_mib": round(_common.peak_rss_mib()),
    }


def phase_train(paths, steps):
    import keras

    import keras_recsys

    keras.utils.set_random_seed(0)
    retrieval = keras_recsys.models.build_two_tower(
        {"user_id": {"type": "id", "vocabulary_size": NUM_USERS, "embedding_dim": 32}},
        {"item_id": {"type": "id", "vocabulary_size": NUM_ITEMS, "embedding_dim": 32}},
        hidden_units=(32,),
    )
    retrieval.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.InBatchSoftmaxLoss(temperature=0.05),
    )
    ds = dataset(paths, seed=1)
    stream = ((x, y) for x, y in ds.repeat())
    stream = (({k: v for k, v in x.items() if k != "negatives"}, y) for x, y in stream)
    start = time.perf_counter()
    history = retrieval.fit(stream, steps_per_epoch=steps, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    return {
        **_common.environment(),
        "steps": steps,
        "batch_size": BATCH,
        "rows_trained": steps * BATCH,
        "loss": round(float(history.history["loss"][-1]), 4),
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(_common.peak_rss_mib()),
    }


def child(args, *extra):
    out = subprocess.run(
        [sys.executable, __file__, "--phase", *extra, "--folder", args.folder],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    lines = [x for x in out.stdout.splitlines() if x.startswith("PHASE ")]
    if out.returncode or not lines:
        sys.exit(out.stdout[-2000:] + out.stderr[-4000:])
    return json.loads(lines[-1][6:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2M rows, 30 steps")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--phase", nargs="+", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--output", default=str(_common.results_path(__file__)))
    args = parser.parse_args()
    if args.phase:
        paths = sorted(str(p) for p in pathlib.Path(args.folder).glob("*.parquet"))
        name, *rest = args.phase
        if name == "write":
            start = time.perf_counter()
            rows, shards = int(rest[0]), int(rest[1])
            paths = write(pathlib.Path(args.folder), rows, shards)
            size = sum(os.path.getsize(p) for p in paths)
            result = {
                "rows": rows,
                "shards": len(paths),
                "bytes_on_disk": size,
                "seconds": round(time.perf_counter() - start, 1),
                "peak_rss_mib": round(_common.peak_rss_mib()),
            }
        elif name == "stream":
            result = phase_stream(paths, int(rest[0]), int(rest[1]))
        else:
            result = phase_train(paths, int(rest[0]))
        print("PHASE " + json.dumps(result), flush=True)
        return

    rows = args.rows or (2_000_000 if args.quick else 20_000_000)
    steps = args.steps or (30 if args.quick else 300)
    with tempfile.TemporaryDirectory() as folder:
        args.folder = folder
        written = child(args, "write", str(rows), "8")
        print(
            f"wrote {rows:,} rows in {written['shards']} shards "
            f"({written['bytes_on_disk'] / 2**20:.0f} MiB)",
            flush=True,
        )
        stream = child(args, "stream", "1", "0")
        print("stream:", stream, flush=True)
        # Two workers side by side, each reading its own row groups.
        workers = []
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--phase",
                    "stream",
                    "2",
                    str(i),
                    "--folder",
                    folder,
                ],
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for i in range(2)
        ]
        for proc in procs:
            out = proc.communicate()[0]
            workers.append(
                json.loads(
                    [x for x in out.splitlines() if x.startswith("PHASE ")][-1][6:]
                )
            )
        workers_wall = time.perf_counter() - start
        print("workers:", workers, flush=True)
        train = child(args, "train", str(steps))
        print("train:", train, flush=True)

    every_row_once = (
        stream["rows"] == rows
        and sum(w["rows"] for w in workers) == rows
        and sum(w["user_id_sum"] for w in workers) == stream["user_id_sum"]
    )
    peak = max(
        [stream["peak_rss_mib"], train["peak_rss_mib"]]
        + [w["peak_rss_mib"] for w in workers]
    )
    result = {
        "benchmark": "streaming_parquet",
        "data": f"{rows:,} synthetic interactions ({NUM_USERS:,} users, "
        f"{NUM_ITEMS:,} items) in 8 Parquet shards, row groups of 262,144",
        "pipeline": "ParquetInteractionDataset: batch 4096, shuffle buffer "
        "1,048,576 rows, 4 uniform negatives per row",
        **_common.environment(),
        "write": written,
        "stream_one_process": stream,
        "stream_two_workers": {
            "workers": workers,
            "wall_seconds": round(workers_wall, 1),
        },
        "every_row_once": every_row_once,
        "train_two_tower": train,
        "train_note": "training runs a bounded number of steps (all rows go "
        "through the stream phase); the model holds 500K x 32 user and 100K x 32 "
        "item tables with Adam's slots",
        "peak_rss_mib_max_over_processes": peak,
        "under_2_gib_per_process": peak < 2048,
        "command": _common.command(__file__, env=""),
    }
    _common.report(result, SUMMARY, None if args.quick else args.output)


if __name__ == "__main__":
    main()
