"""evaluate_topk(..., beyond_accuracy=...): the measures of the lists it ranks,
against top-k lists made plainly in numpy (stable sort, exclusions, ties)."""

import numpy as np
import pytest
from _ranking_problems import ranking_problem

from keras_recsys.evaluation import beyond_accuracy
from keras_recsys.evaluation import evaluate_topk

MEASURES = ("coverage", "gini_index", "novelty", "tail_share", "intra_list_diversity")


def _lists(scores, targets, exclude, k):
    """Top k per user with a target: stable sort on -score, exclusions and
    the reserved code 0 out."""
    lists = []
    for u in range(len(scores)):
        if not len(targets[u]):
            continue
        s = scores[u].astype("float64")
        s[np.setdiff1d(exclude[u], targets[u])] = -np.inf
        s[0] = -np.inf  # column 0 is never ranked
        order = np.argsort(-s, kind="stable")
        order = order[np.isfinite(s[order])][:k]
        lists.append(np.concatenate([order, -np.ones(k - len(order), int)]))
    return np.stack(lists)


def test_full_catalog_matches_lists_in_numpy():
    scores, targets, exclude = ranking_problem(users=23, items=16)
    rng = np.random.default_rng(1)
    popularity = rng.integers(0, 20, size=scores.shape[1])
    embeddings = rng.normal(size=(scores.shape[1], 3))
    result = evaluate_topk(
        lambda q: scores[q],
        np.arange(len(scores)),
        targets,
        exclude=exclude,
        metrics=("precision",),
        ks=(3, 5),
        batch_size=8,  # several batches, the last one padded
        beyond_accuracy=MEASURES,
        item_popularity=popularity,
        item_embeddings=embeddings,
        num_training_users=20,
        verbose=0,
    )
    for k in (3, 5):
        expected = beyond_accuracy(
            _lists(scores, targets, exclude, k), popularity, 20, embeddings
        )
        for name in MEASURES:
            np.testing.assert_allclose(
                result[f"{name}@{k}"], expected[name], rtol=1e-6, err_msg=name
            )


def test_candidates_map_to_item_columns():
    scores, targets, _ = ranking_problem(seed=2, users=9, items=12)
    rng = np.random.default_rng(3)
    # Six candidates each: the targets, then random items (repeats allowed).
    candidates = np.stack(
        [np.concatenate([t, 1 + rng.permutation(11)[:6]])[:6] for t in targets]
    )
    popularity = rng.integers(0, 9, size=12)
    result = evaluate_topk(
        lambda q: scores[q],
        np.arange(9),
        targets,
        candidates=candidates,
        num_items=12,
        metrics=("recall",),
        ks=(2,),
        beyond_accuracy=("coverage", "novelty"),
        item_popularity=popularity,
        verbose=0,
    )
    lists = []
    for u in range(9):
        if not len(targets[u]):
            continue
        # A candidate listed twice counts once; ties: the earlier position.
        first = {int(i): p for p, i in reversed(list(enumerate(candidates[u])))}
        order = sorted(first, key=lambda i: (-scores[u, i], first[i]))[:2]
        lists.append(order)
    expected = beyond_accuracy(np.array(lists), popularity, 9)
    np.testing.assert_allclose(result["coverage@2"], expected["coverage"])
    np.testing.assert_allclose(result["novelty@2"], expected["novelty"])


def test_needs_popularity_and_known_names():
    scores, targets, exclude = ranking_problem(users=4, items=16)
    call = dict(targets=targets, exclude=exclude, verbose=0)
    with pytest.raises(ValueError, match="item_popularity"):
        evaluate_topk(
            lambda q: scores[q], np.arange(4), beyond_accuracy=("coverage",), **call
        )
    with pytest.raises(ValueError, match="beyond_accuracy"):
        evaluate_topk(
            lambda q: scores[q],
            np.arange(4),
            beyond_accuracy=("serendipity",),
            item_popularity=np.ones(16),
            **call,
        )
