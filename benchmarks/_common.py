"""What every benchmark shares: where the data is, the machine it ran on, peak
memory, and writing `benchmarks/results/<script>.json`.

Benchmarks import it as a sibling module (`sys.path` holds the folder of the
script that runs): `import _common`.
"""

import json
import os
import pathlib
import platform
import resource
import sys

RESULTS = pathlib.Path(__file__).resolve().parent / "results"


def data_root():
    """`$KERAS_RECSYS_DATA`, or `../shared/data` beside the checkout."""
    root = os.environ.get("KERAS_RECSYS_DATA")
    if not root:
        root = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"
    return pathlib.Path(root)


def data_path(*parts, must_exist=True):
    """A path under `data_root()`; exits with a clear message when missing."""
    path = data_root().joinpath(*parts)
    if must_exist and not path.exists():
        sys.exit(f"{path} not found (set KERAS_RECSYS_DATA to the data folder)")
    return path


def peak_rss_mib():
    """The peak resident memory of this process so far, in MiB (Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def environment():
    """The backend, library versions and machine a result was measured on."""
    import keras

    return {
        "backend": keras.backend.backend(),
        "keras_version": keras.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
    }


def results_path(script, quick=False):
    """`benchmarks/results/<script>.json` (`<script>.quick.json` for smoke
    runs, which the docs build does not read)."""
    name = pathlib.Path(script).stem
    return RESULTS / (f"{name}.quick.json" if quick else f"{name}.json")


def write_results(path, result):
    """Writes `result` as indented JSON to `path` and says where."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}")
    return path


def command(script, argv=None, env="KERAS_RECSYS_DATA=/work/shared/data"):
    """The command line that reproduces a run of `script` under the team's
    benchmark lock: `env`, the lock, the script and `argv` (default: this
    process's arguments)."""
    args = sys.argv[1:] if argv is None else list(argv)
    words = [env, "flock /tmp/keras_recsys_bench.lock .venv/bin/python"]
    words += [f"benchmarks/{pathlib.Path(script).name}", *args]
    return " ".join(w for w in words if w)


def load_ml1m():
    """ML-1M as `keras_recsys.data.load_movielens` reads it from
    `$KERAS_RECSYS_DATA/ml-1m` (without `ratings.dat`: the reconstructed
    ratings of all 6,040 users, `../shared/data/README.md`)."""
    import warnings

    import keras_recsys.data

    with warnings.catch_warnings():  # the loader says it reads the reconstruction
        warnings.simplefilter("ignore", UserWarning)
        return keras_recsys.data.load_movielens(
            "ml-1m", data_dir=data_path("ml-1m"), download=False
        )


def encode_ids(ratings):
    """`(coded, users, items)`: `ratings` with its user and item ids replaced by
    the codes `1..n` of two fitted `keras_recsys.data.IdEncoder`s (code 0
    reserved, docs/concepts.md), and the encoders (their `vocabulary_size` is
    the `num_users` / `num_items` of every builder)."""
    import keras_recsys.data

    users = keras_recsys.data.IdEncoder().fit(ratings["user_id"])
    items = keras_recsys.data.IdEncoder().fit(ratings["item_id"])
    coded = ratings.assign(
        user_id=users.transform(ratings["user_id"]),
        item_id=items.transform(ratings["item_id"]),
    )
    return coded, users, items


def output_path(script, output=None, quick=False):
    """Where a run of `script` writes its results: `output` when given, else
    `<temp dir>/<script>.quick.json` for a `--quick` run (kept out of the
    results folder), else `benchmarks/results/<script>.json`."""
    import tempfile

    if output:
        return pathlib.Path(output)
    if quick:
        return (
            pathlib.Path(tempfile.gettempdir())
            / f"{pathlib.Path(script).stem}.quick.json"
        )
    return results_path(script)


def save(script, args, result, argv=None, env="KERAS_RECSYS_DATA=/work/shared/data"):
    """Writes `result` with the run's `config` (its arguments, `output`
    aside) and reproducing `command` to `output_path(script, args.output,
    args.quick)`; returns the path."""
    config = {k: v for k, v in vars(args).items() if k != "output"}
    result = {**result, "config": config, "command": command(script, argv, env)}
    quick = getattr(args, "quick", False)
    return write_results(
        output_path(script, getattr(args, "output", None), quick), result
    )


def report(result, keys, output=None):
    """Prints the entries `keys` of `result` as one JSON line (the figures a
    reader checks first), then writes `result` to `output` unless it is None
    (a `--quick` run)."""
    print(json.dumps({k: result[k] for k in keys}))
    if output is not None:
        write_results(output, result)
