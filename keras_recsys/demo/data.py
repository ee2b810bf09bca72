"""The demo's data: one split and one protocol for every model."""

import numpy as np

# `--dataset synthetic`: keras_recsys.data.make_synthetic with these sizes.
SYNTHETIC = {"num_users": 400, "num_items": 300, "interactions_per_user": 30}


class DemoData:
    """Encoded interactions, the split and the evaluation inputs.

    Users and items are the codes of `keras_recsys.data.IdEncoder` (`1 .. n`,
    0 reserved), and `num_users` / `num_items` are the encoders'
    `vocabulary_size`, passed as they are to every builder and tool (see
    `docs/concepts.md`): every model scores `num_items` columns, column 0
    never recommended.
    """

    def __init__(self, df, name, seed):
        from keras_recsys import data as krd

        self.name = name
        self.seed = seed
        df = df[["user_id", "item_id", "timestamp"]].copy()
        df = krd.drop_duplicate_interactions(df)
        item_encoder = krd.IdEncoder().fit(df["item_id"])
        user_encoder = krd.IdEncoder().fit(df["user_id"])
        df["item_id"] = item_encoder.transform(df["item_id"])
        df["user_id"] = user_encoder.transform(df["user_id"])
        self.num_items = item_encoder.vocabulary_size
        # Raw item ids for the explanations' titles.
        self.item_encoder = item_encoder
        self.num_users = user_encoder.vocabulary_size
        self.user_count = len(user_encoder.vocabulary)
        self.item_count = len(item_encoder.vocabulary)
        self.num_interactions = len(df)
        self.train, self.test = krd.per_user_temporal_split(df, ratios=(0.8, 0.2))
        self.train_matrix = krd.interaction_matrix(
            self.train, self.num_users, self.num_items
        )
        self.train_matrix.data[:] = 1.0
        test_matrix = krd.interaction_matrix(self.test, self.num_users, self.num_items)
        # Evaluate users with at least one held-out item; exclude each user's
        # training items (and the padding column 0) from the ranking.
        self.eval_users = np.flatnonzero(np.diff(test_matrix.indptr) > 0)
        self.targets = [_row(test_matrix, u) for u in self.eval_users]
        self.exclude = [
            np.concatenate([[0], _row(self.train_matrix, u)]).astype("int64")
            for u in self.eval_users
        ]
        # Each user's training items in time order (for sequence models).
        ordered = self.train.sort_values(["user_id", "timestamp"], kind="stable")
        self.sequences = [[] for _ in range(self.num_users)]
        for user, items in ordered.groupby("user_id", sort=False)["item_id"]:
            self.sequences[int(user)] = items.to_numpy()
        self.item_counts = np.bincount(
            self.train["item_id"].to_numpy(), minlength=self.num_items
        ).astype("float32")
        self.item_counts[0] = 0.0

    def describe(self):
        return (
            f"{self.name}: {self.user_count} users, {self.item_count} items, "
            f"{self.num_interactions} interactions; per-user temporal split "
            f"80/20 -> {len(self.train)} train, {len(self.test)} test; "
            f"{len(self.eval_users)} users evaluated"
        )


def _row(matrix, user):
    return matrix.indices[matrix.indptr[user] : matrix.indptr[user + 1]]


def load_dataset(name, data_dir=None, seed=0):
    """Returns the interactions DataFrame of `name` ("ml-100k"/"synthetic")."""
    from keras_recsys import data as krd

    if name == "synthetic":
        return krd.make_synthetic(**SYNTHETIC, seed=seed)
    return krd.load_movielens(name, data_dir=data_dir).ratings
