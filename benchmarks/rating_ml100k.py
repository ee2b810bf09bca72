"""Feature-based rating model on ML-100K u1.base / u1.test.

`keras_recsys.models.build_rating_model`: user features (id, age, gender,
occupation from u.user) and item features (id, genres from u.item) through
an MLP, with per-id biases, trained with mean squared error. Its test RMSE is
compared with two baselines computed here on the same split: the global mean
rating, and user/item biases fitted in closed form with regularization
(Koren 2010: b_i = sum(r - mu) / (lambda_i + n_i), then
b_u = sum(r - mu - b_i) / (lambda_u + n_u)).

5% of u1.base is held out to choose the epoch (early stopping with the best
weights restored); u1.test is used only for the final figures. Predictions
are clipped to [1, 5] for every method.

Run (hold the team's benchmark lock):

    KERAS_RECSYS_DATA=/work/shared/data flock /tmp/keras_recsys_bench.lock \\
        .venv/bin/python benchmarks/rating_ml100k.py

`--quick` trains one epoch.
"""

import argparse
import os
import pathlib
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import _common  # noqa: E402
import _movielens100k as ml  # noqa: E402

import keras_recsys  # noqa: E402


def rmse(pred, truth):
    return float(np.sqrt(np.mean((np.clip(pred, 1.0, 5.0) - truth) ** 2)))


def bias_baseline(train, test, reg_item=25.0, reg_user=10.0):
    mu = train["rating"].mean()
    dev = train["rating"] - mu
    item_sum = dev.groupby(train["item_id"]).sum()
    item_n = train.groupby("item_id").size()
    b_i = item_sum / (reg_item + item_n)
    resid = dev - train["item_id"].map(b_i)
    b_u = resid.groupby(train["user_id"]).sum() / (
        reg_user + train.groupby("user_id").size()
    )
    pred = (
        mu
        + test["item_id"].map(b_i).fillna(0.0).to_numpy()
        + test["user_id"].map(b_u).fillna(0.0).to_numpy()
    )
    return pred


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--embedding-dim", type=int, default=16)
    parser.add_argument("--units", type=int, nargs="+", default=[64, 32])
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--l2", type=float, default=1e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=None)
    args = parser.parse_args()
    if args.quick:
        args.epochs = 1

    data = ml.load()
    train = ml.read_ratings(pathlib.Path(data.path) / "u1.base")
    test = ml.read_ratings(pathlib.Path(data.path) / "u1.test")
    users, items = ml.user_table(data), ml.item_table(data)
    num_users, num_items = len(users["gender"]), len(items["genres"])

    global_rmse = rmse(np.full(len(test), train["rating"].mean()), test["rating"])
    bias_rmse = rmse(bias_baseline(train, test), test["rating"].to_numpy())

    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    is_val = rng.random(len(train)) < 0.05
    fit_df, val_df = train[~is_val], train[is_val]
    dim = args.embedding_dim
    reg = keras.regularizers.L2(args.l2) if args.l2 else None
    user_features, item_features = ml.feature_specs(
        users, items, num_users, num_items, dim
    )
    model = keras_recsys.models.build_rating_model(
        user_features=user_features,
        item_features=item_features,
        hidden_units=args.units,
        dropout=args.dropout,
        global_mean=float(fit_df["rating"].mean()),
        embeddings_regularizer=reg,
        kernel_regularizer=reg,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(args.lr),
        loss="mse",
        metrics=[keras.metrics.RootMeanSquaredError(name="rmse")],
    )
    start = time.perf_counter()
    history = model.fit(
        ml.features(fit_df, users, items),
        fit_df["rating"].to_numpy().astype("float32"),
        validation_data=(
            ml.features(val_df, users, items),
            val_df["rating"].to_numpy().astype("float32"),
        ),
        epochs=args.epochs,
        batch_size=args.batch_size,
        callbacks=[
            keras.callbacks.EarlyStopping(
                monitor="val_rmse", patience=3, restore_best_weights=True
            )
        ],
        verbose=2,
    )
    seconds = time.perf_counter() - start
    pred = model.predict(ml.features(test, users, items), batch_size=4096, verbose=0)[
        :, 0
    ]
    model_rmse = rmse(pred, test["rating"].to_numpy())
    best_epoch = int(np.argmin(history.history["val_rmse"])) + 1

    print(f"\nML-100K u1.base -> u1.test ({len(train)} / {len(test)} ratings)")
    print(f"{'method':34s} {'test RMSE':>9s}")
    print(f"{'global mean':34s} {global_rmse:9.4f}")
    print(f"{'user/item biases (closed form)':34s} {bias_rmse:9.4f}")
    print(f"{'build_rating_model (features MLP)':34s} {model_rmse:9.4f}")
    beats = model_rmse < bias_rmse and model_rmse < global_rmse
    print(
        f"beats both baselines: {beats}; epochs {len(history.history['loss'])}, "
        f"best {best_epoch}, {seconds:.0f}s"
    )
    if args.quick:
        return
    result = {
        "benchmark": "rating_ml100k",
        "split": "ml-100k u1.base / u1.test (5% of u1.base held out for early stopping)",
        **_common.environment(),
        "results": {
            "global_mean": {"rmse": round(global_rmse, 4)},
            "user_item_biases": {"rmse": round(bias_rmse, 4)},
            "rating_model": {"rmse": round(model_rmse, 4)},
        },
        "beats_both_baselines": beats,
        "epochs_run": len(history.history["loss"]),
        "best_epoch": best_epoch,
        "train_seconds": round(seconds, 1),
    }
    _common.save(__file__, args, result)


if __name__ == "__main__":
    main()
