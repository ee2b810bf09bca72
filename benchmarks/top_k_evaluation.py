"""What `TopKEvaluation` adds to an epoch of `fit` on ML-1M (6,040 x 3,706).

A Mult-DAE (600-200-600, Liang et al. 2018) is trained on the user x item
matrix of ML-1M (`keras_recsys.data.load_movielens("ml-1m")`, the
reconstructed ratings of all 6,040 users; item ids from
`keras_recsys.data.IdEncoder`, column j = code j, column 0 reserved). Each user's latest
item is the validation item (`keras_recsys.data.leave_last_out`); the
training items are excluded from ranking. After every epoch
`keras_recsys.callbacks.TopKEvaluation` ranks all 3,706 items for all 6,040
users and writes `val_ndcg@10` and `val_recall@10` into the logs.

Measured side by side in one process, epoch by epoch: the wall time of the
callback's evaluation (predict of every user's row plus ranking and
metrics) and of the epoch's training (the epoch's time without it). The
first epoch (compilation) is reported apart; the figures are the medians of
the epochs after it.

Target (issue 14): under 1 s per epoch on 2 CPU cores.

Usage:
    flock /tmp/keras_recsys_bench.lock env KERAS_RECSYS_DATA=/work/shared/data \
        .venv/bin/python benchmarks/top_k_evaluation.py
    .venv/bin/python benchmarks/top_k_evaluation.py --quick   # synthetic, seconds
"""

import argparse
import pathlib
import sys
import time

import keras
import numpy as np

import keras_recsys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402

RESULTS = _common.results_path(__file__)


def load(quick):
    if quick:
        ratings = keras_recsys.data.make_synthetic(num_users=300, num_items=400, seed=0)
        source = "synthetic (300 users)"
    else:
        ratings = keras_recsys.data.load_movielens("ml-1m", download=False).ratings
        source = "ML-1M (load_movielens: reconstructed ratings of all users)"
    users = keras_recsys.data.IdEncoder().fit(ratings["user_id"])
    items = keras_recsys.data.IdEncoder().fit(ratings["item_id"])
    ratings = ratings.assign(
        user_id=users.transform(ratings["user_id"]),
        item_id=items.transform(ratings["item_id"]),
    )
    return ratings, users.vocabulary_size, items.vocabulary_size, source


class _Timed(keras_recsys.callbacks.TopKEvaluation):
    """TopKEvaluation that records how long each evaluation took."""

    seconds = []

    def evaluate(self):
        start = time.perf_counter()
        out = super().evaluate()
        self.seconds.append(time.perf_counter() - start)
        return out


class _EpochTimer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        # Placed first: runs before TopKEvaluation, so this is training only.
        self.seconds.append(time.perf_counter() - self.start)

    def on_train_begin(self, logs=None):
        self.seconds = []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    ratings, num_users, num_items, source = load(args.quick)
    train, _, val = keras_recsys.data.leave_last_out(ratings, n_test=1, n_val=0)
    matrix = keras_recsys.data.interaction_matrix(train, num_users, num_items)
    val = val.sort_values("user_id")
    targets = np.zeros(num_users, "int64")
    targets[val["user_id"].to_numpy()] = val["item_id"].to_numpy()
    # Row 0 is the reserved user code (no user): the users are rows 1..n.
    users_matrix, targets = matrix[1:], targets[1:]
    exclude = users_matrix  # the training items, as a CSR matrix

    model = keras_recsys.models.build_mult_dae(num_items, seed=0)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.MultinomialLogLikelihood(),
    )
    timer = _EpochTimer()
    top_k = _Timed(
        (users_matrix, targets),
        metrics=("ndcg", "recall"),
        k=10,
        exclude=exclude,
        batch_size=1024,
        verbose=0,
    )
    data = keras_recsys.data.InteractionMatrixDataset(
        matrix, batch_size=500, shuffle=True, seed=0
    )
    history = model.fit(data, epochs=args.epochs, callbacks=[timer, top_k], verbose=0)
    # The evaluation's two parts, apart: the model's scores of every user,
    # then ranking and metrics over them (one users x items matrix here,
    # outside the callback, which holds one batch of scores at a time).
    dense = users_matrix.toarray()
    model.predict(dense[:1024], batch_size=1024, verbose=0)  # compile first
    start = time.perf_counter()
    scores = model.predict(dense, batch_size=1024, verbose=0)
    predict_s = time.perf_counter() - start
    start = time.perf_counter()
    keras_recsys.evaluation.evaluate_topk(
        lambda users: scores[users],
        np.arange(num_users - 1),
        targets,
        exclude=exclude,
        metrics=("ndcg", "recall"),
        ks=(10,),
        batch_size=1024,
        verbose=0,
    )
    ranking_s = time.perf_counter() - start
    train_s = np.array(timer.seconds)
    eval_s = np.array(top_k.seconds)
    result = {
        "command": "python benchmarks/top_k_evaluation.py"
        + (" --quick" if args.quick else ""),
        "data": source,
        "num_users": int(ratings["user_id"].nunique()),
        "num_items": int(ratings["item_id"].nunique()),
        "model": "Mult-DAE 600-200-600, batch 500",
        "metrics": "ndcg@10, recall@10 (full catalog, training items excluded)",
        **_common.environment(),
        "epochs": args.epochs,
        "first_epoch": {
            "train_s": float(train_s[0]),
            "top_k_evaluation_s": float(eval_s[0]),
        },
        "train_s_per_epoch_median": float(np.median(train_s[1:])),
        "top_k_evaluation_s_per_epoch_median": float(np.median(eval_s[1:])),
        "top_k_evaluation_s_per_epoch_max": float(np.max(eval_s[1:])),
        "overhead_ratio_median": float(np.median(eval_s[1:] / train_s[1:])),
        "after_training_parts_s": {
            "predict_all_users": predict_s,
            "rank_and_metrics": ranking_s,
        },
        "target_s": 1.0,
        "per_epoch": {
            "train_s": train_s.tolist(),
            "top_k_evaluation_s": eval_s.tolist(),
            "val_ndcg@10": history.history["val_ndcg@10"],
        },
    }
    result["meets_target"] = result["top_k_evaluation_s_per_epoch_median"] < 1.0
    print(
        f"{'epoch':>5} {'train s':>8} {'TopKEvaluation s':>17} {'ratio':>6} {'val ndcg@10':>11}"
    )
    for e, (t, v, n) in enumerate(zip(train_s, eval_s, history.history["val_ndcg@10"])):
        print(f"{e + 1:>5} {t:>8.2f} {v:>17.3f} {v / t:>6.3f} {n:>11.4f}")
    print(
        f"median after the first epoch: train {result['train_s_per_epoch_median']:.2f} s, "
        f"TopKEvaluation {result['top_k_evaluation_s_per_epoch_median']:.3f} s "
        f"(ratio {result['overhead_ratio_median']:.3f}); target < 1 s; parts: "
        f"predict {predict_s:.3f} s, rank and metrics {ranking_s:.3f} s"
    )
    if not args.quick:
        _common.write_results(RESULTS, result)
    return result


if __name__ == "__main__":
    main()
