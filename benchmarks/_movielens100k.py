"""ML-100K side tables as model features (shared by the rating and two-tower
benchmarks). Reads the GroupLens files as distributed; nothing is copied."""

import pathlib
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402


def ml100k_dir():
    return _common.data_path("ml-100k", "u.data").parent


def read_ratings(path):
    return pd.read_csv(
        path, sep="\t", names=["user_id", "item_id", "rating", "timestamp"]
    )


def user_table(folder):
    """Per user id (row = id, 0 unused): age (standardized), gender and
    occupation codes (0 reserved)."""
    users = pd.read_csv(
        folder / "u.user",
        sep="|",
        names=["user_id", "age", "gender", "occupation", "zip"],
    )
    n = int(users["user_id"].max()) + 1
    age = np.zeros((n, 1), "float32")
    gender = np.zeros(n, "int32")
    occupation = np.zeros(n, "int32")
    ids = users["user_id"].to_numpy()
    age[ids, 0] = ((users["age"] - users["age"].mean()) / users["age"].std()).to_numpy()
    gender[ids] = np.where(users["gender"] == "M", 1, 2)
    codes = {o: i + 1 for i, o in enumerate(sorted(users["occupation"].unique()))}
    occupation[ids] = users["occupation"].map(codes).to_numpy()
    return {
        "age": age,
        "gender": gender,
        "occupation": occupation,
        "num_occupations": len(codes) + 1,
    }


def item_table(folder):
    """Per item id (row = id, 0 unused): genre ids 1..19 padded with 0."""
    items = pd.read_csv(folder / "u.item", sep="|", header=None, encoding="latin-1")
    n = int(items[0].max()) + 1
    flags = items.iloc[:, 5:24].to_numpy()
    max_len = int(flags.sum(axis=1).max())
    genres = np.zeros((n, max_len), "int32")
    for row, item in enumerate(items[0].to_numpy()):
        g = np.flatnonzero(flags[row]) + 1
        genres[item, : len(g)] = g
    return {"genres": genres, "num_genres": flags.shape[1] + 1}


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
