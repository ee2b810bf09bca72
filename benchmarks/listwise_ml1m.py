"""Listwise against pointwise losses on a MovieLens-1M reranking task.

The task and the protocol of `listwise_ml100k.py` on the 1,000,209 ratings of
ML-1M (`ratings.reconstructed.uirt.tsv.gz`: every (user, movie, rating) of
the original file, `../shared/data/README.md`; timestamps are not used):
each user's candidate list is the movies they rated, relevance = rating - 2
floored at 0 (gains 1 / 3 / 7 for 3 / 4 / 5 stars, exponential), and the
losses rank them. Split: a random 20% of each user's ratings is the test list
(seed 0), a random 10% of the rest the validation list, the remaining 72% are
cut into training lists of `--list-size` every epoch. `--negatives N` adds N
unrated movies (relevance 0) to each list, as in the ML-100K script; the
default, 0, is the pure reranking of rated movies.

Same model for every loss (score = <p_u, q_i> + b_i, dimension 32, L2 on the
embeddings, Adam), same epochs, and the same two-stage search by validation
NDCG@10 as `listwise_ml100k.py` (stage 1: every L2 of a grid over four
decades, x every temperature for ApproxNDCG, at lr 1e-2; stage 2: lr 3e-3 and
3e-2 at the stage-1 choice), then `--seeds` seeds of the chosen configuration;
the table gives the mean test NDCG@10 over the 6,040 users and each loss's
difference to pointwise BCE with its standard error.

    KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock \\
        .venv/bin/python benchmarks/listwise_ml1m.py

(about 35 minutes on 2 cores, JAX.) `--quick` runs the reduced search of the
ML-100K script on 300 users (writes to the temp folder).
"""

import os
import pathlib
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import _common  # noqa: E402
import listwise_ml100k as listwise  # noqa: E402

LOSSES = ("bce", "approx_ndcg", "lambda_loss", "softmax")


def parser():
    parser = listwise.parser(__doc__.split("\n")[0], negatives=0, losses=LOSSES)
    parser.set_defaults(epochs=20, temperatures=[0.1, 0.3, 1.0])
    return parser


def setup(args):
    """`(data, task, title)` of the ML-1M reranking task for `listwise.run`."""
    ratings = _common.load_ml1m().ratings[["user_id", "item_id", "rating"]]
    coded, _, _ = _common.encode_ids(ratings)
    if args.quick:
        coded = coded[coded["user_id"] <= 300]
    # split_validation holds out a random share of each user's ratings.
    base, test_frame = listwise.split_validation(coded, 0.2, seed=0)
    train_frame, val_frame = listwise.split_validation(base, args.val_share, seed=0)
    sizes = (int(coded["user_id"].max()) + 1, int(coded["item_id"].max()) + 1)
    unrated = listwise.unrated_items([coded], sizes[1])
    data = listwise.task_data(train_frame, val_frame, test_frame, args, unrated, sizes)
    task = (
        "rerank each user's candidate lists (rated movies plus `negatives` "
        "unrated movies, relevance 0); relevance = max(rating - 2, 0); ML-1M "
        "(all 1,000,209 ratings): a random 20% of each user's ratings is the "
        "test list, a random val_share of the rest the validation list, the "
        "others cut into lists of list_size for training each epoch; NDCG@10 "
        "(exponential gain) over test users with a relevant item"
    )
    title = (
        f"ML-1M: {len(train_frame)} train / {len(val_frame)} validation / "
        f"{len(test_frame)} test ratings"
    )
    return data, task, title


def main(argv=None):
    args = listwise.parse(parser(), argv)
    return listwise.run(args, *setup(args), __file__, argv)


if __name__ == "__main__":
    main()
