"""The id and size convention (docs/concepts.md) across the non-sequence builders.

Every builder is built from one `IdEncoder`'s reported sizes with no
arithmetic by the caller, trained one step and ranked with `evaluate_topk`
against a plain numpy recall; column 0 (the reserved code) is never in a
top k.
"""

import inspect

import keras
import numpy as np
import pandas as pd
import pytest

import keras_recsys

K = 3


def _data():
    rng = np.random.default_rng(0)
    raw = pd.DataFrame(
        {
            "user": [f"u{u}" for u in rng.integers(0, 8, 60)],
            "item": [f"i{i}" for i in rng.integers(0, 12, 60)],
        }
    ).drop_duplicates()
    users = keras_recsys.data.IdEncoder().fit(raw["user"])
    items = keras_recsys.data.IdEncoder().fit(raw["item"])
    df = pd.DataFrame(
        {
            "user_id": users.transform(raw["user"]),
            "item_id": items.transform(raw["item"]),
        }
    )
    test = df.groupby("user_id").tail(1)
    train = df.drop(test.index)
    return users, items, train, test


USERS, ITEMS, TRAIN, TEST = _data()
NUM_USERS, NUM_ITEMS = USERS.vocabulary_size, ITEMS.vocabulary_size
ROWS = keras_recsys.data.interaction_matrix(TRAIN, NUM_USERS, NUM_ITEMS)
EVAL_USERS = TEST["user_id"].to_numpy()
TARGETS = [np.array([i]) for i in TEST["item_id"]]
SEEN = [ROWS[u].indices for u in EVAL_USERS]


def _specs():
    return (
        {"user_id": {"type": "id", "vocabulary_size": NUM_USERS, "embedding_dim": 4}},
        {"item_id": {"type": "id", "vocabulary_size": NUM_ITEMS, "embedding_dim": 4}},
    )


def _pairs():
    x = {
        "user_id": TRAIN["user_id"].to_numpy("int32"),
        "item_id": TRAIN["item_id"].to_numpy("int32"),
    }
    return x, np.ones((len(TRAIN), 1), "float32")


def _pair_model(model, loss):
    x, y = _pairs()
    if model.builder == "build_two_tower":
        y = x["item_id"]
    model.compile(optimizer="adam", loss=loss)
    model.fit(x, y, batch_size=len(y), epochs=1, verbose=0)
    catalog = keras_recsys.models.add_catalog_scores(
        model, {"item_id": np.arange(NUM_ITEMS)}
    )

    def scorer(users):
        queries = {"user_id": users, "item_id": np.ones_like(users)}
        return catalog.predict_on_batch(queries)["catalog"]

    return scorer, EVAL_USERS


def _row_model(model, loss, with_user=False):
    rows = ROWS.toarray()
    x = {"interactions": rows}
    if with_user:
        x["user_id"] = np.arange(NUM_USERS)
    model.compile(optimizer="adam", loss=loss)
    model.fit(x, rows, batch_size=NUM_USERS, epochs=1, verbose=0)
    queries = {name: value[EVAL_USERS] for name, value in x.items()}
    return model.predict_on_batch, queries


BCE = keras.losses.BinaryCrossentropy(from_logits=True)
BUILDS = {
    "build_ncf": lambda: _pair_model(
        keras_recsys.models.build_ncf(
            NUM_USERS, NUM_ITEMS, embedding_dim=4, hidden_units=(4,)
        ),
        BCE,
    ),
    "build_deepfm": lambda: _pair_model(
        keras_recsys.models.build_deepfm(
            {"user_id": NUM_USERS, "item_id": NUM_ITEMS},
            embedding_dim=4,
            hidden_units=(4,),
        ),
        BCE,
    ),
    "build_rating_model": lambda: _pair_model(
        keras_recsys.models.build_rating_model(*_specs(), hidden_units=(4,)), "mse"
    ),
    "build_two_tower": lambda: _pair_model(
        keras_recsys.models.build_two_tower(*_specs(), hidden_units=(4,)),
        keras_recsys.losses.InBatchSoftmaxLoss(),
    ),
    "build_cdae": lambda: _row_model(
        keras_recsys.models.build_cdae(NUM_USERS, NUM_ITEMS, hidden_units=4),
        BCE,
        with_user=True,
    ),
    "build_mult_dae": lambda: _row_model(
        keras_recsys.models.build_mult_dae(NUM_ITEMS, hidden_units=(4,), latent_dim=2),
        keras_recsys.losses.MultinomialLogLikelihood(),
    ),
    "build_mult_vae": lambda: _row_model(
        keras_recsys.models.build_mult_vae(NUM_ITEMS, hidden_units=(4,), latent_dim=2),
        keras_recsys.losses.MultinomialLogLikelihood(),
    ),
    "build_ease": lambda: (
        keras_recsys.models.build_ease(ROWS, l2_regularization=1.0).predict_on_batch,
        {"interactions": ROWS[EVAL_USERS].toarray()},
    ),
}


@pytest.mark.parametrize("builder", sorted(BUILDS))
def test_sizes_from_one_encoder_train_and_rank(builder):
    keras.utils.set_random_seed(0)
    scorer, queries = BUILDS[builder]()
    scores = keras.ops.convert_to_numpy(scorer(queries)).astype("float64")
    assert scores.shape == (len(EVAL_USERS), NUM_ITEMS)  # a column per code
    # Plain reference: top k of each row without the user's training items.
    recalls = []
    for row, seen, target in zip(scores, SEEN, TARGETS):
        row = row.copy()
        row[seen] = -np.inf
        top = np.argsort(-row, kind="stable")[:K]
        assert 0 not in top, f"{builder} recommends the reserved code 0"
        recalls.append(np.isin(target, top).mean())
    result = keras_recsys.evaluation.evaluate_topk(
        scorer,
        queries,
        TARGETS,
        exclude=SEEN,
        num_items=NUM_ITEMS,
        metrics=("recall",),
        ks=(K,),
        verbose=0,
    )
    assert result["num_users"] == len(EVAL_USERS)
    np.testing.assert_allclose(result[f"recall@{K}"], np.mean(recalls), atol=1e-6)


def test_autorec_rows_have_a_column_per_user_code():
    # I-AutoRec reads item rows of ratings by every user code (0 stays empty).
    rows = ROWS.T.toarray()
    model = keras_recsys.models.build_autorec(NUM_USERS, hidden_units=4)
    model.compile(optimizer="adam", loss=keras_recsys.losses.MaskedMeanSquaredError())
    history = model.fit(rows, rows, batch_size=NUM_ITEMS, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert model.predict(rows, verbose=0).shape == (NUM_ITEMS, NUM_USERS)


def test_every_builder_stamps_itself_and_takes_a_name():
    user_spec, item_spec = _specs()
    calls = {
        "build_ncf": ((NUM_USERS, NUM_ITEMS), "ncf_neumf"),
        "build_deepfm": (({"user_id": NUM_USERS, "item_id": NUM_ITEMS},), "deepfm"),
        "build_rating_model": ((user_spec, item_spec), "rating_model"),
        "build_two_tower": ((user_spec, item_spec), "two_tower"),
        "build_cdae": ((NUM_USERS, NUM_ITEMS), "cdae"),
        "build_mult_dae": ((NUM_ITEMS,), "mult_dae"),
        "build_mult_vae": ((NUM_ITEMS,), "mult_vae"),
        "build_ease": ((ROWS,), "ease"),
        "build_autorec": ((NUM_USERS,), "autorec"),
    }
    for builder, (args, default) in calls.items():
        build = getattr(keras_recsys.models, builder)
        model = build(*args, name="mine")
        assert isinstance(model, keras_recsys.models.BuiltModel), builder
        assert (model.builder, model.name) == (builder, "mine")
        signature = inspect.signature(build).parameters["name"].default
        assert signature in (default, None), builder  # build_ncf: ncf_<variant>
