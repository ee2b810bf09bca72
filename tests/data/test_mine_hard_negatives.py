"""Tests for keras_recsys/data/mine_hard_negatives.py against a plain loop."""

import numpy as np
import pytest

from keras_recsys.data import mine_hard_negatives

pytestmark = pytest.mark.backend_independent


def _reference(queries, items, positives, m):
    out = []
    for q, pos in zip(queries, positives):
        scored = [
            (-float(np.dot(q, items[j])), j)
            for j in range(1, len(items))  # id 0 is reserved
            if j not in set(int(p) for p in pos)
        ]
        out.append([j for _, j in sorted(scored)[:m]])  # ties: lower id first
    return np.array(out)


def test_against_plain_loop_with_ties():
    rng = np.random.default_rng(0)
    # Integer-valued embeddings: many exact ties among the scores.
    queries = rng.integers(-2, 3, size=(13, 3)).astype("float32")
    items = rng.integers(-2, 3, size=(20, 3)).astype("float32")
    items[0] = 100.0  # the reserved row would otherwise win
    positives = [rng.choice(np.arange(1, 20), size=rng.integers(0, 4)) for _ in queries]
    before = [p.copy() for p in positives]
    got = mine_hard_negatives(queries, items, positives, num_negatives=4, batch_size=5)
    np.testing.assert_array_equal(got, _reference(queries, items, positives, 4))
    for p, b in zip(positives, before):
        np.testing.assert_array_equal(p, b)  # inputs untouched


def test_one_positive_per_query_array():
    items = np.array([[0.0], [1.0], [3.0], [2.0]])
    got = mine_hard_negatives(np.array([[1.0], [-1.0]]), items, np.array([2, 1]), 2)
    np.testing.assert_array_equal(got, [[3, 1], [3, 2]])


def test_invalid_inputs():
    items = np.eye(3)
    with pytest.raises(ValueError, match="same d"):
        mine_hard_negatives(np.ones((2, 2)), items, np.array([1, 1]))
    with pytest.raises(ValueError, match="positives"):
        mine_hard_negatives(np.ones((2, 3)), items, np.array([1, 3]))
    with pytest.raises(ValueError, match="num_negatives"):
        mine_hard_negatives(np.ones((1, 3)), items, np.array([1]), num_negatives=2)
    with pytest.raises(ValueError, match="one entry per query"):
        mine_hard_negatives(np.ones((2, 3)), items, [np.array([1])])
