"""The `keras-recsys` console script: argument parsing only.

`keras-recsys demo` trains several recommenders on MovieLens-100K (or a
planted synthetic dataset), evaluates every one with the same full-catalog
protocol and prints one comparison table. The job itself lives in
`keras_recsys.demo` (data, recipes, report); run `keras-recsys demo --help`.
"""

import argparse
import os
import sys

from keras_recsys.utils.validation import check_positive_int

DEFAULT_MODELS = "popularity,ncf,sasrec,mult_vae"


def _quiet_library_noise():
    """Hides warnings of Keras and TensorFlow that say nothing to a user."""
    import logging

    # TensorFlow's retracing notes (new batch shapes at evaluation).
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


def _positive_int(flag):
    """An argparse `type` for `flag`: an integer >= 1, checked by `validation`."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = text  # refused below, with the same message shape
        try:
            return check_positive_int(flag, value)
        except (TypeError, ValueError) as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def build_parser():
    from keras_recsys.demo.recipes import RECIPES

    trained = [r for r in RECIPES.values() if r.epochs]
    parser = argparse.ArgumentParser(
        prog="keras-recsys",
        description="keras_recsys command line: demos of the package.",
    )
    parser.add_argument("--version", action="store_true", help="print the version")
    subparsers = parser.add_subparsers(dest="command")
    demo = subparsers.add_parser(
        "demo",
        help="train several recommenders and print one comparison table",
        description=(
            "Trains several recommenders on one dataset, evaluates them with "
            "the same full-catalog protocol (per-user temporal 80/20 split, "
            "every item ranked, each user's training items excluded, k=10) and "
            "prints one table: precision@10, recall@10, F1@10, NDCG@10 and "
            "training seconds, with a most-popular baseline row. Writes "
            "results.json, results.txt and (with matplotlib) results.png, the "
            "table's metrics and the training curves, to the output folder. "
            "Available models: "
            + "; ".join(f"{r.name} ({r.description})" for r in RECIPES.values())
            + "."
        ),
    )
    demo.add_argument(
        "--dataset",
        choices=["ml-100k", "synthetic"],
        default="ml-100k",
        help=(
            "ml-100k is read from --data-dir, $KERAS_RECSYS_DATA/ml-100k or the "
            "Keras cache, else downloaded from GroupLens and verified by "
            "sha256; synthetic needs no data (planted user/item factors). "
            "Default: ml-100k"
        ),
    )
    demo.add_argument(
        "--models",
        default=DEFAULT_MODELS,
        help=(
            f"comma-separated list from: {', '.join(RECIPES)}. "
            f"Default: {DEFAULT_MODELS}"
        ),
    )
    demo.add_argument(
        "--epochs",
        type=_positive_int("--epochs"),
        default=None,
        help=(
            "training epochs for every model (default: per model, "
            + ", ".join(f"{r.name} {r.epochs}" for r in trained)
            + "; on synthetic data "
            + ", ".join(
                f"{r.name} {r.synthetic_epochs}"
                for r in trained
                if r.synthetic_epochs is not None
            )
            + ")"
        ),
    )
    demo.add_argument(
        "--output-dir",
        default="demo_output",
        help="folder for results.png, results.json and results.txt. "
        "Default: demo_output",
    )
    demo.add_argument("--seed", type=int, default=42, help="random seed. Default: 42")
    demo.add_argument(
        "--data-dir",
        default=None,
        help="folder holding the MovieLens files (overrides $KERAS_RECSYS_DATA)",
    )
    demo.add_argument(
        "--eval-batch-size",
        type=_positive_int("--eval-batch-size"),
        default=256,
        help="users scored per evaluation batch. Default: 256",
    )
    demo.add_argument("--quiet", action="store_true", help="print only the final table")
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from keras_recsys.version import __version__

        print(__version__)
        return 0
    if args.command != "demo":
        parser.print_help()
        return 0 if args.command is None else 2
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _quiet_library_noise()
    from keras_recsys.demo.run import run_demo

    run_demo(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
