"""Benchmark of keras_recsys.data on the MovieLens-1M ratings (1,000,209 rows).

Times, on the team's reconstructed ML-1M file
(`$KERAS_RECSYS_DATA/ml-1m/ratings.reconstructed.uirt.tsv.gz`, see
`../shared/data/README.md`: exact (user, item, rating) triples, 80,584 unknown
timestamps that become NaN and count as the oldest events):

1. the pipeline: reading, cleaning (duplicate removal, rating range check,
   5-core filtering), id encoding of users and items, and a leave-one-out
   split (last event test, the one before validation). Target: < 5 s.
2. sampling 4 uniform negatives for each of the 1M positives, excluding each
   user's positives. Target: < 2 s.

Each figure is the median of `--repeats` runs. Prints a table and writes
`benchmarks/results/data.json`.

Run (holding the team's benchmark lock, 2 CPU cores):
    flock /tmp/keras_recsys_bench.lock .venv/bin/python benchmarks/data.py
Smoke run on the first 50,000 rows:
    .venv/bin/python benchmarks/data.py --quick
"""

import argparse
import pathlib
import statistics
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import _common  # noqa: E402

import keras_recsys.data as krd  # noqa: E402

PIPELINE_TARGET_S = 5.0
SAMPLING_TARGET_S = 2.0


def find_ratings():
    return _common.data_path("ml-1m", "ratings.reconstructed.uirt.tsv.gz")


def pipeline(path, nrows=None):
    times = {}
    t0 = time.perf_counter()
    df = krd.read_interactions(
        path, sep="\t", columns={"movie_id": "item_id"}, dtype="int64"
    )
    if nrows is not None:
        df = df.iloc[:nrows]
    df["timestamp"] = df["timestamp"].astype("float64").where(df["timestamp"] >= 0)
    raw = df
    t1 = time.perf_counter()
    times["read"] = t1 - t0
    df = krd.drop_duplicate_interactions(df)
    df = krd.remove_outliers(df, column="rating", valid_range=(1, 5))
    df = krd.filter_k_core(df, min_user_count=5, min_item_count=5)
    t2 = time.perf_counter()
    times["clean"] = t2 - t1
    users = krd.IdEncoder()
    items = krd.IdEncoder()
    df = df.assign(
        user_id=users.fit_transform(df["user_id"]),
        item_id=items.fit_transform(df["item_id"]),
    )
    t3 = time.perf_counter()
    times["encode"] = t3 - t2
    train, val, test = krd.leave_last_out(df, n_test=1, n_val=1)
    t4 = time.perf_counter()
    times["leave_one_out"] = t4 - t3
    times["pipeline_total"] = t4 - t0
    info = {
        "rows": len(df),
        "users": users.vocabulary_size - 1,
        "items": items.vocabulary_size - 1,
        "train/val/test": (len(train), len(val), len(test)),
    }
    return raw, times, info


def sampling(raw, seed):
    # Every rating is a positive (no cleaning, so all 1,000,209 of them).
    items = krd.IdEncoder().fit(raw["item_id"])
    df = raw.assign(
        user_id=krd.IdEncoder().fit_transform(raw["user_id"]),
        item_id=items.transform(raw["item_id"]),
    )
    num_items = items.vocabulary_size
    users = df["user_id"].to_numpy()
    t0 = time.perf_counter()
    negatives = krd.sample_negatives(
        users, df, num_items=num_items, num_negatives=4, seed=seed
    )
    seconds = time.perf_counter() - t0
    # Check outside the timing: no negative is a positive of its user.
    pos = set(zip(users.tolist(), df["item_id"].tolist()))
    sample = np.random.default_rng(0).choice(len(users), 20000, replace=False)
    assert not any((users[r], n) in pos for r in sample for n in negatives[r])
    # Informative (no target): one epoch of TripletDataset batches.
    t0 = time.perf_counter()
    feed = krd.TripletDataset(
        users, df["item_id"].to_numpy(), num_items, 4, batch_size=1024
    )
    for b in range(len(feed)):
        feed[b]
    epoch_seconds = time.perf_counter() - t0
    return seconds, negatives.shape, epoch_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="first 50,000 rows")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(_common.results_path(__file__)))
    args = parser.parse_args()
    path = find_ratings()
    nrows = 50_000 if args.quick else None
    repeats = 1 if args.quick else args.repeats

    runs, sample_runs, epoch_runs = [], [], []
    for r in range(repeats):
        raw, times, info = pipeline(path, nrows)
        runs.append(times)
        seconds, shape, epoch_seconds = sampling(raw, seed=r)
        sample_runs.append(seconds)
        epoch_runs.append(epoch_seconds)

    def med(key):
        return statistics.median(t[key] for t in runs)

    steps = ["read", "clean", "encode", "leave_one_out", "pipeline_total"]
    result = {
        "dataset": str(path.name),
        "quick": args.quick,
        "repeats": repeats,
        **_common.environment(),
        "rows_read": len(raw),
        "rows_after_cleaning": info["rows"],
        "users": info["users"],
        "items": info["items"],
        "train_val_test": info["train/val/test"],
        "seconds": {k: round(med(k), 3) for k in steps},
        "sampling_seconds": round(statistics.median(sample_runs), 3),
        "negatives_shape": list(shape),
        "triplet_epoch_seconds": round(statistics.median(epoch_runs), 3),
        "pipeline_target_s": PIPELINE_TARGET_S,
        "sampling_target_s": SAMPLING_TARGET_S,
        "pipeline_ok": med("pipeline_total") < PIPELINE_TARGET_S,
        "sampling_ok": statistics.median(sample_runs) < SAMPLING_TARGET_S,
    }
    print(
        f"ML-1M data benchmark ({result['rows_read']:,} rows read, "
        f"{result['rows_after_cleaning']:,} after cleaning; median of {repeats} runs)"
    )
    print(f"{'step':<32}{'seconds':>10}{'target':>10}")
    for k in steps[:-1]:
        print(f"{k:<32}{result['seconds'][k]:>10.3f}")
    print(
        f"{'read+clean+encode+leave-one-out':<32}"
        f"{result['seconds']['pipeline_total']:>10.3f}{'< 5':>10}"
    )
    print(
        f"{'4 negatives x ' + format(shape[0], ',') + ' positives':<32}"
        f"{result['sampling_seconds']:>10.3f}{'< 2':>10}"
    )
    print(
        f"{'TripletDataset epoch (1024/batch)':<32}"
        f"{result['triplet_epoch_seconds']:>10.3f}{'-':>10}"
    )
    print(
        f"after cleaning: users {result['users']:,}, items {result['items']:,}, "
        f"train/val/test {result['train_val_test']}"
    )
    if not args.quick:
        _common.write_results(args.out, result)


if __name__ == "__main__":
    main()
