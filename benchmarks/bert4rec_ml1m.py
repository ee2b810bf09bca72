"""BERT4Rec next-item recommendation on ML-1M (users 1-2999).

Data: the verbatim first 487,650 lines of ML-1M `ratings.dat` (users
1-2999, exact timestamps) at
`$KERAS_RECSYS_DATA/ml-1m/ratings.prefix-users-0001-2999.dat.gz`, read with
`keras_recsys.data.read_interactions` and item codes from
`keras_recsys.data.IdEncoder`. Each user's ratings are put in time order
(ties keep the file order); the last item is the test item, the one before
it the validation item (the protocol of `benchmarks/sequential_ml1m.py`).

Protocols, both HR@10 and NDCG@10:
  (a) sampled, as in the SASRec paper: the test item ranked against 100
      items drawn uniformly from those the user never rated;
  (b) full catalog: the test item ranked against every item the user has
      not rated before (the history is excluded), with
      `keras_recsys.evaluation.evaluate_topk`.

Training: `keras_recsys.models.build_bert4rec` on each user's training
sequence (all items but the last two), cut into chunks of `max_len` items,
with `keras_recsys.data.MaskedItemDataset` (mask probability 0.2, 10% of the
chunks with only their last item masked, masks redrawn every epoch) and
full softmax cross-entropy at the masked positions. The epoch is chosen on
validation NDCG@10 (full catalog) within a training-time budget; the test
input is the whole history but the test item (its newest `max_len - 1`
items), the model appending the `[MASK]` token.

Run (holding the team's benchmark lock):

    KERAS_RECSYS_DATA=/work/shared/data KERAS_BACKEND=jax \\
        flock /tmp/keras_recsys_bench.lock .venv/bin/python benchmarks/bert4rec_ml1m.py

`--quick` trains on 200 users for one epoch (a smoke test).
"""

import argparse
import json
import os
import pathlib
import platform
import time

import keras
import numpy as np

import keras_recsys

DATA_FILE = "ml-1m/ratings.prefix-users-0001-2999.dat.gz"
RESULTS = pathlib.Path(__file__).parent / "results" / "bert4rec_ml1m.json"
REFERENCES = {
    "bert4rec_klenitskiy_vasilev_recsys2023_all_6040_users_full": {
        "hr@10": 0.2843,
        "ndcg@10": 0.1537,
    },
    "bert4rec_paper_sun_2019_all_6040_users_sampled_100": {
        "hr@10": 0.6970,
        "ndcg@10": 0.4818,
    },
}


def load_sequences(path, max_users=None):
    """Per-user item codes in time order (stable on ties) and the table size."""
    df = keras_recsys.data.read_interactions(
        path, sep="::", names=["user_id", "item_id", "rating", "timestamp"]
    )
    encoder = keras_recsys.data.IdEncoder().fit(df["item_id"])
    codes = encoder.transform(df["item_id"])
    users = df["user_id"].to_numpy()
    # lexsort is stable: equal (user, time) keep the file's line order.
    order = np.lexsort((df["timestamp"].to_numpy(), users))
    bounds = np.flatnonzero(np.diff(users[order])) + 1
    sequences = np.split(codes[order].astype("int64"), bounds)
    if max_users is not None:
        sequences = sequences[:max_users]
    return sequences, encoder.vocabulary_size


def left_pad(rows, length):
    out = np.zeros((len(rows), length), dtype="int32")
    for r, row in enumerate(rows):
        row = row[len(row) - length :] if len(row) > length else row
        if len(row):
            out[r, length - len(row) :] = row
    return out


def training_chunks(sequences, max_len):
    """Each user's training items (all but the last two) in chunks of max_len."""
    chunks = []
    for seq in sequences:
        train = seq[:-2]
        for end in range(len(train), 0, -max_len):
            chunks.append(train[max(0, end - max_len) : end])
    return left_pad(chunks, max_len)


def sampled_candidates(sequences, num_items, num_negatives, seed):
    """Test item first, then items the user never rated (uniform)."""
    rng = np.random.default_rng(seed)
    out = np.zeros((len(sequences), num_negatives + 1), dtype="int64")
    for u, seq in enumerate(sequences):
        allowed = np.setdiff1d(np.arange(1, num_items), seq)
        out[u, 0] = seq[-1]
        out[u, 1:] = rng.choice(allowed, num_negatives, replace=False)
    return out


def sampled_metrics(scores, candidates, k=10):
    picked = np.take_along_axis(np.asarray(scores, "float64"), candidates, axis=1)
    ranks = np.sum(picked > picked[:, :1], axis=1)  # ties favour the test item
    hit = ranks < k
    return {
        f"hr@{k}": float(hit.mean()),
        f"ndcg@{k}": float(np.where(hit, 1.0 / np.log2(ranks + 2.0), 0.0).mean()),
    }


def evaluate(model, sequences, num_items, args, split, candidates=None):
    cut = 2 if split == "val" else 1
    histories = [s[:-cut] for s in sequences]
    inputs = left_pad(histories, args.max_len - 1)
    targets = np.array([int(s[-cut]) for s in sequences])
    full = keras_recsys.evaluation.evaluate_topk(
        model,
        inputs,
        targets,
        exclude=histories,
        num_items=num_items,
        metrics=("hit_rate", "ndcg"),
        ks=(10,),
        verbose=0,
    )
    out = {"full": {"hr@10": full["hit_rate@10"], "ndcg@10": full["ndcg@10"]}}
    if candidates is not None:
        scores = model.predict(inputs, batch_size=256, verbose=0)
        out["sampled"] = sampled_metrics(scores, candidates)
    return out


def train_and_evaluate(sequences, num_items, args):
    keras.utils.set_random_seed(args.seed)
    model = keras_recsys.models.build_bert4rec(
        num_items=num_items,
        max_len=args.max_len,
        embedding_dim=args.dim,
        num_blocks=args.blocks,
        num_heads=args.heads,
        dropout=args.dropout,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(args.lr),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    chunks = training_chunks(sequences, args.max_len)
    data = keras_recsys.data.MaskedItemDataset(
        chunks,
        num_items=num_items,
        batch_size=args.batch_size,
        mask_probability=args.mask_probability,
        last_item_probability=args.last_item_probability,
        seed=args.seed,
    )
    epoch_seconds, history = [], []
    best, best_weights, best_epoch, bad = -1.0, None, 0, 0
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        fit = model.fit(data, epochs=1, verbose=0)
        epoch_seconds.append(time.perf_counter() - start)
        val = evaluate(model, sequences, num_items, args, "val")["full"]
        history.append({"epoch": epoch, "loss": float(fit.history["loss"][-1]), **val})
        print(
            f"  epoch {epoch}: {epoch_seconds[-1]:.1f}s loss {history[-1]['loss']:.4f}"
            f" val ndcg@10 {val['ndcg@10']:.4f} hr@10 {val['hr@10']:.4f}",
            flush=True,
        )
        if val["ndcg@10"] > best:
            best, best_epoch, bad = val["ndcg@10"], epoch, 0
            best_weights = model.get_weights()
        else:
            bad += 1
        if bad >= args.patience or sum(epoch_seconds) > args.time_budget:
            break
    model.set_weights(best_weights)
    candidates = sampled_candidates(sequences, num_items, 100, seed=args.seed)
    test = evaluate(model, sequences, num_items, args, "test", candidates)
    return {
        "protocol_a_sampled": test["sampled"],
        "protocol_b_full": test["full"],
        "best_epoch": best_epoch,
        "epochs_run": len(epoch_seconds),
        "seconds_per_epoch": float(np.mean(epoch_seconds)),
        "train_seconds_total": float(np.sum(epoch_seconds)),
        "train_seconds_to_best_epoch": float(np.sum(epoch_seconds[:best_epoch])),
        "validation_history": history,
        "num_training_chunks": int(len(chunks)),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-len", type=int, default=100)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--blocks", type=int, default=2)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--mask-probability", type=float, default=0.2)
    parser.add_argument("--last-item-probability", type=float, default=0.1)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument(
        "--time-budget", type=float, default=540.0, help="training seconds"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.max_len, args.dim = 1, 20, 16
    root = os.environ.get("KERAS_RECSYS_DATA", "../shared/data")
    sequences, num_items = load_sequences(
        pathlib.Path(root, DATA_FILE), 200 if args.quick else None
    )
    print(
        f"{len(sequences)} users, table size {num_items}, "
        f"{sum(len(s) for s in sequences)} ratings; backend "
        f"{keras.backend.backend()}, {os.cpu_count()} CPUs",
        flush=True,
    )
    result = train_and_evaluate(sequences, num_items, args)
    a, b = result["protocol_a_sampled"], result["protocol_b_full"]
    print(
        f"\n{'model':10s} {'(a) HR@10':>10s} {'(a) NDCG@10':>12s} "
        f"{'(b) HR@10':>10s} {'(b) NDCG@10':>12s} {'s/epoch':>8s} {'best ep':>8s} "
        f"{'train s':>8s}\n"
        f"{'bert4rec':10s} {a['hr@10']:10.4f} {a['ndcg@10']:12.4f} "
        f"{b['hr@10']:10.4f} {b['ndcg@10']:12.4f} {result['seconds_per_epoch']:8.1f} "
        f"{result['best_epoch']:8d} {result['train_seconds_total']:8.0f}"
    )
    if args.quick:
        return
    report = {
        "command": (
            "KERAS_RECSYS_DATA=/work/shared/data KERAS_BACKEND="
            f"{keras.backend.backend()} flock /tmp/keras_recsys_bench.lock "
            ".venv/bin/python benchmarks/bert4rec_ml1m.py"
        ),
        "data": DATA_FILE,
        "num_users": len(sequences),
        "num_items": num_items,
        "settings": vars(args),
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "cpu_count": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "results": {"bert4rec": result},
        "references": REFERENCES,
    }
    output = pathlib.Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
