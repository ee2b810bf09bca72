"""Are the explanations faithful? The deletion test on ML-1M (users 1-2999).

Data: the verbatim first 487,650 lines of ML-1M `ratings.dat` (users
1-2999, exact timestamps) at
`$KERAS_RECSYS_DATA/ml-1m/ratings.prefix-users-0001-2999.dat.gz`, read with
`keras_recsys.data.read_interactions`; items encoded `1..n` with
`keras_recsys.data.IdEncoder`; each user's last rating (in time order,
`keras_recsys.data.leave_last_out`) is left out of training.

Models, trained by the library with a time budget: SASRec
(`build_sasrec`, next-item softmax on every position of the latest 50
items, `keras_recsys.data.build_sequences` + `SequenceDataset`) and Mult-VAE
(`build_mult_vae`, multinomial likelihood with KL annealing, on the binary
user x item matrix).

The test, for a random sample of users: take the user's top-1
recommendation (training items excluded), explain it with each method of
`keras_recsys.explain.explain_history`, remove the m = 1, 3, 5 history
items with the largest attribution (for `"greedy_occlusion"`, the first m
items it removes: iterative deletion, re-scoring after each removal; at
m = 1 it is occlusion's pick), re-score and re-rank (full catalog, the
original history excluded). Report the item's mean rank drop (its new rank;
it was first) and score (logit) drop, against removing m random items and
the m most recent items. A method "clearly beats" a baseline on a measure
when its mean paired difference over the users is above 2 standard errors;
the table says, per method, whether it does so at every m against both
baselines, for the score drop and for the rank drop. At m = 1 the
benchmark also tries every single removal, to report the largest rank drop
any one-item explanation could reach. Explanations per second are the wall time of
the `explain_history` calls, one user at a time, on this machine.

    KERAS_RECSYS_DATA=/work/shared/data PYTHONPATH=. \\
        flock /tmp/keras_recsys_bench.lock .venv/bin/python benchmarks/explain_ml1m.py

`--quick` trains on 300 users for a few seconds and tests 20 (a smoke test,
writes nothing). The full run also draws `docs/_static/explain_deletion.png`.
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
from keras_recsys import data as krd
from keras_recsys.explain import explain_history

DATA_FILE = "ml-1m/ratings.prefix-users-0001-2999.dat.gz"
RESULTS = pathlib.Path(__file__).parent / "results" / "explain_ml1m.json"
PLOT = pathlib.Path(__file__).parents[1] / "docs" / "_static" / "explain_deletion.png"
MAX_LEN = 50
REMOVALS = (1, 3, 5)
METHODS = {
    "sasrec": ("greedy_occlusion", "occlusion", "integrated_gradients", "attention"),
    "mult_vae": ("greedy_occlusion", "occlusion", "integrated_gradients"),
}
# Greedy occlusion lists the items in removal order: its first m are removed.
ORDERED = ("greedy_occlusion",)
BASELINES = ("random", "most_recent")


def load(max_users=None):
    root = os.environ.get("KERAS_RECSYS_DATA", "../shared/data")
    df = krd.read_interactions(
        pathlib.Path(root, DATA_FILE),
        sep="::",
        names=["user_id", "item_id", "rating", "timestamp"],
    )
    if max_users is not None:
        df = df[df["user_id"] <= max_users]
    encoder = krd.IdEncoder().fit(df["item_id"])
    df = df.assign(item_id=encoder.transform(df["item_id"]))
    users = krd.IdEncoder().fit(df["user_id"])
    df = df.assign(user_id=users.transform(df["user_id"]) - 1)
    train, _, _ = krd.leave_last_out(df, n_test=1, n_val=0)
    ordered = train.sort_values(["user_id", "timestamp"], kind="stable")
    histories = [
        items.to_numpy().astype("int64")
        for _, items in ordered.groupby("user_id", sort=True)["item_id"]
    ]
    movies = krd.read_interactions(
        pathlib.Path(root, "ml-1m", "movies.dat"),
        sep="::",
        names=["item_id", "title", "genres"],
        required=(),
        encoding="latin-1",
    )
    titles = dict(zip(movies["item_id"].astype("int64"), movies["title"]))
    return train, histories, encoder, titles


def epochs_within(model, dataset, budget, max_epochs, callbacks=()):
    start, epochs, losses = time.perf_counter(), 0, []
    while epochs < max_epochs and time.perf_counter() - start < budget:
        fit = model.fit(dataset, epochs=1, verbose=0, callbacks=list(callbacks))
        losses.append(float(fit.history["loss"][-1]))
        epochs += 1
        print(f"    epoch {epochs}: loss {losses[-1]:.4f}", flush=True)
    return {"epochs": epochs, "seconds": time.perf_counter() - start, "loss": losses}


def train_sasrec(train, num_items, budget, seed):
    keras.utils.set_random_seed(seed)
    common = dict(num_items=num_items, max_len=MAX_LEN, embedding_dim=64)
    model = keras_recsys.models.build_sasrec(num_blocks=2, dropout=0.2, **common)
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, ignore_class=0
        ),
    )
    sequences = krd.build_sequences(train, max_len=MAX_LEN)
    dataset = krd.SequenceDataset(sequences, batch_size=64, seed=seed)
    info = epochs_within(model, dataset, budget, 40)
    return model, info


def train_mult_vae(matrix, budget, seed):
    keras.utils.set_random_seed(seed)
    model = keras_recsys.models.build_mult_vae(matrix.shape[1], seed=seed)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.MultinomialLogLikelihood(),
    )
    dataset = krd.InteractionMatrixDataset(matrix, batch_size=100, seed=seed)
    # Annealing over an assumed 60 epochs; the budget may stop earlier.
    anneal = keras_recsys.callbacks.KLAnnealing(
        anneal_steps=60 * len(dataset), beta_cap=0.2
    )
    return model, epochs_within(model, dataset, budget, 200, [anneal])


class Scorer:
    """Scores full inputs built from a history with some items removed."""

    def __init__(self, name, model, num_columns):
        self.name, self.model, self.num_columns = name, model, num_columns

    def inputs(self, histories):
        if self.name == "sasrec":
            out = np.zeros((len(histories), MAX_LEN), dtype="int32")
            for r, h in enumerate(histories):
                h = h[-MAX_LEN:]
                out[r, MAX_LEN - len(h) :] = h
            return out
        rows = np.zeros((len(histories), self.num_columns), dtype="float32")
        for r, h in enumerate(histories):
            rows[r, h] = 1.0
        return rows

    def scores(self, histories):
        return np.asarray(
            self.model.predict_on_batch(self.inputs(histories)), dtype="float64"
        )

    def explain_input(self, history):
        return self.inputs([history])[0]


def rank_of(row, item, excluded):
    """Rank (0 = first) of `item` among the items not excluded; ties rank
    the lower id first."""
    row = row.copy()
    row[excluded] = -np.inf
    row[0] = -np.inf
    s = row[item]
    return int(np.sum(row > s) + np.sum(row[:item] == s))


def deletion_test(scorer, histories, users, args, rng):
    """Per user: the top-1 item, each method's and baseline's removals."""
    methods = METHODS[scorer.name]
    records = []
    seconds = dict.fromkeys(methods, 0.0)
    for count, u in enumerate(users, 1):
        history = histories[u]
        if scorer.name == "sasrec":
            history = history[-MAX_LEN:]  # what the model sees
        base = scorer.scores([history])[0]
        base_rank_row = base.copy()
        base_rank_row[history] = -np.inf
        base_rank_row[0] = -np.inf
        top = int(np.argmax(base_rank_row))
        # Positions of the history items to remove, per ranking.
        orders = {}
        for method in methods:
            start = time.perf_counter()
            explanation = explain_history(
                scorer.model,
                scorer.explain_input(history),
                top,
                method=method,
                steps=args.steps,
                removals=max(REMOVALS),
            )
            seconds[method] += time.perf_counter() - start
            values = np.asarray(explanation.values)
            # The explanation lists the history items oldest first (sequences)
            # or by column (rows): map back to positions in `history`.
            where = {int(i): p for p, i in enumerate(history)}
            positions = np.array([where[int(i)] for i in explanation.ids])
            if method in ORDERED:
                orders[method] = positions
            else:
                orders[method] = positions[np.argsort(-values, kind="stable")]
        orders["random"] = rng.permutation(len(history))
        orders["most_recent"] = np.arange(len(history))[::-1]
        # Diagnostics of m = 1: the largest rank drop any single removal
        # reaches (a bound for every method, found by trying them all), and
        # whether occlusion's pick is the most recent item.
        singles = scorer.scores([np.delete(history, t) for t in range(len(history))])
        best_single = max(rank_of(row, top, history) for row in singles)
        variants, keys = [], []
        for key, order in orders.items():
            for m in REMOVALS:
                variants.append(np.delete(history, order[:m]))
                keys.append((key, m))
        scores = scorer.scores(variants)
        record = {
            "user": int(u),
            "item": top,
            "history_length": len(history),
            "best_single_rank": best_single,
            "occlusion_picks_most_recent": bool(
                orders["occlusion"][0] == len(history) - 1
            ),
        }
        for (key, m), row in zip(keys, scores):
            record[f"{key}@{m}"] = {
                "rank": rank_of(row, top, history),
                "score_drop": float(base[top] - row[top]),
            }
        records.append(record)
        if count % 50 == 0:
            print(f"    {scorer.name}: {count}/{len(users)} users", flush=True)
    speed = {m: len(users) / seconds[m] for m in methods}
    return records, speed


def summarize(records, methods):
    table = {}
    for key in (*methods, *BASELINES):
        for m in REMOVALS:
            ranks = np.array([r[f"{key}@{m}"]["rank"] for r in records], float)
            drops = np.array([r[f"{key}@{m}"]["score_drop"] for r in records])
            table[f"{key}@{m}"] = {
                "mean_rank_drop": float(ranks.mean()),
                "median_rank_drop": float(np.median(ranks)),
                "mean_score_drop": float(drops.mean()),
                "left_top10": float(np.mean(ranks >= 10)),
            }
    for key in methods:
        for m in REMOVALS:
            beats = {}
            for field in ("rank", "score_drop"):
                for baseline in BASELINES:
                    diff = np.array(
                        [
                            r[f"{key}@{m}"][field] - r[f"{baseline}@{m}"][field]
                            for r in records
                        ],
                        float,
                    )
                    se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else 0
                    beats[f"{field}>{baseline}"] = bool(diff.mean() > 2 * se)
            table[f"{key}@{m}"]["clearly_beats"] = beats
    table["diagnostics@1"] = {
        "mean_best_single_rank_drop": float(
            np.mean([r["best_single_rank"] for r in records])
        ),
        "occlusion_picks_most_recent": float(
            np.mean([r["occlusion_picks_most_recent"] for r in records])
        ),
    }
    return table


def print_table(name, table, methods, speed):
    print(f"\n{name}: deletion test (mean over users; higher = more faithful)")
    head = f"{'ranking':22s}" + "".join(
        f"{f'rank drop m={m}':>14s}{f'score drop m={m}':>16s}" for m in REMOVALS
    )
    print(head + f"{'score>both':>12s}{'rank>both':>11s}{'expl/s':>9s}")
    for key in (*methods, *BASELINES):
        cells = "".join(
            f"{table[f'{key}@{m}']['mean_rank_drop']:14.1f}"
            f"{table[f'{key}@{m}']['mean_score_drop']:16.3f}"
            for m in REMOVALS
        )
        if key in methods:
            flags = []
            for field in ("score_drop", "rank"):
                ok = all(
                    table[f"{key}@{m}"]["clearly_beats"][f"{field}>{b}"]
                    for m in REMOVALS
                    for b in BASELINES
                )
                flags.append("yes" if ok else "NO")
            extra = f"{flags[0]:>12s}{flags[1]:>11s}{speed[key]:9.1f}"
        else:
            extra = f"{'(baseline)':>12s}"
        print(f"{key:22s}{cells}{extra}")
    diagnostics = table["diagnostics@1"]
    print(
        "m=1: the best single removal (tried exhaustively) drops the item "
        f"{diagnostics['mean_best_single_rank_drop']:.1f} places on average; "
        "occlusion removes the most recent item for "
        f"{100 * diagnostics['occlusion_picks_most_recent']:.0f}% of the users"
    )


def plot(results, path):
    """Rank drop and score drop against m, per model: one panel each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    for row, (name, result) in zip(axes, results.items()):
        table = result["deletion_test"]
        for ax, field, label in zip(
            row,
            ("mean_rank_drop", "mean_score_drop"),
            ("mean rank drop of the top-1 item", "mean score (logit) drop"),
        ):
            for key in (*METHODS[name], *BASELINES):
                style = "--" if key in BASELINES else "-"
                ax.plot(
                    REMOVALS,
                    [table[f"{key}@{m}"][field] for m in REMOVALS],
                    style,
                    marker="o",
                    label=key,
                )
            ax.set_xticks(REMOVALS)
            ax.set_xlabel("history items removed (m)")
            ax.set_ylabel(label)
            ax.set_title(f"{name}: {label}")
            ax.legend(fontsize=8)
    fig.suptitle("Deletion test on ML-1M: removing the most-attributed items")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200, help="users tested")
    parser.add_argument("--steps", type=int, default=50, help="IG steps")
    parser.add_argument("--sasrec-seconds", type=float, default=150.0)
    parser.add_argument("--vae-seconds", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args()
    if args.quick:
        args.users, args.sasrec_seconds, args.vae_seconds = 20, 5.0, 5.0
    start = time.perf_counter()
    train, histories, encoder, titles = load(300 if args.quick else None)
    num_items = encoder.vocabulary_size - 1
    print(
        f"{len(histories)} users, {num_items} items, {len(train)} training "
        f"ratings; backend {keras.backend.backend()}, {os.cpu_count()} CPUs",
        flush=True,
    )
    rng = np.random.default_rng(args.seed)
    eligible = [u for u, h in enumerate(histories) if len(h) > max(REMOVALS)]
    users = np.sort(
        rng.choice(eligible, size=min(args.users, len(eligible)), replace=False)
    )
    results = {}
    print("[sasrec] training", flush=True)
    sasrec, sasrec_info = train_sasrec(  # the id table: codes 1..num_items
        train, num_items + 1, args.sasrec_seconds, args.seed
    )
    print("[mult_vae] training", flush=True)
    matrix = krd.interaction_matrix(train, len(histories), num_items + 1)
    matrix.data[:] = 1.0
    vae, vae_info = train_mult_vae(matrix, args.vae_seconds, args.seed)
    for name, model, info in (
        ("sasrec", sasrec, sasrec_info),
        ("mult_vae", vae, vae_info),
    ):
        print(f"[{name}] deletion test on {len(users)} users", flush=True)
        scorer = Scorer(name, model, num_items + 1)
        records, speed = deletion_test(scorer, histories, users, args, rng)
        table = summarize(records, METHODS[name])
        print_table(name, table, METHODS[name], speed)
        example = records[0]
        history = histories[example["user"]]
        sentences = {}
        for method in (*METHODS[name], "neighbours"):
            if method == "neighbours":
                why = keras_recsys.explain.similar_items(
                    model,
                    example["item"],
                    among=history[-MAX_LEN:] if name == "sasrec" else history,
                    k=3,
                    item_encoder=encoder,
                    item_titles=titles,
                )
            else:
                why = explain_history(
                    model,
                    scorer.explain_input(history),
                    example["item"],
                    method=method,
                    steps=args.steps,
                    removals=max(REMOVALS),
                    item_encoder=encoder,
                    item_titles=titles,
                )
            sentences[method] = why.sentence()
            print(f"  {method}: {sentences[method]}")
        results[name] = {
            "training": info,
            "deletion_test": table,
            "explanations_per_second": speed,
            "first_user": {"user": example["user"], "sentences": sentences},
        }
    report = {
        "command": (
            "KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock "
            "PYTHONPATH=. .venv/bin/python benchmarks/explain_ml1m.py"
            + (" --quick" if args.quick else "")
        ),
        "data": DATA_FILE,
        "num_users": len(histories),
        "num_items": num_items,
        "num_test_users": int(len(users)),
        "removals": list(REMOVALS),
        "settings": vars(args),
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "cpu_count": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "total_seconds": time.perf_counter() - start,
        "results": results,
    }
    if not args.quick:
        output = pathlib.Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {output}")
        plot(results, PLOT)
        print(f"wrote {PLOT}")
    print(f"total {report['total_seconds']:.0f}s")


if __name__ == "__main__":
    main()
