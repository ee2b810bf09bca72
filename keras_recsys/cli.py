"""The `keras-recsys` console script.

`keras-recsys demo` trains several recommenders on MovieLens-100K (or a
planted synthetic dataset), evaluates every one with the same full-catalog
protocol and prints one comparison table. Run `keras-recsys demo --help`.

The CLI sits at the top of the dependency graph: it uses the public API of
`keras_recsys.data`, `keras_recsys.models`, `keras_recsys.losses` and
`keras_recsys.evaluation`, and nothing imports it.
"""

import argparse
import json
import os
import pathlib
import sys
import time

DEFAULT_MODELS = "popularity,ncf,sasrec,mult_vae"
# `--dataset synthetic`: keras_recsys.data.make_synthetic with these sizes.
SYNTHETIC = {"num_users": 400, "num_items": 300, "interactions_per_user": 30}
METRICS = ("precision", "recall", "f1", "ndcg")
K = 10

# name -> (label, what it is); the trainers are below.
MODELS = {
    "popularity": ("MostPopular", "baseline: items ranked by training count"),
    "ncf": ("NCF (NeuMF)", "build_ncf, log loss on 4 sampled negatives"),
    "gmf": ("NCF (GMF)", "build_ncf(variant='gmf'), log loss on 4 negatives"),
    "sasrec": ("SASRec", "build_sasrec, next-item softmax over the catalog"),
    "gru4rec": ("GRU4Rec", "build_gru4rec, next-item softmax over the catalog"),
    "caser": ("Caser", "build_caser, next-item softmax over the catalog"),
    "mult_vae": ("Mult-VAE", "build_mult_vae, multinomial likelihood + KL"),
    "mult_dae": ("Mult-DAE", "build_mult_dae, multinomial likelihood"),
}

# Epochs per model when --epochs is not given: enough to beat popularity on
# ML-100K within a few minutes on 2 CPU cores.
DEFAULT_EPOCHS = {
    "ncf": 4,
    "gmf": 4,
    "sasrec": 10,
    "gru4rec": 10,
    "caser": 10,
    "mult_vae": 50,
    "mult_dae": 50,
}


# The synthetic data is 8x smaller than ML-100K: NCF needs more (cheap) epochs.
SYNTHETIC_EPOCHS = {"ncf": 20, "gmf": 20}


def _default_epochs(name, dataset):
    if dataset == "synthetic" and name in SYNTHETIC_EPOCHS:
        return SYNTHETIC_EPOCHS[name]
    return DEFAULT_EPOCHS[name]


def _log(message, quiet=False):
    if not quiet:
        print(message, flush=True)


# --------------------------------------------------------------------------
# Data: one split and one protocol for every model.
# --------------------------------------------------------------------------


class DemoData:
    """Encoded interactions, the split and the evaluation inputs.

    Items are encoded `1 .. n` (0 is padding, as
    `keras_recsys.data.IdEncoder` does), so every model scores
    `num_items = n + 1` columns and column 0 is excluded for every user.
    Users are encoded `0 .. m - 1`.
    """

    def __init__(self, df, name, seed):
        import numpy as np

        from keras_recsys import data as krd

        self.name = name
        df = df[["user_id", "item_id", "timestamp"]].copy()
        df = krd.drop_duplicate_interactions(df)
        item_encoder = krd.IdEncoder().fit(df["item_id"])
        user_encoder = krd.IdEncoder().fit(df["user_id"])
        df["item_id"] = item_encoder.transform(df["item_id"])
        df["user_id"] = user_encoder.transform(df["user_id"]) - 1
        self.num_items = item_encoder.vocabulary_size
        self.item_encoder = item_encoder
        self.num_users = user_encoder.vocabulary_size - 1
        self.num_interactions = len(df)
        self.train, self.test = krd.per_user_temporal_split(df, ratios=(0.8, 0.2))
        self.seed = seed

        def matrix(part):
            return krd.interaction_matrix(part, self.num_users, self.num_items)

        self.train_matrix = matrix(self.train)
        self.train_matrix.data[:] = 1.0
        test_matrix = matrix(self.test)
        # Evaluate users with at least one held-out item; exclude each user's
        # training items (and the padding column 0) from the ranking.
        self.eval_users = np.flatnonzero(np.diff(test_matrix.indptr) > 0)
        self.targets = [
            test_matrix.indices[test_matrix.indptr[u] : test_matrix.indptr[u + 1]]
            for u in self.eval_users
        ]
        self.exclude = [
            np.concatenate(
                [
                    [0],
                    self.train_matrix.indices[
                        self.train_matrix.indptr[u] : self.train_matrix.indptr[u + 1]
                    ],
                ]
            ).astype("int64")
            for u in self.eval_users
        ]
        # Each user's training items in time order (for sequence models).
        ordered = self.train.sort_values(["user_id", "timestamp"], kind="stable")
        self.sequences = [[] for _ in range(self.num_users)]
        for user, items in ordered.groupby("user_id", sort=False)["item_id"]:
            self.sequences[int(user)] = items.to_numpy()
        self.item_counts = np.bincount(
            self.train["item_id"].to_numpy(), minlength=self.num_items
        ).astype("float32")
        self.item_counts[0] = 0.0

    def describe(self):
        return (
            f"{self.name}: {self.num_users} users, {self.num_items - 1} items, "
            f"{self.num_interactions} interactions; per-user temporal split "
            f"80/20 -> {len(self.train)} train, {len(self.test)} test; "
            f"{len(self.eval_users)} users evaluated"
        )


def load_dataset(name, data_dir=None, seed=0, quiet=False):
    """Returns the interactions DataFrame of `name` ("ml-100k"/"synthetic")."""
    from keras_recsys import data as krd

    if name == "synthetic":
        return krd.make_synthetic(**SYNTHETIC, seed=seed)
    movielens = krd.load_movielens(name, data_dir=data_dir)
    return movielens.ratings


# --------------------------------------------------------------------------
# Trainers: each returns (scorer, queries, loss history).
# --------------------------------------------------------------------------


def _epoch_logger(label, epochs, quiet):
    import keras

    class EpochLogger(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            # About ten progress lines per model, whatever the epochs.
            every = max(1, round(epochs / 10))
            if (epoch + 1) % every and epoch + 1 != epochs:
                return
            loss = (logs or {}).get("loss", float("nan"))
            _log(
                f"    {label} epoch {epoch + 1}/{epochs}  loss {loss:.4f}  "
                f"({time.perf_counter() - self.start:.1f}s/epoch)",
                quiet,
            )

    return EpochLogger()


def _losses(history):
    return [float(v) for v in history.history.get("loss", [])]


def train_popularity(data, epochs, args):
    from keras_recsys import evaluation

    scorer = evaluation.most_popular_scorer(data.item_counts)
    return scorer, data.eval_users, []


def _ncf_dataset(data, batch_size, num_negatives, seed):
    import keras
    import numpy as np

    from keras_recsys import data as krd

    users = data.train["user_id"].to_numpy().astype("int32")
    items = data.train["item_id"].to_numpy().astype("int32")

    class PointwiseNegatives(keras.utils.PyDataset):
        """Positives plus `num_negatives` fresh uniform negatives per epoch."""

        def __init__(self):
            super().__init__()
            self.epoch = 0
            self._sample()

        def _sample(self):
            negatives = krd.sample_negatives(
                users,
                data.train_matrix,
                num_items=data.num_items,
                num_negatives=num_negatives,
                first_item=1,
                distinct=False,
                seed=(seed, self.epoch),
            )
            u = np.concatenate([users, np.repeat(users, num_negatives)])
            i = np.concatenate([items, negatives.reshape(-1).astype("int32")])
            y = np.concatenate(
                [np.ones(len(users)), np.zeros(len(users) * num_negatives)]
            ).astype("float32")
            order = np.random.default_rng((seed, self.epoch, 1)).permutation(len(u))
            self.u, self.i, self.y = u[order], i[order], y[order]

        def __len__(self):
            return int(np.ceil(len(self.y) / batch_size))

        def __getitem__(self, index):
            s = slice(index * batch_size, (index + 1) * batch_size)
            return {"user_id": self.u[s], "item_id": self.i[s]}, self.y[s]

        def on_epoch_end(self):
            self.epoch += 1
            self._sample()

    return PointwiseNegatives()


def _train_ncf(variant, data, epochs, args):
    import keras

    from keras_recsys import evaluation
    from keras_recsys import models

    model = models.build_ncf(
        num_users=data.num_users,
        num_items=data.num_items,
        variant=variant,
        embedding_dim=32,
        mlp_units=(64, 32),
    )
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    dataset = _ncf_dataset(data, batch_size=2048, num_negatives=4, seed=args.seed)
    history = model.fit(
        dataset,
        epochs=epochs,
        verbose=0,
        callbacks=[_epoch_logger(MODELS[args.current][0], epochs, args.quiet)],
    )
    scorer = evaluation.pairwise_scorer(model)
    return scorer, data.eval_users, _losses(history)


def train_ncf(data, epochs, args):
    return _train_ncf("neumf", data, epochs, args)


def train_gmf(data, epochs, args):
    return _train_ncf("gmf", data, epochs, args)


SEQUENCE_LENGTH = 50


def _train_sequential(builder_name, data, epochs, args, **builder_kwargs):
    import keras
    import numpy as np

    from keras_recsys import data as krd
    from keras_recsys import models

    builder = getattr(models, builder_name)
    num_items = data.num_items - 1
    # Next-item targets at every position of each user's training history;
    # padding (target 0) is ignored by the loss.
    sequences = krd.build_sequences(data.train, max_len=SEQUENCE_LENGTH)
    train_model = builder(
        num_items, SEQUENCE_LENGTH, return_sequences=True, **builder_kwargs
    )
    train_model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, ignore_class=0
        ),
    )
    dataset = krd.SequenceDataset(sequences, batch_size=64, seed=args.seed)
    history = train_model.fit(
        dataset,
        epochs=epochs,
        verbose=0,
        callbacks=[_epoch_logger(MODELS[args.current][0], epochs, args.quiet)],
    )
    # The last-position model holds the same weights in the same order.
    model = builder(num_items, SEQUENCE_LENGTH, **builder_kwargs)
    model.set_weights(train_model.get_weights())
    # Query: each evaluated user's latest training items, left-padded.
    queries = np.zeros((len(data.eval_users), SEQUENCE_LENGTH), dtype="int32")
    for row, user in enumerate(data.eval_users):
        items = data.sequences[user][-SEQUENCE_LENGTH:]
        if len(items):
            queries[row, -len(items) :] = items
    return model, {"item_sequence": queries}, _losses(history)


def train_sasrec(data, epochs, args):
    # One self-attention block (the paper uses two) trains twice as fast and
    # ranks as well on ML-100K.
    return _train_sequential(
        "build_sasrec", data, epochs, args, embedding_dim=64, num_blocks=1
    )


def train_gru4rec(data, epochs, args):
    return _train_sequential("build_gru4rec", data, epochs, args, embedding_dim=64)


def train_caser(data, epochs, args):
    return _train_sequential("build_caser", data, epochs, args)


def _train_autoencoder(builder_name, data, epochs, args):
    import keras

    from keras_recsys import callbacks
    from keras_recsys import data as krd
    from keras_recsys import losses
    from keras_recsys import models

    builder = getattr(models, builder_name)
    model = builder(data.num_items, hidden_dims=(200,), latent_dim=64, seed=args.seed)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=losses.MultinomialLogLikelihood(),
    )
    batch_size = 64
    dataset = krd.InteractionMatrixDataset(
        data.train_matrix, batch_size=batch_size, seed=args.seed
    )
    logger = _epoch_logger(MODELS[args.current][0], epochs, args.quiet)
    extra = []
    if builder_name == "build_mult_vae":
        extra.append(
            callbacks.KLAnnealing(anneal_steps=len(dataset) * epochs, beta_cap=0.2)
        )
    history = model.fit(dataset, epochs=epochs, verbose=0, callbacks=[*extra, logger])
    queries = {"interactions": data.train_matrix[data.eval_users]}
    return model, queries, _losses(history)


def train_mult_vae(data, epochs, args):
    return _train_autoencoder("build_mult_vae", data, epochs, args)


def train_mult_dae(data, epochs, args):
    return _train_autoencoder("build_mult_dae", data, epochs, args)


TRAINERS = {
    "popularity": train_popularity,
    "ncf": train_ncf,
    "gmf": train_gmf,
    "sasrec": train_sasrec,
    "gru4rec": train_gru4rec,
    "caser": train_caser,
    "mult_vae": train_mult_vae,
    "mult_dae": train_mult_dae,
}


# --------------------------------------------------------------------------
# Running, reporting, plotting.
# --------------------------------------------------------------------------


def format_table(rows):
    headers = ["model"] + [f"{m}@{K}" for m in METRICS] + ["train s"]
    body = [
        [row["model"]]
        + [f"{row[f'{m}@{K}']:.4f}" for m in METRICS]
        + [f"{row['train_seconds']:.1f}"]
        for row in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *body)]

    def line(cells):
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths))
        )

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in body]
    return "\n".join(out)


def plot(rows, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (bars, curves) = plt.subplots(1, 2, figsize=(13, 4.8))
    names = [f"{m}@{K}" for m in METRICS]
    width = 0.8 / max(len(rows), 1)
    x = np.arange(len(names))
    # One colour per model in both panels.
    colors = [f"C{i % 10}" for i in range(len(rows))]
    for i, row in enumerate(rows):
        values = [row[n] for n in names]
        bars.bar(
            x + (i - (len(rows) - 1) / 2) * width,
            values,
            width,
            label=row["model"],
            color=colors[i],
        )
    bars.set_xticks(x, names)
    bars.set_ylabel("value (higher is better)")
    bars.set_title(f"Full-catalog top-{K} metrics")
    bars.legend(fontsize=8)
    drawn = False
    for row, color in zip(rows, colors):
        losses = row.get("loss_history") or []
        if losses:
            relative = np.asarray(losses) / losses[0]
            epochs = np.arange(1, len(losses) + 1)
            curves.plot(
                epochs,
                relative,
                marker="o",
                markersize=3,
                label=row["model"],
                color=color,
            )
            drawn = True
    curves.set_xlabel("epoch")
    curves.set_ylabel("training loss / first-epoch loss")
    curves.set_title("Training curves")
    if drawn:
        curves.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run_demo(args):
    start_all = time.perf_counter()
    names = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in names if m not in MODELS]
    if unknown or not names:
        raise SystemExit(
            f"keras-recsys demo: unknown model(s) {unknown}; choose from "
            f"{', '.join(MODELS)}"
        )
    out_dir = pathlib.Path(args.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    _log(
        f"keras-recsys demo: dataset {args.dataset}, models {', '.join(names)}",
        args.quiet,
    )
    import keras

    from keras_recsys import evaluation

    keras.utils.set_random_seed(args.seed)
    _log(f"Keras {keras.__version__}, backend {keras.backend.backend()}", args.quiet)
    _log("[data] loading and splitting ...", args.quiet)
    df = load_dataset(args.dataset, data_dir=args.data_dir, seed=args.seed)
    data = DemoData(df, args.dataset, args.seed)
    _log(f"[data] {data.describe()}", args.quiet)

    rows, trained = [], {}
    for step, name in enumerate(names, 1):
        label, what = MODELS[name]
        epochs = (
            0
            if name == "popularity"
            else args.epochs or _default_epochs(name, args.dataset)
        )
        _log(
            f"[{step}/{len(names)}] {label}: {what}"
            + (f", {epochs} epochs" if epochs else ""),
            args.quiet,
        )
        trainer = TRAINERS.get(name)
        if trainer is None:
            _log(f"    {label} is not available in this version; skipped", args.quiet)
            continue
        args.current = name
        keras.utils.set_random_seed(args.seed)
        t0 = time.perf_counter()
        scorer, queries, losses = trainer(data, epochs, args)
        seconds = time.perf_counter() - t0
        trained[name] = scorer
        _log(f"    evaluating {label} on {len(data.eval_users)} users ...", args.quiet)
        t1 = time.perf_counter()
        result = evaluation.evaluate_topk(
            scorer,
            queries,
            data.targets,
            exclude=data.exclude,
            num_items=data.num_items,
            metrics=METRICS,
            ks=(K,),
            batch_size=args.eval_batch_size,
            verbose=not args.quiet,
        )
        row = {"model": label, "key": name}
        row.update({f"{m}@{K}": float(result[f"{m}@{K}"]) for m in METRICS})
        row.update(
            train_seconds=seconds,
            eval_seconds=time.perf_counter() - t1,
            epochs=epochs,
            loss_history=losses,
        )
        rows.append(row)
        _log(
            f"    {label}: ndcg@{K} {row[f'ndcg@{K}']:.4f}  recall@{K} "
            f"{row[f'recall@{K}']:.4f}  trained in {seconds:.1f}s",
            args.quiet,
        )

    table = format_table(rows)
    title = (
        f"keras_recsys demo on {args.dataset}: per-user temporal 80/20 split, "
        f"full catalog, training items excluded"
    )
    print(f"\n{title}\n{table}", flush=True)
    from keras_recsys.explain._demo import demo_explanations

    demo_explanations(
        trained,
        data.sequences,
        data.eval_users,
        data.num_items,
        out_dir,
        item_encoder=data.item_encoder,
        dataset=args.dataset,
        data_dir=args.data_dir,
        log=lambda line: _log(line, args.quiet),
    )
    total = time.perf_counter() - start_all
    report = {
        "dataset": args.dataset,
        "protocol": (
            "per-user temporal 80/20 split (each user's latest 20% of "
            "interactions held out); every item ranked (full catalog); each "
            "user's training items excluded; users with a held-out item "
            f"evaluated; k={K}"
        ),
        "num_users": int(data.num_users),
        "num_items": int(data.num_items - 1),
        "num_eval_users": int(len(data.eval_users)),
        "seed": args.seed,
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "total_seconds": total,
        "rows": rows,
    }
    (out_dir / "results.json").write_text(json.dumps(report, indent=2))
    plot(rows, out_dir / "results.png", title)
    (out_dir / "results.txt").write_text(f"{title}\n{table}\n")
    _log(
        f"\nwrote {out_dir / 'results.png'}, {out_dir / 'results.json'} and "
        f"{out_dir / 'results.txt'}; total {total:.0f}s",
        args.quiet,
    )
    baseline = next((r for r in rows if r["key"] == "popularity"), None)
    if baseline is not None:
        for row in rows:
            if row is not baseline and row[f"ndcg@{K}"] <= baseline[f"ndcg@{K}"]:
                _log(
                    f"note: {row['model']} does not beat the popularity "
                    f"baseline on ndcg@{K}",
                    args.quiet,
                )
    return report


def _quiet_library_noise():
    """Hides warnings of Keras and TensorFlow that say nothing to a user."""
    import logging
    import warnings

    # Keras warns when a one-input model is fed a dict keyed by its name.
    warnings.filterwarnings(
        "ignore",
        message="The structure of `inputs` doesn't match",
        category=UserWarning,
    )
    # TensorFlow's retracing notes (new batch shapes at evaluation).
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-recsys",
        description="keras_recsys command line: demos of the package.",
    )
    parser.add_argument("--version", action="store_true", help="print the version")
    subparsers = parser.add_subparsers(dest="command")
    demo = subparsers.add_parser(
        "demo",
        help="train several recommenders and print one comparison table",
        description=(
            "Trains several recommenders on one dataset, evaluates them with "
            "the same full-catalog protocol (per-user temporal 80/20 split, "
            "every item ranked, each user's training items excluded, k=10) and "
            "prints one table: precision@10, recall@10, F1@10, NDCG@10 and "
            "training seconds, with a most-popular baseline row. Writes "
            "results.png (the table's metrics and the training curves), "
            "results.json and results.txt to the output folder. "
            "Available models: "
            + "; ".join(f"{k} ({v[1]})" for k, v in MODELS.items())
            + "."
        ),
    )
    demo.add_argument(
        "--dataset",
        choices=["ml-100k", "synthetic"],
        default="ml-100k",
        help=(
            "ml-100k is read from --data-dir, $KERAS_RECSYS_DATA/ml-100k or the "
            "Keras cache, else downloaded from GroupLens and verified by "
            "sha256; synthetic needs no data (planted user/item factors). Default: ml-100k"
        ),
    )
    demo.add_argument(
        "--models",
        default=DEFAULT_MODELS,
        help=(
            f"comma-separated list from: {', '.join(MODELS)}. Default: {DEFAULT_MODELS}"
        ),
    )
    demo.add_argument(
        "--epochs",
        type=int,
        default=None,
        help=(
            "training epochs for every model (default: per model, "
            + ", ".join(f"{k} {v}" for k, v in DEFAULT_EPOCHS.items())
            + "; on synthetic data "
            + ", ".join(f"{k} {v}" for k, v in SYNTHETIC_EPOCHS.items())
            + ")"
        ),
    )
    demo.add_argument(
        "--output-dir",
        default="demo_output",
        help="folder for results.png, results.json and results.txt. "
        "Default: demo_output",
    )
    demo.add_argument("--seed", type=int, default=42, help="random seed. Default: 42")
    demo.add_argument(
        "--data-dir",
        default=None,
        help="folder holding the MovieLens files (overrides $KERAS_RECSYS_DATA)",
    )
    demo.add_argument(
        "--eval-batch-size",
        type=int,
        default=256,
        help="users scored per evaluation batch. Default: 256",
    )
    demo.add_argument("--quiet", action="store_true", help="print only the final table")
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from keras_recsys.version import __version__

        print(__version__)
        return 0
    if args.command != "demo":
        parser.print_help()
        return 0 if args.command is None else 2
    if args.epochs is not None and args.epochs < 1:
        parser.error(f"--epochs must be >= 1. Received: {args.epochs}")
    if args.eval_batch_size < 1:
        parser.error(
            f"--eval-batch-size must be >= 1. Received: {args.eval_batch_size}"
        )
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _quiet_library_noise()
    run_demo(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
