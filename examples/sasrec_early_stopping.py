"""Shows SASRec trained with early stopping on a full-catalog validation NDCG@10 (ML-1M).

1. MovieLens-1M users 1-2999 (the verbatim prefix of `ratings.dat`), item ids
   encoded with `keras_recsys.data.IdEncoder` (1..n, 0 = padding); per user,
   the last item is the test item and the one before it the validation item
   (`keras_recsys.data.leave_last_out`).
2. SASRec (`keras_recsys.models.build_sasrec`) learns the next item at every
   position with a full softmax; the same model scores the last position.
3. `keras_recsys.callbacks.TopKEvaluation` ranks the whole catalog for every
   user after each epoch (the user's training items excluded) and writes
   `val_ndcg@10` and `val_hit_rate@10` into the logs;
   `keras.callbacks.EarlyStopping(monitor="val_ndcg@10", mode="max",
   restore_best_weights=True)` stops and restores the best epoch.
4. The restored model is scored on the test items with
   `keras_recsys.evaluation.evaluate_topk` (history and validation item
   excluded). `--out` writes the curve of the validation figures per epoch
   (JSON) and `--plot` draws it (docs/_static/sasrec_early_stopping.png).

Without MovieLens under $KERAS_RECSYS_DATA use `--dataset synthetic`.

Run: python examples/sasrec_early_stopping.py [--quick] [--dataset synthetic]
"""

import argparse
import json
import os
import pathlib
import time

import keras
import numpy as np

import keras_recsys

PREFIX = "ml-1m/ratings.prefix-users-0001-2999.dat.gz"


def load(dataset, quick):
    """Interactions with item ids 1..n and time order, as a DataFrame."""
    path = pathlib.Path(os.environ.get("KERAS_RECSYS_DATA", "")) / PREFIX
    if dataset != "synthetic" and not path.exists():
        print(f"{path} not found (set KERAS_RECSYS_DATA): synthetic data instead")
        dataset = "synthetic"
    if dataset == "synthetic":
        ratings = keras_recsys.data.make_synthetic(num_users=300, num_items=200, seed=0)
    else:
        ratings = keras_recsys.data.read_interactions(
            path,
            sep="::",
            names=["user_id", "item_id", "rating", "timestamp"],
            header=None,
            encoding="latin-1",
        )
    if quick:  # 150 users: seconds
        ratings = ratings[ratings["user_id"].isin(ratings["user_id"].unique()[:150])]
    items = keras_recsys.data.IdEncoder().fit(ratings["item_id"])
    return ratings.assign(item_id=items.transform(ratings["item_id"])), items


def left_pad(rows, max_len):
    out = np.zeros((len(rows), max_len), dtype="int32")
    for r, row in enumerate(rows):
        row = np.asarray(row)[-max_len:]
        if len(row):
            out[r, max_len - len(row) :] = row
    return out


def per_user(frame, users):
    """Each user's items in time order (empty for users not in `frame`)."""
    frame = frame.sort_values(["user_id", "timestamp"], kind="stable")
    groups = frame.groupby("user_id")["item_id"].apply(np.asarray)
    return [groups.get(u, np.zeros(0, "int64")) for u in users]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="150 users, 2 epochs")
    parser.add_argument("--dataset", default="ml-1m", choices=["ml-1m", "synthetic"])
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--max-len", type=int, default=100)
    parser.add_argument("--out", default=None, help="write the curve as JSON")
    parser.add_argument("--plot", default=None, help="draw the curve as a PNG")
    args = parser.parse_args(argv)
    epochs = args.epochs or (2 if args.quick else 40)
    if args.quick:
        args.max_len = min(args.max_len, 50)
    keras.utils.set_random_seed(0)

    ratings, items = load(args.dataset, args.quick)
    train, val, test = keras_recsys.data.leave_last_out(ratings)
    users = np.sort(ratings["user_id"].unique())
    history = per_user(train, users)
    val_items = np.array([s[0] for s in per_user(val, users)])
    test_items = np.array([s[0] for s in per_user(test, users)])
    sequences = keras_recsys.data.build_sequences(train, max_len=args.max_len)
    num_items = items.vocabulary_size  # the id table: codes 1..n, 0 = padding
    print(
        f"{len(users)} users, {num_items} items, "
        f"{len(sequences['item_sequence'])} training sequences"
    )

    model = keras_recsys.models.build_sasrec(
        num_items=num_items,
        max_len=args.max_len,
        embedding_dim=64,
        dropout=0.2,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, ignore_class=0
        ),
    )
    validation = keras_recsys.callbacks.TopKEvaluation(
        (left_pad(history, args.max_len), val_items),
        metrics=("ndcg", "hit_rate"),
        k=10,
        exclude=history,
        scorer=model,
        verbose=0,
    )
    stop = keras.callbacks.EarlyStopping(
        monitor="val_ndcg@10",
        mode="max",
        patience=args.patience,
        restore_best_weights=True,
        verbose=1,
    )
    targets = sequences["target"]
    start = time.perf_counter()
    fit = model.fit(
        sequences["item_sequence"],
        targets,
        batch_size=64,
        epochs=epochs,
        callbacks=[validation, stop],  # TopKEvaluation first: it writes the logs
        verbose=2,
    )
    seconds = time.perf_counter() - start
    curve = fit.history["val_ndcg@10"]
    best_epoch = int(np.argmax(curve)) + 1

    seen = [np.append(h, v) for h, v in zip(history, val_items)]
    result = keras_recsys.evaluation.evaluate_topk(
        model,
        left_pad(seen, args.max_len),
        test_items,
        exclude=seen,
        metrics=("ndcg", "hit_rate"),
        ks=(10,),
        verbose=0,
    )
    print(
        f"best epoch {best_epoch} of {len(curve)} (val NDCG@10 {max(curve):.4f}); "
        f"test NDCG@10 {result['ndcg@10']:.4f}, HR@10 {result['hit_rate@10']:.4f} "
        f"of the restored model ({seconds:.0f} s)"
    )
    report = {
        "command": "python examples/sasrec_early_stopping.py "
        + " ".join(argv if argv is not None else __import__("sys").argv[1:]),
        "dataset": args.dataset,
        "num_users": int(len(users)),
        "num_items": int(num_items),
        "backend": keras.backend.backend(),
        "epochs_run": len(curve),
        "best_epoch": best_epoch,
        "val_ndcg@10": [float(v) for v in curve],
        "val_hit_rate@10": [float(v) for v in fit.history["val_hit_rate@10"]],
        "loss": [float(v) for v in fit.history["loss"]],
        "test_of_restored_model": result,
        "train_seconds": seconds,
    }
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    if args.plot:
        plot(report, args.plot)
    return report


def plot(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(1, report["epochs_run"] + 1)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(epochs, report["val_ndcg@10"], marker="o", label="val NDCG@10")
    ax.plot(epochs, report["val_hit_rate@10"], marker="s", label="val HR@10")
    ax.axvline(report["best_epoch"], color="grey", linestyle="--", label="restored")
    ax.set_xlabel("epoch")
    ax.set_ylabel("full-catalog validation figure")
    ax.set_title(
        f"SASRec, ML-1M users 1-2999: early stopping on val NDCG@10 "
        f"(test NDCG@10 {report['test_of_restored_model']['ndcg@10']:.3f})",
        fontsize=9,
    )
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
