"""Tests for keras_recsys/evaluation/beyond_accuracy.py: plain-loop references."""

import math

import numpy as np
import pytest

from keras_recsys.evaluation import beyond_accuracy
from keras_recsys.evaluation.beyond_accuracy import MEASURES
from keras_recsys.evaluation.beyond_accuracy import Accumulator

pytestmark = pytest.mark.backend_independent


def _reference(top, popularity, num_users, embeddings, tail_ratio):
    # Column 0 is the reserved id: the catalog is columns 1..len - 1.
    catalog = range(1, len(popularity))
    n = len(catalog)
    lists = [[int(i) for i in row if i >= 0] for row in top]
    lists_with_items = [items for items in lists if items]
    counts = {i: 0 for i in catalog}
    for items in lists:
        for i in items:
            counts[i] += 1
    counts = list(counts.values())
    # Gini: mean absolute difference over all ordered pairs / (2 * mean).
    mean = sum(counts) / n
    gini = sum(abs(a - b) for a in counts for b in counts) / (2 * n * n * mean)
    recommended = [i for items in lists for i in items]
    novelty = sum(-math.log2(max(popularity[i], 1) / num_users) for i in recommended)
    ranked = sorted(catalog, key=lambda i: (-popularity[i], i))
    head = set(ranked[: n - round(tail_ratio * n)])
    diversities = []
    for items in lists:
        if len(items) < 2:
            continue
        sims = []
        for x in range(len(items)):
            for y in range(len(items)):
                if x == y:
                    continue
                u, v = embeddings[items[x]], embeddings[items[y]]
                norm = np.linalg.norm(u) * np.linalg.norm(v)
                sims.append(float(u @ v / norm) if norm > 0 else 0.0)
        diversities.append(1.0 - sum(sims) / len(sims))
    return {
        "coverage": sum(c > 0 for c in counts) / n,
        "gini_index": gini,
        "novelty": novelty / len(recommended),
        "average_popularity": np.mean(
            [np.mean([popularity[i] for i in items]) for items in lists_with_items]
        ),
        "tail_share": np.mean(
            [np.mean([i not in head for i in items]) for items in lists_with_items]
        ),
        "intra_list_diversity": np.mean(diversities),
    }


def test_against_plain_loops():
    rng = np.random.default_rng(0)
    num_items, k = 30, 5
    popularity = rng.integers(0, 40, size=num_items)
    popularity[:5] = 7  # ties in popularity (column 0 too: it is no item)
    top = np.stack([1 + rng.permutation(num_items - 1)[:k] for _ in range(12)])
    top[0, 3:] = -1  # a user with fewer than k rankable items
    top[1] = -1  # a user with none
    top[2, 1:] = -1  # one item: no pair for diversity
    embeddings = rng.normal(size=(num_items, 4))
    embeddings[5] = 0.0  # no direction
    result = beyond_accuracy(top, popularity, 40, item_embeddings=embeddings)
    expected = _reference(top, popularity, 40, embeddings, 0.8)
    assert set(result) == set(expected)
    for name, value in expected.items():
        np.testing.assert_allclose(result[name], value, rtol=1e-10, err_msg=name)


def test_extremes():
    popularity = np.array([9, 5, 3, 2, 1])  # column 0: the reserved id
    # Everyone gets the same single item: coverage 1/4, Gini (n - 1) / n.
    same = beyond_accuracy(np.ones((6, 1), int), popularity, num_users=5)
    assert same["coverage"] == 0.25
    np.testing.assert_allclose(same["gini_index"], 0.75)
    assert same["novelty"] == 0.0  # seen by every user
    # Every item equally often: Gini 0, coverage 1.
    even = beyond_accuracy(np.array([[1, 2], [3, 4]]), popularity, num_users=5)
    assert even["coverage"] == 1.0 and even["gini_index"] == 0.0
    ortho = beyond_accuracy(
        np.array([[1, 2]]), popularity, 5, item_embeddings=np.eye(5)
    )
    assert ortho["intra_list_diversity"] == 1.0


def test_streaming_equals_whole():
    rng = np.random.default_rng(1)
    num_items = 25
    popularity = rng.integers(0, 30, size=num_items)
    embeddings = rng.normal(size=(num_items, 3))
    top = np.stack([1 + rng.permutation(num_items - 1)[:6] for _ in range(11)])
    top[3, 2:] = -1
    stream = Accumulator(
        popularity, 30, ks=(2, 6), item_embeddings=embeddings, measures=MEASURES
    )
    for start in range(0, len(top), 4):
        stream.update(top[start : start + 4])
    streamed = stream.result()
    for k in (2, 6):
        whole = _reference(top[:, :k], popularity, 30, embeddings, 0.8)
        for name, value in whole.items():
            np.testing.assert_allclose(streamed[f"{name}@{k}"], value, rtol=1e-10)


def test_invalid_inputs():
    popularity = np.array([1, 2, 3])
    with pytest.raises(ValueError, match="top_items"):
        beyond_accuracy(np.array([[1, 3]]), popularity, 3)
    with pytest.raises(ValueError, match="reserved"):
        beyond_accuracy(np.array([[0, 1]]), popularity, 3)
    with pytest.raises(ValueError, match="top_items"):
        beyond_accuracy(np.array([0, 1]), popularity, 3)
    with pytest.raises(ValueError, match="item_popularity"):
        beyond_accuracy(np.array([[1]]), np.array([1.0, np.nan]), 3)
    with pytest.raises(ValueError, match="num_users"):
        beyond_accuracy(np.array([[1]]), popularity, 0)
    with pytest.raises(ValueError, match="tail_ratio"):
        beyond_accuracy(np.array([[1]]), popularity, 3, tail_ratio=1.5)
    with pytest.raises(ValueError, match="item_embeddings"):
        beyond_accuracy(np.array([[1]]), popularity, 3, item_embeddings=np.eye(2))
