"""Listwise against pointwise losses for a feature-based neural reranker on ML-1M.

The reranking task of `listwise_ml1m.py` (every user's rated movies, relevance
= rating - 2 floored at 0, exponential gain; the same random 20% test and 10%
validation split, seed 0), scored the way learning-to-rank datasets are and
the listwise papers measure (Qin et al. 2010, Wang et al. 2018, Bruch et al.
2019): a multilayer perceptron over per-(user, movie) features, not an
embedding per id. The remaining 72% of the ratings are cut in two per user
(seed 1): the *feature half* computes the features, the *label half* gives
the training lists (cut into lists of `--list-size` every epoch); the
validation and test lists read the same features, so no label is ever
inside its own features.

Features of (u, i), all from the feature half (`feature_table`): the movie's
mean rating and the user's (shrunk to the global mean by 10 pseudo-ratings),
log(1 + count) of each, the user's rating standard deviation, a rank-32
truncated SVD (`scipy.sparse.linalg.svds`) of the user-centred ratings, an
item-kNN prediction (cosine similarity of the centred rating columns,
shrunk by co-rating count, summed over the movies u rated) and the user's
centred mean rating over the movie's genres; standardized with the
training pairs' mean and variance.

Model, identical for every loss: Dense 64 - Dense 32 (ReLU) - Dense 1, L2 on
the kernels; Adam, the same batch size and number of epochs, and the same
two-stage search by validation NDCG@10 as `listwise_ml100k.py` (stage 1:
every L2 of `--l2s` x every temperature of `--temperatures` for
ApproxNDCG, at the first learning rate of `--lrs`; stage 2: the other
learning rates at the stage-1 choice), then `--seeds` seeds of the chosen
configuration; the table gives the mean test NDCG@10 over the 6,038 users
with a relevant test item and each loss's difference to pointwise BCE with
its standard error.

    KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock \\
        .venv/bin/python benchmarks/listwise_ml1m_features.py

(48 training runs of about 13 s, about 15 minutes on 2 cores, JAX.)
`--quick` runs the reduced search of the ML-100K script on 300 users (writes
to the temp folder).
"""

import os
import pathlib
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from scipy.sparse.linalg import svds  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import _common  # noqa: E402
import listwise_ml100k as listwise  # noqa: E402

LOSSES = ("bce", "approx_ndcg", "lambda_loss", "softmax")
FEATURES = (
    "movie mean rating",
    "log(1 + movie ratings)",
    "user mean rating",
    "log(1 + user ratings)",
    "user rating std",
    "SVD rank-32 centred prediction",
    "item-kNN centred prediction",
    "user centred mean over the movie's genres",
)


def feature_table(fold, genres, num_users, num_items, shrink=10, rank=32):
    """A function `(user codes, item codes) -> [n, 8]` features of
    `FEATURES`, computed from the ratings of `fold` only; `genres` is the
    `[num_items, num_genres]` 0/1 matrix."""
    u = fold["user_id"].to_numpy()
    i = fold["item_id"].to_numpy()
    r = fold["rating"].to_numpy().astype("float64")
    mean = r.mean()
    user_count = np.bincount(u, minlength=num_users)
    user_sum = np.bincount(u, r, minlength=num_users)
    item_count = np.bincount(i, minlength=num_items)
    item_sum = np.bincount(i, r, minlength=num_items)
    user_mean = (user_sum + shrink * mean) / (user_count + shrink)
    item_mean = (item_sum + shrink * mean) / (item_count + shrink)
    raw_user_mean = user_sum / np.maximum(user_count, 1)
    squares = np.bincount(u, r * r, minlength=num_users) / np.maximum(user_count, 1)
    user_std = np.sqrt(np.maximum(squares - raw_user_mean**2, 0.0))

    centred = sp.csr_matrix((r - user_mean[u], (u, i)), shape=(num_users, num_items))
    rated = sp.csr_matrix((np.ones_like(r), (u, i)), shape=(num_users, num_items))
    left, singular, right = svds(centred, k=rank, random_state=0)
    user_factors = left * singular

    # Item-kNN: cosine of the centred columns, shrunk by the co-rating count.
    gram = (centred.T @ centred).toarray()
    norms = np.sqrt(np.maximum(np.diag(gram), 1e-12))
    similarity = gram / norms[:, None] / norms[None, :]
    similarity /= 1.0 + shrink / np.maximum((rated.T @ rated).toarray(), 1e-9)
    np.fill_diagonal(similarity, 0.0)
    knn = np.asarray(centred @ similarity) / (
        np.asarray(rated @ np.abs(similarity)) + 1.0
    )

    genre_sum = np.asarray(centred @ genres)
    genre_count = np.asarray(rated @ genres)
    user_genre = genre_sum / (genre_count + shrink)
    genres_per_item = np.maximum(genres.sum(axis=1), 1.0)

    def features(users, items):
        return np.stack(
            [
                item_mean[items],
                np.log1p(item_count[items]),
                user_mean[users],
                np.log1p(user_count[users]),
                user_std[users],
                np.sum(user_factors[users] * right[:, items].T, axis=1),
                knn[users, items],
                np.sum(user_genre[users] * genres[items], axis=1)
                / genres_per_item[items],
            ],
            axis=-1,
        )

    return features


def pair_data(frame, features):
    """`(frame, x [n, F], y [n])`: the rows of `frame` (renumbered), their
    features and relevance, computed once for every cut into lists."""
    frame = frame.reset_index(drop=True)
    x = features(frame["user_id"].to_numpy(), frame["item_id"].to_numpy())
    return frame, x, listwise.relevance(frame["rating"].to_numpy())


def feature_lists(pairs, list_size, rng):
    """`(x [lists, L, F], y [lists, L])`: each user's rows of `pairs`
    (`pair_data`) as one list (`list_size=None`) or shuffled and cut into
    lists of `list_size`, padded with zero features and label -1."""
    frame, x, y = pairs
    chunks = []
    for rows in frame.groupby("user_id").indices.values():
        if list_size:
            rows = rng.permutation(rows)
        size = list_size or len(rows)
        chunks.extend(rows[start : start + size] for start in range(0, len(rows), size))
    index = -np.ones((len(chunks), max(len(c) for c in chunks)), "int64")
    for row, chunk in enumerate(chunks):
        index[row, : len(chunk)] = chunk
    present = index >= 0
    safe = np.maximum(index, 0)
    x_lists = np.where(present[..., None], x[safe], 0.0).astype("float32")
    y_lists = np.where(present, y[safe], -1.0).astype("float32")
    return x_lists, y_lists


def mlp(num_features, l2, seed):
    """Dense 64 - 32 (ReLU) - 1 applied to every item of a list."""
    reg = keras.regularizers.L2(l2)
    layers = [keras.Input((None, num_features))]
    for offset, width in enumerate((64, 32)):
        layers.append(
            keras.layers.Dense(
                width,
                activation="relu",
                kernel_regularizer=reg,
                kernel_initializer=keras.initializers.GlorotUniform(seed + offset),
            )
        )
    layers.append(
        keras.layers.Dense(
            1,
            kernel_regularizer=reg,
            kernel_initializer=keras.initializers.GlorotUniform(seed + 2),
        )
    )
    layers.append(keras.layers.Reshape((-1,)))
    return keras.Sequential(layers)


def genre_matrix(movies, item_encoder, num_items):
    names = sorted({g for genres in movies["genres"] for g in genres})
    matrix = np.zeros((num_items, len(names)))
    codes = item_encoder.transform(movies["item_id"])
    for code, genres in zip(codes, movies["genres"]):
        if code > 0:
            matrix[code, [names.index(g) for g in genres]] = 1.0
    return matrix


def main(argv=None):
    parser = listwise.parser(__doc__.split("\n")[0], negatives=0, losses=LOSSES)
    parser.set_defaults(
        epochs=15,
        temperatures=[0.1, 0.3, 1.0],
        l2s=[1e-6, 1e-5, 1e-4, 1e-3],
        lrs=[1e-3, 3e-3, 3e-4],
    )
    parser.add_argument("--feature-share", type=float, default=0.5)
    args = listwise.parse(parser, argv)
    movielens = _common.load_ml1m()
    ratings = movielens.ratings[["user_id", "item_id", "rating"]]
    coded, _, items = _common.encode_ids(ratings)
    if args.quick:
        coded = coded[coded["user_id"] <= 300]
    base, test_frame = listwise.split_validation(coded, 0.2, seed=0)
    rest, val_frame = listwise.split_validation(base, args.val_share, seed=0)
    label_frame, feature_frame = listwise.split_validation(
        rest, args.feature_share, seed=1
    )
    num_users = int(coded["user_id"].max()) + 1
    num_items = int(coded["item_id"].max()) + 1
    genres = genre_matrix(movielens.items, items, num_items)
    features = feature_table(feature_frame, genres, num_users, num_items)
    train_pairs = pair_data(label_frame, features)
    # Every list is standardized with the training pairs' mean and spread.
    mean, std = train_pairs[1].mean(axis=0), train_pairs[1].std(axis=0) + 1e-9

    def standardized(pairs):
        frame, x, y = pairs
        return frame, (x - mean) / std, y

    train_pairs = standardized(train_pairs)
    val_pairs = standardized(pair_data(val_frame, features))
    test_pairs = standardized(pair_data(test_frame, features))
    rng = np.random.default_rng(1)
    data = {
        "val": feature_lists(val_pairs, None, rng),
        "test": feature_lists(test_pairs, None, rng),
        "train_lists": lambda rng: feature_lists(train_pairs, args.list_size, rng),
        "make_model": lambda l2, seed: mlp(len(FEATURES), l2, seed),
        "model": (
            "Dense 64 - 32 (ReLU) - 1 over the standardized features "
            f"{list(FEATURES)} (same for every loss)"
        ),
    }
    task = (
        "rerank each user's rated movies with a feature-based scorer; "
        "relevance = max(rating - 2, 0); ML-1M (all 1,000,209 ratings): a "
        "random 20% of each user's ratings is the test list, a random "
        "val_share of the rest the validation list, the others split per user "
        "into a feature half (feature_share; computes every feature) and a "
        "label half (cut into lists of list_size for training each epoch); "
        "NDCG@10 (exponential gain) over test users with a relevant item"
    )
    title = (
        f"ML-1M features: {len(feature_frame)} feature / {len(label_frame)} "
        f"train / {len(val_frame)} validation / {len(test_frame)} test ratings"
    )
    return listwise.run(args, data, task, title, __file__, argv)


if __name__ == "__main__":
    main()
