"""Builds the documentation strictly: any Sphinx warning fails the build.

Usage: python tools/build_docs.py [--out build/docs/html] [--builder html]

Nothing is written inside docs/: the sources are staged in build/docs/src.
`--out` is emptied before the build only when it is a previous Sphinx output
(it holds `.buildinfo`) or an empty folder; any other existing folder is
refused, so a mistyped path never deletes someone's files.

Steps:
1. Copies the hand-written pages of docs/ to build/docs/src.
2. Writes the table of contents of index.md from the pages present, in a
   fixed reading order, so a page another engineer has not written yet never
   breaks the build.
3. Generates the API reference (build/docs/src/api/*.md) from each
   subpackage's `__all__`: one autodoc entry per public object.
4. Generates results.md from benchmarks/results/*.json, with the papers'
   figures beside ours, so the page never goes stale.
5. Runs `sphinx-build -W --keep-going -n`.
"""

import argparse
import importlib
import inspect
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RESULTS = ROOT / "benchmarks" / "results"
BUILD = ROOT / "build" / "docs"

# Reading order of the hand-written pages; any other page follows, sorted.
PAGE_ORDER = [
    "getting_started",
    "concepts",
    "metrics_and_losses",
    "data",
    "towers_and_retrieval",
    "sequences",
    "autoencoders",
    "scaling",
    "privacy",
]
GENERATED_PAGES = ["examples", "results", "api/index"]
TOCTREE_MARKER = "<!-- toctree -->"

SUBPACKAGES = [
    ("layers", "Layers"),
    ("losses", "Losses"),
    ("metrics", "Metrics"),
    ("models", "Model builders"),
    ("callbacks", "Callbacks"),
    ("evaluation", "Evaluation"),
    ("explain", "Explanations"),
    ("serving", "Serving"),
    ("distribution", "Distribution"),
    ("data", "Data tools"),
    ("privacy", "Privacy"),
]

# Published figures, for the results page. Keys are benchmark names
# (benchmarks/<name>.py); each entry: (paper, protocol, {metric: value}).
# A benchmark's JSON may carry its own figures under "paper" / "reference" /
# "expected"; those are shown as well.
PAPER_FIGURES = {
    "ncf_ml1m": [
        (
            "He et al. 2017, Neural Collaborative Filtering (WWW), Table 2, "
            "NeuMF with pre-training, 64 predictive factors",
            "ML-1M, leave-one-out, 1 held-out item ranked among 100 (99 sampled "
            "negatives)",
            {"NeuMF hr@10": 0.730, "NeuMF ndcg@10": 0.447},
        ),
    ],
    "sequential_ml1m": [
        (
            "Kang & McAuley 2018, Self-Attentive Sequential Recommendation "
            "(ICDM), Table III",
            "ML-1M, leave-last-out, held-out item ranked among 101 (100 sampled "
            "negatives)",
            {
                "SASRec hr@10": 0.8245,
                "SASRec ndcg@10": 0.5905,
                "Caser hr@10": 0.7886,
                "Caser ndcg@10": 0.5538,
                "GRU4Rec+ hr@10": 0.7501,
                "GRU4Rec+ ndcg@10": 0.5513,
            },
        ),
    ],
    "autoencoders_ml1m": [
        (
            "Liang et al. 2018, Variational Autoencoders for Collaborative "
            "Filtering (WWW), Table 2 (ML-20M; the paper reports no ML-1M figure)",
            "held-out users, 20% of each test user's items held out, full catalog",
            {
                "Mult-VAE recall@20": 0.395,
                "Mult-VAE recall@50": 0.537,
                "Mult-VAE ndcg@100": 0.426,
                "Mult-DAE recall@20": 0.387,
                "Mult-DAE recall@50": 0.524,
                "Mult-DAE ndcg@100": 0.419,
            },
        ),
    ],
}


def page_names(src):
    """Hand-written pages present in `src` (names without .md)."""
    present = {
        p.relative_to(src).with_suffix("").as_posix()
        for p in src.rglob("*.md")
        if "_build" not in p.relative_to(src).parts
    }
    present -= {"index", *GENERATED_PAGES}
    present = {p for p in present if not p.startswith("api/")}
    ordered = [p for p in PAGE_ORDER if p in present]
    return ordered + sorted(present - set(ordered))


def write_index(src):
    index = src / "index.md"
    text = index.read_text()
    if TOCTREE_MARKER not in text:
        raise SystemExit(f"docs/index.md must hold the line {TOCTREE_MARKER!r}")
    entries = page_names(src) + GENERATED_PAGES
    toctree = "```{toctree}\n:maxdepth: 2\n\n" + "\n".join(entries) + "\n```"
    index.write_text(text.replace(TOCTREE_MARKER, toctree))
    return entries


def _first_line(obj):
    doc = inspect.getdoc(obj) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def write_api(src):
    api = src / "api"
    api.mkdir(parents=True, exist_ok=True)
    pages = []
    counts = {}
    for sub, title in SUBPACKAGES:
        module = importlib.import_module(f"keras_recsys.{sub}")
        names = list(getattr(module, "__all__", []))
        counts[sub] = len(names)
        lines = [f"# {title}: `keras_recsys.{sub}`", ""]
        doc = inspect.getdoc(module)
        if doc:
            lines += [doc, ""]
        if not names:
            lines += ["Nothing is public in this subpackage yet.", ""]
        else:
            lines += ["| object | what it is |", "| --- | --- |"]
            for name in names:
                summary = _first_line(getattr(module, name)).replace("|", "\\|")
                lines.append(f"| `{name}` | {summary} |")
            lines.append("")
        for name in names:
            obj = getattr(module, name)
            path = f"keras_recsys.{sub}.{name}"
            lines += [f"## {name}", "", "```{eval-rst}"]
            if inspect.isclass(obj):
                lines += [f".. autoclass:: {path}", "   :members:"]
            else:
                lines += [f".. autofunction:: {path}"]
            lines += ["```", ""]
        (api / f"{sub}.md").write_text("\n".join(lines))
        pages.append(sub)
    index = [
        "# API reference",
        "",
        "Generated from the docstrings of everything each subpackage exports in "
        "its `__all__`; nothing else is public.",
        "",
        "| subpackage | public objects |",
        "| --- | --- |",
    ]
    for sub, _ in SUBPACKAGES:
        index.append(f"| [`keras_recsys.{sub}`]({sub}.md) | {counts[sub]} |")
    index += ["", "```{toctree}", ":maxdepth: 1", "", *pages, "```", ""]
    (api / "index.md").write_text("\n".join(index))
    return counts


def _cell(value):
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, (list, dict)):
        return "`" + json.dumps(value)[:80] + "`"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(rows):
    """Markdown table of a list of flat dicts (columns in first-seen order)."""
    columns = []
    for row in rows:
        for key, value in row.items():
            if key not in columns and not isinstance(value, (list, dict)):
                columns.append(key)
    out = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    for row in rows:
        out.append("| " + " | ".join(_cell(row.get(c, "")) for c in columns) + " |")
    return out


def _render(value, level):
    """Renders a JSON value as Markdown: tables for rows, lists for scalars."""
    out = []
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out += _table(value) + [""]
    elif isinstance(value, dict):
        scalars = {k: v for k, v in value.items() if not isinstance(v, (dict, list))}
        if scalars:
            out += ["| key | value |", "| --- | --- |"]
            out += [f"| {_cell(k)} | {_cell(v)} |" for k, v in scalars.items()]
            out.append("")
        for key, sub in value.items():
            if isinstance(sub, (dict, list)):
                out += [f"{'#' * min(level, 6)} {key}", ""]
                out += _render(sub, level + 1)
    elif isinstance(value, list):
        out += [f"- {_cell(v)}" for v in value] + [""]
    else:
        out += [_cell(value), ""]
    return out


METRIC = re.compile(
    r"^((val|test|valid)_)?(hr|hit_rate|ndcg|recall|precision|f1|map|mrr|rmse|mae|auc)"
    r"(@\d+)?$",
    re.I,
)
SKIP = {"history", "config", "per_epoch", "epochs", "curve", "curves"}


def metric_rows(value, prefix=""):
    """Rows (name, {metric: number}) of every dict holding metric keys.

    Lists of dicts are rows too, named by their "model" (or "name") entry.
    """
    rows = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                label = str(item.get("model") or item.get("name") or i)
                rows += metric_rows(item, f"{prefix} / {label}" if prefix else label)
        return rows
    if not isinstance(value, dict):
        return rows
    metrics = {
        k: v
        for k, v in value.items()
        if METRIC.match(str(k))
        and isinstance(v, (int, float))
        and not isinstance(v, bool)
    }
    if metrics:
        rows.append((prefix or "-", metrics))
    for key, sub in value.items():
        if isinstance(sub, (dict, list)) and str(key) not in SKIP:
            rows += metric_rows(sub, f"{prefix} / {key}" if prefix else str(key))
    return rows


def paper_rows(data):
    """The paper's figures a benchmark recorded under keys `paper*`."""
    rows = []
    for key, value in data.items():
        if not str(key).lower().startswith("paper"):
            continue
        if isinstance(value, (dict, list)):
            rows += metric_rows(value, "" if key == "paper" else key)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            metric = str(key)[len("paper") :].strip("_") or "value"
            rows.append((key, {metric: value}))
    return rows


def metric_table(rows, label):
    columns = []
    for _, metrics in rows:
        columns += [m for m in metrics if m not in columns]
    out = [
        f"| {label} | " + " | ".join(columns) + " |",
        "|" + " --- |" * (len(columns) + 1),
    ]
    for name, metrics in rows:
        cells = [_cell(metrics[c]) if c in metrics else "" for c in columns]
        out.append(f"| {_cell(name)} | " + " | ".join(cells) + " |")
    return out + [""]


def write_results(src):
    lines = [
        "# Results",
        "",
        "Generated at docs-build time from `benchmarks/results/*.json`, which the "
        "scripts in `benchmarks/` write (`python benchmarks/<name>.py`). "
        "Each section shows our figures and, beside them, the published "
        "figures of the paper the benchmark reproduces, with the paper's "
        "protocol. Differences in protocol or data are stated in each "
        "benchmark's own notes.",
        "",
    ]
    # `<name>.quick.json` files are smoke runs, not results.
    files = sorted(
        p
        for p in (RESULTS.glob("*.json") if RESULTS.exists() else [])
        if not p.name.endswith(".quick.json")
    )
    if not files:
        lines += ["No benchmark has written results yet.", ""]
    for path in files:
        name = path.stem
        lines += [f"## `{name}`", ""]
        lines += [f"Written by `benchmarks/{name}.py`.", ""]
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            raise SystemExit(f"{path} is not valid JSON: {error}") from None
        data = data if isinstance(data, dict) else {"results": data}
        ours = {k: v for k, v in data.items() if not str(k).startswith("paper")}
        source = ours.get("summary") or ours.get("results") or ours
        ours_rows = [(name if r == "-" else r, m) for r, m in metric_rows(source)]
        if ours_rows:
            lines += ["### Ours", ""] + metric_table(ours_rows, "model")
        lines += ["### The paper's figures", ""]
        recorded = paper_rows(data)
        if recorded:
            lines += ["As recorded by the benchmark:", ""]
            lines += metric_table(recorded, "paper")
        else:
            for source, protocol, values in PAPER_FIGURES.get(name, []):
                lines += [f"**{source}.** Protocol: {protocol}.", ""]
                lines += ["| metric | paper |", "| --- | --- |"]
                lines += [f"| {k} | {_cell(v)} |" for k, v in values.items()]
                lines.append("")
            if not PAPER_FIGURES.get(name):
                lines += ["The benchmark records none.", ""]
        lines += ["### Setup and full record", ""]
        lines += _render(ours, 4)
    (src / "results.md").write_text("\n".join(lines))
    return [p.name for p in files]


def write_examples(src):
    """One section per examples/*.py, from its module docstring."""
    import ast

    lines = [
        "# Examples",
        "",
        "Each script in `examples/` runs as written from the repository root and "
        "takes `--quick` for a short run (one epoch or a small sample); CI runs "
        "them all that way with `make examples` (`tools/run_examples.py`).",
        "",
    ]
    scripts = sorted((ROOT / "examples").glob("*.py"))
    for script in scripts:
        doc = ast.get_docstring(ast.parse(script.read_text())) or ""
        first, _, rest = doc.partition("\n")
        lines += [f"## `examples/{script.name}`", "", f"**{first.strip()}**", ""]
        if rest.strip():
            lines += ["```text", rest.strip(), "```", ""]
        lines += [
            "```bash",
            f"python examples/{script.name}           # full run",
            f"python examples/{script.name} --quick   # seconds",
            "```",
            "",
        ]
    (src / "examples.md").write_text("\n".join(lines))
    return [s.name for s in scripts]


def stage():
    """Copies docs/ to build/docs/src, where the generated pages are added."""
    src = BUILD / "src"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(
        DOCS, src, ignore=shutil.ignore_patterns("_build", "__pycache__", "api")
    )
    return src


def clear_output(out):
    """Empties `out` for a fresh build, refusing anything but an old build."""
    if not out.exists():
        return
    if not out.is_dir():
        raise SystemExit(f"--out {out} exists and is not a folder; refusing.")
    inside_docs = out == DOCS or DOCS in out.parents
    if inside_docs or out == ROOT or out in ROOT.parents:
        raise SystemExit(f"--out {out} is a source folder; refusing to delete it.")
    if any(out.iterdir()) and not (out / ".buildinfo").exists():
        raise SystemExit(
            f"--out {out} is not empty and is not a Sphinx output (no "
            ".buildinfo); refusing to delete it. Pass a new or empty folder."
        )
    shutil.rmtree(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(BUILD / "html"))
    parser.add_argument("--builder", default="html")
    parser.add_argument(
        "--stage-only",
        action="store_true",
        help="write build/docs/src and stop (no sphinx-build)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.path.insert(0, str(ROOT))
    src = stage()
    pages = write_index(src)
    counts = write_api(src)
    results = write_results(src)
    examples = write_examples(src)
    print(f"pages: {', '.join(pages)}")
    print(f"API: {sum(counts.values())} public objects ({counts})")
    print(f"results: {', '.join(results) or 'none'}")
    print(f"examples: {', '.join(examples) or 'none'}")
    if args.stage_only:
        return 0
    out = pathlib.Path(args.out).resolve()
    clear_output(out)
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-n",
        "-q",
        "-E",
        "-b",
        args.builder,
        str(src),
        str(out),
    ]
    print(" ".join(command), flush=True)
    code = subprocess.call(command, cwd=ROOT)
    if code == 0:
        print(f"docs built without warnings: {out / 'index.html'}")
    else:
        print("docs build FAILED (warnings are errors)", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
