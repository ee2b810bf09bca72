"""Shows a two-tower model trained on MovieLens-100K and exported as a retrieval index.

1. `keras_recsys.models.build_two_tower`: a user tower (user id, age,
   occupation) and an item tower (item id, genres), trained together with
   `keras_recsys.losses.InBatchSoftmaxLoss` (in-batch negatives, logQ
   correction, accidental hits removed).
2. The item tower embeds the whole catalog into a
   `keras_recsys.layers.TopKRetrieval` index (`TopKRetrieval.from_model`).
3. The exported retrieval model maps a user's features (and the items to
   exclude, the ones already seen) straight to the top-10 item ids. It saves
   to `.keras`, loads in safe mode, and its answers are checked against a
   brute-force numpy ranking.
4. Recall@10 on each user's latest 20% of ratings, against the most-popular
   baseline (`keras_recsys.evaluation`).

Without MovieLens (no $KERAS_RECSYS_DATA, no Keras cache, no network) use
`--dataset synthetic`.

Run: python examples/two_tower_retrieval.py [--quick] [--dataset synthetic]
"""

import argparse
import pathlib
import tempfile

import keras
import numpy as np

import keras_recsys

K = 10


def load(dataset):
    """Interactions plus user and item features, ids encoded from 1."""
    if dataset == "synthetic":
        ratings = keras_recsys.data.make_synthetic(num_users=500, num_items=300, seed=0)
        users = ratings[["user_id"]].drop_duplicates().assign(age=30, occupation="x")
        items = ratings[["item_id"]].drop_duplicates()
        items["genres"] = [[f"g{i % 7}"] for i in items["item_id"]]
    else:
        movielens = keras_recsys.data.load_movielens("ml-100k")
        ratings, users, items = movielens.ratings, movielens.users, movielens.items
    user_ids = keras_recsys.data.IdEncoder().fit(ratings["user_id"])
    item_ids = keras_recsys.data.IdEncoder().fit(ratings["item_id"])
    ratings = ratings.assign(
        user_id=user_ids.transform(ratings["user_id"]),
        item_id=item_ids.transform(ratings["item_id"]),
    )
    num_users, num_items = user_ids.vocabulary_size, item_ids.vocabulary_size

    # User features, row u for encoded user u (row 0: padding/unknown).
    users = users[users["user_id"].isin(user_ids.vocabulary)]
    rows = user_ids.transform(users["user_id"])
    occupations = keras_recsys.data.IdEncoder().fit(users["occupation"])
    user_features = {
        "user_id": np.arange(num_users, dtype="int32"),
        "age": np.zeros((num_users, 1), "float32"),
        "occupation": np.zeros(num_users, "int32"),
    }
    user_features["age"][rows, 0] = users["age"].to_numpy() / 100.0
    user_features["occupation"][rows] = occupations.transform(users["occupation"])

    # Item features: genres as a padded list of genre ids (0 = padding).
    items = items[items["item_id"].isin(item_ids.vocabulary)]
    genres = keras_recsys.data.IdEncoder().fit(
        [g for gs in items["genres"] for g in gs]
    )
    max_genres = max(len(gs) for gs in items["genres"])
    item_features = {
        "item_id": np.arange(num_items, dtype="int32"),
        "genres": np.zeros((num_items, max_genres), "int32"),
    }
    for item, gs in zip(item_ids.transform(items["item_id"]), items["genres"]):
        codes = genres.transform(list(gs)) if len(gs) else []
        item_features["genres"][item, : len(codes)] = codes
    specs = {
        "user": {
            "user_id": {
                "type": "id",
                "vocabulary_size": num_users,
                "embedding_dim": 32,
            },
            "age": {"type": "numeric", "dim": 1},
            "occupation": {
                "type": "id",
                "vocabulary_size": occupations.vocabulary_size,
                "embedding_dim": 8,
            },
        },
        "item": {
            "item_id": {
                "type": "id",
                "vocabulary_size": num_items,
                "embedding_dim": 32,
            },
            "genres": {
                "type": "id_list",
                "vocabulary_size": genres.vocabulary_size,
                "embedding_dim": 8,
            },
        },
    }
    return ratings, user_features, item_features, specs


def take(features, rows):
    return {name: values[rows] for name, values in features.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 epoch")
    parser.add_argument(
        "--dataset", choices=["ml-100k", "synthetic"], default="ml-100k"
    )
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args(argv)
    epochs = args.epochs or (1 if args.quick else 15)
    keras.utils.set_random_seed(0)

    ratings, user_features, item_features, specs = load(args.dataset)
    num_users = len(user_features["user_id"])
    num_items = len(item_features["item_id"])
    train, test = keras_recsys.data.per_user_temporal_split(ratings, (0.8, 0.2))
    print(
        f"{args.dataset}: {len(np.unique(ratings['user_id']))} users, "
        f"{len(np.unique(ratings['item_id']))} items, "
        f"{len(train)} training and {len(test)} test interactions"
    )

    # 1. Two towers trained with in-batch negatives.
    trainer = keras_recsys.models.build_two_tower(
        specs["user"], specs["item"], hidden_units=(64, 32), l2_normalize=True
    )
    user_model, item_model = (
        trainer.get_layer("user_tower"),
        trainer.get_layer("item_tower"),
    )
    counts = np.bincount(train["item_id"], minlength=num_items)
    trainer.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras_recsys.losses.InBatchSoftmaxLoss(
            temperature=0.05, logq_correction=True
        ),
    )
    u, i = train["user_id"].to_numpy(), train["item_id"].to_numpy()
    x = {**take(user_features, u), **take(item_features, i)}
    # y: the candidate ids (accidental hits) and their sampling probability.
    y = np.stack([i, counts[i] / counts.sum()], axis=1).astype("float32")
    trainer.fit(x, y, batch_size=512, epochs=epochs, shuffle=True, verbose=2)

    # 2. The catalog in a top-k index built by the item tower.
    real_items = np.arange(1, num_items)  # id 0 is padding
    index = keras_recsys.layers.TopKRetrieval.from_model(
        item_model, take(item_features, real_items), ids=real_items, k=K
    )

    # 3. The exported retrieval model: user features + seen items -> top-k.
    seen = [[] for _ in range(num_users)]
    for user, item in zip(u, i):
        seen[user].append(item)
    width = max(len(s) for s in seen)
    exclude = np.full((num_users, width), -1, "int32")
    for user, items in enumerate(seen):
        exclude[user, : len(items)] = items
    user_inputs = {
        "user_id": keras.Input((), dtype="int32", name="user_id"),
        "age": keras.Input((1,), name="age"),
        "occupation": keras.Input((), dtype="int32", name="occupation"),
    }
    exclude_input = keras.Input((width,), dtype="int32", name="exclude_ids")
    scores, ids = index(user_model(user_inputs), exclude_ids=exclude_input)
    retrieval = keras.Model(
        {**user_inputs, "exclude_ids": exclude_input}, {"scores": scores, "ids": ids}
    )
    test_users = np.unique(test["user_id"].to_numpy())
    queries = {**take(user_features, test_users), "exclude_ids": exclude[test_users]}
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp, "retrieval.keras")
        retrieval.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
        top = loaded.predict(queries, batch_size=256, verbose=0)["ids"]
    print(f"exported the retrieval model ({path.name}) and loaded it in safe mode")

    # The index must agree with a brute-force ranking of the same embeddings.
    user_vectors = user_model.predict(take(user_features, test_users), verbose=0)
    all_items = np.arange(num_items)  # column j scores code j
    item_vectors = item_model.predict(take(item_features, all_items), verbose=0)
    brute = user_vectors @ item_vectors.T
    brute[:, 0] = -np.inf  # the reserved code is never recommended
    for row, user in enumerate(test_users):
        brute[row, np.asarray(seen[user], dtype="int64")] = -np.inf
    expected = np.argsort(-brute, axis=1, kind="stable")[:, :K]
    agree = np.mean([set(a) == set(b) for a, b in zip(top, expected)])
    print(f"index top-{K} equals the brute-force top-{K} for {agree:.1%} of users")
    assert agree > 0.99, agree

    # 4. Recall@10 of the retrieved lists, and the popularity baseline.
    held = {user: set() for user in test_users}
    for user, item in zip(test["user_id"], test["item_id"]):
        held[user].add(item)
    recall = np.mean(
        [
            len(held[user] & set(row)) / len(held[user])
            for user, row in zip(test_users, top)
        ]
    )
    popular = keras_recsys.evaluation.evaluate_topk(
        keras_recsys.evaluation.most_popular_scorer(counts.astype("float32")),
        test_users,
        [np.asarray(sorted(held[user])) for user in test_users],
        exclude=[np.asarray(seen[user] + [0]) for user in test_users],
        num_items=num_items,
        metrics=("recall",),
        ks=(K,),
        verbose=0,
    )
    print(
        f"two-tower recall@{K}: {recall:.4f}   most popular: "
        f"{popular[f'recall@{K}']:.4f}"
    )
    user = int(test_users[0])
    print(f"top-{K} item ids for user {user}: {top[0].tolist()}")


if __name__ == "__main__":
    main()
