"""Shows the paper reproductions (NCF, sequential, autoencoders) and their expected figures.

A thin wrapper around the benchmark scripts in benchmarks/:

- `ncf_ml1m.py`: GMF, MLP and NeuMF on the NCF paper's ML-1M leave-one-out
  protocol (He et al., WWW 2017), HR@10 / NDCG@10 against 99 negatives;
- `sequential_ml1m.py`: SASRec (full, sampled and gBCE losses), BERT4Rec, GRU4Rec
  and Caser next-item recommendation on
  ML-1M (Kang & McAuley, ICDM 2018), HR@10 / NDCG@10;
- `autoencoders_ml1m.py`: Mult-VAE, Mult-DAE and CDAE under Liang et al.'s
  held-out-user protocol (WWW 2018), Recall@20/50 and NDCG@100.

It prints each paper's figures beside the figures of our last full run (the
committed `benchmarks/results/<name>.json`), then runs the benchmarks: with
`--quick` each in its smoke mode (a small sample, 1-2 epochs, seconds; output
to a temporary file so the committed results are untouched), without it the
full runs, which take hours on 2 CPU cores and hold the team's benchmark lock
(/tmp/keras_recsys_bench.lock) and rewrite the committed results.

Needs MovieLens-1M under $KERAS_RECSYS_DATA (see /work/shared/data/README.md).

Run: python examples/paper_reproductions.py [--quick] [--only ncf_ml1m ...]
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
NAMES = ["ncf_ml1m", "sequential_ml1m", "autoencoders_ml1m"]

# The papers' figures, printed when a result file carries none of its own.
EXPECTED = {
    "ncf_ml1m": {
        "source": "He et al. 2017, Table 2 (NeuMF, 64 predictive factors)",
        "figures": {
            "NeuMF without pre-training": {"hr@10": 0.705, "ndcg@10": 0.426},
            "NeuMF with pre-training": {"hr@10": 0.730, "ndcg@10": 0.447},
        },
    },
    "sequential_ml1m": {
        "source": "Kang & McAuley 2018, Table III (ML-1M, 100 sampled negatives)",
        "figures": {
            "SASRec": {"hr@10": 0.8245, "ndcg@10": 0.5905},
            "Caser": {"hr@10": 0.7886, "ndcg@10": 0.5538},
            "GRU4Rec+": {"hr@10": 0.7501, "ndcg@10": 0.5513},
        },
    },
    "autoencoders_ml1m": {
        "source": "Liang et al. 2018, Table 2 (ML-20M; no ML-1M figure published)",
        "figures": {
            "Mult-VAE": {"recall@20": 0.395, "recall@50": 0.537, "ndcg@100": 0.426},
            "Mult-DAE": {"recall@20": 0.387, "recall@50": 0.524, "ndcg@100": 0.419},
        },
    },
}


def _flat(value, prefix=""):
    """Flattens nested dicts to {"a / b / c": number} for printing."""
    out = {}
    if isinstance(value, dict):
        for key, sub in value.items():
            out.update(_flat(sub, f"{prefix}{key} / " if prefix or key else ""))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out[prefix.rstrip(" /")] = value
    return out


def _metric_lines(values, wanted=("hr@", "ndcg@", "recall@", "rmse")):
    flat = _flat(values)
    return {k: v for k, v in flat.items() if any(w in k.lower() for w in wanted)}


def show_expected(name):
    print(f"\n--- {name}: expected figures ---")
    expected = EXPECTED.get(name)
    path = BENCHMARKS / "results" / f"{name}.json"
    paper = None
    ours = None
    if path.exists():
        data = json.loads(path.read_text())
        paper = data.get("paper") or data.get("paper_figures")
        ours = data.get("results", data)
    if paper:
        print("paper (as recorded by the benchmark):")
        for key, value in _metric_lines(paper).items():
            print(f"  {key:<55} {value:.4f}")
    elif expected:
        print(f"paper ({expected['source']}):")
        for key, value in _metric_lines(expected["figures"]).items():
            print(f"  {key:<55} {value:.4f}")
    if ours is not None:
        print(f"ours (last full run, {path.relative_to(ROOT)}):")
        lines = _metric_lines(ours)
        for key, value in list(lines.items())[:40]:
            print(f"  {key:<55} {value:.4f}")
    else:
        print("ours: no full run committed yet (benchmarks/results/ has no file)")


def run(name, quick, extra):
    script = BENCHMARKS / f"{name}.py"
    if not script.exists():
        print(f"{script.relative_to(ROOT)} does not exist in this version; skipped")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, str(script)]
        if quick:
            command += ["--quick", "--output", str(pathlib.Path(tmp, f"{name}.json"))]
        command += extra
        if not quick and sys.platform != "win32" and _has_flock():
            # Full runs are heavy: never at the same time as another's.
            command = ["flock", "/tmp/keras_recsys_bench.lock", *command]
        print(f"\n$ {' '.join(command)}", flush=True)
        return subprocess.call(command, cwd=ROOT)


def _has_flock():
    from shutil import which

    return which("flock") is not None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke-run each benchmark (seconds)"
    )
    parser.add_argument(
        "--only", nargs="+", choices=NAMES, default=NAMES, help="benchmarks to run"
    )
    parser.add_argument(
        "--show-only",
        action="store_true",
        help="print the expected and committed figures, run nothing",
    )
    args = parser.parse_args(argv)
    data = os.environ.get("KERAS_RECSYS_DATA")
    if not args.show_only and not (data and pathlib.Path(data, "ml-1m").exists()):
        message = "MovieLens-1M not found: set KERAS_RECSYS_DATA (see README)."
        if os.environ.get("KERAS_RECSYS_REQUIRE_DATA") == "1":
            raise SystemExit(message)
        print(message + " Showing the figures only.")
        args.show_only = True
    for name in args.only:
        show_expected(name)
    if args.show_only:
        return 0
    failed = []
    for name in args.only:
        if run(name, args.quick, []) != 0:
            failed.append(name)
    if failed:
        print(f"\nFAILED: {', '.join(failed)}")
        return 1
    print(f"\nall {len(args.only)} benchmark(s) ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
