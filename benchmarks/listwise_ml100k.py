"""Listwise against pointwise losses on a MovieLens-100K reranking task.

Task: for each user, rerank a candidate list of movies; the relevance of a
rated movie is its rating minus 2, floored at 0 (ratings 1-2 are
non-relevant, 3/4/5 have graded gains 1/2/3), and each list also holds
`--negatives` movies the user never rated (relevance 0), as a candidate
generator would return them. Split: ML-100K u1.base / u1.test (GroupLens's
80/20 split of the ratings). Training lists: each epoch, every user's
u1.base ratings are shuffled and cut into lists of `--list-size` items (the
last one padded with excluded items, label -1), each with `--negatives`
fresh unrated movies. Test lists: each user's u1.test ratings plus
`--negatives` unrated movies (fixed), padded with -1; the figure is the mean
NDCG@10 (exponential gain, `keras_recsys.metrics.NDCGAtK`) over the test
users with a relevant item. `--negatives 0` is the pure reranking of rated
movies.

Model, identical for every loss: score(u, i) = <p_u, q_i> + b_i, embedding
dimension `--dim`, L2 on the embeddings; Adam, the same learning rate,
batch size and number of epochs. Losses:

- pointwise `bce`: sigmoid cross-entropy with target relevance / 3;
- pointwise `mse`: squared error to the relevance;
- `softmax`: `keras_recsys.losses.ListwiseSoftmaxLoss`;
- `approx_ndcg`: `keras_recsys.losses.ApproxNDCGLoss`;
- `lambda_loss`: `keras_recsys.losses.LambdaLoss` (NDCG-Loss2++).

Every loss gets the same budget (`--epochs`) and the same two-stage search,
each choice by the NDCG@10 of validation lists (a random `--val-share` of
each user's u1.base ratings, held out of training, plus `--negatives`
unrated movies), with the epoch chosen the same way: stage 1 tries every L2
of `--l2s` (x every temperature of `--temperatures` for ApproxNDCG) at the
first learning rate of `--lrs`, stage 2 the other learning rates at the
stage-1 choice. The test lists are read once, for the chosen configuration.
The L2 grid spans four decades because the penalty is added to the loss and
the losses' gradients differ in scale by two orders of magnitude: a
LambdaLoss row sums a weighted logistic over about a thousand pairs, an
ApproxNDCG row is one value in [0, 1], so the same coefficient is weak for
the first and strong for the second (their optima: 1e-3 and 3e-6). The
chosen configuration is trained with `--seeds` seeds (seed 0 is its search
run); the table gives the mean and the standard deviation over seeds of the
test NDCG@10 and each loss's difference to BCE with its standard error, and
the JSON keeps every search point with its best epoch.

    KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock \\
        .venv/bin/python benchmarks/listwise_ml100k.py

(93 training runs, about 14 minutes on 2 shared cores.) `--quick` runs one
seed for two epochs, one L2 and temperature and two learning rates
(writes to the temp folder).
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

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import _common  # noqa: E402
import _movielens100k as ml  # noqa: E402

import keras_recsys  # noqa: E402

LOSSES = ("bce", "mse", "softmax", "approx_ndcg", "lambda_loss")
# Half-decades over four decades: the losses' gradients differ in
# scale by more than 100x, so each loss's L2 optimum lies elsewhere.
L2S = [3e-7, 1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3]


def relevance(ratings):
    return np.maximum(ratings - 2, 0).astype("float32")


def padded_lists(frame, list_size=None, rng=None, negatives=0, unrated=None):
    """Per-user lists `(user_id, item_id[L], label[L])`, padded with label -1.

    With `list_size`, each user's items are shuffled and cut into chunks of
    that size; otherwise each user is one list as long as the longest. With
    `negatives`, each list also holds that many items drawn from
    `unrated[user]` (movies the user never rated), with label 0.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    users, items, labels = [], [], []
    for user, group in frame.groupby("user_id"):
        item = group["item_id"].to_numpy()
        label = relevance(group["rating"].to_numpy())
        if list_size:
            order = rng.permutation(len(item))
            item, label = item[order], label[order]
        size = list_size or len(item)
        for start in range(0, len(item), size):
            chunk = item[start : start + size]
            chunk_labels = label[start : start + size]
            if negatives:
                extra = rng.choice(unrated[user], size=negatives, replace=False)
                chunk = np.concatenate([chunk, extra])
                chunk_labels = np.concatenate([chunk_labels, np.zeros(negatives)])
            users.append(user)
            items.append(chunk)
            labels.append(chunk_labels)
    width = max(len(i) for i in items)
    item_ids = np.zeros((len(items), width), "int32")
    y = -np.ones((len(items), width), "float32")
    for row, (i, label) in enumerate(zip(items, labels)):
        item_ids[row, : len(i)] = i
        y[row, : len(i)] = label
    return np.asarray(users, "int32"), item_ids, y


class Scorer(keras.Model):
    """score(u, i) = <p_u, q_i> + b_i over a list of items."""

    def __init__(self, num_users, num_items, dim, l2, seed):
        super().__init__()
        reg = keras.regularizers.L2(l2)
        init = keras.initializers.RandomNormal(stddev=0.1, seed=seed)
        self.users = keras.layers.Embedding(
            num_users, dim, embeddings_initializer=init, embeddings_regularizer=reg
        )
        self.items = keras.layers.Embedding(
            num_items, dim, embeddings_initializer=init, embeddings_regularizer=reg
        )
        self.bias = keras.layers.Embedding(num_items, 1, embeddings_initializer="zeros")

    def call(self, inputs):
        p = self.users(inputs["user_id"])
        q = self.items(inputs["item_id"])
        return ops.einsum("bd,bld->bl", p, q) + ops.squeeze(
            self.bias(inputs["item_id"]), -1
        )


def _masked_mean(values, y_true):
    valid = ops.cast(ops.greater_equal(y_true, 0.0), "float32")
    return ops.divide_no_nan(ops.sum(values * valid, axis=1), ops.sum(valid, axis=1))


def pointwise_bce(y_true, y_pred):
    target = ops.maximum(y_true, 0.0) / 3.0
    values = ops.softplus(y_pred) - target * y_pred  # sigmoid cross-entropy
    return _masked_mean(values, y_true)


def pointwise_mse(y_true, y_pred):
    return _masked_mean(ops.square(y_pred - ops.maximum(y_true, 0.0)), y_true)


def make_loss(name, temperature):
    losses = keras_recsys.losses
    return {
        "bce": lambda: pointwise_bce,
        "mse": lambda: pointwise_mse,
        "softmax": lambda: losses.ListwiseSoftmaxLoss(gain="exponential"),
        "approx_ndcg": lambda: losses.ApproxNDCGLoss(temperature=temperature),
        "lambda_loss": lambda: losses.LambdaLoss(weighting="ndcg_loss2pp"),
    }[name]()


def mean_ndcg(model, lists):
    x, y = lists
    scores = model.predict(x, batch_size=512, verbose=0)
    metric = keras_recsys.metrics.NDCGAtK(k=10)
    metric.update_state(y, scores)
    return float(metric.result())


def train(name, seed, data, args, lr, l2, temperature, loss=None):
    """Trains one configuration of the task's model (`data["make_model"]`)
    with the loss `name` (or `loss`, a Keras loss given instead); keeps the
    epoch with the best validation NDCG@10 and returns its validation and
    test figures."""
    keras.utils.set_random_seed(seed)
    model = data["make_model"](l2, seed)
    loss = loss if loss is not None else make_loss(name, temperature)
    model.compile(optimizer=keras.optimizers.Adam(lr), loss=loss)
    rng = np.random.default_rng(seed)
    best, best_weights, best_epoch, curve = -1.0, None, 0, []
    start = time.time()
    for epoch in range(args.epochs):
        x, y = data["train_lists"](rng)
        model.fit(x, y, batch_size=args.batch_size, epochs=1, shuffle=True, verbose=0)
        val = mean_ndcg(model, data["val"])
        curve.append(round(val, 4))
        if val > best:
            best, best_epoch, best_weights = val, epoch + 1, model.get_weights()
    seconds = time.time() - start
    model.set_weights(best_weights)
    return {
        "val_ndcg@10": best,
        "best_epoch": best_epoch,
        "test_ndcg@10": mean_ndcg(model, data["test"]),
        "val_curve": curve,
        "seconds": seconds,
    }


def grid(name, args):
    """Stage 1 of a loss's search: L2 (x the temperature for ApproxNDCG) at
    the first learning rate of `--lrs`."""
    temperatures = args.temperatures if name == "approx_ndcg" else [None]
    return [
        {"lr": args.lrs[0], "l2": l2, "temperature": t}
        for l2 in args.l2s
        for t in temperatures
    ]


def search(name, data, args):
    """Seed-0 runs of the two-stage search; returns `(records, runs)`.

    Stage 1 tries every L2 (x temperature) at the first learning rate; stage
    2 tries the other learning rates at the stage-1 choice. Every choice is
    by validation NDCG@10.
    """
    records, runs = [], []

    def run(config, stage):
        r = train(name, 0, data, args, **config)
        runs.append(r)
        records.append(
            {
                "stage": stage,
                **config,
                "val_ndcg@10": round(r["val_ndcg@10"], 4),
                "best_epoch": r["best_epoch"],
            }
        )
        print(f"  {name:<12} {records[-1]}", flush=True)

    for config in grid(name, args):
        run(config, 1)
    best = best_run(runs)
    for lr in args.lrs[1:]:
        run({**_config(records[best]), "lr": lr}, 2)
    return records, runs


def best_run(runs):
    """Index of the run with the highest validation NDCG@10."""
    return max(range(len(runs)), key=lambda c: runs[c]["val_ndcg@10"])


def _config(record):
    return {k: record[k] for k in ("lr", "l2", "temperature")}


def split_validation(frame, share, seed):
    """A random `share` of each user's ratings as validation, the rest train."""
    rng = np.random.default_rng(seed)
    is_val = np.zeros(len(frame), bool)
    for rows in frame.groupby("user_id").indices.values():
        is_val[rng.choice(rows, size=int(round(share * len(rows))), replace=False)] = 1
    return frame[~is_val], frame[is_val]


def summarize(runs):
    values = [r["test_ndcg@10"] for r in runs]
    return {
        "ndcg@10": round(float(np.mean(values)), 4),
        "ndcg@10_std": round(float(np.std(values)), 4),
        "seeds": len(values),
        "best_epochs": [r["best_epoch"] for r in runs],
        "train_seconds_per_run": round(float(np.mean([r["seconds"] for r in runs])), 1),
    }


def difference(runs, reference):
    """Mean test NDCG@10 of `runs` minus that of `reference`, with the
    standard error of the difference (independent seeds)."""
    a = np.array([r["test_ndcg@10"] for r in runs])
    b = np.array([r["test_ndcg@10"] for r in reference])
    if min(len(a), len(b)) < 2:
        return round(float(a.mean() - b.mean()), 4), None
    se = np.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b))
    return round(float(a.mean() - b.mean()), 4), round(float(se), 4)


def beats_bce(summary):
    """Per listwise loss: is its mean test NDCG@10 above BCE's, and by more
    than two standard errors of the difference?"""
    rows = {row["loss"]: row for row in summary}
    if "bce" not in rows:
        return {}
    out = {}
    for name in ("approx_ndcg", "lambda_loss", "softmax"):
        if name in rows:
            diff, se = rows[name]["minus_bce"], rows[name]["minus_bce_se"]
            out[name] = {
                "higher_mean": bool(diff > 0),
                "beyond_two_se": bool(se is not None and diff > 2 * se),
            }
    return out


def parser(description, negatives=32, losses=LOSSES):
    """The command-line options (shared with `listwise_ml1m.py`)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--dim", type=int, default=32)
    parser.add_argument("--lrs", type=float, nargs="+", default=[1e-2, 3e-3, 3e-2])
    parser.add_argument("--l2s", type=float, nargs="+", default=L2S)
    parser.add_argument(
        "--temperatures", type=float, nargs="+", default=[0.3, 1.0, 3.0]
    )
    parser.add_argument("--list-size", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--val-share", type=float, default=0.1)
    parser.add_argument("--negatives", type=int, default=negatives)
    parser.add_argument("--losses", default=",".join(losses))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=None)
    return parser


def parse(parser, argv=None):
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.seeds = 2, 1
        args.lrs, args.l2s, args.temperatures = args.lrs[:2], args.l2s[:1], [1.0]
    return args


def unrated_items(frames, num_items):
    """Per user: the item codes 1..num_items-1 they rated in none of `frames`."""
    rated = {}
    for frame in frames:
        for user, group in frame.groupby("user_id"):
            rated.setdefault(user, set()).update(group["item_id"])
    all_items = np.arange(1, num_items)
    return {u: np.setdiff1d(all_items, sorted(r)) for u, r in rated.items()}


def task_data(train_frame, val_frame, test_frame, args, unrated, sizes):
    """The matrix-factorization task: its model, its training lists (drawn
    anew each epoch from `rng`) and its fixed validation and test lists, each
    as `(inputs, labels)`."""

    def lists(frame, list_size, rng):
        users, items, y = padded_lists(frame, list_size, rng, args.negatives, unrated)
        return {"user_id": users, "item_id": items}, y

    rng = np.random.default_rng(1)
    return {
        "val": lists(val_frame, None, rng),
        "test": lists(test_frame, None, rng),
        "train_lists": lambda rng: lists(train_frame, args.list_size, rng),
        "make_model": lambda l2, seed: Scorer(*sizes, args.dim, l2, seed),
        "model": "score = <p_u, q_i> + b_i (same for every loss)",
    }


def main(argv=None):
    args = parse(parser(__doc__.split("\n")[0]), argv)
    folder = ml.ml100k_dir()
    base = ml.read_ratings(folder / "u1.base")
    test_frame = ml.read_ratings(folder / "u1.test")
    train_frame, val_frame = split_validation(base, args.val_share, seed=0)
    sizes = (
        int(max(base["user_id"].max(), test_frame["user_id"].max())) + 1,
        int(max(base["item_id"].max(), test_frame["item_id"].max())) + 1,
    )
    unrated = unrated_items([base, test_frame], sizes[1])
    data = task_data(train_frame, val_frame, test_frame, args, unrated, sizes)
    task = (
        "rerank each user's candidate lists (rated movies plus `negatives` "
        "unrated movies, relevance 0); relevance = max(rating - 2, 0); "
        "ML-100K u1.base (minus a random val_share of each user's ratings, "
        "the validation lists) cut into lists of list_size for training; "
        "each user's u1.test ratings as one test list; NDCG@10 "
        "(exponential gain) over test users with a relevant item"
    )
    title = (
        f"ML-100K u1: {len(train_frame)} train / {len(val_frame)} validation ratings"
    )
    return run(args, data, task, title, __file__, argv)


def run(args, data, task, title, script, argv):
    """The search, the seeds, the table and the JSON of one reranking task;
    `script` is the benchmark's file, which names its results file."""
    num_test = int((data["test"][1] > 0).any(axis=1).sum())
    print(
        f"{title}, {num_test} test users with a relevant item, test lists up to "
        f"{data['test'][1].shape[1]} items; backend {keras.backend.backend()}",
        flush=True,
    )
    chosen, searches, runs = {}, {}, {}
    for name in args.losses.split(","):
        searches[name], seed0 = search(name, data, args)
        best = best_run(seed0)
        chosen[name] = searches[name][best]
        config = _config(chosen[name])
        # Seed 0 of the chosen configuration is its search run.
        runs[name] = [seed0[best]] + [
            train(name, seed, data, args, **config) for seed in range(1, args.seeds)
        ]
        row = summarize(runs[name])
        print(
            f"{name:<12} chosen {config} -> test NDCG@10 {row['ndcg@10']:.4f} "
            f"+- {row['ndcg@10_std']:.4f} ({row['train_seconds_per_run']:.0f} s "
            f"per run, best epochs {row['best_epochs']} of {args.epochs})",
            flush=True,
        )

    summary = [
        {"loss": name, **summarize(rs), **chosen[name]} for name, rs in runs.items()
    ]
    if "bce" in runs:
        for row in summary:
            row["minus_bce"], row["minus_bce_se"] = difference(
                runs[row["loss"]], runs["bce"]
            )
    print(f"\n{'loss':<12}{'NDCG@10':>9}{'std':>8}{'- BCE':>9}{'s.e.':>8}")
    for row in summary:
        print(
            f"{row['loss']:<12}{row['ndcg@10']:>9.4f}{row['ndcg@10_std']:>8.4f}"
            f"{row.get('minus_bce') or 0.0:>9.4f}"
            f"{row.get('minus_bce_se') or float('nan'):>8.4f}"
        )
    out = {
        "benchmark": pathlib.Path(script).stem,
        "task": task,
        "model": data["model"],
        "selection": (
            "per loss, with seed 0 and by validation NDCG@10: stage 1 tries "
            "every l2 (x temperature for approx_ndcg) at lrs[0], stage 2 the "
            "other lrs at the stage-1 choice; the chosen "
            "configuration is trained with each seed, keeping the epoch with "
            "the best validation NDCG@10, and evaluated once on the test lists"
        ),
        "backend": keras.backend.backend(),
        "quick": args.quick,
        "config": {k: v for k, v in vars(args).items() if k not in ("output",)},
        "num_test_users": num_test,
        "summary": summary,
        "listwise_beat_pointwise_bce": beats_bce(summary),
        "search": searches,
        "val_curves": {name: [r["val_curve"] for r in rs] for name, rs in runs.items()},
        "command": _common.command(script, argv),
    }
    _common.write_results(_common.output_path(script, args.output, args.quick), out)
    return out


if __name__ == "__main__":
    main()
