"""Are the explanations faithful? The deletion test on ML-1M (users 1-2999).

Data: the verbatim first 487,650 lines of ML-1M `ratings.dat` (users
1-2999, exact timestamps) at
`$KERAS_RECSYS_DATA/ml-1m/ratings.prefix-users-0001-2999.dat.gz`, read with
`keras_recsys.data.read_interactions`; items encoded `1..n` with
`keras_recsys.data.IdEncoder`; each user's last rating (in time order,
`keras_recsys.data.leave_last_out`) is left out of training.

Models, trained by the library for a fixed number of epochs (30 and 38;
the seconds are recorded, the models do not depend on the load): SASRec
(`build_sasrec`, next-item softmax on every position of the latest 50
items, `keras_recsys.data.build_sequences` + `SequenceDataset`) and Mult-VAE
(`build_mult_vae`, multinomial likelihood with KL annealing, on the binary
user x item matrix).

The test users: draw 2 (`--draw`, the default) of `draw_users`, 300
users disjoint from draws 0 and 1 (the users of the earlier runs on which
each model's best method was chosen: `CHOSEN`, the most clear wins of the
12 comparisons, ties to the cheaper; Mult-VAE's on draw 0, SASRec's on
draw 1, where SASRec's draw-0 choice was not confirmed; draw 1's run is
kept in `benchmarks/results/explain_ml1m_draw1.json`). This run confirms
each choice or not; it does not choose again.

The test, for each test user: take the user's top-1
recommendation (the history it is computed from excluded: SASRec's latest
50 items, Mult-VAE's row), explain it with each method of
`keras_recsys.explain.explain_history` (SASRec: also with
`target="log_softmax"`, the item's log-probability among the candidates,
and `target="margin"`, its margin over the best other candidate, written
`method[target]`), remove the m = 1, 3, 5 history items with the largest
attribution (for `"greedy_occlusion"`, the first m items it removes:
iterative deletion, re-scoring after each removal; at m = 1 it is
occlusion's pick), deleting them from the sequence (the older items shift
towards the end) or the row, re-score and re-rank the full catalog less
code 0 and the remaining history (a removed item is a candidate again).
Report the item's mean rank drop (its new rank; it was first) and score
(logit) drop, against removing m random items and the m most recent items.
A method "clearly beats" a baseline on a measure when the paired bootstrap
95% interval (10,000 resamples of the users) of its mean difference with
the baseline lies above 0; the sign test (wins, losses, p) is reported
too. The table says, per method, whether it does so at every m against
both baselines, for the score drop and for the rank drop, and the JSON
lists each (measure, baseline, m) it does not clearly win. At m = 1 the
benchmark also tries every single removal: the largest rank drop any
one-item explanation can reach, and how much more that is than removing
the most recent item (the room any method has at m = 1). Explanations per
second are the wall time of the `explain_history` calls, one user at a
time, on this machine.

    KERAS_RECSYS_DATA=/work/shared/data PYTHONPATH=. \\
        flock /tmp/keras_recsys_bench.lock .venv/bin/python benchmarks/explain_ml1m.py

`--quick` trains on 300 users for 2 (SASRec) and 10 (Mult-VAE) epochs and
tests 20 (a smoke test, writes nothing). The full run also draws `docs/_static/explain_deletion.png`.
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
# A label is a method of `explain_history`, with its `target` in brackets
# when it is not the raw score.
METHODS = {
    "sasrec": (
        "greedy_occlusion",
        "occlusion",
        "greedy_occlusion[log_softmax]",
        "occlusion[log_softmax]",
        "occlusion[margin]",
        "greedy_occlusion[margin]",
        "integrated_gradients",
        "attention",
    ),
    "mult_vae": ("greedy_occlusion", "occlusion", "integrated_gradients"),
}
# Greedy occlusion lists the items in removal order: its first m are removed.
ORDERED = ("greedy_occlusion",)
BASELINES = ("random", "most_recent")
MEASURES = ("rank", "score_drop")
BOOTSTRAP = 10_000
COMPARISONS = len(MEASURES) * len(BASELINES) * len(REMOVALS)
# The best method of each model, chosen BEFORE the draw of users that tests
# it, by the rule `best_by_rule` applies: the most clear wins of the 12
# comparisons, ties to the cheaper (more explanations/s). Mult-VAE's was
# chosen on draw 0 (seed 0, 300 users; the run of commit eeeb035) and
# confirmed on draw 1. SASRec's choice on draw 0 (greedy_occlusion, 11/12)
# was not confirmed on draw 1, where the same rule picks
# greedy_occlusion[margin] (12/12; benchmarks/results/explain_ml1m_draw1.json);
# that choice is tested on draw 2 (users disjoint from draws 0 and 1). A run
# on a later draw confirms a choice or not; it never re-chooses.
RULE = (
    "rule: most clear wins of the 12 comparisons, ties to the most "
    "explanations per second"
)
CHOSEN = {
    "sasrec": {
        "method": "greedy_occlusion[margin]",
        "draw": 1,
        "chosen_on": "draw 1: 300 users disjoint from draw 0 (the run recorded in "
        "benchmarks/results/explain_ml1m_draw1.json, SASRec trained 30 epochs); "
        + RULE,
        # clear wins / 12 and explanations/s on the draw it was chosen on
        "wins_on_choice": {
            "greedy_occlusion[margin]": (12, 3.42),
            "greedy_occlusion[log_softmax]": (12, 3.40),
            "greedy_occlusion": (11, 3.50),
            "occlusion": (10, 17.56),
            "occlusion[log_softmax]": (10, 16.92),
            "occlusion[margin]": (8, 17.10),
            "integrated_gradients": (6, 5.32),
            "attention": (6, 21.43),
        },
    },
    "mult_vae": {
        "method": "occlusion",
        "draw": 0,
        "chosen_on": "draw 0: seed 0, 300 users (the run of commit eeeb035); " + RULE,
        "wins_on_choice": {
            "occlusion": (12, 23.80),
            "integrated_gradients": (12, 17.37),
            "greedy_occlusion": (12, 4.85),
        },
    },
}


def parse(label):
    """ "occlusion[log_softmax]" -> ("occlusion", "log_softmax")."""
    method, _, target = label.partition("[")
    return method, target.rstrip("]") or "score"


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
    return train, histories, encoder, titles, users


def train_epochs(model, dataset, epochs, callbacks=()):
    """A fixed number of epochs (the trained model does not depend on the
    machine's load); the seconds are recorded."""
    start, losses, seconds = time.perf_counter(), [], []
    for epoch in range(1, epochs + 1):
        began = time.perf_counter()
        fit = model.fit(dataset, epochs=1, verbose=0, callbacks=list(callbacks))
        losses.append(float(fit.history["loss"][-1]))
        seconds.append(time.perf_counter() - began)
        print(f"    epoch {epoch}: loss {losses[-1]:.4f}", flush=True)
    return {
        "epochs": epochs,
        "seconds": time.perf_counter() - start,
        "epoch_seconds": seconds,
        "loss": losses,
    }


def train_sasrec(train, num_items, epochs, seed):
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
    return model, train_epochs(model, dataset, epochs)


def train_mult_vae(matrix, epochs, seed):
    keras.utils.set_random_seed(seed)
    model = keras_recsys.models.build_mult_vae(matrix.shape[1], seed=seed)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.MultinomialLogLikelihood(),
    )
    dataset = krd.InteractionMatrixDataset(matrix, batch_size=100, seed=seed)
    # Annealing over 60 epochs, as in the run the methods were chosen on
    # (which stopped after 38 epochs, the count trained here).
    anneal = keras_recsys.callbacks.KLAnnealing(
        anneal_steps=60 * len(dataset), beta_cap=0.2
    )
    return model, train_epochs(model, dataset, epochs, [anneal])


def draw_users(eligible, size, seed, draw):
    """The test users of draw `draw`, and the generator that then draws the
    random baseline's removals.

    Draw 0 is the sample of the run the methods were chosen on
    (`default_rng(seed).choice`); draw d > 0 samples `size` users from those
    eligible users that no earlier draw holds (`default_rng([seed, d])`), so
    the draws are disjoint. Returns (users, generator, earlier users).
    """
    earlier, pool = [], np.asarray(eligible)
    for d in range(draw + 1):
        rng = np.random.default_rng(seed if d == 0 else [seed, d])
        users = np.sort(rng.choice(pool, size=min(size, len(pool)), replace=False))
        if d < draw:
            earlier.append(users)
            pool = np.setdiff1d(pool, users)
    return users, rng, earlier


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
    """Rank (0 = first) of `item` among the items not excluded (code 0 and
    the history the row was scored from: a removed item is a candidate
    again); ties rank the lower id first."""
    row = row.copy()
    row[excluded] = -np.inf
    row[0] = -np.inf
    s = row[item]
    return int(np.sum(row > s) + np.sum(row[:item] == s))


def log_probability(row, item, excluded):
    """log softmax of `item` over the items not excluded (see `rank_of`)."""
    keep = np.ones(len(row), bool)
    keep[excluded] = False
    keep[0] = False
    keep[item] = True
    rest = row[keep]
    top = rest.max()
    return float(row[item] - top - np.log(np.sum(np.exp(rest - top))))


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
        ranking = base.copy()
        ranking[history] = -np.inf
        ranking[0] = -np.inf
        top = int(np.argmax(ranking))
        # Positions of the history items to remove, per ranking.
        orders = {}
        for label in methods:
            method, target = parse(label)
            start = time.perf_counter()
            explanation = explain_history(
                scorer.model,
                scorer.explain_input(history),
                top,
                method=method,
                steps=args.steps,
                removals=max(REMOVALS),
                target=target,
            )
            seconds[label] += time.perf_counter() - start
            values = np.asarray(explanation.values)
            # The explanation lists the history items oldest first (sequences)
            # or by column (rows): map back to positions in `history`.
            where = {int(i): p for p, i in enumerate(history)}
            positions = np.array([where[int(i)] for i in explanation.ids])
            if method in ORDERED:
                orders[label] = positions
            else:
                orders[label] = positions[np.argsort(-values, kind="stable")]
        orders["random"] = rng.permutation(len(history))
        orders["most_recent"] = np.arange(len(history))[::-1]
        # m = 1 diagnostics: the largest rank drop any single removal reaches
        # (tried exhaustively: a bound for every method at m = 1), and which
        # single removal is the most recent item.
        # The best single score and log-probability drops check that the
        # occlusion methods are exact: at m = 1 each one's pick attains the
        # best single drop of its own target, so its per-user difference with
        # any one-item baseline on that quantity is >= 0 by construction.
        singles = [np.delete(history, t) for t in range(len(history))]
        single_rows = scorer.scores(singles)
        single_ranks = np.array(
            [rank_of(row, top, kept) for row, kept in zip(single_rows, singles)]
        )
        base_log_p = log_probability(base, top, history)
        single_log_p_drops = np.array(
            [
                base_log_p - log_probability(row, top, kept)
                for row, kept in zip(single_rows, singles)
            ]
        )
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
            "best_single_rank": int(single_ranks.max()),
            "best_single_score_drop": float(np.max(base[top] - single_rows[:, top])),
            "best_single_log_prob_drop": float(single_log_p_drops.max()),
            "most_recent_is_a_best_single": bool(
                single_ranks[-1] == single_ranks.max()
            ),
            "occlusion_picks_most_recent": bool(
                orders["occlusion"][0] == len(history) - 1
            ),
        }
        for (key, m), row, kept in zip(keys, scores, variants):
            record[f"{key}@{m}"] = {
                "rank": rank_of(row, top, kept),
                "score_drop": float(base[top] - row[top]),
                "log_prob_drop": base_log_p - log_probability(row, top, kept),
            }
        records.append(record)
        if count % 100 == 0:
            print(f"    {scorer.name}: {count}/{len(users)} users", flush=True)
    speed = {m: len(users) / seconds[m] for m in methods}
    return records, speed


def paired(method, baseline, seed):
    """Paired comparison of per-user values: mean difference, its bootstrap
    95% interval (`BOOTSTRAP` resamples of the users), and the sign test
    (wins, losses, two-sided p-value; ties dropped)."""
    from scipy.stats import binomtest

    diff = np.asarray(method, float) - np.asarray(baseline, float)
    rng = np.random.default_rng(seed)
    means = np.empty(BOOTSTRAP)
    for start in range(0, BOOTSTRAP, 1000):
        picks = rng.integers(0, len(diff), size=(1000, len(diff)))
        means[start : start + 1000] = diff[picks].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    wins, losses = int(np.sum(diff > 0)), int(np.sum(diff < 0))
    p = binomtest(wins, wins + losses).pvalue if wins + losses else 1.0
    return {
        "mean_difference": float(diff.mean()),
        "ci95": [float(low), float(high)],
        "clearly_beats": bool(low > 0),
        "wins": wins,
        "losses": losses,
        "sign_test_p": float(p),
    }


def summarize(records, methods, seed):
    table = {}
    for key in (*methods, *BASELINES):
        for m in REMOVALS:
            ranks = np.array([r[f"{key}@{m}"]["rank"] for r in records], float)
            drops = np.array([r[f"{key}@{m}"]["score_drop"] for r in records])
            log_p = np.array([r[f"{key}@{m}"]["log_prob_drop"] for r in records])
            table[f"{key}@{m}"] = {
                "mean_rank_drop": float(ranks.mean()),
                "median_rank_drop": float(np.median(ranks)),
                "mean_score_drop": float(drops.mean()),
                "mean_log_prob_drop": float(log_p.mean()),
                "left_top10": float(np.mean(ranks >= 10)),
            }
    for key in methods:
        for m in REMOVALS:
            table[f"{key}@{m}"]["against"] = {
                f"{field}>{baseline}": paired(
                    [r[f"{key}@{m}"][field] for r in records],
                    [r[f"{baseline}@{m}"][field] for r in records],
                    seed,
                )
                for field in MEASURES
                for baseline in BASELINES
            }
    best = np.array([r["best_single_rank"] for r in records], float)
    recent = np.array([r["most_recent@1"]["rank"] for r in records], float)
    table["diagnostics@1"] = {
        "mean_best_single_rank_drop": float(best.mean()),
        "best_single_against_most_recent": paired(best, recent, seed),
        "most_recent_is_a_best_single": float(
            np.mean([r["most_recent_is_a_best_single"] for r in records])
        ),
        "occlusion_picks_most_recent": float(
            np.mean([r["occlusion_picks_most_recent"] for r in records])
        ),
        "exactness": exactness(records, methods),
    }
    return table


# The measured quantity each occlusion target maximizes at m = 1 (margin has
# no measured counterpart).
OWN_MEASURE = {"score": "score_drop", "log_softmax": "log_prob_drop"}


def exactness(records, methods):
    """Per occlusion method: how far its m = 1 drop of its own target falls
    short of the best single removal's (exhaustive), over the users. An
    exact occlusion falls short by float noise only, so its paired
    difference on that quantity with a one-item baseline is >= 0 for every
    user: a win by construction, not evidence."""
    out = {}
    for key in methods:
        method, target = parse(key)
        if "occlusion" not in method or target not in OWN_MEASURE:
            continue
        field = OWN_MEASURE[target]
        short = np.array(
            [r[f"best_single_{field}"] - r[f"{key}@1"][field] for r in records]
        )
        out[key] = {
            "measure": field,
            "max_shortfall": float(short.max()),
            "users_at_best_single": float(np.mean(short <= 1e-4)),
        }
    return out


def verdicts(table, key):
    """ "yes"/"NO" per measure: clearly beats both baselines at every m."""
    return {
        field: all(
            table[f"{key}@{m}"]["against"][f"{field}>{b}"]["clearly_beats"]
            for m in REMOVALS
            for b in BASELINES
        )
        for field in MEASURES
    }


def best_by_rule(wins, speed):
    """The rule fixed in advance: the most clear wins, ties to the most
    explanations per second."""
    return max(wins, key=lambda key: (wins[key], speed[key]))


def verdict(table, methods, speed, name, draw):
    """Which method beats which baseline clearly, per m and measure; the
    method chosen in advance (`CHOSEN`) and whether this draw confirms it."""
    lost = {
        key: [
            f"{field}>{b}@{m}"
            for m in REMOVALS
            for field in MEASURES
            for b in BASELINES
            if not table[f"{key}@{m}"]["against"][f"{field}>{b}"]["clearly_beats"]
        ]
        for key in methods
    }
    wins = {key: COMPARISONS - len(lost[key]) for key in methods}
    chosen = CHOSEN[name]["method"]
    ceiling = table["diagnostics@1"]["best_single_against_most_recent"]
    by_construction = [
        f"{key}: {entry['measure']}>{b}@1"
        for key, entry in table["diagnostics@1"]["exactness"].items()
        for b in BASELINES
        if entry["measure"] in MEASURES
    ]
    return {
        "clearly": "the paired bootstrap 95% CI of the mean difference with "
        "the baseline (over the same users) lies above 0",
        "won_by_construction": by_construction,
        "chosen_method": {
            "method": chosen,
            "chosen_on": CHOSEN[name]["chosen_on"],
            "clear_wins_and_explanations_per_second_where_chosen": CHOSEN[name][
                "wins_on_choice"
            ],
            "tested_on": f"draw {draw}"
            + (
                " (disjoint from the draw it was chosen on)"
                if draw > CHOSEN[name]["draw"]
                else " (the choice's own users or earlier)"
            ),
            "clear_wins": wins[chosen],
            "beats_both_at_every_m": verdicts(table, chosen),
            "confirmed": draw > CHOSEN[name]["draw"] and wins[chosen] == COMPARISONS,
        },
        "clear_wins": wins,
        "best_by_rule_on_this_draw": best_by_rule(wins, speed),
        "not_clearly_beaten": lost,
        "m1_rank_ceiling_over_most_recent": ceiling["mean_difference"],
    }


def print_table(name, table, methods, speed):
    print(f"\n{name}: deletion test (mean over users; higher = more faithful)")
    head = f"{'ranking':30s}" + "".join(
        f"{f'rank drop m={m}':>14s}{f'score drop m={m}':>16s}" for m in REMOVALS
    )
    print(head + f"{'score>both':>12s}{'rank>both':>11s}{'wins':>6s}{'expl/s':>9s}")
    for key in (*methods, *BASELINES):
        cells = "".join(
            f"{table[f'{key}@{m}']['mean_rank_drop']:14.1f}"
            f"{table[f'{key}@{m}']['mean_score_drop']:16.3f}"
            for m in REMOVALS
        )
        if key in methods:
            ok = verdicts(table, key)
            flags = ["yes" if ok[f] else "NO" for f in ("score_drop", "rank")]
            wins = sum(
                table[f"{key}@{m}"]["against"][f"{f}>{b}"]["clearly_beats"]
                for m in REMOVALS
                for f in MEASURES
                for b in BASELINES
            )
            extra = (
                f"{flags[0]:>12s}{flags[1]:>11s}{f'{wins}/{COMPARISONS}':>6s}"
                f"{speed[key]:9.1f}"
            )
        else:
            extra = f"{'(baseline)':>12s}"
        print(f"{key:30s}{cells}{extra}")
    print("paired differences with the baselines, mean [bootstrap 95% CI]:")
    for key in methods:
        for m in REMOVALS:
            cells = []
            for field in MEASURES:
                for b in BASELINES:
                    c = table[f"{key}@{m}"]["against"][f"{field}>{b}"]
                    mark = "+" if c["clearly_beats"] else "-"
                    cells.append(
                        f"{field}>{b} {c['mean_difference']:.2f} "
                        f"[{c['ci95'][0]:.2f}, {c['ci95'][1]:.2f}]{mark}"
                    )
            print(f"  {key} m={m}: " + "; ".join(cells))
    diagnostics = table["diagnostics@1"]
    ceiling = diagnostics["best_single_against_most_recent"]
    print(
        "m=1: the best single removal (tried exhaustively) drops the item "
        f"{diagnostics['mean_best_single_rank_drop']:.1f} places on average, "
        f"{ceiling['mean_difference']:.2f} [{ceiling['ci95'][0]:.2f}, "
        f"{ceiling['ci95'][1]:.2f}] more than removing the most recent item, "
        "which is a best single removal for "
        f"{100 * diagnostics['most_recent_is_a_best_single']:.0f}% of the users; "
        "occlusion removes the most recent item for "
        f"{100 * diagnostics['occlusion_picks_most_recent']:.0f}% of them"
    )
    for key, entry in diagnostics["exactness"].items():
        print(
            f"m=1 exactness: {key} reaches the best single {entry['measure']} "
            f"for {100 * entry['users_at_best_single']:.0f}% of the users "
            f"(largest shortfall {entry['max_shortfall']:.2e})"
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
    parser.add_argument("--users", type=int, default=300, help="users tested")
    parser.add_argument("--steps", type=int, default=50, help="IG steps")
    parser.add_argument("--sasrec-epochs", type=int, default=30)
    parser.add_argument("--vae-epochs", type=int, default=38)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--draw",
        type=int,
        default=2,
        help="which draw of test users (see draw_users; draws are disjoint): "
        "Mult-VAE's method was chosen on draw 0, SASRec's on draw 1; 2 (the "
        "default) tests both choices",
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument(
        "--records", default=None, help="also write the per-user records here"
    )
    args = parser.parse_args()
    # Fixed numbers of epochs (no time budget): the trained models do not
    # depend on the machine's load.
    if args.quick:
        args.users, args.sasrec_epochs, args.vae_epochs = 20, 2, 10
    start = time.perf_counter()
    train, histories, encoder, titles, user_encoder = load(300 if args.quick else None)
    num_items = encoder.vocabulary_size  # the id table: codes 1..n and 0
    print(
        f"{len(histories)} users, {num_items - 1} items, {len(train)} training "
        f"ratings; backend {keras.backend.backend()}, {os.cpu_count()} CPUs",
        flush=True,
    )
    eligible = [u for u, h in enumerate(histories) if len(h) > max(REMOVALS)]
    users, rng, earlier = draw_users(eligible, args.users, args.seed, args.draw)
    assert not any(np.isin(users, e).any() for e in earlier)

    def raw_users(index):  # row index -> raw ML-1M user id
        return [int(v) for v in user_encoder.inverse_transform(np.asarray(index) + 1)]

    results, all_records = {}, {}
    print("[sasrec] training", flush=True)
    sasrec, sasrec_info = train_sasrec(train, num_items, args.sasrec_epochs, args.seed)
    print("[mult_vae] training", flush=True)
    matrix = krd.interaction_matrix(train, len(histories), num_items)
    matrix.data[:] = 1.0
    vae, vae_info = train_mult_vae(matrix, args.vae_epochs, args.seed)
    for name, model, info in (
        ("sasrec", sasrec, sasrec_info),
        ("mult_vae", vae, vae_info),
    ):
        print(f"[{name}] deletion test on {len(users)} users", flush=True)
        scorer = Scorer(name, model, num_items)
        records, speed = deletion_test(scorer, histories, users, args, rng)
        table = summarize(records, METHODS[name], args.seed)
        all_records[name] = records
        print_table(name, table, METHODS[name], speed)
        example = records[0]
        history = histories[example["user"]]
        sentences = {}
        for label in (*METHODS[name], "neighbours"):
            if label == "neighbours":
                why = keras_recsys.explain.similar_items(
                    model,
                    example["item"],
                    among=history[-MAX_LEN:] if name == "sasrec" else history,
                    k=3,
                    item_encoder=encoder,
                    item_titles=titles,
                )
            else:
                method, target = parse(label)
                why = explain_history(
                    model,
                    scorer.explain_input(history),
                    example["item"],
                    method=method,
                    target=target,
                    steps=args.steps,
                    removals=max(REMOVALS),
                    item_encoder=encoder,
                    item_titles=titles,
                )
            sentences[label] = why.sentence()
            print(f"  {label}: {sentences[label]}")
        judged = verdict(table, METHODS[name], speed, name, args.draw)
        chosen = judged["chosen_method"]
        print(
            f"  chosen in advance: {chosen['method']}, {chosen['clear_wins']}/"
            f"{COMPARISONS} clear wins on {chosen['tested_on']}; confirmed: "
            f"{chosen['confirmed']}; best by the same rule on this draw: "
            f"{judged['best_by_rule_on_this_draw']}"
        )
        results[name] = {
            "training": info,
            "verdict": judged,
            "deletion_test": table,
            "explanations_per_second": speed,
            "first_user": {"user": example["user"], "sentences": sentences},
        }
    report = {
        "command": (
            "KERAS_RECSYS_DATA=/work/shared/data PYTHONPATH=. flock "
            "/tmp/keras_recsys_bench.lock .venv/bin/python benchmarks/explain_ml1m.py"
            + f" --draw {args.draw}"
            + (" --quick" if args.quick else "")
        ),
        "data": DATA_FILE,
        "num_users": len(histories),
        "num_items": num_items,  # the id table's size (n items and code 0)
        "num_test_users": int(len(users)),
        "test_users": {
            "rule": "draw_users: draw 0 = default_rng(seed).choice(eligible, "
            "users, replace=False); "
            "draw d > 0 = default_rng([seed, d]).choice of the eligible users "
            "in no earlier draw (disjoint); eligible: more than "
            f"{max(REMOVALS)} training ratings",
            "seed": args.seed,
            "draw": args.draw,
            "raw_user_ids": raw_users(users),
            "earlier_draws_raw_user_ids": [raw_users(e) for e in earlier],
        },
        "removals": list(REMOVALS),
        "settings": {
            **{k: v for k, v in vars(args).items() if k != "records"},
            "output": os.path.relpath(args.output),
        },
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "cpu_count": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "total_seconds": time.perf_counter() - start,
        "results": results,
    }
    if args.records:
        pathlib.Path(args.records).write_text(json.dumps(all_records) + "\n")
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
