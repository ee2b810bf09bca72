"""Tests for keras_recsys/callbacks/top_k_evaluation.py."""

import pathlib
import sys

import keras
import numpy as np
import pytest

import keras_recsys
from keras_recsys.callbacks import TopKEvaluation
from keras_recsys.utils.testing import run_serialization_test

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "metrics"))
import ranking_reference as ref  # noqa: E402

USERS, ITEMS = 24, 15


def _data(seed=0):
    rng = np.random.default_rng(seed)
    rows = (rng.random((USERS, ITEMS)) < 0.3).astype("float32")
    targets = [np.flatnonzero(rng.random(ITEMS) < 0.2) for _ in range(USERS)]
    exclude = [np.flatnonzero(r) for r in rows]
    return rows, targets, exclude


def _model():
    model = keras_recsys.models.build_mult_dae(ITEMS, hidden_units=(8,), seed=0)
    model.compile(
        optimizer=keras.optimizers.Adam(0.05),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
    )
    return model


def _reference(model, rows, targets, exclude, name, k):
    scores = model.predict(rows, verbose=0)
    labels = np.zeros(scores.shape, "float32")
    for u, (t, e) in enumerate(zip(targets, exclude)):
        labels[u, e] = -1.0
        labels[u, t] = 1.0
    labels[:, 0] = -1.0  # code 0 is never recommended nor relevant
    return ref.mean(name, labels, scores, k)


class _Recorder(keras.callbacks.Callback):
    """After TopKEvaluation: the reference figure with this epoch's weights."""

    def __init__(self, data):
        super().__init__()
        self.data, self.expected = data, []

    def on_epoch_end(self, epoch, logs=None):
        self.expected.append(_reference(self.model, *self.data, "ndcg", 5))


def test_logs_equal_the_reference_each_epoch_and_drive_early_stopping(tmp_path):
    rows, targets, exclude = _data()
    model = _model()
    top_k = TopKEvaluation(
        (rows, targets), metrics=("ndcg", "recall"), k=(5, 10), exclude=exclude
    )
    recorder = _Recorder((rows, targets, exclude))
    stop = keras.callbacks.EarlyStopping(
        monitor="val_ndcg@5", mode="max", patience=1, restore_best_weights=True
    )
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "best.keras"),
        monitor="val_ndcg@5",
        mode="max",
        save_best_only=True,
    )
    history = model.fit(
        rows,
        rows,
        epochs=6,
        batch_size=8,
        verbose=0,
        callbacks=[top_k, recorder, stop, checkpoint],
    )
    logged = history.history["val_ndcg@5"]
    np.testing.assert_allclose(logged, recorder.expected, rtol=1e-5, atol=1e-7)
    assert set(history.history) >= {"val_recall@5", "val_recall@10", "val_ndcg@10"}
    # The restored weights are the best epoch's (or the last, if it was best).
    best = _reference(model, rows, targets, exclude, "ndcg", 5)
    if len(logged) < 6 or int(np.argmax(logged)) == len(logged) - 1:
        np.testing.assert_allclose(best, max(logged), rtol=1e-5, atol=1e-7)
    saved = keras.saving.load_model(str(tmp_path / "best.keras"))
    np.testing.assert_allclose(
        _reference(saved, rows, targets, exclude, "ndcg", 5), max(logged), rtol=1e-5
    )


def test_every_and_unknown_users():
    rows, targets, _ = _data(1)
    targets = [t[t > 0] for t in targets]  # item 0 would be "unknown" too
    queries = rows.copy()
    queries[3] = 0.0  # an empty history: unknown with unknown_id=0
    top_k = TopKEvaluation(
        (queries, targets), metrics="hit_rate", k=3, every=2, unknown_id=0
    )
    model = _model()
    with pytest.warns(UserWarning, match="unknown users"):
        history = model.fit(rows, rows, epochs=4, verbose=0, callbacks=[top_k])
    # Evaluated after epochs 2 and 4 only: the logs of epochs 1 and 3 lack it.
    assert [epoch for epoch, _ in top_k.results] == [1, 3]
    assert len(history.history["val_hit_rate@3"]) == 2
    assert history.history["val_num_unknown_users"] == [1, 1]


def test_bad_arguments_and_serialization():
    rows, targets, _ = _data()
    with pytest.raises(ValueError, match="validation_data"):
        TopKEvaluation(rows)
    with pytest.raises(ValueError, match="metrics"):
        TopKEvaluation((rows, targets), metrics=("auc",))
    with pytest.raises(ValueError, match="k"):
        TopKEvaluation((rows, targets), k=0)
    with pytest.raises(ValueError, match="every"):
        TopKEvaluation((rows, targets), every=0)
    revived = run_serialization_test(
        TopKEvaluation,
        {
            "validation_data": (rows[:3], np.array([1, 2, 3])),
            "metrics": ("ndcg",),
            "k": 5,
            "exclude": [[0], [1, 2], []],
        },
    )
    assert revived.k == (5,)
    np.testing.assert_array_equal(revived.validation_data[1], [1, 2, 3])
