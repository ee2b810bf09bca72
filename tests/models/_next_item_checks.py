"""Checks shared by the next-item builder tests (SASRec, GRU4Rec, Caser):
test_next_item_builders.py runs each on every builder."""

import os
import tempfile

import keras
import numpy as np
import pytest

import keras_recsys

NUM_ITEMS = 13  # the id table: item codes 1..12, 0 = padding
MAX_LEN = 6
SEQUENCES = np.array(
    [
        [0, 0, 0, 3, 5, 7],  # left padding
        [3, 5, 7, 0, 0, 0],  # the same items, right padding
        [0, 0, 0, 0, 0, 4],  # a single item
        [1, 2, 3, 4, 5, 6],
    ],
    dtype="int32",
)


def check_output_layout(build):
    model = build(NUM_ITEMS, MAX_LEN, embedding_dim=8)
    assert model.input.name == "item_sequence" or "item_sequence" in str(model.inputs)
    logits = model.predict(SEQUENCES, verbose=0)
    assert logits.shape == (4, NUM_ITEMS)
    np.testing.assert_allclose(logits[:, 0], -1e9)
    assert np.isfinite(logits).all()
    assert (logits[:, 1:] > -1e6).all()
    # The amount and side of padding does not change the output.
    np.testing.assert_allclose(logits[0], logits[1], rtol=1e-5, atol=1e-5)


def check_save_and_load(build, **kwargs):
    model = build(NUM_ITEMS, MAX_LEN, embedding_dim=8, **kwargs)
    inputs = SEQUENCES
    if kwargs.get("num_candidates"):
        inputs = {
            "item_sequence": SEQUENCES,
            "candidates": np.array([[1, 2, 0], [3, 4, 5], [6, 7, 8], [9, 10, 12]]),
        }
    expected = model.predict(inputs, verbose=0)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(inputs, verbose=0), expected, atol=1e-6)
    return model, expected


def check_one_object_scores_every_position(build):
    """The per-position output (what `fit` sees) at each row's last real
    position equals what `predict` returns."""
    model = build(NUM_ITEMS, MAX_LEN, embedding_dim=8)
    with model.get_layer("item_embedding").every_position():
        per_position = keras.ops.convert_to_numpy(model(SEQUENCES))
    assert per_position.shape == (4, MAX_LEN, NUM_ITEMS)
    last = model.predict(SEQUENCES, verbose=0)
    for row, ids in enumerate(SEQUENCES):
        last_real = np.flatnonzero(ids)[-1]
        np.testing.assert_allclose(
            last[row], per_position[row, last_real], rtol=1e-5, atol=1e-5
        )


def check_candidates_score_like_the_catalog(build):
    full = build(NUM_ITEMS, MAX_LEN, embedding_dim=8)
    sampled = build(NUM_ITEMS, MAX_LEN, embedding_dim=8, num_candidates=3)
    sampled.set_weights(full.get_weights())
    candidates = np.array([[1, 2, 0], [3, 4, 5], [6, 7, 8], [9, 10, 12]])
    scores = sampled.predict(
        {"item_sequence": SEQUENCES, "candidates": candidates}, verbose=0
    )
    logits = full.predict(SEQUENCES, verbose=0)
    np.testing.assert_allclose(
        scores, np.take_along_axis(logits, candidates, axis=1), rtol=1e-5, atol=1e-5
    )


def check_learns_a_deterministic_successor(build, epochs=40, **kwargs):
    """Item i is always followed by item i + 1: after training, the model's
    top recommendation after ..., i is i + 1 (checked against the rule, not
    against the model)."""
    rng = np.random.default_rng(0)
    rows = []
    for _ in range(64):
        length = rng.integers(2, MAX_LEN + 2)
        start = rng.integers(1, NUM_ITEMS - length + 1)
        rows.append(np.arange(start, start + length))
    inputs = np.zeros((len(rows), MAX_LEN), dtype="int32")
    targets = np.zeros((len(rows), MAX_LEN), dtype="int32")
    for r, seq in enumerate(rows):
        x, y = seq[:-1][-MAX_LEN:], seq[1:][-MAX_LEN:]
        inputs[r, MAX_LEN - len(x) :] = x
        targets[r, MAX_LEN - len(y) :] = y
    model = build(NUM_ITEMS, MAX_LEN, embedding_dim=16, **kwargs)
    model.compile(
        optimizer=keras.optimizers.Adam(0.02),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, ignore_class=0
        ),
    )
    model.fit(inputs, targets, batch_size=64, epochs=epochs, verbose=0)
    # The same object recommends: after item i comes i + 1 (i = 1..11).
    queries = np.zeros((NUM_ITEMS - 2, MAX_LEN), dtype="int32")
    queries[:, -1] = np.arange(1, NUM_ITEMS - 1)
    top = np.argmax(model.predict(queries, verbose=0), axis=1)
    accuracy = np.mean(top == np.arange(2, NUM_ITEMS))
    assert accuracy >= 0.75, accuracy  # chance is 1/12


def check_learns_with_sampled_negatives(build, loss, epochs=60, **kwargs):
    """The successor rule again, trained on the last position with one
    positive and 4 random negatives per sequence under `loss` (BPR or binary
    cross-entropy); the full-catalog model then ranks the true successor in
    its top 3 for most items."""
    rng = np.random.default_rng(1)
    num_negatives = 4
    sequences, candidates = [], []
    for _ in range(256):
        length = rng.integers(1, MAX_LEN + 1)
        start = rng.integers(1, NUM_ITEMS - length)
        seq = np.zeros(MAX_LEN, dtype="int32")
        seq[MAX_LEN - length :] = np.arange(start, start + length)
        positive = start + length
        negatives = rng.choice(
            [j for j in range(1, NUM_ITEMS) if j != positive], num_negatives
        )
        sequences.append(seq)
        candidates.append([positive, *negatives])
    sequences, candidates = np.array(sequences), np.array(candidates, dtype="int32")
    labels = np.zeros(candidates.shape, dtype="float32")
    labels[:, 0] = 1.0
    train = build(
        NUM_ITEMS, MAX_LEN, embedding_dim=16, num_candidates=1 + num_negatives, **kwargs
    )
    train.compile(optimizer=keras.optimizers.Adam(0.02), loss=loss)
    train.fit(
        {"item_sequence": sequences, "candidates": candidates},
        labels,
        batch_size=len(labels),
        epochs=epochs,
        verbose=0,
    )
    model = build(NUM_ITEMS, MAX_LEN, embedding_dim=16, **kwargs)
    model.set_weights(train.get_weights())
    queries = np.zeros((NUM_ITEMS - 2, MAX_LEN), dtype="int32")
    queries[:, -1] = np.arange(1, NUM_ITEMS - 1)
    logits = model.predict(queries, verbose=0)
    in_top3 = [
        (i + 1) in np.argsort(-logits[i - 1])[:3] for i in range(1, NUM_ITEMS - 1)
    ]
    assert np.mean(in_top3) >= 0.75, in_top3


def check_fit_predict_save_evaluate(build, **kwargs):
    """`fit` on per-position targets, `predict`, `.keras` save/load and
    `evaluate` with a ranking metric all work on the one returned object."""
    model = build(NUM_ITEMS, MAX_LEN, embedding_dim=8, **kwargs)
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, ignore_class=0
        ),
        metrics=[keras_recsys.metrics.HitRateAtK(k=3)],
    )
    targets = np.where(SEQUENCES > 0, np.roll(SEQUENCES, -1, axis=1), 0)
    targets[:, -1] = np.where(SEQUENCES[:, -1] > 0, 8, 0)
    history = model.fit(SEQUENCES, targets, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    logits = model.predict(SEQUENCES, verbose=0)
    assert logits.shape == (len(SEQUENCES), NUM_ITEMS)
    last_targets = np.array([9, 9, 5, 7])
    result = model.evaluate(SEQUENCES, last_targets, verbose=0, return_dict=True)
    # Hit rate @3 in plain numpy: the target among the 3 best columns 1..
    ranks = (logits[:, 1:] > logits[np.arange(4), last_targets][:, None]).sum(1)
    (hit_rate,) = [v for k, v in result.items() if k != "loss"]
    np.testing.assert_allclose(hit_rate, np.mean(ranks < 3), atol=1e-6)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(SEQUENCES, verbose=0), logits, atol=1e-5)


def check_candidates_out_of_range(build):
    """A candidate code outside 0..num_items-1 never reads another row: a
    clear error in eager calls, the -1e9 score in `predict`."""
    model = build(NUM_ITEMS, MAX_LEN, embedding_dim=8, num_candidates=2)
    candidates = np.array([[1, NUM_ITEMS], [2, 3], [4, 5], [6, 7]], dtype="int32")
    inputs = {"item_sequence": SEQUENCES, "candidates": candidates}
    with pytest.raises(ValueError, match="candidates"):
        model(inputs)
    if keras.backend.backend() == "torch":  # PyTorch's predict runs eagerly
        with pytest.raises(ValueError, match="candidates"):
            model.predict(inputs, verbose=0)
        return
    scores = model.predict(inputs, verbose=0)
    assert scores[0, 1] == -1e9 and (scores[:, 0] > -1e6).all()


def check_refuses_wrong_length(build):
    model = build(NUM_ITEMS, MAX_LEN, embedding_dim=8)
    for length in (MAX_LEN - 1, MAX_LEN + 1):
        with pytest.raises(ValueError, match="item_sequence|sequence_length"):
            model.predict(np.ones((2, length), dtype="int32"), verbose=0)


# Arguments every next-item builder refuses with a ValueError naming them.
INVALID_ARGUMENTS = [
    {"num_items": 0, "max_len": 4},
    {"num_items": 5, "max_len": 0},
    {"num_items": 5, "max_len": 4, "embedding_dim": 0},
    {"num_items": 5, "max_len": 4, "num_candidates": 0},
    {"num_items": 5, "max_len": 4, "training_output": "all"},
]


def check_invalid_arguments(builder, kwargs):
    """`builder(**kwargs)` raises a ValueError naming the bad argument."""
    bad = [k for k in kwargs if k not in ("num_items", "max_len")] or [
        k for k, v in kwargs.items() if v == 0
    ]
    with pytest.raises(ValueError, match=bad[0]):
        builder(**kwargs)
