"""Shows how to add keras_recsys layers, losses and metrics to an existing Keras model.

You already have a Keras model; keras_recsys drops into it like any Keras
layer, loss or metric. Here a plain functional model that maps a user's
history (a multi-hot row) to scores over the catalog gets:

- `keras_recsys.layers.IdEmbedding` for a user-id side input (ids out of range
  never read another user's row),
- `keras_recsys.losses.MultinomialLogLikelihood` as the training loss,
- streaming `keras_recsys.metrics.NDCGAtK` / `RecallAtK` / `PrecisionAtK` in
  `compile`, evaluated on held-out items with the user's training items marked
  `-1` (excluded from the ranking, the metrics' input contract),

and still saves to `.keras` and loads back in safe mode. Data: the planted
synthetic dataset of `keras_recsys.data.make_synthetic` (no download).

Run: python examples/existing_keras_model.py [--quick]
"""

import argparse
import pathlib
import tempfile

import keras
import numpy as np

import keras_recsys


def existing_model(num_users, num_items, hidden=64):
    """The "existing" model: a plain Keras MLP over the history row."""
    history = keras.Input(shape=(num_items,), name="history")
    user_id = keras.Input(shape=(), dtype="int32", name="user_id")
    x = keras.layers.Dense(hidden, activation="relu")(history)
    # Added: a keras_recsys id embedding for the user.
    user_vector = keras_recsys.layers.IdEmbedding(num_users, hidden)(user_id)
    x = keras.layers.Add()([x, user_vector])
    logits = keras.layers.Dense(num_items, name="logits")(x)
    return keras.Model({"history": history, "user_id": user_id}, logits)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 epoch, small data")
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args(argv)
    epochs = args.epochs or (1 if args.quick else 30)
    num_users, num_items = (200, 100) if args.quick else (1000, 500)

    df = keras_recsys.data.make_synthetic(
        num_users=num_users, num_items=num_items, interactions_per_user=25, seed=0
    )
    train, test = keras_recsys.data.random_split(df, ratios=(0.8, 0.2), seed=0)
    train_rows = keras_recsys.data.interaction_matrix(
        train, num_users, num_items
    ).toarray()
    test_rows = keras_recsys.data.interaction_matrix(
        test, num_users, num_items
    ).toarray()
    train_rows = np.minimum(train_rows, 1).astype("float32")
    # Evaluation targets: held-out items relevant (1), training items excluded
    # (-1), everything else not relevant (0).
    eval_targets = np.where(train_rows > 0, -1.0, np.minimum(test_rows, 1))
    users = np.arange(num_users, dtype="int32")
    inputs = {"history": train_rows, "user_id": users}

    model = existing_model(num_users, num_items)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras_recsys.losses.MultinomialLogLikelihood(),
        metrics=[
            keras_recsys.metrics.NDCGAtK(k=10),
            keras_recsys.metrics.RecallAtK(k=10),
            keras_recsys.metrics.PrecisionAtK(k=10),
        ],
    )
    print(
        "before training:",
        model.evaluate(inputs, eval_targets, verbose=0, return_dict=True),
    )
    # The model learns to reconstruct each user's history; the metrics are
    # computed on the held-out items only, with the history excluded.
    model.fit(inputs, train_rows, epochs=epochs, batch_size=64, verbose=2)
    result = model.evaluate(inputs, eval_targets, verbose=0, return_dict=True)
    print("after training: ", result)

    # A popularity ranking as a sanity line, with the same metric objects.
    popularity = np.tile(train_rows.sum(axis=0), (num_users, 1))
    ndcg = keras_recsys.metrics.NDCGAtK(k=10)
    ndcg.update_state(eval_targets, popularity)
    print(f"popularity ndcg@10: {float(ndcg.result()):.4f}")

    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp, "existing_model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
        np.testing.assert_allclose(
            loaded.predict(inputs, verbose=0),
            model.predict(inputs, verbose=0),
            rtol=1e-5,
            atol=1e-5,
        )
        print(f"saved to .keras and loaded back in safe mode: {path.name}")


if __name__ == "__main__":
    main()
