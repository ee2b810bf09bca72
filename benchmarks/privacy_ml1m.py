"""Differentially private Mult-DAE on ML-1M: the privacy-utility curve.

Liang et al.'s strong-generalization protocol, prepared by
`autoencoders_ml1m.py` (ratings >= 4, users with >= 5 of them, 600
validation + 600 test held-out users, 80/20 fold-in/target; NDCG@100 and
Recall@20 capped at min(k, #targets)). Mult-DAE reads one row per user, so
example-level DP-SGD (`keras_recsys.privacy.DPModel` on
`keras_recsys.privacy.PoissonBatches`) protects each training user: the
(epsilon, delta) bounds what the model reveals about any one user's whole
row, with delta = 1 / number of training users.

For each epsilon in {1, 3, 8} the noise multiplier comes from
`keras_recsys.privacy.find_noise_multiplier` for the fixed budget of epochs
and expected batch size; epsilon = infinity is the same model and recipe
trained without privacy (plain `fit` on shuffled batches). The reported
epsilon is the one `PrivacyBudget` wrote into the logs. The model after the
last epoch is evaluated on the test users (no epoch selection on held-out
users). Timing: seconds of `fit`, private against non-private, side by side
in one run.

    KERAS_BACKEND=jax KERAS_RECSYS_DATA=/work/shared/data flock \\
        /tmp/keras_recsys_bench.lock .venv/bin/python benchmarks/privacy_ml1m.py

Options: `--quick` (a few hundred users, 1 epoch, for CI), `--epsilons`,
`--epochs`, `--batch-size`, `--l2-norm-clip`, `--learning-rate`,
`--latent-dim`, `--microbatch-size`, `--plot` (writes docs/_static/privacy_ml1m.png).

Defaults: Mult-DAE with no hidden layer, a 64-wide code, dropout 0.5, Adam
3e-2, C = 1, 20 epochs of expected batch 2,400 (q = 0.50, 2 steps per epoch,
40 steps). Large Poisson batches cut the noise on the averaged gradient
(sigma * C / B = 0.0008 at epsilon = 8, against 0.0011 for 10 epochs of
1,000), which helps the private model more than the extra epochs cost.
"""

import argparse
import math
import pathlib
import sys
import time

import keras
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402
import autoencoders_ml1m as ae  # noqa: E402

import keras_recsys  # noqa: E402

PLOT = pathlib.Path(__file__).parent.parent / "docs" / "_static" / "privacy_ml1m.png"


def build(num_items, args):
    return keras_recsys.models.build_mult_dae(
        num_items,
        hidden_units=(),
        latent_dim=args.latent_dim,
        dropout=args.dropout,
        seed=args.seed,
    )


def compile_model(model, args):
    model.compile(
        optimizer=keras.optimizers.Adam(args.learning_rate),
        loss=keras_recsys.losses.MultinomialLogLikelihood(),
    )


def test_metrics(model, data):
    test = ae.evaluate(ae.model_scorer(model), *data["test"])
    return {k: round(test[k], 4) for k in ("ndcg@100", "recall@20", "recall@50")}


def run_non_private(data, args):
    model = build(data["num_items"], args)
    compile_model(model, args)
    batches = ae.row_batches(data["train"], args.batch_size, args.seed)
    start = time.time()
    history = model.fit(batches, epochs=args.epochs, verbose=0)
    seconds = time.time() - start
    return {
        "epsilon": math.inf,
        "noise_multiplier": 0.0,
        "train_seconds": round(seconds, 1),
        "final_loss": round(history.history["loss"][-1], 2),
        "test": test_metrics(model, data),
    }


def run_private(data, args, target_epsilon, delta):
    train = data["train"]
    num_users = train.shape[0]
    q = args.batch_size / num_users
    sigma = keras_recsys.privacy.find_noise_multiplier(
        target_epsilon, delta, args.epochs, args.batch_size, num_users
    )
    model = build(data["num_items"], args)
    private = keras_recsys.privacy.DPModel(
        model,
        l2_norm_clip=args.l2_norm_clip,
        noise_multiplier=sigma,
        expected_batch_size=args.batch_size,
        microbatch_size=args.microbatch_size,
        seed=args.seed,
    )
    compile_model(private, args)
    batches = keras_recsys.privacy.PoissonBatches(
        train,
        train,
        sampling_probability=q,
        pad_to_multiple_of=args.microbatch_size,
        seed=args.seed,
    )
    budget = keras_recsys.privacy.PrivacyBudget(sigma, q, delta)
    start = time.time()
    history = private.fit(batches, epochs=args.epochs, callbacks=[budget], verbose=0)
    seconds = time.time() - start
    return {
        "epsilon": round(history.history["epsilon"][-1], 3),
        "target_epsilon": target_epsilon,
        "noise_multiplier": round(sigma, 4),
        "sampling_probability": round(q, 5),
        "steps": budget.steps,
        "train_seconds": round(seconds, 1),
        "final_loss": round(history.history["loss"][-1], 2),
        "test": test_metrics(model, data),
    }


def plot(rows, popular, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    finite = [r for r in rows if math.isfinite(r["epsilon"])]
    inf = next(r for r in rows if not math.isfinite(r["epsilon"]))
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for key, color in (("ndcg@100", "C0"), ("recall@20", "C1")):
        eps = [r["epsilon"] for r in finite]
        ax.plot(eps, [r["test"][key] for r in finite], "o-", color=color, label=key)
        ax.axhline(inf["test"][key], color=color, ls="--", lw=1)
        ax.axhline(popular[key], color=color, ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xticks([r["epsilon"] for r in finite])
    ax.set_xticklabels([f"{r['epsilon']:.3g}" for r in finite])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("epsilon (delta = 1 / training users)")
    ax.set_ylabel("test metric")
    ax.set_title("DP Mult-DAE on ML-1M: dashed = non-private, dotted = most popular")
    ax.title.set_fontsize(9)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epsilons", default="1,3,8")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=2400)
    parser.add_argument("--l2-norm-clip", type=float, default=1.0)
    parser.add_argument("--learning-rate", type=float, default=3e-2)
    parser.add_argument("--latent-dim", type=int, default=64)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--microbatch-size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=98765)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--plot", action="store_true")
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)

    ratings = _common.load_ml1m().ratings.rename(
        columns={"user_id": "user", "item_id": "item"}
    )
    n_heldout = 600
    if args.quick:
        users = np.sort(ratings["user"].unique())[:800]
        ratings = ratings[ratings["user"].isin(users)]
        n_heldout, args.epochs, args.batch_size = 100, 1, 200
        args.microbatch_size = min(args.microbatch_size, 100)
    data = ae.strong_generalization_split(ratings, n_heldout, args.seed)
    num_users = data["train"].shape[0]
    delta = 1.0 / num_users
    print(
        f"ML-1M: {num_users} training users, {data['test'][0].shape[0]} test users, "
        f"{data['item_count']} items; delta = 1/{num_users}; backend "
        f"{keras.backend.backend()}",
        flush=True,
    )
    popular = ae.popularity(data)["test"]
    popular = {k: round(popular[k], 4) for k in ("ndcg@100", "recall@20", "recall@50")}
    rows = [run_non_private(data, args)]
    print(f"non-private: {rows[0]}", flush=True)
    for eps in [float(e) for e in args.epsilons.split(",") if e]:
        rows.append(run_private(data, args, eps, delta))
        print(f"epsilon {eps}: {rows[-1]}", flush=True)

    base = rows[0]
    print(
        f"\n{'epsilon':>8}{'sigma':>8}{'NDCG@100':>10}{'Recall@20':>11}"
        f"{'% of non-private':>18}{'fit s':>8}{'x time':>8}"
    )
    for r in rows[1:] + rows[:1]:
        share = r["test"]["ndcg@100"] / base["test"]["ndcg@100"]
        r["ndcg@100_share_of_non_private"] = round(share, 4)
        r["time_overhead"] = round(r["train_seconds"] / base["train_seconds"], 2)
        print(
            f"{r['epsilon']:>8.3g}{r['noise_multiplier']:>8.3f}"
            f"{r['test']['ndcg@100']:>10.4f}{r['test']['recall@20']:>11.4f}"
            f"{100 * share:>17.1f}%{r['train_seconds']:>8.1f}{r['time_overhead']:>8.2f}"
        )
    print(
        f"{'popular':>8}{'':>8}{popular['ndcg@100']:>10.4f}{popular['recall@20']:>11.4f}"
    )
    summary = [
        {
            "model": "most_popular",
            "ndcg@100": popular["ndcg@100"],
            "recall@20": popular["recall@20"],
        }
    ]
    for r in rows:
        name = "non_private" if r is base else f"dp_epsilon_{r['target_epsilon']:g}"
        summary.append(
            {
                "model": name,
                "ndcg@100": r["test"]["ndcg@100"],
                "recall@20": r["test"]["recall@20"],
                "share_of_non_private_ndcg@100": r["ndcg@100_share_of_non_private"],
                "time_overhead": r["time_overhead"],
            }
        )
    if args.plot and len(rows) > 1:
        plot(rows, popular, PLOT)
        print(f"wrote {PLOT}")
    # JSON has no infinity: the non-private run's epsilon is written "inf".
    base["epsilon"] = "inf"
    out = {
        "benchmark": "privacy_ml1m",
        "protocol": (
            "Liang et al. 2018 strong generalization (autoencoders_ml1m.py's split): "
            f"{n_heldout} test held-out users, 80/20 fold-in/target; user-level "
            "DP-SGD (one row per user) with Poisson sampling; delta = 1 / training "
            "users; RDP accounting (dp-accounting); model after the last epoch"
        ),
        "quick": args.quick,
        **_common.environment(),
        "command": _common.command(
            __file__, argv, env="KERAS_BACKEND=jax KERAS_RECSYS_DATA=/work/shared/data"
        ),
        "config": {
            "model": f"Mult-DAE, hidden_units=(), latent_dim={args.latent_dim}, "
            f"dropout={args.dropout}",
            "optimizer": f"Adam({args.learning_rate})",
            "epochs": args.epochs,
            "expected_batch_size": args.batch_size,
            "l2_norm_clip": args.l2_norm_clip,
            "microbatch_size": args.microbatch_size,
            "delta": delta,
            "num_train_users": num_users,
            "num_test_users": data["test"][0].shape[0],
            "num_items": data["item_count"],
        },
        "summary": summary,
        "most_popular": popular,
        "runs": rows,
    }
    _common.write_results(_common.output_path(__file__, args.output, args.quick), out)
    return out


if __name__ == "__main__":
    main()
