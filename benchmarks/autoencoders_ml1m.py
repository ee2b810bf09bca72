"""Mult-VAE, Mult-DAE, CDAE and popularity under Liang et al.'s protocol.

Strong generalization (Liang et al., 2018, "Variational Autoencoders for
Collaborative Filtering"): keep ratings >= 4 (> 3.5), users with at least 5 of
them; shuffle the users and hold out `n_heldout` validation and `n_heldout`
test users (600 + 600 on ML-1M, 10,000 + 10,000 on ML-20M); items are those
seen among the training users. For each held-out user, a random 80% of their
items is the fold-in input and the other 20% the target; fold-in items are
excluded from the ranking. Metrics: Recall@20 and Recall@50 with the
denominator min(k, #targets) ("cap_at_k"), and NDCG@100 (binary gains). Each
model keeps the epoch with the best validation NDCG@100 and is evaluated on
the test users there.

Training feeds sparse user rows batch by batch (a `keras.utils.PyDataset` that
densifies only the rows of a batch); the users x items matrix is never dense.

    KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock \
        .venv/bin/python benchmarks/autoencoders_ml1m.py

EASE (Steck 2019, `keras_recsys.models.build_ease`) is fitted in closed form
for each L2 penalty of a grid (`--ease-l2`), chosen by validation NDCG@100.

Every hyperparameter is chosen on the validation users only: Mult-DAE is
trained for each L2 x input dropout of its grid (`--dae-l2`,
`--dae-dropout`), Mult-VAE for each L2 x dropout x KL cap (`--vae-l2`,
`--vae-dropout`, `--vae-beta-cap`); each configuration keeps the epoch with
its best validation NDCG@100 (training stops after `--patience` epochs
without a better one, at most `--epochs`), and the configuration with the
best validation NDCG@100 is the one evaluated on the test users. The summary
gives each model's test NDCG@100 as a ratio of EASE's, paired over the same
test users, with its standard error (delta method).

A run of some of the models (`--models ease`) keeps the other models'
recorded figures in the results JSON, each with the command that produced
it (`details.<model>.command`; the top-level `command` lists them all).

Options: `--quick` (a few hundred users, 2 epochs, for CI), `--epochs`,
`--patience`, `--batch-size`, `--lr`, `--hidden`, `--latent`, the grids
above, `--plot` (draws docs/_static/autoencoders_ml1m.png from the recorded
results, trains nothing), `--dataset ml-20m` (the paper's own setting, when
`$KERAS_RECSYS_DATA/ml-20m/ratings.csv` exists; otherwise it says so and
exits), `--models`.
"""

import argparse
import json
import os
import pathlib
import sys
import tempfile
import time

import keras
import numpy as np
import pandas as pd
import scipy.sparse as sp

import keras_recsys

RESULTS = pathlib.Path(__file__).parent / "results"
PAPER_ML20M = {
    "mult_vae": {"recall@20": 0.395, "recall@50": 0.537, "ndcg@100": 0.426},
    "mult_dae": {"recall@20": 0.387, "recall@50": 0.524, "ndcg@100": 0.419},
}


# ----------------------------------------------------------------------------
# Data: Liang et al.'s preprocessing.


def load_ratings(dataset, data_dir):
    root = pathlib.Path(data_dir)
    if dataset == "ml-1m":
        path = root / "ml-1m" / "ratings.dat"
        if path.exists():
            return pd.read_csv(
                path, sep="::", engine="python", names=["user", "item", "rating", "ts"]
            )
        path = root / "ml-1m" / "ratings.reconstructed.uirt.tsv.gz"
        if not path.exists():
            sys.exit(f"ML-1M ratings not found under {root / 'ml-1m'}")
        df = pd.read_csv(path, sep="\t")
        return df.rename(columns={"user_id": "user", "movie_id": "item"})
    path = root / "ml-20m" / "ratings.csv"
    if not path.exists():
        print(
            f"SKIPPED: --dataset ml-20m needs {path} (MovieLens 20M ratings.csv), "
            "which is not present. Nothing was run or written."
        )
        sys.exit(0)
    df = pd.read_csv(path)
    return df.rename(columns={"userId": "user", "movieId": "item"})


def strong_generalization_split(df, n_heldout, seed):
    df = df[df["rating"] > 3.5]
    counts = df.groupby("user").size()
    df = df[df["user"].isin(counts.index[counts >= 5])]
    users = df["user"].unique()
    rng = np.random.default_rng(seed)
    users = users[rng.permutation(len(users))]
    n_users = len(users)
    train_users = users[: n_users - 2 * n_heldout]
    val_users = users[n_users - 2 * n_heldout : n_users - n_heldout]
    test_users = users[n_users - n_heldout :]

    train = df[df["user"].isin(train_users)]
    # Item codes 1..n, column 0 reserved (the package's id convention).
    items = keras_recsys.data.IdEncoder().fit(train["item"])

    def rows(part_users, frame):
        user_index = {u: i for i, u in enumerate(part_users)}
        r = frame["user"].map(user_index).to_numpy()
        c = items.transform(frame["item"])
        return sp.csr_matrix(
            (np.ones(len(r), dtype="float32"), (r, c)),
            shape=(len(part_users), items.vocabulary_size),
        )

    def fold_in_split(part_users):
        frame = df[df["user"].isin(part_users) & df["item"].isin(items.vocabulary)]
        fold, target = [], []
        for _, group in frame.groupby("user"):
            n = len(group)
            if n >= 5:
                mask = np.zeros(n, dtype=bool)
                mask[rng.choice(n, size=int(0.2 * n), replace=False)] = True
                fold.append(group[~mask])
                target.append(group[mask])
            else:
                fold.append(group)
        # Users left with no target after the item filter carry no weight.
        kept = pd.concat(target)["user"].unique()
        return (
            rows(kept, pd.concat(fold)[lambda f: f["user"].isin(kept)]),
            rows(kept, pd.concat(target)),
        )

    return {
        "train": rows(train_users, train),
        "val": fold_in_split(val_users),
        "test": fold_in_split(test_users),
        "num_items": items.vocabulary_size,
        "item_count": len(items.vocabulary),
        "num_ratings_kept": len(df),
        "num_users": n_users,
    }


class RowBatches(keras.utils.PyDataset):
    """Rows of a CSR matrix densified per batch, with optional user ids.

    `keras_recsys.data.InteractionMatrixDataset` does the same for models
    with the rows as their only input; CDAE also needs the user's id.
    """

    def __init__(self, matrix, batch_size, user_ids=None, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.matrix = matrix
        self.batch_size = batch_size
        self.user_ids = user_ids
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(matrix.shape[0])

    def __len__(self):
        return -(-self.matrix.shape[0] // self.batch_size)

    def __getitem__(self, index):
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        dense = self.matrix[rows].toarray()
        if self.user_ids is None:
            return dense, dense
        return {"interactions": dense, "user_id": self.user_ids[rows]}, dense

    def on_epoch_end(self):
        self.order = self.rng.permutation(self.matrix.shape[0])


def row_batches(matrix, batch_size, seed):
    try:
        from keras_recsys.data import InteractionMatrixDataset
    except ImportError:
        return RowBatches(matrix, batch_size, seed=seed)
    return InteractionMatrixDataset(
        matrix, batch_size=batch_size, seed=seed, input_name=None
    )


# ----------------------------------------------------------------------------
# Loss and metrics.


def multinomial_loss():
    try:
        return keras_recsys.losses.MultinomialLogLikelihood()
    except AttributeError:
        # Until keras_recsys.losses.MultinomialLogLikelihood lands:
        # -sum_j x_j log softmax(logits)_j per row, as Liang et al.
        def neg_log_likelihood(y_true, y_pred):
            y_pred = keras.ops.log_softmax(keras.ops.cast(y_pred, "float32"), axis=-1)
            return -keras.ops.sum(keras.ops.cast(y_true, "float32") * y_pred, axis=-1)

        return neg_log_likelihood


def rank_metrics(scores, fold_in, targets):
    """Recall@20, Recall@50 (capped) and NDCG@100 per user, plainly in numpy."""
    scores = np.array(scores, dtype="float64")
    scores[fold_in.toarray() > 0] = -np.inf
    k_max = 100
    # Stable sort on -score: ties go to the lower item index.
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k_max]
    relevant = targets.toarray() > 0
    hits = np.take_along_axis(relevant, top, axis=1)
    n_rel = relevant.sum(axis=1)
    out = {}
    for k in (20, 50):
        out[f"recall@{k}"] = hits[:, :k].sum(axis=1) / np.minimum(k, n_rel)
    discounts = 1.0 / np.log2(np.arange(2, k_max + 2))
    dcg = (hits * discounts).sum(axis=1)
    idcg = np.array([discounts[: min(n, k_max)].sum() for n in n_rel])
    out["ndcg@100"] = dcg / idcg
    return out


def library_metrics(scores, fold_in, targets):
    """The same figures from keras_recsys.metrics (fold-in items labelled -1)."""
    y_true = targets.toarray().astype("float32")
    y_true[fold_in.toarray() > 0] = -1.0
    y_pred = np.asarray(scores, dtype="float32")
    m = keras_recsys.metrics
    return {
        "recall@20": m.recall_at_k(y_true, y_pred, 20, cap_at_k=True),
        "recall@50": m.recall_at_k(y_true, y_pred, 50, cap_at_k=True),
        "ndcg@100": m.ndcg_at_k(y_true, y_pred, 100),
    }


def evaluate(
    score_fn, fold_in, targets, batch_size=1000, per_user_ndcg=False, check=True
):
    """Mean and standard error of each metric over the users; with
    `per_user_ndcg`, also each user's NDCG@100 (for paired comparisons).
    `check` cross-checks keras_recsys.metrics against the numpy loop (skipped
    for the per-epoch validation, done for every reported figure)."""
    per_user = {"recall@20": [], "recall@50": [], "ndcg@100": []}
    for start in range(0, fold_in.shape[0], batch_size):
        rows = slice(start, start + batch_size)
        scores = score_fn(fold_in[rows], start)
        ours = rank_metrics(scores, fold_in[rows], targets[rows])
        if not check:
            for key, values in ours.items():
                per_user[key].append(values)
            continue
        library = library_metrics(scores, fold_in[rows], targets[rows])
        for key, values in library.items():
            values = keras.ops.convert_to_numpy(values).astype("float64")
            # Cross-check: the library's metrics against the numpy loop above.
            np.testing.assert_allclose(values, ours[key], atol=1e-4, err_msg=key)
            per_user[key].append(values)
    result = {}
    for key, values in per_user.items():
        values = np.concatenate(values)
        result[key] = float(values.mean())
        result[key + "_sem"] = float(values.std(ddof=1) / np.sqrt(len(values)))
    if per_user_ndcg:
        return result, np.concatenate(per_user["ndcg@100"])
    return result


# ----------------------------------------------------------------------------
# Models.


def model_scorer(model, with_user_id=False):
    def score(rows, start):
        x = rows.toarray()
        if with_user_id:
            # Held-out users are unseen in training: the reserved id 0, whose
            # CDAE user vector stays zero.
            x = {"interactions": x, "user_id": np.zeros((len(x),), dtype="int32")}
        return model.predict(x, verbose=0, batch_size=1000)

    return score


def train_and_select(name, model, data, train_data, args, callbacks):
    """Trains up to `args.epochs` epochs, keeping the weights of the epoch
    with the best validation NDCG@100; stops early once `args.patience`
    epochs in a row have not improved on it (0: never)."""
    val_fold, val_target = data["val"]
    is_cdae = name == "cdae"
    best, best_weights, best_epoch, curve = -1.0, None, 0, []
    start = time.time()
    for epoch in range(args.epochs):
        history = model.fit(
            train_data,
            epochs=epoch + 1,
            initial_epoch=epoch,
            callbacks=callbacks,
            verbose=0,
        )
        val = evaluate(model_scorer(model, is_cdae), val_fold, val_target, check=False)
        logs = {k: float(v[-1]) for k, v in history.history.items()}
        curve.append({"epoch": epoch + 1, **logs, "val_ndcg@100": val["ndcg@100"]})
        if val["ndcg@100"] > best:
            best, best_epoch = val["ndcg@100"], epoch + 1
            best_weights = model.get_weights()
        if args.log_every and (epoch + 1) % args.log_every == 0:
            extra = "".join(f" {k}={logs[k]:.4f}" for k in ("kl", "beta") if k in logs)
            print(
                f"  {name} epoch {epoch + 1:3d} loss={logs['loss']:.2f}{extra} "
                f"val ndcg@100={val['ndcg@100']:.4f} (best {best:.4f} @ {best_epoch})"
                f" {time.time() - start:.0f}s",
                flush=True,
            )
        if args.patience and epoch + 1 - best_epoch >= args.patience:
            break
    model.set_weights(best_weights)
    test, per_user = evaluate(
        model_scorer(model, is_cdae), *data["test"], per_user_ndcg=True
    )
    return {
        "best_epoch": best_epoch,
        "epochs_run": len(curve),
        "val_ndcg@100": best,
        "test": test,
        "train_seconds": round(time.time() - start, 1),
        "curve": curve,
        "per_user": per_user,
    }


def run_model(name, data, args, l2=None, dropout=None, beta_cap=None):
    """Trains one configuration of `name` (`mult_vae`, `mult_dae`, `cdae`)."""
    num_items = data["num_items"]
    train = data["train"]
    batch_size = args.batch_size
    updates_per_epoch = -(-train.shape[0] // batch_size)
    callbacks = []
    config = {
        "batch_size": batch_size,
        "max_epochs": args.epochs,
        "patience": args.patience,
        "optimizer": f"Adam({args.lr:g})",
        "loss": "multinomial log-likelihood",
    }
    if name in ("mult_vae", "mult_dae"):
        # Keras's L2(l2) is added to the batch *mean* of the loss. Liang et
        # al.'s code adds lam * sum(w^2) with lam = 0.01 to it, i.e. l2 0.01;
        # l2 2e-5 (0.01 / 500) is their decay per row.
        common = {
            "hidden_units": (args.hidden,),
            "latent_dim": args.latent,
            "dropout": dropout,
            "kernel_regularizer": keras.regularizers.L2(l2) if l2 else None,
            "seed": args.seed,
        }
        config.update(
            hidden_units=[args.hidden], latent_dim=args.latent, dropout=dropout, l2=l2
        )
        if name == "mult_vae":
            model = keras_recsys.models.build_mult_vae(num_items, **common)
            # Liang et al. anneal to 0.2 over 200,000 updates; here there are
            # ~10 updates per epoch, so anneal over `--epochs` epochs instead.
            anneal_steps = updates_per_epoch * args.epochs
            callbacks.append(
                keras_recsys.callbacks.KLAnnealing(anneal_steps, beta_cap=beta_cap)
            )
            config.update(kl_anneal_steps=anneal_steps, beta_cap=beta_cap)
        else:
            model = keras_recsys.models.build_mult_dae(num_items, **common)
        loss = multinomial_loss()
        train_data = row_batches(train, batch_size, args.seed)
    elif name == "cdae":
        # User ids 1..n for the training users; 0 is reserved for unseen users.
        model = keras_recsys.models.build_cdae(
            train.shape[0] + 1,
            num_items,
            hidden_units=200,
            dropout=0.5,
            kernel_regularizer=keras.regularizers.L2(1e-6),
            user_embeddings_regularizer=keras.regularizers.L2(1e-6),
            seed=args.seed,
        )
        loss = keras.losses.BinaryCrossentropy(from_logits=True)
        config.update(
            hidden_units=200,
            dropout=0.5,
            l2=1e-6,
            loss="binary cross-entropy on logits",
        )
        user_ids = np.arange(1, train.shape[0] + 1, dtype="int32")
        train_data = RowBatches(train, batch_size, user_ids=user_ids, seed=args.seed)
    else:
        raise ValueError(name)
    model.compile(optimizer=keras.optimizers.Adam(args.lr), loss=loss)
    result = train_and_select(name, model, data, train_data, args, callbacks)
    result["config"] = config
    return result


def grid_search(name, data, args):
    """Trains `name` (`mult_vae`, `mult_dae`) for each configuration of its
    grid (`--dae-l2` x `--dae-dropout`; `--vae-l2` x `--vae-dropout` x
    `--vae-beta-cap`), each keeping its epoch by validation NDCG@100; the
    configuration with the best validation NDCG@100 is the one whose test
    figures are reported (the others' test figures play no part in the choice
    and are not recorded)."""
    prefix = "vae" if name == "mult_vae" else "dae"
    caps = args.vae_beta_cap if name == "mult_vae" else [None]
    search, best = [], None
    for l2 in getattr(args, f"{prefix}_l2"):
        for dropout in getattr(args, f"{prefix}_dropout"):
            for cap in caps:
                keras.utils.set_random_seed(args.seed)
                label = f"l2={l2:g} dropout={dropout:g}" + (
                    f" beta_cap={cap:g}" if cap is not None else ""
                )
                print(f"  {name} {label}", flush=True)
                r = run_model(name, data, args, l2=l2, dropout=dropout, beta_cap=cap)
                row = {"l2": l2, "dropout": dropout}
                if cap is not None:
                    row["beta_cap"] = cap
                row.update(
                    best_epoch=r["best_epoch"],
                    epochs_run=r["epochs_run"],
                    val_ndcg_at_100=round(r["val_ndcg@100"], 4),
                    train_seconds=r["train_seconds"],
                )
                search.append(row)
                print(
                    f"  {name} {label}: val ndcg@100 {r['val_ndcg@100']:.4f} "
                    f"at epoch {r['best_epoch']}",
                    flush=True,
                )
                if best is None or r["val_ndcg@100"] > best["val_ndcg@100"]:
                    best = r
    if len(search) > 1:
        best["search"] = search
    return best


EASE_L2_GRID = (100.0, 200.0, 500.0, 1000.0, 2000.0)


def ease(data, grid=EASE_L2_GRID):
    """EASE (Steck 2019), fitted in closed form for each L2 of the grid; the
    one with the best validation NDCG@100 is evaluated on the test users."""
    search, best = [], None
    start = time.time()
    for l2 in grid:
        fit_start = time.time()
        model = keras_recsys.models.build_ease(data["train"], l2_regularization=l2)
        fit_seconds = time.time() - fit_start
        val = evaluate(model_scorer(model), *data["val"])
        search.append(
            {
                "l2": l2,
                "val_ndcg_at_100": round(val["ndcg@100"], 4),
                "fit_seconds": round(fit_seconds, 1),
            }
        )
        print(f"  ease l2={l2:g} val ndcg@100={val['ndcg@100']:.4f}", flush=True)
        if best is None or val["ndcg@100"] > best[0]["ndcg@100"]:
            best = (val, model, l2, fit_seconds)
    val, model, l2, fit_seconds = best
    test, per_user = evaluate(model_scorer(model), *data["test"], per_user_ndcg=True)
    return {
        "best_l2": l2,
        "val_ndcg@100": val["ndcg@100"],
        "test": test,
        "fit_seconds": round(fit_seconds, 1),
        "train_seconds": round(time.time() - start, 1),
        "search": search,
        "config": {"l2_grid": list(grid), "fit": "closed form, float64 numpy"},
        "per_user": per_user,
    }


def ratio_to(per_user, reference):
    """Paired ratio mean(per_user) / mean(reference) over the same test
    users, with its standard error by the delta method."""
    a, b = np.asarray(per_user), np.asarray(reference)
    ratio = a.mean() / b.mean()
    se = np.std(a - ratio * b, ddof=1) / np.sqrt(len(a)) / b.mean()
    return float(ratio), float(se)


def popularity(data):
    counts = np.asarray(data["train"].sum(axis=0)).ravel()

    def score(rows, start):
        return np.broadcast_to(counts, (rows.shape[0], len(counts)))

    test, per_user = evaluate(score, *data["test"], per_user_ndcg=True)
    return {"val": evaluate(score, *data["val"]), "test": test, "per_user": per_user}


def results_path(args):
    if args.output:
        return pathlib.Path(args.output)
    if args.quick:
        return pathlib.Path(tempfile.gettempdir()) / "autoencoders_ml1m.quick.json"
    suffix = "" if args.dataset == "ml-1m" else "_ml20m"
    return RESULTS / f"autoencoders_ml1m{suffix}.json"


def curves_path_of(path):
    return path.parent / "curves" / (path.stem + ".curves.json")


def recorded_results(args, results):
    """The recorded models of the results JSON that this run did not train.

    A run of some models (`--models ease`) keeps the others' figures as
    they were recorded, each with the command that produced it, so that one
    model can be rerun without retraining all of them.
    """
    path = results_path(args)
    if not path.exists():
        return {}
    old = json.loads(path.read_text())
    side = curves_path_of(path)
    side = json.loads(side.read_text()) if side.exists() else {}
    curves = side.get("curves", {})
    per_user = side.get("test_ndcg@100_per_user", {})
    kept = {}
    for name, entry in old.get("details", {}).items():
        if name in results:
            continue
        entry.setdefault("command", old.get("command"))
        if name in curves:
            entry["curve"] = curves[name]
        if name in per_user:
            entry["per_user"] = np.asarray(per_user[name])
        kept[name] = entry
    return kept


PLOT = (
    pathlib.Path(__file__).resolve().parents[1] / "docs/_static/autoencoders_ml1m.png"
)


def plot(path, out=PLOT):
    """Validation NDCG@100 per epoch (left) and test NDCG@100 with its
    standard error (right), from the recorded results and curves."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = json.loads(path.read_text())
    curves = json.loads(curves_path_of(path).read_text())["curves"]
    details = data["details"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    for i, (name, curve) in enumerate(curves.items()):
        epochs = [c["epoch"] for c in curve]
        left.plot(epochs, [c["val_ndcg@100"] for c in curve], color=f"C{i}", label=name)
        best = details[name]["best_epoch"]
        left.plot([best], [details[name]["val_ndcg@100"]], "o", color=f"C{i}")
    if "ease" in details:
        left.axhline(
            details["ease"]["val_ndcg@100"], color="k", ls="--", lw=1, label="ease"
        )
    left.set_ylim(0.3, None)
    left.set_xlabel("epoch (dot: the epoch kept)")
    left.set_ylabel("validation NDCG@100")
    left.legend(fontsize=8)
    left.set_title("Chosen configuration of each model, per epoch", fontsize=10)
    rows = data["summary"]
    names = [r["model"] for r in rows]
    values = [r["ndcg@100"] for r in rows]
    right.bar(
        names,
        values,
        yerr=[r["ndcg@100_sem"] for r in rows],
        color=["tab:green" if n == "ease" else "tab:blue" for n in names],
        capsize=3,
    )
    if "ease" in names:
        target = 0.95 * values[names.index("ease")]
        right.axhline(target, color="tab:red", ls="--", lw=1, label="0.95 x EASE")
        right.legend(fontsize=8, loc="lower right")
    right.set_ylim(0.15, max(values) + 0.03)
    right.set_ylabel(
        f"test NDCG@100 (+- 1 s.e., {data['data']['num_test_users']} users)"
    )
    right.set_title("ML-1M strong generalization, test users", fontsize=10)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(f"wrote {out}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="ml-1m", choices=["ml-1m", "ml-20m"])
    parser.add_argument("--data-dir", default=os.environ.get("KERAS_RECSYS_DATA"))
    parser.add_argument("--epochs", type=int, default=200, help="most epochs")
    parser.add_argument(
        "--patience",
        type=int,
        default=50,
        help="stop after this many epochs without a better validation NDCG@100 "
        "(0: never)",
    )
    parser.add_argument("--seed", type=int, default=98765)
    parser.add_argument("--models", default="mult_vae,mult_dae,cdae,ease")
    parser.add_argument("--log-every", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--hidden", type=int, default=600)
    parser.add_argument("--latent", type=int, default=200)
    grid = {"type": float, "nargs": "+"}
    parser.add_argument("--dae-l2", default=[2e-5], **grid)
    parser.add_argument("--dae-dropout", default=[0.5], **grid)
    parser.add_argument("--vae-l2", default=[0.0], **grid)
    parser.add_argument("--vae-dropout", default=[0.5], **grid)
    parser.add_argument("--vae-beta-cap", default=[0.2], **grid)
    parser.add_argument("--ease-l2", default=list(EASE_L2_GRID), **grid)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=None)
    parser.add_argument(
        "--plot",
        action="store_true",
        help="only draw docs/_static/autoencoders_ml1m.png from the recorded "
        "results (nothing is trained)",
    )
    args = parser.parse_args(argv)
    if args.plot:
        return plot(results_path(args))
    if not args.data_dir:
        sys.exit("Set KERAS_RECSYS_DATA or pass --data-dir")
    keras.utils.set_random_seed(args.seed)

    ratings = load_ratings(args.dataset, args.data_dir)
    n_heldout = 600 if args.dataset == "ml-1m" else 10_000
    if args.quick:
        users = np.sort(ratings["user"].unique())[:800]
        ratings = ratings[ratings["user"].isin(users)]
        n_heldout, args.epochs, args.log_every = 100, 2, 1
    data = strong_generalization_split(ratings, n_heldout, args.seed)
    print(
        f"{args.dataset}: {data['num_users']} users with >= 5 ratings >= 4 "
        f"({data['num_ratings_kept']} ratings); {data['train'].shape[0]} train, "
        f"{data['val'][0].shape[0]} validation, {data['test'][0].shape[0]} test "
        f"users; {data['item_count']} items; backend {keras.backend.backend()}",
        flush=True,
    )

    results = {"most_popular": popularity(data)}
    for name in [m for m in args.models.split(",") if m]:
        print(f"training {name} ...", flush=True)
        if name == "ease":
            results[name] = ease(data, args.ease_l2)
        elif name in ("mult_vae", "mult_dae"):
            results[name] = grid_search(name, data, args)
        else:
            keras.utils.set_random_seed(args.seed)
            results[name] = run_model(name, data, args)
    kept = {} if args.quick or args.output else recorded_results(args, results)
    command = (
        "KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock "
        ".venv/bin/python benchmarks/autoencoders_ml1m.py "
        + " ".join(argv if argv is not None else sys.argv[1:])
    ).strip()
    for entry in results.values():
        entry["command"] = command
    results = {"most_popular": results.pop("most_popular"), **kept, **results}
    order = ["most_popular", "mult_vae", "mult_dae", "cdae", "ease"]
    results = {
        name: results[name]
        for name in sorted(results, key=lambda n: order.index(n) if n in order else 99)
    }

    ease_per_user = results.get("ease", {}).get("per_user")
    header = (
        f"{'model':<14}{'Recall@20':>11}{'Recall@50':>11}{'NDCG@100':>11}"
        f"{'(sem)':>8}{'x EASE (se)':>17}  best epoch"
    )
    print(header)
    summary = []
    for name, r in results.items():
        t = r["test"]
        row = {"model": name}
        row.update({k: round(t[k], 4) for k in ("recall@20", "recall@50", "ndcg@100")})
        row["ndcg@100_sem"] = round(t["ndcg@100_sem"], 4)
        ratio = ""
        if ease_per_user is not None and r.get("per_user") is not None:
            # Paired over the same test users (delta-method standard error).
            value, se = ratio_to(r["per_user"], ease_per_user)
            row["ndcg@100_over_ease"] = round(value, 4)
            row["ndcg@100_over_ease_se"] = round(se, 4)
            ratio = f"{value:.4f} ({se:.4f})"
        row["best_epoch"] = r.get("best_epoch", "-")
        row["val_ndcg@100"] = round(
            r.get("val_ndcg@100", r.get("val", {}).get("ndcg@100", float("nan"))), 4
        )
        summary.append(row)
        print(
            f"{name:<14}{t['recall@20']:>11.4f}{t['recall@50']:>11.4f}"
            f"{t['ndcg@100']:>11.4f}{t['ndcg@100_sem']:>8.4f}{ratio:>17}  "
            f"{row['best_epoch']}"
        )
    curves = {name: r.pop("curve") for name, r in results.items() if "curve" in r}
    per_user = {
        name: [round(float(v), 5) for v in r.pop("per_user")]
        for name, r in results.items()
        if r.get("per_user") is not None
    }
    commands = list(dict.fromkeys(r["command"] for r in results.values()))
    out = {
        "benchmark": "autoencoders_ml1m",
        "dataset": args.dataset,
        "protocol": (
            "Liang et al. 2018 strong generalization: ratings >= 4, users with "
            f">= 5; {n_heldout} validation + {n_heldout} test held-out users; 80/20 "
            "fold-in/target; fold-in excluded from ranking; Recall@k capped "
            "at min(k, #targets); NDCG@100 binary gains; every hyperparameter, "
            "and each model's epoch, chosen by validation NDCG@100"
        ),
        "quick": args.quick,
        "backend": keras.backend.backend(),
        "seed": args.seed,
        # The commands that together reproduce this file (one per model group).
        "command": commands[0] if len(commands) == 1 else commands,
        "data": {
            "num_users": data["num_users"],
            "num_ratings_kept": data["num_ratings_kept"],
            "num_train_users": data["train"].shape[0],
            "num_val_users": data["val"][0].shape[0],
            "num_test_users": data["test"][0].shape[0],
            "num_items": data["item_count"],
        },
        "summary": summary,
        "paper_ml20m": [{"model": k, **v} for k, v in PAPER_ML20M.items()],
        "details": results,
    }
    path = results_path(args)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")
    side = curves_path_of(path)
    side.parent.mkdir(parents=True, exist_ok=True)
    side.write_text(
        json.dumps({"curves": curves, "test_ndcg@100_per_user": per_user}) + "\n"
    )
    print(f"wrote {path}")
    return out


if __name__ == "__main__":
    main()
