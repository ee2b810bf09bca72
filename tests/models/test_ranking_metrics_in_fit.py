"""Every builder family trains with a ranking metric in `compile` (MovieLens-100K).

For each family the validation figure `fit` prints for its last epoch
(`val_..ndcg@10`) equals `evaluate_topk` on the same validation users and a
plain numpy reference computed from the model's scores. Tiny on purpose: the
first 60 users of MovieLens-100K, small dimensions, one epoch; the last
rated item of each user is held out, the others are excluded from ranking
where the layout allows it.
"""

import pathlib
import sys

import keras
import numpy as np
import pytest
from _feature_specs import tower_specs

import keras_recsys
from keras_recsys import metrics

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "metrics"))
import ranking_reference as ref  # noqa: E402

NUM_USERS = 60
MAX_LEN = 8
SCE = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def _load(ml100k_dir):
    data = np.loadtxt(ml100k_dir / "u.data", dtype="int64")
    data = data[data[:, 0] <= NUM_USERS]
    data = data[np.lexsort((data[:, 3], data[:, 0]))]
    num_items = int(np.loadtxt(ml100k_dir / "u.data", dtype="int64")[:, 1].max())
    users, items, ratings = data[:, 0], data[:, 1], data[:, 2]
    last = np.r_[users[1:] != users[:-1], True]
    history = [items[(users == u) & ~last] for u in range(1, NUM_USERS + 1)]
    return {
        "num_items": num_items,
        "users": users[~last],
        "items": items[~last],
        "ratings": ratings[~last].astype("float32"),
        "history": history,
        "target": items[last],  # ids 1..num_items, one per user 1..NUM_USERS
    }


def _windows(data):
    """Next-item examples: the MAX_LEN items before each of the last training
    items of each user (a few per user keep the test fast)."""
    x, y = [], []
    for seq in data["history"]:
        for t in range(max(1, len(seq) - 8), len(seq)):
            x.append(np.pad(seq[max(0, t - MAX_LEN) : t], (MAX_LEN, 0))[-MAX_LEN:])
            y.append(seq[t])
    last = [np.pad(s[-MAX_LEN:], (MAX_LEN, 0))[-MAX_LEN:] for s in data["history"]]
    return np.array(x), np.array(y), np.array(last)


def _rows(data, shift):
    rows = np.zeros((NUM_USERS, data["num_items"] + 1 - shift), "float32")
    rows[data["users"] - 1, data["items"] - shift] = 1.0
    return rows


def _sequence(build, **kwargs):
    def recipe(data):
        x, y, last = _windows(data)
        model = build(  # the id table: codes 1..num_items, 0 = padding
            num_items=data["num_items"] + 1, max_len=MAX_LEN, embedding_dim=8, **kwargs
        )
        # The loss reads the same `y`: no exclusions here (TopKEvaluation
        # excludes the history of sequence models).
        no_exclusions = [np.array([], "int64")] * NUM_USERS
        return model, SCE, (x, y), (last, data["target"]), no_exclusions, 0

    return recipe


def _autoencoder(build, loss, with_user=False):
    def recipe(data):
        rows = _rows(data, shift=1)  # column j is item id j + 1
        labels = -rows  # training items excluded, the target relevant
        labels[np.arange(NUM_USERS), data["target"] - 1] = 1.0
        model = build(rows.shape[1])
        x = (
            {"interactions": rows, "user_id": np.arange(NUM_USERS)}
            if with_user
            else rows
        )
        return model, loss, (x, rows), (x, labels), data["history"], 1

    return recipe


def _pairs(build, loss, labels="clicks"):
    """Pair scorers and two-tower: `add_catalog_scores` gives them catalog scores."""

    def recipe(data):
        n = data["num_items"] + 1
        model = keras_recsys.models.add_catalog_scores(
            build(n), {"item_id": np.arange(n)}
        )
        # A random 640 of the training interactions keep the test fast.
        rng = np.random.default_rng(0)
        keep = np.sort(rng.choice(len(data["items"]), 640, replace=False))
        users, items = data["users"][keep], data["items"][keep]
        if labels == "clicks":  # positives and as many random negatives
            y = np.r_[np.ones(len(items)), np.zeros(len(items))]
            users = np.concatenate([users, users])
            items = np.concatenate([items, rng.integers(1, n, len(items))])
        elif labels == "ratings":
            y = data["ratings"][keep]
        else:  # in-batch softmax: the item ids
            y = items
        catalog_y = np.where(y > 0, items, -1) if labels == "clicks" else items
        val_users = np.arange(1, NUM_USERS + 1)
        val_y = metrics.sparse_targets(data["target"], exclude=data["history"])
        val_x = {"user_id": val_users, "item_id": data["target"]}
        val_scores = data["target"] if labels == "in_batch" else np.ones(NUM_USERS)
        return (
            model,
            {"scores": loss, "catalog": None},
            ({"user_id": users, "item_id": items}, {"scores": y, "catalog": catalog_y}),
            (val_x, {"scores": val_scores, "catalog": val_y}),
            data["history"],
            0,
        )

    return recipe


def _two_tower(n):
    specs = tower_specs(NUM_USERS + 1, n, embedding_dim=8)
    return keras_recsys.models.build_two_tower(*specs, hidden_units=(8,))


def _rating_model(n):
    specs = tower_specs(NUM_USERS + 1, n, embedding_dim=4)
    return keras_recsys.models.build_rating_model(*specs, hidden_units=(8,))


BCE = keras.losses.BinaryCrossentropy(from_logits=True)
FAMILIES = {
    "ncf": _pairs(
        lambda n: keras_recsys.models.build_ncf(
            NUM_USERS + 1, n, embedding_dim=4, hidden_units=(8,)
        ),
        BCE,
    ),
    "two_tower": _pairs(
        _two_tower, keras_recsys.losses.InBatchSoftmaxLoss(), labels="in_batch"
    ),
    "deepfm": _pairs(
        lambda n: keras_recsys.models.build_deepfm(
            {"user_id": NUM_USERS + 1, "item_id": n}, embedding_dim=4, hidden_units=(8,)
        ),
        BCE,
    ),
    "rating_model": _pairs(_rating_model, "mse", labels="ratings"),
    "gru4rec": _sequence(keras_recsys.models.build_gru4rec),
    # Small graphs: compiling them is most of the test's time.
    "caser": _sequence(
        keras_recsys.models.build_caser, window=2, num_horizontal=4, num_vertical=2
    ),
    "sasrec": _sequence(keras_recsys.models.build_sasrec, num_blocks=1),
    "autorec": _autoencoder(
        lambda n: keras_recsys.models.build_autorec(n, hidden_units=8),
        keras_recsys.losses.MaskedMeanSquaredError(),
    ),
    "mult_dae": _autoencoder(
        lambda n: keras_recsys.models.build_mult_dae(n, hidden_units=(), latent_dim=8),
        keras_recsys.losses.MultinomialLogLikelihood(),
    ),
    "mult_vae": _autoencoder(
        lambda n: keras_recsys.models.build_mult_vae(n, hidden_units=(), latent_dim=8),
        keras_recsys.losses.MultinomialLogLikelihood(),
    ),
    "cdae": _autoencoder(
        lambda n: keras_recsys.models.build_cdae(NUM_USERS, n, hidden_units=8),
        BCE,
        with_user=True,
    ),
}


@pytest.mark.slow
@pytest.mark.real_data
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_fit_reports_the_catalog_figure_of_evaluate_topk(family, ml100k_dir):
    data = _load(ml100k_dir)
    model, loss, (x, y), (val_x, val_y), exclude, shift = FAMILIES[family](data)
    paired = isinstance(loss, dict)
    ranking = [metrics.NDCGAtK(10)]
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=loss,
        metrics={"catalog": ranking} if paired else ranking,
    )
    history = model.fit(
        x, y, batch_size=256, epochs=1, validation_data=(val_x, val_y), verbose=0
    )
    logged = history.history["val_catalog_ndcg@10" if paired else "val_ndcg@10"][-1]

    # The same figure from the trained model's scores, two independent ways.
    scores = model.predict(val_x, batch_size=256, verbose=0)
    scores = scores["catalog"] if paired else scores
    targets = data["target"] - shift
    labels = np.zeros(scores.shape, "float32")
    for u, (t, e) in enumerate(zip(targets, exclude)):
        labels[u, np.asarray(e) - shift] = -1.0
        labels[u, t] = 1.0
    reference = ref.mean("ndcg", labels, scores, 10)
    topk = keras_recsys.evaluation.evaluate_topk(
        lambda rows: scores[rows],
        np.arange(NUM_USERS),
        targets,
        exclude=[np.asarray(e) - shift for e in exclude],
        metrics=("ndcg",),
        verbose=0,
    )
    np.testing.assert_allclose(logged, reference, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(topk["ndcg@10"], reference, rtol=1e-5, atol=1e-7)
    assert topk["num_users"] == NUM_USERS
