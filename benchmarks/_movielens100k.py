"""ML-100K as model features (shared by the rating and two-tower benchmarks).

Reads the data with the library: `keras_recsys.data.load_movielens("ml-100k")`
(ratings, u.user, u.item), `keras_recsys.data.read_interactions` for the
u1.base / u1.test split files, and `keras_recsys.data.user_features` /
`item_features` for the side features. Raw MovieLens ids index every table
(row = id, row 0 unused).
"""

import pathlib
import sys

import numpy as np

import keras_recsys.data

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402

RATING_COLUMNS = ["user_id", "item_id", "rating", "timestamp"]


def load():
    """The ML-100K `MovieLensData` under `$KERAS_RECSYS_DATA` (no download)."""
    return keras_recsys.data.load_movielens(
        "ml-100k", data_dir=ml100k_dir(), download=False
    )


def ml100k_dir():
    """The ML-100K folder under `$KERAS_RECSYS_DATA`."""
    return _common.data_path("ml-100k", "u.data").parent


def read_ratings(path):
    """A GroupLens ratings file (`u.data`, `u1.base`, `u1.test`, ...)."""
    return keras_recsys.data.read_interactions(path, sep="\t", names=RATING_COLUMNS)


def user_table(data):
    """Per user id: age (standardized, shape (n, 1)), gender and occupation
    codes (0 reserved), from `keras_recsys.data.user_features`."""
    n = int(data.users["user_id"].max()) + 1
    feats = keras_recsys.data.user_features(
        data.ratings,
        n,
        data.users,
        categorical=("gender", "occupation"),
        numeric=("age",),
    )
    return {
        "age": feats["age"][:, None],
        "gender": feats["gender"],
        "occupation": feats["occupation"],
        "num_occupations": int(feats["occupation"].max()) + 1,
    }


def item_table(data):
    """Per item id: genre ids 1..19 padded with 0 (the genres multi-hot of
    `keras_recsys.data.item_features`, as an id list)."""
    n = int(data.items["item_id"].max()) + 1
    multi_hot = keras_recsys.data.item_features(data.ratings, n, data.items)["genres"]
    max_len = int(multi_hot.sum(axis=1).max())
    genres = np.zeros((n, max_len), "int32")
    for item, row in enumerate(multi_hot):
        g = np.flatnonzero(row) + 1
        genres[item, : len(g)] = g
    return {"genres": genres, "num_genres": multi_hot.shape[1] + 1}


def user_inputs(u, users):
    """The user-tower inputs of the user ids `u`."""
    return {
        "user_id": u,
        "age": users["age"][u],
        "gender": users["gender"][u],
        "occupation": users["occupation"][u],
    }


def item_inputs(i, items):
    """The item-tower inputs of the item ids `i`."""
    return {"item_id": i, "genres": items["genres"][i]}


def features(df, users, items):
    """Both towers' inputs of the (user, item) rows of `df`."""
    u = df["user_id"].to_numpy().astype("int32")
    i = df["item_id"].to_numpy().astype("int32")
    return user_inputs(u, users) | item_inputs(i, items)


def feature_specs(users, items, num_users, num_items, dim):
    """The ML-100K user and item feature specs shared by the tower benchmarks:
    ids, age, gender and occupation for users; ids and genres for items."""
    user_features = {
        "user_id": {"type": "id", "vocabulary_size": num_users, "embedding_dim": dim},
        "age": {"type": "numeric", "dim": 1},
        "gender": {"type": "id", "vocabulary_size": 3, "embedding_dim": 2},
        "occupation": {
            "type": "id",
            "vocabulary_size": users["num_occupations"],
            "embedding_dim": 4,
        },
    }
    item_features = {
        "item_id": {"type": "id", "vocabulary_size": num_items, "embedding_dim": dim},
        "genres": {
            "type": "id_list",
            "vocabulary_size": items["num_genres"],
            "embedding_dim": 8,
        },
    }
    return user_features, item_features
