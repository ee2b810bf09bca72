"""The demo's table, chart and result files."""

import json

METRICS = ("precision", "recall", "f1", "ndcg")
# Beyond-accuracy measures of the same top-k lists (novelty in bits).
BEYOND_ACCURACY = ("coverage", "novelty")
K = 10


def format_table(rows):
    shown = METRICS + tuple(m for m in BEYOND_ACCURACY if f"{m}@{K}" in rows[0])
    headers = ["model"] + [f"{m}@{K}" for m in shown] + ["train s"]
    body = [
        [row["model"]]
        + [f"{row[f'{m}@{K}']:.4f}" for m in shown]
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
        offset = (i - (len(rows) - 1) / 2) * width
        values = [row[n] for n in names]
        bars.bar(x + offset, values, width, label=row["model"], color=colors[i])
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
            curves.plot(epochs, relative, marker="o", markersize=3, label=row["model"])
            curves.lines[-1].set_color(color)
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


def write_results(out_dir, report, title, table):
    """Writes results.json/.txt, then the chart; returns the paths written.

    The results come first, so a missing matplotlib never loses them; then
    the chart is skipped with a note saying which extra draws it.
    """
    (out_dir / "results.json").write_text(json.dumps(report, indent=2))
    (out_dir / "results.txt").write_text(f"{title}\n{table}\n")
    written = [out_dir / "results.json", out_dir / "results.txt"]
    try:
        plot(report["rows"], out_dir / "results.png", title)
        written.append(out_dir / "results.png")
    except ModuleNotFoundError as error:
        if error.name != "matplotlib":
            raise
        print(
            "\nmatplotlib is not installed, so no chart was drawn: the `demo` "
            'extra (pip install ".[demo]" from a clone) draws results.png.',
            flush=True,
        )
    return written
