"""Checks shared by the next-item builder tests (SASRec, GRU4Rec, Caser)."""

import os
import tempfile

import keras
import numpy as np

NUM_ITEMS = 12
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
    assert logits.shape == (4, NUM_ITEMS + 1)
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


def check_training_model_shares_weights(build):
    train = build(NUM_ITEMS, MAX_LEN, embedding_dim=8, return_sequences=True)
    model = build(NUM_ITEMS, MAX_LEN, embedding_dim=8)
    model.set_weights(train.get_weights())
    per_position = train.predict(SEQUENCES, verbose=0)
    assert per_position.shape == (4, MAX_LEN, NUM_ITEMS + 1)
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
        start = rng.integers(1, NUM_ITEMS - length + 2)
        rows.append(np.arange(start, start + length))
    inputs = np.zeros((len(rows), MAX_LEN), dtype="int32")
    targets = np.zeros((len(rows), MAX_LEN), dtype="int32")
    for r, seq in enumerate(rows):
        x, y = seq[:-1][-MAX_LEN:], seq[1:][-MAX_LEN:]
        inputs[r, MAX_LEN - len(x) :] = x
        targets[r, MAX_LEN - len(y) :] = y
    train = build(NUM_ITEMS, MAX_LEN, embedding_dim=16, return_sequences=True, **kwargs)
    train.compile(
        optimizer=keras.optimizers.Adam(0.02),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    train.fit(
        inputs,
        targets,
        sample_weight=(targets > 0).astype("float32"),
        batch_size=64,
        epochs=epochs,
        verbose=0,
    )
    model = build(NUM_ITEMS, MAX_LEN, embedding_dim=16, **kwargs)
    model.set_weights(train.get_weights())
    queries = np.zeros((NUM_ITEMS - 1, MAX_LEN), dtype="int32")
    for i in range(1, NUM_ITEMS):
        queries[i - 1, -1] = i
    top = np.argmax(model.predict(queries, verbose=0), axis=1)
    accuracy = np.mean(top == np.arange(2, NUM_ITEMS + 1))
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
        start = rng.integers(1, NUM_ITEMS - length + 1)
        seq = np.zeros(MAX_LEN, dtype="int32")
        seq[MAX_LEN - length :] = np.arange(start, start + length)
        positive = start + length
        negatives = rng.choice(
            [j for j in range(1, NUM_ITEMS + 1) if j != positive], num_negatives
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
    queries = np.zeros((NUM_ITEMS - 1, MAX_LEN), dtype="int32")
    queries[:, -1] = np.arange(1, NUM_ITEMS)
    logits = model.predict(queries, verbose=0)
    in_top3 = [(i + 1) in np.argsort(-logits[i - 1])[:3] for i in range(1, NUM_ITEMS)]
    assert np.mean(in_top3) >= 0.75, in_top3
