"""Shows every model builder of keras_recsys.models trained and evaluated on MovieLens-100K.

One split for all: each user's history in time order, the oldest 80% to train
and the latest 20% held out (`keras_recsys.data.per_user_temporal_split`).
Each top-N model is evaluated by `keras_recsys.evaluation.evaluate_topk` on
the full catalog with the user's training items excluded (NDCG@10,
Recall@10), beside the most-popular baseline:

- pairwise scorers: NCF in its three variants (`build_ncf`: GMF, MLP, NeuMF)
  and `build_deepfm` over the user and item fields, trained with log loss on
  sampled negatives;
- `build_two_tower`, trained with in-batch negatives, scoring the catalog by
  the dot products of its user and item embeddings;
- next-item models: `build_sasrec`, `build_gru4rec`, `build_caser`, trained
  with a softmax over the catalog at every position;
- autoencoders over the user's row: `build_mult_vae` (with
  `keras_recsys.callbacks.KLAnnealing`), `build_mult_dae`, `build_cdae`;
- `build_autorec` (I-AutoRec) and `build_rating_model` predict explicit
  ratings, so they are scored by RMSE on the held-out ratings instead.

Without MovieLens use `--dataset synthetic` (AutoRec then sees all-1 ratings).

Run: python examples/movielens_all_builders.py [--quick] [--dataset synthetic]
"""

import argparse
import time

import keras
import numpy as np

import keras_recsys

K = 10
MAX_LEN = 50


def prepare(dataset):
    if dataset == "synthetic":
        ratings = keras_recsys.data.make_synthetic(num_users=400, num_items=300, seed=0)
    else:
        ratings = keras_recsys.data.load_movielens("ml-100k").ratings
    # Codes 1..n, 0 reserved; every builder and tool takes the encoders'
    # vocabulary sizes as they are (docs/concepts.md).
    items = keras_recsys.data.IdEncoder().fit(ratings["item_id"])
    users = keras_recsys.data.IdEncoder().fit(ratings["user_id"])
    ratings = ratings.assign(
        item_id=items.transform(ratings["item_id"]),
        user_id=users.transform(ratings["user_id"]),
    )
    num_users, num_items = users.vocabulary_size, items.vocabulary_size
    train, test = keras_recsys.data.per_user_temporal_split(ratings, (0.8, 0.2))
    train_rows = keras_recsys.data.interaction_matrix(train, num_users, num_items)
    test_rows = keras_recsys.data.interaction_matrix(test, num_users, num_items)
    train_rows.data[:] = 1.0
    eval_users = np.flatnonzero(np.diff(test_rows.indptr) > 0)
    return {
        "ratings": ratings,
        "train": train,
        "test": test,
        "num_users": num_users,
        "num_items": num_items,
        "counts": (len(users.vocabulary), len(items.vocabulary)),
        "train_rows": train_rows,
        "eval_users": eval_users,
        "targets": [test_rows[u].indices for u in eval_users],
        # Training items and the padding column are never recommended.
        "exclude": [np.append(train_rows[u].indices, 0) for u in eval_users],
    }


def evaluate(data, scorer, queries):
    result = keras_recsys.evaluation.evaluate_topk(
        scorer,
        queries,
        data["targets"],
        exclude=data["exclude"],
        num_items=data["num_items"],
        metrics=("ndcg", "recall"),
        ks=(K,),
        verbose=0,
    )
    return {f"ndcg@{K}": result[f"ndcg@{K}"], f"recall@{K}": result[f"recall@{K}"]}


def popularity(data, epochs):
    counts = np.asarray(data["train_rows"].sum(axis=0)).ravel().astype("float32")
    scorer = keras_recsys.evaluation.most_popular_scorer(counts)
    return evaluate(data, scorer, data["eval_users"])


def pointwise(builder):
    def run(data, epochs):
        model = builder(data["num_users"], data["num_items"])
        model.compile(
            optimizer=keras.optimizers.Adam(2e-3),
            loss=keras.losses.BinaryCrossentropy(from_logits=True),
        )
        users = data["train"]["user_id"].to_numpy()
        items = data["train"]["item_id"].to_numpy()
        for epoch in range(epochs):  # fresh negatives every epoch
            negatives = keras_recsys.data.sample_negatives(
                users,
                data["train_rows"],
                num_items=data["num_items"],
                num_negatives=4,
                distinct=False,
                seed=epoch,
            )
            x = {
                "user_id": np.concatenate([users, np.repeat(users, 4)]),
                "item_id": np.concatenate([items, negatives.reshape(-1)]),
            }
            y = np.concatenate([np.ones(len(users)), np.zeros(negatives.size)])
            model.fit(x, y, batch_size=2048, epochs=1, shuffle=True, verbose=0)
        scorer = keras_recsys.evaluation.pairwise_scorer(model)
        return evaluate(data, scorer, data["eval_users"])

    return run


def ncf(variant):
    return pointwise(
        lambda num_users, num_items: keras_recsys.models.build_ncf(
            num_users,
            num_items,
            variant=variant,
            embedding_dim=32,
            hidden_units=(64, 32),
        )
    )


def deepfm(num_users, num_items):
    return keras_recsys.models.build_deepfm(
        {"user_id": num_users, "item_id": num_items}, embedding_dim=16
    )


def two_tower(data, epochs):
    num_users, num_items = data["num_users"], data["num_items"]
    retrieval = keras_recsys.models.build_two_tower(
        {"user_id": {"type": "id", "vocabulary_size": num_users, "embedding_dim": 32}},
        {"item_id": {"type": "id", "vocabulary_size": num_items, "embedding_dim": 32}},
        hidden_units=(64, 32),
    )
    user_model, item_model = (
        retrieval.get_layer("user_tower"),
        retrieval.get_layer("item_tower"),
    )
    retrieval.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras_recsys.losses.InBatchSoftmaxLoss(temperature=0.05),
    )
    users = data["train"]["user_id"].to_numpy()
    items = data["train"]["item_id"].to_numpy()
    retrieval.fit(
        {"user_id": users, "item_id": items},
        items,  # candidate ids, to remove accidental hits
        batch_size=512,
        epochs=epochs,
        shuffle=True,
        verbose=0,
    )
    item_vectors = item_model.predict({"item_id": np.arange(num_items)}, verbose=0)

    def scorer(user_ids):  # full catalog: column j scores code j
        return user_model.predict({"user_id": user_ids}, verbose=0) @ item_vectors.T

    return evaluate(data, scorer, data["eval_users"])


def rating_model(data, epochs):
    num_users, num_items = data["num_users"], data["num_items"]
    train, test = data["train"], data["test"]
    model = keras_recsys.models.build_rating_model(
        {"user_id": {"type": "id", "vocabulary_size": num_users, "embedding_dim": 32}},
        {"item_id": {"type": "id", "vocabulary_size": num_items, "embedding_dim": 32}},
        global_mean=float(train["rating"].mean()),
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    model.fit(
        {
            "user_id": train["user_id"].to_numpy(),
            "item_id": train["item_id"].to_numpy(),
        },
        train["rating"].to_numpy("float32"),
        batch_size=512,
        epochs=epochs,
        shuffle=True,
        verbose=0,
    )
    guess = model.predict(
        {"user_id": test["user_id"].to_numpy(), "item_id": test["item_id"].to_numpy()},
        batch_size=4096,
        verbose=0,
    ).ravel()
    guess = np.clip(guess, 1, 5)
    return {"rmse": float(np.sqrt(np.mean((guess - test["rating"].to_numpy()) ** 2)))}


def sequential(builder, **kwargs):
    def run(data, epochs):
        sequences = keras_recsys.data.build_sequences(data["train"], max_len=MAX_LEN)
        # One model: fit scores every position, predict the last real one.
        model = builder(data["num_items"], MAX_LEN, **kwargs)
        model.compile(
            optimizer=keras.optimizers.Adam(2e-3),
            # Target 0 marks padding: no loss there.
            loss=keras.losses.SparseCategoricalCrossentropy(
                from_logits=True, ignore_class=0
            ),
        )
        model.fit(
            keras_recsys.data.SequenceDataset(sequences, batch_size=64),
            epochs=epochs,
            verbose=0,
        )
        # Queries: each user's latest training items in time order, left-padded.
        ordered = data["train"].sort_values(["user_id", "timestamp"], kind="stable")
        history = dict(list(ordered.groupby("user_id")["item_id"]))
        queries = np.zeros((len(data["eval_users"]), MAX_LEN), "int32")
        for row, user in enumerate(data["eval_users"]):
            items = history[user].to_numpy()[-MAX_LEN:] if user in history else []
            queries[row, MAX_LEN - len(items) :] = items
        return evaluate(data, model, {"item_sequence": queries})

    return run


def autoencoder(name):
    def run(data, epochs):
        num_users, num_items = data["num_users"], data["num_items"]
        rows = data["train_rows"]
        callbacks = []
        if name == "mult_vae":
            model = keras_recsys.models.build_mult_vae(
                num_items, hidden_units=(200,), latent_dim=64, seed=0
            )
            loss = keras_recsys.losses.MultinomialLogLikelihood()
        elif name == "mult_dae":
            model = keras_recsys.models.build_mult_dae(
                num_items, hidden_units=(200,), latent_dim=64, seed=0
            )
            loss = keras_recsys.losses.MultinomialLogLikelihood()
        else:
            model = keras_recsys.models.build_cdae(
                num_users, num_items, hidden_units=64, seed=0
            )
            loss = keras.losses.BinaryCrossentropy(from_logits=True)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss)
        if name == "cdae":
            dense = rows.toarray()
            x = {"interactions": dense, "user_id": np.arange(num_users)}
            model.fit(x, dense, batch_size=64, epochs=epochs, verbose=0)
            queries = {
                "interactions": dense[data["eval_users"]],
                "user_id": data["eval_users"],
            }
        else:
            batches = keras_recsys.data.InteractionMatrixDataset(rows, batch_size=64)
            if name == "mult_vae":
                callbacks.append(
                    keras_recsys.callbacks.KLAnnealing(epochs * len(batches))
                )
            model.fit(batches, epochs=epochs, callbacks=callbacks, verbose=0)
            queries = {"interactions": rows[data["eval_users"]]}
        return evaluate(data, model, queries)

    return run


def autorec(data, epochs):
    # I-AutoRec: one row per item holding its ratings by every user.
    num_users = data["num_users"]
    train, test = data["train"], data["test"]
    matrix = keras_recsys.data.interaction_matrix(
        train, num_users, data["num_items"], value_col="rating"
    ).T.tocsr()
    model = keras_recsys.models.build_autorec(num_users, hidden_units=200)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.MaskedMeanSquaredError(row_reduction="sum"),
    )
    model.fit(
        keras_recsys.data.InteractionMatrixDataset(matrix, batch_size=64),
        epochs=epochs,
        verbose=0,
    )
    predicted = model.predict(matrix.toarray(), verbose=0)
    guess = np.clip(predicted[test["item_id"], test["user_id"]], 1, 5)
    rmse = float(np.sqrt(np.mean((guess - test["rating"].to_numpy()) ** 2)))
    return {"rmse": rmse}


RUNS = {
    "popularity": (None, popularity),
    "build_ncf (gmf)": ("build_ncf", ncf("gmf")),
    "build_ncf (mlp)": ("build_ncf", ncf("mlp")),
    "build_ncf (neumf)": ("build_ncf", ncf("neumf")),
    "build_deepfm": ("build_deepfm", pointwise(deepfm)),
    "build_two_tower": ("build_two_tower", two_tower),
    "build_sasrec": (
        "build_sasrec",
        sequential(keras_recsys.models.build_sasrec, num_blocks=1),
    ),
    "build_gru4rec": ("build_gru4rec", sequential(keras_recsys.models.build_gru4rec)),
    "build_caser": ("build_caser", sequential(keras_recsys.models.build_caser)),
    "build_mult_vae": ("build_mult_vae", autoencoder("mult_vae")),
    "build_mult_dae": ("build_mult_dae", autoencoder("mult_dae")),
    "build_cdae": ("build_cdae", autoencoder("cdae")),
    "build_autorec": ("build_autorec", autorec),
    "build_rating_model": ("build_rating_model", rating_model),
}
EPOCHS = {"pointwise": 4, "seq": 10, "ae": 40, "autorec": 20, "rating": 10}


def default_epochs(name):
    if "ncf" in name or name in ("build_deepfm", "build_two_tower"):
        return EPOCHS["pointwise"] if name != "build_two_tower" else 15
    if name == "build_rating_model":
        return EPOCHS["rating"]
    if name in ("build_sasrec", "build_gru4rec", "build_caser"):
        return EPOCHS["seq"]
    if name == "build_autorec":
        return EPOCHS["autorec"]
    return EPOCHS["ae"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 epoch per model")
    parser.add_argument(
        "--dataset", choices=["ml-100k", "synthetic"], default="ml-100k"
    )
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    data = prepare(args.dataset)
    print(
        f"{args.dataset}: {data['counts'][0]} users, {data['counts'][1]} items; "
        f"{len(data['train'])} train / {len(data['test'])} test interactions"
    )
    covered = {builder for builder, _ in RUNS.values() if builder}
    others = sorted(set(keras_recsys.models.__all__) - covered)
    if others:
        print(f"note: builders not shown here yet: {', '.join(others)}")
    print(f"{'model':<20} {'ndcg@10':>8} {'recall@10':>9} {'rmse':>6} {'seconds':>8}")
    for name, (_, run) in RUNS.items():
        epochs = 1 if args.quick else (args.epochs or default_epochs(name))
        start = time.perf_counter()
        result = run(data, epochs)
        seconds = time.perf_counter() - start
        print(
            f"{name:<20} {result.get(f'ndcg@{K}', float('nan')):8.4f} "
            f"{result.get(f'recall@{K}', float('nan')):9.4f} "
            f"{result.get('rmse', float('nan')):6.3f} {seconds:8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
