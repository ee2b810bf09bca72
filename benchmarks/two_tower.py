"""Two-tower retrieval on ML-100K with a per-user temporal split.

`keras_recsys.models.build_two_tower`: a user tower (id, age, gender,
occupation) and an item tower (id, genres), trained with
`keras_recsys.losses.InBatchSoftmaxLoss` (temperature, logQ correction from
the items' training frequencies, accidental hits removed). Every rating is
an interaction. Each user's oldest 80% of ratings train and the latest 20%
are the test targets (`keras_recsys.data.per_user_temporal_split`).
Full-catalog Recall@20 and NDCG@20 come from
`keras_recsys.evaluation.evaluate_topk` (training items excluded), against
the most-popular baseline (`keras_recsys.evaluation.most_popular_scorer`).

The epoch count is chosen on a validation split (each user's latest 1/8 of
the training ratings) by Recall@20; the final model is then trained on all
the training ratings for that many epochs. The test set is used only for
the final figures.

Run (hold the team's benchmark lock):

    KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock \\
        .venv/bin/python benchmarks/two_tower.py

`--quick` trains one epoch.
"""

import argparse
import os
import pathlib
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402
import _movielens100k as ml  # noqa: E402

import keras_recsys  # noqa: E402
from keras_recsys.data import interaction_matrix  # noqa: E402
from keras_recsys.data import per_user_temporal_split  # noqa: E402
from keras_recsys.evaluation import evaluate_topk  # noqa: E402
from keras_recsys.evaluation import most_popular_scorer  # noqa: E402

USER_KEYS = ("user_id", "age", "gender", "occupation")
ITEM_KEYS = ("item_id", "genres")


def build(args, users, items, num_users, num_items):
    dim = args.embedding_dim
    user_features, item_features = ml.feature_specs(
        users, items, num_users, num_items, dim
    )
    return keras_recsys.models.build_two_tower(
        user_features=user_features,
        item_features=item_features,
        hidden_units=args.units,
        l2_normalize=True,
    )


class Data:
    def __init__(self, users, items, num_users, num_items):
        self.users, self.items = users, items
        self.num_users, self.num_items = num_users, num_items
        self.user_queries = ml.user_inputs(np.arange(num_users, dtype="int32"), users)
        self.catalog = ml.item_inputs(np.arange(num_items, dtype="int32"), items)

    def matrix(self, df):
        """The users x items matrix of the (user, item) pairs of `df`."""
        return interaction_matrix(df, self.num_users, self.num_items)

    def examples(self, df, probs):
        x = ml.features(df, self.users, self.items)
        i = x["item_id"]
        y = np.stack([i.astype("float32"), probs[i]], axis=1)
        return x, y


def scorer_for(user_model, item_model, data):
    item_emb = item_model.predict(data.catalog, batch_size=4096, verbose=0)

    def scorer(batch):
        return user_model.predict_on_batch(batch) @ item_emb.T

    return scorer


def evaluate(scorer, data, targets, exclude, ks):
    """Full-catalog metrics of every user with a target (rows of the
    `targets` / `exclude` frames' interaction matrices)."""
    return evaluate_topk(
        scorer,
        data.user_queries,
        data.matrix(targets),
        exclude=data.matrix(exclude),
        num_items=data.num_items,
        metrics=("recall", "ndcg"),
        ks=ks,
        verbose=0,
    )


def train(args, data, train_df, epochs, seed, val=None):
    keras.utils.set_random_seed(seed)
    counts = np.bincount(train_df["item_id"], minlength=data.num_items)
    probs = (counts / counts.sum()).astype("float32")
    retrieval = build(args, data.users, data.items, data.num_users, data.num_items)
    user_model, item_model = (
        retrieval.get_layer("user_tower"),
        retrieval.get_layer("item_tower"),
    )
    retrieval.compile(
        optimizer=keras.optimizers.Adam(args.lr),
        loss=keras_recsys.losses.InBatchSoftmaxLoss(
            temperature=args.temperature, logq_correction=not args.no_logq
        ),
    )
    x, y = data.examples(train_df, probs)
    history = []
    seconds = 0.0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        h = retrieval.fit(
            x, y, batch_size=args.batch_size, epochs=1, shuffle=True, verbose=0
        )
        seconds += time.perf_counter() - start
        row = {"epoch": epoch, "loss": round(float(h.history["loss"][-1]), 4)}
        if val is not None:
            metrics = evaluate(
                scorer_for(user_model, item_model, data), data, val[0], val[1], (20,)
            )
            row["val_recall@20"] = round(metrics["recall@20"], 4)
            row["val_ndcg@20"] = round(metrics["ndcg@20"], 4)
        history.append(row)
        print("  ", row, flush=True)
    return user_model, item_model, history, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--max-epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--temperature", type=float, default=0.05)
    parser.add_argument("--no-logq", action="store_true")
    parser.add_argument("--embedding-dim", type=int, default=32)
    parser.add_argument("--units", type=int, nargs="+", default=[128, 64])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=None)
    args = parser.parse_args()
    if args.quick:
        args.max_epochs = 1

    ml100k = ml.load()
    ratings = ml100k.ratings
    users, items = ml.user_table(ml100k), ml.item_table(ml100k)
    num_users, num_items = len(users["gender"]), len(items["genres"])
    data = Data(users, items, num_users, num_items)
    train_df, test_df = per_user_temporal_split(ratings, (0.8, 0.2))
    fit_df, val_df = per_user_temporal_split(train_df, (0.875, 0.125))

    # 1. Epoch count on the validation split.
    val = (val_df, fit_df)
    _, _, val_history, _ = train(args, data, fit_df, args.max_epochs, args.seed, val)
    best = max(val_history, key=lambda r: r["val_recall@20"])
    epochs = best["epoch"]
    print(f"epochs chosen on validation: {epochs}", flush=True)

    # 2. Final model on all training ratings; test once.
    user_model, item_model, history, seconds = train(
        args, data, train_df, epochs, args.seed
    )
    model_metrics = evaluate(
        scorer_for(user_model, item_model, data), data, test_df, train_df, (20,)
    )
    counts = np.bincount(train_df["item_id"], minlength=num_items)
    pop_metrics = evaluate(most_popular_scorer(counts), data, test_df, train_df, (20,))

    print(
        f"\nML-100K per-user temporal split 80/20, {model_metrics['num_users']} users"
    )
    print(f"{'method':22s} {'Recall@20':>9s} {'NDCG@20':>8s}")
    for name, m in (("most popular", pop_metrics), ("two-tower", model_metrics)):
        print(f"{name:22s} {m['recall@20']:9.4f} {m['ndcg@20']:8.4f}")
    beats = (
        model_metrics["recall@20"] > pop_metrics["recall@20"]
        and model_metrics["ndcg@20"] > pop_metrics["ndcg@20"]
    )
    print(f"beats most popular on both: {beats}; final training {seconds:.0f}s")
    if args.quick:
        return
    result = {
        "benchmark": "two_tower",
        "data": "ml-100k u.data, every rating an interaction; per-user temporal "
        "split 80/20 (validation: latest 1/8 of each user's training ratings)",
        "protocol": "full catalog, training items excluded, evaluate_topk",
        **_common.environment(),
        "two_tower": {
            k: round(v, 4) for k, v in model_metrics.items() if k != "num_users"
        },
        "most_popular": {
            k: round(v, 4) for k, v in pop_metrics.items() if k != "num_users"
        },
        "num_users": model_metrics["num_users"],
        "beats_most_popular_on_both": beats,
        "epochs_chosen_on_validation": epochs,
        "validation_history": val_history,
        "final_train_seconds": round(seconds, 1),
    }
    _common.save(__file__, args, result)


if __name__ == "__main__":
    main()
