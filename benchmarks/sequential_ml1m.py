"""Next-item recommendation on ML-1M (users 1-2999): SASRec, GRU4Rec, Caser.

Data: the verbatim first 487,650 lines of ML-1M `ratings.dat` (users
1-2999, exact timestamps) at
`$KERAS_RECSYS_DATA/ml-1m/ratings.prefix-users-0001-2999.dat.gz`.
Each user's ratings are put in time order (ties keep the file order); the
last item is the test item, the one before it the validation item.

Protocols, both reported as HR@10 and NDCG@10:
  (a) sampled, as in the SASRec paper: the test item ranked against 100
      items drawn uniformly from those the user never rated;
  (b) full catalog: the test item ranked against every item the user has
      not rated before (the history is excluded).

Training: every position of each user's training sequence (all items but
the last two) predicts the next item; one model object trains and ranks.
`sasrec`, `gru4rec`, `caser`: full softmax cross-entropy over the catalog
(`SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)`, Adam
2e-3); `sasrec_sampled3000`: `keras_recsys.losses.SampledSoftmaxLoss` with
3,000 uniform negatives per batch; `sasrec_gbce`: `keras_recsys.losses.
GBCELoss` (gSASRec, 256 negatives, t = 0.75).
Long histories are cut into chunks of `max_len` transitions. The epoch is
chosen on validation NDCG@10 (full catalog); the test input is the whole
history but the test item (the validation item included).

Run (holding the team's benchmark lock):

    KERAS_RECSYS_DATA=/work/shared/data KERAS_BACKEND=jax \
        flock /tmp/keras_recsys_bench.lock .venv/bin/python benchmarks/sequential_ml1m.py

`--quick` trains each model on 200 users for one epoch (a smoke test).

Large catalog: SASRec with `SampledSoftmaxLoss` (3,000 negatives) over a
synthetic catalog of 1,000,000 items, in a child process: steps per second
and the peak resident memory of that process (`resource.getrusage`; Python's
own allocations by `tracemalloc`). `--quick` times 3 steps of batch 32,
the full run 20 steps of batch 128; `--skip-large-catalog` skips it.
"""

import argparse
import gzip
import json
import os
import pathlib
import platform
import resource
import subprocess
import sys
import time
import tracemalloc

import keras
import numpy as np

import keras_recsys

DATA_FILE = "ml-1m/ratings.prefix-users-0001-2999.dat.gz"
RESULTS = pathlib.Path(__file__).parent / "results" / "sequential_ml1m.json"
PAPER_SAMPLED = {  # SASRec paper, all 6,040 ML-1M users, protocol (a)
    "sasrec": {"hr@10": 0.8245, "ndcg@10": 0.5905},
    "gru4rec": {"hr@10": 0.7501, "ndcg@10": 0.5513},
    "caser": {"hr@10": 0.7886, "ndcg@10": 0.5538},
}
RECBOLE_FULL = {  # RecBole 1.2.1 on this data, protocol (b)
    "gru4rec": {"hr@10": 0.256, "ndcg@10": 0.139},
    "sasrec": {"hr@10": 0.226, "ndcg@10": 0.117},
}


def load_sequences(path, max_users=None):
    """Per-user item sequences in time order (stable on ties)."""
    users, items, times = [], [], []
    with gzip.open(path, "rt", encoding="latin-1") as f:
        for line in f:
            u, i, _, t = line.rstrip("\n").split("::")
            users.append(int(u))
            items.append(int(i))
            times.append(int(t))
    users = np.asarray(users)
    items = np.asarray(items)
    times = np.asarray(times)
    # lexsort is stable: equal (user, time) keep the original line order.
    order = np.lexsort((times, users))
    users, items = users[order], items[order]
    movie_ids = np.unique(items)
    item_index = np.searchsorted(movie_ids, items) + 1  # ids 1..num_items
    bounds = np.flatnonzero(np.diff(users)) + 1
    sequences = np.split(item_index, bounds)
    if max_users is not None:
        sequences = sequences[:max_users]
    return sequences, len(movie_ids)


def left_pad(rows, max_len):
    out = np.zeros((len(rows), max_len), dtype="int32")
    for r, row in enumerate(rows):
        row = row[-max_len:]
        if len(row):
            out[r, max_len - len(row) :] = row
    return out


def training_chunks(sequences, max_len):
    """Inputs and next-item targets, every transition once, left-padded."""
    inputs, targets = [], []
    for seq in sequences:
        train = seq[:-2]
        end = len(train)
        while end > 1:
            start = max(0, end - max_len - 1)
            chunk = train[start:end]
            inputs.append(chunk[:-1])
            targets.append(chunk[1:])
            end = start + 1
    return left_pad(inputs, max_len), left_pad(targets, max_len)


def rank_metrics(ranks, k=10):
    ranks = np.asarray(ranks)
    hit = ranks < k
    return {
        f"hr@{k}": float(hit.mean()),
        f"ndcg@{k}": float(np.where(hit, 1.0 / np.log2(ranks + 2.0), 0.0).mean()),
    }


def full_catalog_ranks(scores, targets, histories):
    """Rank of each target among the items outside the user's history.

    Ties rank the lower item id first (the team's evaluation contract).
    """
    scores = np.array(scores, dtype="float64")
    scores[:, 0] = -np.inf
    ranks = np.empty(len(targets), dtype="int64")
    for u, (target, history) in enumerate(zip(targets, histories)):
        row = scores[u]
        row[history] = -np.inf
        s = row[target]
        ranks[u] = np.sum(row > s) + np.sum(row[:target] == s)
    return ranks


def sampled_ranks(scores, candidates):
    """Rank of column 0 of `candidates` (the test item) among its row."""
    picked = np.take_along_axis(np.asarray(scores, "float64"), candidates, axis=1)
    s = picked[:, :1]
    return np.sum(picked > s, axis=1)  # ties favour the earlier column


def sample_candidates(sequences, num_items, num_negatives, seed):
    rng = np.random.default_rng(seed)
    out = np.zeros((len(sequences), num_negatives + 1), dtype="int64")
    for u, seq in enumerate(sequences):
        rated = set(seq.tolist())
        negatives = []
        while len(negatives) < num_negatives:
            j = int(rng.integers(1, num_items + 1))
            if j not in rated and j not in negatives:
                negatives.append(j)
        out[u, 0] = seq[-1]
        out[u, 1:] = negatives
    return out


# Training variants of SASRec: the loss and its negatives (Klenitskiy &
# Vasilev 2023: full CE and 3,000 sampled negatives; gSASRec: gBCE, 256).
LOSSES = {
    "sasrec": ("full", None),
    "sasrec_sampled3000": ("sampled", 3000),
    "sasrec_gbce": ("gbce", 256),
}


def build(name, num_items, args):
    common = dict(
        num_items=num_items + 1,  # the id table: codes 1..num_items, 0 = padding
        max_len=args.max_len,
        embedding_dim=args.dim,
    )
    if name in LOSSES:
        kind, _ = LOSSES[name]
        return keras_recsys.models.build_sasrec(
            num_blocks=2,
            num_heads=1,
            dropout=args.dropout,
            training_output="logits" if kind == "full" else "states",
            seed=args.seed,
            **common,
        )
    if name == "gru4rec":
        return keras_recsys.models.build_gru4rec(
            cell="gru", dropout=args.dropout, **common
        )
    if name == "gru4rec_lstm":
        return keras_recsys.models.build_gru4rec(
            cell="lstm", dropout=args.dropout, **common
        )
    if name == "caser":
        return keras_recsys.models.build_caser(
            window=5, num_horizontal=16, num_vertical=4, dropout=0.5, **common
        )
    raise ValueError(f"unknown model {name!r}")


def training_loss(name, model):
    kind, negatives = LOSSES.get(name, ("full", None))
    if kind == "sampled":
        return keras_recsys.losses.SampledSoftmaxLoss(
            model.get_layer("item_embedding"), num_negatives=negatives
        )
    if kind == "gbce":
        return keras_recsys.losses.GBCELoss(
            model.get_layer("item_embedding"), num_negatives=negatives, t=0.75
        )
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)


def evaluate(model, sequences, num_items, candidates, args, split):
    cut = 2 if split == "val" else 1
    inputs = left_pad([s[:-cut] for s in sequences], args.max_len)
    scores = model.predict(inputs, batch_size=256, verbose=0)
    targets = [int(s[-cut]) for s in sequences]
    histories = [s[:-cut] for s in sequences]
    out = {"full": rank_metrics(full_catalog_ranks(scores, targets, histories))}
    if candidates is not None:
        out["sampled"] = rank_metrics(sampled_ranks(scores, candidates))
    return out


def train_and_evaluate(name, sequences, num_items, candidates, args):
    keras.utils.set_random_seed(args.seed)
    # One model trains (every position) and recommends (the last position).
    model = build(name, num_items, args)
    model.compile(
        optimizer=keras.optimizers.Adam(args.lr), loss=training_loss(name, model)
    )
    x, y = training_chunks(sequences, args.max_len)
    budgets = dict(item.split("=") for item in args.time_budgets.split(",") if item)
    budget = float(budgets.get(name, args.time_budget))
    epoch_seconds, history = [], []
    best, best_weights, best_epoch, bad = -1.0, None, 0, 0
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        fit = model.fit(
            x,
            y,
            batch_size=args.batch_size,
            epochs=1,
            shuffle=True,
            verbose=0,
        )
        epoch_seconds.append(time.perf_counter() - start)
        val = evaluate(model, sequences, num_items, None, args, "val")["full"]
        history.append({"epoch": epoch, "loss": float(fit.history["loss"][-1]), **val})
        print(
            f"  {name} epoch {epoch}: {epoch_seconds[-1]:.1f}s "
            f"loss {history[-1]['loss']:.4f} val ndcg@10 {val['ndcg@10']:.4f} "
            f"hr@10 {val['hr@10']:.4f}",
            flush=True,
        )
        if val["ndcg@10"] > best:
            best, best_epoch, bad = val["ndcg@10"], epoch, 0
            best_weights = model.get_weights()
        else:
            bad += 1
        if bad >= args.patience or sum(epoch_seconds) > budget:
            break
    model.set_weights(best_weights)
    test = evaluate(model, sequences, num_items, candidates, args, "test")
    return {
        "cross_check_evaluate_topk": cross_check(
            model, sequences, num_items, candidates, args
        ),
        "protocol_a_sampled": test["sampled"],
        "protocol_b_full": test["full"],
        "best_epoch": best_epoch,
        "epochs_run": len(epoch_seconds),
        "seconds_per_epoch": float(np.mean(epoch_seconds)),
        "train_seconds_total": float(np.sum(epoch_seconds)),
        "train_seconds_to_best_epoch": float(np.sum(epoch_seconds[:best_epoch])),
        "validation_history": history,
        "num_training_chunks": int(len(x)),
    }


def cross_check(model, sequences, num_items, candidates, args):
    """The same test figures from `keras_recsys.evaluation.evaluate_topk`."""
    try:
        from keras_recsys.evaluation import evaluate_topk
    except ImportError as e:  # the team's evaluation has not landed
        return {"error": repr(e)}
    inputs = left_pad([s[:-1] for s in sequences], args.max_len)
    targets = np.array([int(s[-1]) for s in sequences])
    common = dict(metrics=("hit_rate", "ndcg"), ks=(10,), verbose=0)
    try:
        full = evaluate_topk(
            model,
            inputs,
            targets,
            exclude=[s[:-1] for s in sequences],
            num_items=num_items + 1,
            **common,
        )
        sampled = evaluate_topk(
            model,
            inputs,
            targets,
            candidates=candidates,
            num_items=num_items + 1,
            **common,
        )
    except Exception as e:  # a cross-check never stops the benchmark
        return {"error": repr(e)}
    return {"protocol_a_sampled": sampled, "protocol_b_full": full}


def most_popular(sequences, num_items, candidates):
    counts = np.zeros(num_items + 1)
    for s in sequences:
        np.add.at(counts, s[:-1], 1.0)  # every rating but the test ones
    scores = np.broadcast_to(counts, (len(sequences), num_items + 1))
    targets = [int(s[-1]) for s in sequences]
    histories = [s[:-1] for s in sequences]
    return {
        "protocol_a_sampled": rank_metrics(sampled_ranks(scores, candidates)),
        "protocol_b_full": rank_metrics(full_catalog_ranks(scores, targets, histories)),
    }


def large_catalog(num_items, steps, batch_size, max_len, negatives, seed):
    """SASRec + sampled softmax over a synthetic catalog of `num_items` codes.

    Runs in its own process (see `main`) so that its peak resident memory is
    its own. Returns steps per second and peak memory figures.
    """
    keras.utils.set_random_seed(seed)
    tracemalloc.start()
    rng = np.random.default_rng(seed)
    sequences = rng.integers(1, num_items, (batch_size * steps, max_len + 1))
    x = sequences[:, :-1].astype("int32")
    y = sequences[:, 1:].astype("int32")
    model = keras_recsys.models.build_sasrec(
        num_items=num_items,
        max_len=max_len,
        embedding_dim=64,
        num_blocks=2,
        dropout=0.2,
        training_output="states",
        seed=seed,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.SampledSoftmaxLoss(
            model.get_layer("item_embedding"), num_negatives=negatives
        ),
    )
    # The first step compiles; the timed steps follow.
    model.fit(x[:batch_size], y[:batch_size], batch_size=batch_size, verbose=0)
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    logits = model.predict(x[:8], verbose=0)
    _, traced_peak = tracemalloc.get_traced_memory()
    return {
        "num_items": num_items,
        "table_rows": int(model.get_layer("item_embedding").embeddings.shape[0]),
        "num_negatives": negatives,
        "batch_size": batch_size,
        "max_len": max_len,
        "timed_steps": steps,
        "steps_per_second": steps / seconds,
        "loss_last": float(history.history["loss"][-1]),
        "predict_logits_shape": list(logits.shape),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_python_allocations_mib": traced_peak / 2**20,
    }


def run_large_catalog(args):
    """`large_catalog` in a child process; its JSON result."""
    command = [
        sys.executable,
        __file__,
        "--only-large-catalog",
        "--large-catalog-items",
        str(args.large_catalog_items),
        "--large-catalog-steps",
        str(args.large_catalog_steps),
        "--large-catalog-batch",
        str(args.large_catalog_batch),
        "--large-catalog-negatives",
        str(args.large_catalog_negatives),
        "--seed",
        str(args.seed),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--models", default="sasrec,sasrec_sampled3000,sasrec_gbce,gru4rec,caser"
    )
    parser.add_argument("--max-len", type=int, default=100)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument(
        "--time-budget", type=float, default=540.0, help="training seconds per model"
    )
    parser.add_argument(
        "--time-budgets",
        default="gru4rec=240,caser=180",
        help="per-model training seconds, overriding --time-budget",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--large-catalog-items", type=int, default=1_000_000)
    parser.add_argument("--large-catalog-steps", type=int, default=20)
    parser.add_argument("--large-catalog-batch", type=int, default=128)
    parser.add_argument("--large-catalog-negatives", type=int, default=3000)
    parser.add_argument("--skip-large-catalog", action="store_true")
    parser.add_argument(
        "--only-large-catalog", action="store_true", help=argparse.SUPPRESS
    )
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if args.only_large_catalog:
        result = large_catalog(
            args.large_catalog_items,
            args.large_catalog_steps,
            args.large_catalog_batch,
            50,
            args.large_catalog_negatives,
            args.seed,
        )
        print(json.dumps(result))
        return
    if args.quick:
        args.epochs, args.max_len, args.dim = 1, 20, 16
        args.large_catalog_steps, args.large_catalog_batch = 3, 32
    root = os.environ.get("KERAS_RECSYS_DATA", "../shared/data")
    path = pathlib.Path(root, DATA_FILE)
    sequences, num_items = load_sequences(path, 200 if args.quick else None)
    candidates = sample_candidates(sequences, num_items, 100, seed=args.seed)
    print(
        f"{len(sequences)} users, {num_items} items, "
        f"{sum(len(s) for s in sequences)} ratings; backend "
        f"{keras.backend.backend()}, {os.cpu_count()} CPUs",
        flush=True,
    )
    results = {"most_popular": most_popular(sequences, num_items, candidates)}
    output = pathlib.Path(args.output)
    for name in args.models.split(","):
        results[name] = train_and_evaluate(name, sequences, num_items, candidates, args)
        if not args.quick:  # keep what is done if a later model fails
            write_report(output, sequences, num_items, args, results)
    print(
        f"\n{'model':14s} {'(a) HR@10':>10s} {'(a) NDCG@10':>12s} "
        f"{'(b) HR@10':>10s} {'(b) NDCG@10':>12s} {'s/epoch':>8s} {'epochs':>7s} "
        f"{'train s':>8s}"
    )
    for name, r in results.items():
        if "protocol_a_sampled" not in r:
            continue
        a, b = r["protocol_a_sampled"], r["protocol_b_full"]
        extra = (
            f"{r['seconds_per_epoch']:8.1f} {r['epochs_run']:7d} "
            f"{r['train_seconds_total']:8.0f}"
            if "seconds_per_epoch" in r
            else ""
        )
        print(
            f"{name:14s} {a['hr@10']:10.4f} {a['ndcg@10']:12.4f} "
            f"{b['hr@10']:10.4f} {b['ndcg@10']:12.4f} {extra}"
        )
    if not args.skip_large_catalog:
        large = run_large_catalog(args)
        results["large_catalog_sampled_softmax"] = large
        print(
            f"\nSASRec + SampledSoftmaxLoss ({large['num_negatives']} negatives) over "
            f"{large['num_items']:,} items: {large['steps_per_second']:.2f} steps/s "
            f"(batch {large['batch_size']} x {large['max_len']}), peak RSS "
            f"{large['peak_rss_mib']:.0f} MiB"
        )
    if not args.quick:
        write_report(output, sequences, num_items, args, results)
        print(f"wrote {output}")


def write_report(output, sequences, num_items, args, results):
    report = {
        "data": DATA_FILE,
        "num_users": len(sequences),
        "num_items": num_items,
        "settings": vars(args),
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "cpu_count": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "results": results,
        "reference_sasrec_paper_protocol_a_all_6040_users": PAPER_SAMPLED,
        "reference_recbole_protocol_b_this_data": RECBOLE_FULL,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
