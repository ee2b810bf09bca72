"""ApproxNDCG against Google's Rax: the same values, the same training result.

`listwise_ml100k.py`, `listwise_ml1m.py` and `listwise_ml1m_features.py` find
`keras_recsys.losses.ApproxNDCGLoss` below pointwise BCE. This script rules
out the implementation as the cause, with Rax (Google's learning-to-rank
library for JAX, `rax.approx_t12n(rax.ndcg_metric)`: ranks approximated by
sigmoids of score differences over the temperature, as in Qin et al. 2010):

1. values: both losses on random lists (scores of spread 2, labels 0-3, a
   fifth of the items padding with label -1), per row, for temperatures 0.1,
   0.3 and 1; the largest absolute difference of `1 - NDCG`;
2. training: the ML-1M reranking task of `listwise_ml1m.py` trained with
   ApproxNDCG's chosen configuration there (learning rate 3e-3, L2 3e-7,
   temperature 1, 20 epochs) once with each implementation as the loss, for
   `--seeds` seeds; the validation and test NDCG@10 of each.

Needs the JAX backend and `pip install rax==0.4.0` (the `bench` extra). Rax
0.4.0, its latest release, decorates with `jax.util.wraps`, which newer JAX
no longer has; the script sets a stand-in that returns the function
unchanged (it only renamed the function and its docstring) before importing
Rax.

    KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock \\
        .venv/bin/python benchmarks/listwise_rax_check.py

(about 2 minutes on 2 cores.) `--quick` trains 2 epochs on 300 users (writes
to the temp folder).
"""

import argparse
import os
import pathlib
import sys
import types

os.environ["KERAS_BACKEND"] = "jax"

import jax  # noqa: E402

if not hasattr(jax, "util"):
    jax.util = types.SimpleNamespace(wraps=lambda *a, **k: lambda f: f)

import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import rax  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import _common  # noqa: E402
import listwise_ml1m  # noqa: E402
import listwise_ml100k as listwise  # noqa: E402

import keras_recsys  # noqa: E402


def rax_row_losses(y_true, y_pred, temperature):
    """`1 - ApproxNDCG` per row with Rax; 0 for rows with no relevant item
    (the package's convention; Rax's NDCG of such a row is 0 as well)."""
    labels = jnp.maximum(y_true, 0.0)
    approx = rax.approx_t12n(rax.ndcg_metric, temperature=temperature)
    # approx_t12n turns the metric into a loss: minus the approximate NDCG.
    negative_ndcg = approx(y_pred, labels, where=y_true >= 0, reduce_fn=None)
    has_relevant = jnp.any(labels > 0, axis=-1)
    return jnp.where(has_relevant, 1.0 + negative_ndcg, 0.0)


class RaxApproxNDCG(keras.losses.Loss):
    """Rax's ApproxNDCG as a Keras loss (mean of the rows' `1 - NDCG`)."""

    def __init__(self, temperature):
        super().__init__(name="rax_approx_ndcg")
        self.temperature = temperature

    def call(self, y_true, y_pred):
        return rax_row_losses(y_true, y_pred, self.temperature)


def value_check(seed=0, rows=256, width=24):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, (rows, width)).astype("float32")
    y[rng.random(y.shape) < 0.2] = -1.0
    scores = (2.0 * rng.normal(size=y.shape)).astype("float32")
    out = {}
    for temperature in (0.1, 0.3, 1.0):
        ours = keras_recsys.losses.ApproxNDCGLoss(
            temperature=temperature, reduction=None
        )(y, scores)
        theirs = rax_row_losses(jnp.asarray(y), jnp.asarray(scores), temperature)
        out[str(temperature)] = float(
            np.max(np.abs(np.asarray(ours) - np.asarray(theirs)))
        )
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    differences = value_check()
    print("max |ours - Rax| of 1 - ApproxNDCG per row, by temperature:")
    for temperature, value in differences.items():
        print(f"  T {temperature}: {value:.2e}")

    config = {"lr": 3e-3, "l2": 3e-7, "temperature": 1.0}
    task_args = listwise.parse(
        listwise_ml1m.parser(), ["--quick"] if args.quick else []
    )
    data, _, title = listwise_ml1m.setup(task_args)
    print(f"{title}; {config}, {task_args.epochs} epochs", flush=True)
    rows = []
    for seed in range(1 if args.quick else args.seeds):
        for name, loss in (
            ("approx_ndcg", None),  # keras_recsys.losses.ApproxNDCGLoss
            ("rax_approx_ndcg", RaxApproxNDCG(config["temperature"])),
        ):
            r = listwise.train(name, seed, data, task_args, **config, loss=loss)
            rows.append(
                {
                    "loss": name,
                    "seed": seed,
                    "val_ndcg@10": round(r["val_ndcg@10"], 4),
                    "test_ndcg@10": round(r["test_ndcg@10"], 4),
                    "best_epoch": r["best_epoch"],
                    "seconds": round(r["seconds"], 1),
                }
            )
            print(f"  {rows[-1]}", flush=True)
    out = {
        "benchmark": "listwise_rax_check",
        "rax_version": rax.__version__,
        "max_abs_row_difference": differences,
        "training_config": {**config, "epochs": task_args.epochs},
        "training": rows,
        "quick": args.quick,
        "command": _common.command(__file__, argv),
    }
    _common.write_results(_common.output_path(__file__, args.output, args.quick), out)
    return out


if __name__ == "__main__":
    main()
