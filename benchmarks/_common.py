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
