"""NCF (GMF, MLP, NeuMF) on the NCF paper's ML-1M leave-one-out protocol.

He et al., WWW 2017, Table 2: each user's latest rating (`ml-1m.test.rating`)
is ranked against the 99 sampled negatives of `ml-1m.test.negative`; HR@10
and NDCG@10. The paper reports, for predictive factor 64, NeuMF HR@10 0.705
and NDCG@10 0.426 without pretraining, 0.730 and 0.447 with pretraining.

The paper's `ml-1m.train.rating` is not available, so the training data is
REBUILT from `ml-1m/ratings.reconstructed.uirt.tsv.gz` through
`ncf-ml-1m/item_map.derived.tsv` minus the test rows. The NCF files' 0-based
user and item ids become the package's codes (`id + 1`; code 0 reserved), so
users are the MovieLens UserIDs and every table has `n + 1` rows. 32 NCF item ids are ambiguous between two MovieIDs in that map; each
ambiguous id takes its first candidate MovieID not yet taken (see the data
README). Results are labelled "rebuilt training file".

Model selection follows the paper's section 4.1: one random interaction of
each user's training data is held out as validation (ranked against 99
sampled items the user never rated) and every choice, here the epoch, is made
on it; the test set is never used to choose anything. The reported test
figures are those of the epoch with the best validation HR@10.

Training follows the paper: 4 negatives per positive resampled each epoch
(`keras_recsys.data.sample_negatives`, uniform over items the user has not
rated in training), log loss, Adam, embeddings from N(0, 0.01), predictive
factor 64 (GMF 64; MLP embeddings 128 and layers 128 -> 64). NeuMF is trained
twice: from scratch, and from the trained GMF and MLP
(`keras_recsys.models.neumf_from_pretrained`, alpha 0.5), fine-tuned with
plain SGD as in the paper. HR@10 and NDCG@10 come from
`keras_recsys.evaluation.evaluate_topk` (sampled protocol); a plain numpy
count of the negatives scoring above the test item checks them.

Run (heavy; hold the team's benchmark lock):

    KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock \
        .venv/bin/python benchmarks/ncf_ml1m.py

`--quick` runs a tiny sample for one epoch in seconds (CI smoke test).
"""

import argparse
import json
import os
import pathlib
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import keras_recsys  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402

RESULTS = pathlib.Path(__file__).parent / "results" / "ncf_ml1m.json"
PAPER = {
    "neumf_no_pretraining": {"hr@10": 0.705, "ndcg@10": 0.426},
    "neumf_with_pretraining": {"hr@10": 0.730, "ndcg@10": 0.447},
}


def data_dir():
    """The data folder, once the NCF files are found in it."""
    return _common.data_path("ncf-ml-1m", "ml-1m.test.rating").parents[1]


def load_item_map(path):
    table = pd.read_csv(path, sep="\t")
    movie_to_ncf = {}
    ambiguous = []
    for ncf_id, movie_id, status in table.itertuples(index=False):
        if status == "exact":
            movie_to_ncf[int(movie_id)] = int(ncf_id)
        else:
            candidates = [int(m) for m in status.split(":", 1)[1].split(",")]
            ambiguous.append((int(ncf_id), candidates))
    # Each ambiguous id takes its first candidate MovieID not taken yet.
    for ncf_id, candidates in sorted(ambiguous):
        movie = next(m for m in candidates if m not in movie_to_ncf)
        movie_to_ncf[movie] = ncf_id
    ambiguous = len(ambiguous)
    return movie_to_ncf, ambiguous


def load_data(root):
    test = pd.read_csv(
        root / "ncf-ml-1m" / "ml-1m.test.rating",
        sep="\t",
        names=["user", "item", "rating", "timestamp"],
    )
    negatives = []
    with open(root / "ncf-ml-1m" / "ml-1m.test.negative") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            negatives.append([int(x) for x in parts[1:]])
    # The NCF files count from 0; the package's codes from 1 (0 is reserved).
    test["user"] += 1
    test["item"] += 1
    test_negatives = np.asarray(negatives, dtype="int32") + 1
    movie_to_ncf, ambiguous = load_item_map(root / "ncf-ml-1m" / "item_map.derived.tsv")
    ratings = _common.load_ml1m().ratings  # the reconstructed ratings here
    ratings["user"] = ratings["user_id"]
    ratings["item"] = ratings["item_id"].map(movie_to_ncf) + 1
    if ratings["item"].isna().any():
        raise RuntimeError("some MovieIDs have no NCF item id")
    ratings["item"] = ratings["item"].astype("int32")
    num_users = int(ratings["user"].max()) + 1
    num_items = len(movie_to_ncf) + 1
    key_all = ratings["user"].to_numpy() * num_items + ratings["item"].to_numpy()
    key_test = test["user"].to_numpy() * num_items + test["item"].to_numpy()
    is_test = np.isin(key_all, key_test)
    if is_test.sum() != len(test):
        raise RuntimeError(f"{is_test.sum()} test rows found, expected {len(test)}")
    train = ratings.loc[~is_test, ["user", "item", "timestamp"]].reset_index(drop=True)
    return train, test, test_negatives, num_users, num_items, ambiguous, ratings


def split_validation(train, seed):
    """One random training interaction per user (the paper's validation)."""
    val_index = train.groupby("user").sample(n=1, random_state=seed).index
    val = train.loc[val_index].sort_values("user")
    fit = train.drop(index=val_index)
    return fit.reset_index(drop=True), val.reset_index(drop=True)


def evaluate(model, users, candidates, num_items):
    """HR@10 and NDCG@10 of column 0 of `candidates` among the whole row."""
    result = keras_recsys.evaluation.evaluate_topk(
        keras_recsys.evaluation.pairwise_scorer(model),
        queries=users,
        targets=candidates[:, 0],
        candidates=candidates,
        num_items=num_items,
        metrics=("hit_rate", "ndcg"),
        ks=(10,),
        batch_size=1000,
        verbose=0,
    )
    return result["hit_rate@10"], result["ndcg@10"]


def numpy_hr_ndcg(model, users, candidates, k=10):
    """The paper's own count, in numpy: rank = negatives scoring strictly
    higher than the held-out item (a negative equal to the held-out item,
    which happens in 156 rows of the NCF file, does not push it down)."""
    n, c = candidates.shape
    scores = model.predict(
        {
            "user_id": np.repeat(users.astype("int32"), c),
            "item_id": candidates.reshape(-1).astype("int32"),
        },
        batch_size=20000,
        verbose=0,
    ).reshape(n, c)
    rank = (scores[:, 1:] > scores[:, :1]).sum(axis=1)
    hit = rank < k
    ndcg = np.where(hit, 1.0 / np.log2(rank + 2.0), 0.0)
    return float(hit.mean()), float(ndcg.mean())


# Predictive factor 64 (the paper's Table 2 column): GMF embeddings 64; MLP
# embeddings 128 per side, layers 128 -> 64 (so 256 -> 128 -> 64 as the paper
# writes it); NeuMF both side by side. Larger batches than the paper's 256 for
# the models with an MLP, to keep CPU time reasonable.
CONFIGS = {
    "gmf": dict(variant="gmf", batch=256, optimizer="adam", lr=1e-3, max_epochs=20),
    "mlp": dict(variant="mlp", batch=512, optimizer="adam", lr=1e-3, max_epochs=20),
    "neumf": dict(variant="neumf", batch=512, optimizer="adam", lr=1e-3, max_epochs=20),
    # From the trained GMF and MLP; the paper fine-tunes with vanilla SGD.
    "neumf_pretrained": dict(
        variant="neumf", batch=512, optimizer="sgd", lr=2e-3, max_epochs=6
    ),
}
SIZES = dict(embedding_dim=64, mlp_embedding_dim=128, hidden_units=(128, 64))
QUICK_SIZES = dict(embedding_dim=8, mlp_embedding_dim=8, hidden_units=(8, 4))


def build(variant, sizes, num_users, num_items):
    return keras_recsys.models.build_ncf(
        num_users,
        num_items,
        variant=variant,
        embeddings_initializer=keras.initializers.RandomNormal(stddev=0.01),
        **sizes,
    )


def train_variant(name, model, args, data, rng):
    """Trains `model` epoch by epoch and keeps the epoch with the best
    validation HR@10 (ties: NDCG@10). Epoch 0 is the starting point (it
    counts only for a pretrained start)."""
    cfg = CONFIGS[name]
    max_epochs = 1 if args.quick else cfg["max_epochs"]
    optimizer = (
        keras.optimizers.Adam(cfg["lr"])
        if cfg["optimizer"] == "adam"
        else keras.optimizers.SGD(cfg["lr"])
    )
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    fit_df = data["fit"]
    pos_users = fit_df["user"].to_numpy().astype("int32")
    pos_items = fit_df["item"].to_numpy().astype("int32")
    history = []
    best = None
    best_weights = None

    def record(epoch, loss, seconds):
        nonlocal best, best_weights
        val = evaluate(
            model, data["val_users"], data["val_candidates"], data["num_items"]
        )
        test = evaluate(
            model, data["test_users"], data["test_candidates"], data["num_items"]
        )
        row = {
            "epoch": epoch,
            "loss": None if loss is None else round(loss, 5),
            "train_seconds": round(seconds, 1),
            "val_hr@10": round(val[0], 4),
            "val_ndcg@10": round(val[1], 4),
            "test_hr@10": round(test[0], 4),
            "test_ndcg@10": round(test[1], 4),
        }
        history.append(row)
        print(
            f"  {name} epoch {epoch:2d} loss {loss or float('nan'):.4f} "
            f"({seconds:.0f}s)  val HR {val[0]:.4f} NDCG {val[1]:.4f}  "
            f"test HR {test[0]:.4f} NDCG {test[1]:.4f}",
            flush=True,
        )
        key = (val[0], val[1])
        if best is None or key > (best["val_hr@10"], best["val_ndcg@10"]):
            best = row
            best_weights = [np.array(w) for w in model.get_weights()]

    if name == "neumf_pretrained":
        record(0, None, 0.0)
    for epoch in range(1, max_epochs + 1):
        start = time.perf_counter()
        negatives = keras_recsys.data.sample_negatives(
            pos_users,
            fit_df,
            data["num_items"],
            num_negatives=args.negatives,
            seed=rng,
            user_col="user",
            item_col="item",
        )
        users = np.concatenate([pos_users, np.repeat(pos_users, args.negatives)])
        items = np.concatenate([pos_items, negatives.reshape(-1).astype("int32")])
        labels = np.concatenate(
            [np.ones(len(pos_users)), np.zeros(negatives.size)]
        ).astype("float32")
        order = rng.permutation(len(users))
        hist = model.fit(
            {"user_id": users[order], "item_id": items[order]},
            labels[order],
            batch_size=cfg["batch"],
            epochs=1,
            shuffle=False,
            verbose=0,
        )
        seconds = time.perf_counter() - start
        record(epoch, float(hist.history["loss"][-1]), seconds)
        if epoch - best["epoch"] >= args.patience:
            break
    model.set_weights(best_weights)
    check = numpy_hr_ndcg(model, data["test_users"], data["test_candidates"])
    return {
        "config": {
            **{k: v for k, v in cfg.items() if k != "max_epochs"},
            "max_epochs": max_epochs,
            "patience": args.patience,
        },
        "selected_epoch": best["epoch"],
        "hr@10": best["test_hr@10"],
        "ndcg@10": best["test_ndcg@10"],
        "val_hr@10": best["val_hr@10"],
        "val_ndcg@10": best["val_ndcg@10"],
        "numpy_check_hr@10": round(check[0], 4),
        "numpy_check_ndcg@10": round(check[1], 4),
        "train_seconds_total": round(sum(r["train_seconds"] for r in history), 1),
        "train_seconds_to_selected_epoch": round(
            sum(r["train_seconds"] for r in history[: best["epoch"] + 1]), 1
        ),
        "params": int(model.count_params()),
        "history": history,
    }


def add_pretraining_time(results):
    """The pretrained NeuMF's training time includes its GMF and MLP's."""
    r = results["neumf_pretrained"]
    r["pretraining_seconds"] = round(
        results["gmf"]["train_seconds_to_selected_epoch"]
        + results["mlp"]["train_seconds_to_selected_epoch"],
        1,
    )
    r["train_seconds_including_pretraining"] = round(
        r["pretraining_seconds"] + r["train_seconds_to_selected_epoch"], 1
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument(
        "--variants",
        nargs="+",
        default=list(CONFIGS),
        choices=list(CONFIGS),
        help="neumf_pretrained needs gmf and mlp earlier in the list",
    )
    parser.add_argument("--negatives", type=int, default=4)
    parser.add_argument(
        "--patience",
        type=int,
        default=3,
        help="stop after this many epochs without a better validation HR@10",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if "neumf_pretrained" in args.variants:
        where = args.variants.index("neumf_pretrained")
        if not {"gmf", "mlp"} <= set(args.variants[:where]):
            parser.error("neumf_pretrained needs gmf and mlp before it")

    root = data_dir()
    rng = np.random.default_rng(args.seed)
    keras.utils.set_random_seed(args.seed)
    train, test, test_negatives, num_users, num_items, ambiguous, ratings = load_data(
        root
    )
    if args.quick:
        keep = np.arange(200)  # the test file's first 200 rows: users 1..200
        train = train[train["user"].isin(keep + 1)]
        test, test_negatives = test.iloc[keep], test_negatives[keep]
    fit_df, val = split_validation(train, args.seed)
    val_users = val["user"].to_numpy().astype("int32")
    # Validation negatives: items the user never rated (train or test).
    val_candidates = keras_recsys.data.sampled_candidates(
        val_users,
        val["item"].to_numpy(),
        ratings[["user", "item"]],
        num_items,
        num_negatives=99,
        seed=args.seed,
        user_col="user",
        item_col="item",
    )
    test_users = test["user"].to_numpy().astype("int32")
    test_candidates = np.concatenate(
        [test["item"].to_numpy()[:, None], test_negatives], axis=1
    ).astype("int64")
    data = {
        "fit": fit_df,
        "val_users": val_users,
        "val_candidates": val_candidates,
        "test_users": test_users,
        "test_candidates": test_candidates,
        "num_items": num_items,
    }
    print(
        f"ML-1M NCF protocol (rebuilt training file): {num_users} users, "
        f"{num_items} items, {len(fit_df)} training positives, "
        f"{len(val)} validation and {len(test)} test users; "
        f"backend {keras.backend.backend()}, {os.cpu_count()} CPU cores",
        flush=True,
    )
    sizes = QUICK_SIZES if args.quick else SIZES
    results = {}
    out = {
        "benchmark": "ncf_ml1m",
        "protocol": "He et al. 2017 leave-one-out: each user's test item "
        "(ml-1m.test.rating) ranked among it and the 99 negatives of "
        "ml-1m.test.negative; HR@10, NDCG@10",
        "training_data": "rebuilt training file (reconstructed ML-1M ratings "
        "through the derived NCF item map, minus the 6040 test rows; "
        f"{ambiguous} ambiguous item ids each given its first candidate MovieID "
        "not yet taken), minus one random validation rating per user",
        "selection": "epoch with the best validation HR@10 (one random "
        "training rating per user, held out of training, ranked against 99 "
        "sampled items the user never rated), as in the paper's section 4.1; "
        "test figures are those of that epoch and were never used to choose",
        "metrics": "keras_recsys.evaluation.evaluate_topk (sampled protocol); "
        "numpy_check_* recomputes the test figures with a plain numpy count",
        "sizes": {k: list(v) if isinstance(v, tuple) else v for k, v in sizes.items()},
        **_common.environment(),
        "negatives_per_positive": args.negatives,
        "embeddings_initializer": "normal(0, 0.01)",
        "seed": args.seed,
        "paper": PAPER,
        "target": {"neumf hr@10": 0.70, "neumf ndcg@10": 0.42},
        "results": results,
        "command": _common.command(__file__),
    }
    trained = {}
    for name in args.variants:
        if name == "neumf_pretrained":
            model = keras_recsys.models.neumf_from_pretrained(
                trained["gmf"], trained["mlp"], alpha=0.5
            )
        else:
            model = build(CONFIGS[name]["variant"], sizes, num_users, num_items)
        results[name] = train_variant(name, model, args, data, rng)
        trained[name] = model
        if name == "neumf_pretrained":
            add_pretraining_time(results)
        if not args.quick:
            # Written after each variant so a long run keeps what it finished.
            pathlib.Path(args.output).write_text(json.dumps(out, indent=2) + "\n")

    print(
        "\nvariant           epoch  HR@10   NDCG@10  numpy check     "
        "train s (to selected epoch)"
    )
    for name, r in results.items():
        seconds = r.get(
            "train_seconds_including_pretraining", r["train_seconds_to_selected_epoch"]
        )
        print(
            f"{name:17s} {r['selected_epoch']:5d}  {r['hr@10']:.4f}  "
            f"{r['ndcg@10']:.4f}   {r['numpy_check_hr@10']:.4f} "
            f"{r['numpy_check_ndcg@10']:.4f}   {seconds:.0f}"
        )
    print(
        "(neumf_pretrained: epoch 0 is the start from the trained GMF and MLP; "
        "its time includes theirs)"
    )
    print(
        "paper NeuMF: HR@10 0.705, NDCG@10 0.426 (no pretraining); "
        "0.730, 0.447 (pretrained)"
    )
    if not args.quick:
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
