"""The figures of docs/frontier.md and docs/sequences.md, from recorded results.

Reads benchmarks/results/listwise_ml*.json, autoencoders_ml1m.json,
beyond_accuracy_ml1m.json and sequential_ml1m.json (nothing is trained) and
writes docs/_static/frontier.png, docs/_static/beyond_accuracy.png and
docs/_static/sequences.png:

    .venv/bin/python benchmarks/frontier_plots.py
"""

import json
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
OUT = ROOT / "docs" / "_static" / "frontier.png"
BEYOND_OUT = ROOT / "docs" / "_static" / "beyond_accuracy.png"
SEQUENCES_OUT = ROOT / "docs" / "_static" / "sequences.png"


def listwise_panel(ax):
    """Each loss's test NDCG@10 minus pointwise BCE's on every reranking
    task, with two standard errors of the difference (issue 17, point 3)."""
    files = [
        ("ML-100K, rated + 32 unrated", "listwise_ml100k.json"),
        ("ML-100K, rated only", "listwise_ml100k_rated_only.json"),
        ("ML-1M, rated only", "listwise_ml1m.json"),
        ("ML-1M, feature MLP", "listwise_ml1m_features.json"),
    ]
    files = [(label, name) for label, name in files if (RESULTS / name).exists()]
    order = ["mse", "softmax", "approx_ndcg", "lambda_loss"]
    width = 0.8 / len(files)
    for offset, (label, name) in enumerate(files):
        rows = [
            r
            for r in json.loads((RESULTS / name).read_text())["summary"]
            if r["loss"] in order
        ]
        x = [
            order.index(r["loss"]) + (offset - (len(files) - 1) / 2) * width
            for r in rows
        ]
        ax.bar(
            x,
            [r["minus_bce"] for r in rows],
            width,
            yerr=[2 * (r["minus_bce_se"] or 0.0) for r in rows],
            label=label,
        )
    ax.axhline(0.0, color="black", lw=0.8)
    ax.set_xticks(range(len(order)), order, rotation=20)
    ax.set_ylabel("test NDCG@10 minus BCE's (bars: 2 s.e.)")
    ax.set_title("MovieLens reranking: same model, same tuning, 5 seeds")
    ax.set_ylim(top=0.017)  # room for the legend
    ax.legend(fontsize=7, loc="upper center", ncols=2)


def autoencoder_panel(ax):
    data = json.loads((RESULTS / "autoencoders_ml1m.json").read_text())
    rows = data["summary"]
    names = [r["model"] for r in rows]
    values = [r["ndcg@100"] for r in rows]
    colors = ["tab:green" if n == "ease" else "tab:blue" for n in names]
    ax.bar(names, values, color=colors)
    if "ease" in names:
        target = 0.95 * values[names.index("ease")]
        ax.axhline(target, color="tab:red", linestyle="--", label="0.95 x EASE")
        ax.legend(fontsize=8)
    ax.set_ylim(0.15, max(values) + 0.03)
    ax.set_ylabel("test NDCG@100")
    ax.set_title("ML-1M strong generalization")
    ax.tick_params(axis="x", rotation=20)


def beyond_accuracy_figure():
    """Precision@10 against coverage and against novelty, one point a scorer."""
    data = json.loads((RESULTS / "beyond_accuracy_ml1m.json").read_text())
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for ax, measure, label in (
        (axes[0], "coverage", "catalog coverage of the top-10 lists"),
        (axes[1], "novelty", "novelty of the recommended items (bits)"),
    ):
        for name, row in data["scorers"].items():
            x = row["beyond_accuracy"][measure]
            y = row["accuracy"]["precision@10"]
            ax.scatter([x], [y], s=40)
            ax.annotate(
                name.replace("_", " "),
                (x, y),
                fontsize=8,
                xytext=(4, 4),
                textcoords="offset points",
            )
        ax.set_xlabel(label)
        ax.set_ylabel("precision@10")
    fig.suptitle(
        "ML-1M, full catalog, top 10 (evaluate_topk beyond_accuracy)", fontsize=10
    )
    fig.tight_layout()
    fig.savefig(BEYOND_OUT, dpi=110)
    plt.close(fig)
    print(f"wrote {BEYOND_OUT}")


def sequences_figure():
    """Validation NDCG@10 of each sequence model against its training time."""
    data = json.loads((RESULTS / "sequential_ml1m.json").read_text())["results"]
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    for name, row in data.items():
        if "validation_history" not in row:
            continue
        mean = row["train_seconds_total"] / row["epochs_run"]
        seconds = [0.0]
        for t in row.get("epoch_seconds", [mean] * row["epochs_run"]):
            seconds.append(seconds[-1] + t)
        values = [h["ndcg@10"] for h in row["validation_history"]]
        line = ax.plot(seconds[1 : len(values) + 1], values, label=name, lw=1.2)
        best = row["best_epoch"] - 1
        ax.scatter([seconds[best + 1]], [values[best]], color=line[0].get_color(), s=18)
    ax.axvline(1200, color="grey", linestyle=":", lw=1)
    ax.set_xlabel("training seconds (2 CPU cores)")
    ax.set_ylabel("validation NDCG@10 (full catalog)")
    ax.set_title("ML-1M users 1-2999, next item; dots: the validation-chosen epoch")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(SEQUENCES_OUT, dpi=110)
    plt.close(fig)
    print(f"wrote {SEQUENCES_OUT}")


def main():
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    listwise_panel(axes[0])
    autoencoder_panel(axes[1])
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=110)
    print(f"wrote {OUT}")
    beyond_accuracy_figure()
    sequences_figure()


if __name__ == "__main__":
    main()
