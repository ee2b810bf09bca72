"""Tests for keras_recsys/evaluation/evaluate_topk.py against the numpy reference."""

import pathlib
import sys
import warnings

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from _ranking_problems import ranking_problem

import keras_recsys
from keras_recsys.evaluation import evaluate_topk
from keras_recsys.evaluation import most_popular_scorer
from keras_recsys.evaluation import pairwise_scorer

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "metrics"))
import ranking_reference as ref  # noqa: E402

NAMES = ("precision", "recall", "f1", "ndcg", "map", "hit_rate", "mrr")


def _expected(scores, targets, exclude, ks, **kwargs):
    labels, _ = _label_and_scores(scores, targets, exclude)
    out = {}
    for name in NAMES:
        for k in ks:
            out[f"{name}@{k}"] = ref.mean(name, labels, scores, k, **kwargs)
    out["num_users"] = int((labels > 0).any(axis=1).sum())
    return out


def _check(got, expected):
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, rtol=1e-5, atol=1e-7, err_msg=key)


@pytest.mark.parametrize("batch_size", [1, 8, 256])
def test_full_catalog_matches_reference(batch_size):
    scores, targets, exclude = ranking_problem()
    got = evaluate_topk(
        lambda users: scores[users],
        np.arange(len(scores)),
        targets,
        exclude,
        ks=(1, 5, 25),
        batch_size=batch_size,
        verbose=0,
    )
    _check(got, _expected(scores, targets, exclude, (1, 5, 25)))


def test_csr_inputs_sparse_queries_and_options():
    scores, targets, exclude = ranking_problem(seed=1)
    users, items = scores.shape

    def csr(rows):
        r = np.repeat(np.arange(users), [len(x) for x in rows])
        c = np.concatenate(rows)
        return sp.csr_matrix((np.ones(len(c)), (r, c)), shape=(users, items))

    # The scorer sees a densified batch of the sparse queries.
    queries = sp.csr_matrix(np.arange(users)[:, None].astype("float32") + 1.0)
    got = evaluate_topk(
        lambda q: scores[q[:, 0].astype(int) - 1],
        queries,
        csr(targets),
        csr(exclude),
        ks=(3,),
        cap_at_k=True,
        gain="linear",
        batch_size=10,
        verbose=0,
    )
    _check(
        got,
        _expected(scores, targets, exclude, (3,), cap_at_k=True, gain="linear")
        | {
            f"{n}@3": ref.mean(
                n, *_label_and_scores(scores, targets, exclude), 3, cap_at_k=True
            )
            for n in ("recall",)
        },
    )


def _label_and_scores(scores, targets, exclude):
    labels = np.zeros(scores.shape, "float32")
    for u, (t, e) in enumerate(zip(targets, exclude)):
        labels[u, e] = -1.0
        labels[u, t] = 1.0
    labels[:, 0] = -1.0  # code 0 is never recommended
    return labels, scores


def _dot_product_model(users, items, dim, rng):
    """A one-input model scoring `user_table @ item_table.T`, and its tables."""
    user_table = rng.normal(size=(users, dim)).astype("float32")
    item_table = rng.normal(size=(items, dim)).astype("float32")
    user_id = keras.Input(shape=(), dtype="int32", name="user_id")
    embedded = keras.layers.Embedding(
        users, dim, embeddings_initializer=keras.initializers.Constant(user_table)
    )(user_id)
    dense = keras.layers.Dense(items, use_bias=False)
    model = keras.Model(user_id, dense(embedded))
    dense.kernel.assign(item_table.T)
    return model, user_table, item_table


def test_keras_model_scorer_and_progress_bar(capsys):
    rng = np.random.default_rng(2)
    users, items = 30, 40
    model, user_table, item_table = _dot_product_model(users, items, 4, rng)
    targets = [rng.choice(np.arange(1, items), 2, replace=False) for _ in range(users)]
    got = evaluate_topk(
        model, np.arange(users), targets, ks=(5,), batch_size=7, verbose=1
    )
    assert "5/5" in capsys.readouterr().out
    scores = user_table @ item_table.T
    labels = np.zeros((users, items), "float32")
    for u, t in enumerate(targets):
        labels[u, t] = 1.0
    labels[:, 0] = -1.0
    np.testing.assert_allclose(
        got["ndcg@5"], ref.mean("ndcg", labels, scores, 5), rtol=1e-4
    )


def test_named_queries_of_a_one_input_model_print_no_structure_warning():
    rng = np.random.default_rng(3)
    model, _, _ = _dot_product_model(12, 9, 3, rng)
    targets = [rng.choice(np.arange(1, 9), 2, replace=False) for _ in range(12)]
    bare = evaluate_topk(model, np.arange(12), targets, ks=(3,), verbose=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        named = evaluate_topk(
            model, {"user_id": np.arange(12)}, targets, ks=(3,), verbose=0
        )
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "doesn't match the expected" in m], messages
    assert named == bare


def test_sampled_protocol_pairwise_and_gathered():
    rng = np.random.default_rng(3)
    users, items = 12, 50
    table = rng.normal(size=(users, items)).astype("float32")
    held_out = rng.integers(1, items, size=users)
    negatives = rng.integers(1, items, size=(users, 9))
    candidates = np.concatenate([held_out[:, None], negatives], axis=1)
    candidates[0, 5] = held_out[0]  # a repeated candidate is ranked once
    labels = (candidates == held_out[:, None]).astype("float32")
    labels[0, 5] = -1.0
    expected = ref.mean("hit_rate", labels, np.take_along_axis(table, candidates, 1), 3)

    def pair(users_batch, cands):
        return table[users_batch[:, None], cands]

    for scorer in (pair, lambda users_batch: table[users_batch]):
        got = evaluate_topk(
            scorer,
            np.arange(users),
            held_out,
            num_items=items,
            candidates=candidates,
            metrics=("hit_rate",),
            ks=3,
            batch_size=5,
            verbose=0,
        )
        np.testing.assert_allclose(got["hit_rate@3"], expected, rtol=1e-6)


def test_pairwise_scorer_of_a_pair_model():
    rng = np.random.default_rng(4)
    users, items = 6, 15
    table = rng.normal(size=(users * items, 1)).astype("float32")
    user = keras.Input(shape=(), dtype="int32", name="user_id")
    item = keras.Input(shape=(), dtype="int32", name="item_id")
    pair_id = keras.layers.Lambda(lambda x: x[0] * items + x[1])([user, item])
    score = keras.layers.Embedding(
        users * items, 1, embeddings_initializer=keras.initializers.Constant(table)
    )(pair_id)
    model = keras.Model({"user_id": user, "item_id": item}, score)
    scorer = pairwise_scorer(model)
    targets = rng.integers(1, items, size=users)
    got = evaluate_topk(
        scorer, np.arange(users), targets, num_items=items, ks=(4,), verbose=0
    )
    scores = table.reshape(users, items)
    _check(got, _expected(scores, [[t] for t in targets], [[]] * users, (4,)))


def test_most_popular_scorer():
    counts = np.array([3, 9, 1, 9, 0], "float32")
    scorer = most_popular_scorer(counts)
    got = evaluate_topk(
        scorer, np.arange(2), [[3], [2]], ks=(2,), metrics=("mrr",), verbose=0
    )
    # Items 1 and 3 tie: item 1 (lower index) ranks first; column 0 (count
    # 3) is never ranked, so item 2 is third.
    np.testing.assert_allclose(got["mrr@2"], (1 / 2 + 0) / 2)
    with pytest.raises(ValueError, match="item_counts"):
        most_popular_scorer(np.zeros((2, 2)))


def test_bad_inputs():
    scores, targets, exclude = ranking_problem()
    users = np.arange(len(scores))

    def scorer(u):
        return scores[u]

    with pytest.raises(ValueError, match="exclude.*item id 99"):
        evaluate_topk(scorer, users, targets, [[99]] * len(users), verbose=0)
    with pytest.raises(ValueError, match="one entry per user"):
        evaluate_topk(scorer, users, targets[:3], verbose=0)
    with pytest.raises(ValueError, match="k=26.*n=25"):
        evaluate_topk(scorer, users, targets, ks=(26,), verbose=0)
    with pytest.raises(ValueError, match="metrics"):
        evaluate_topk(scorer, users, targets, metrics=("auc",), verbose=0)
    with pytest.raises(ValueError, match="k"):
        evaluate_topk(scorer, users, targets, ks=(0,), verbose=0)
    with pytest.raises(ValueError, match="NaN"):
        evaluate_topk(lambda u: np.full((len(u), 25), np.nan), users, targets)
    with pytest.raises(TypeError, match="model"):
        pairwise_scorer(lambda x: x)
    assert keras_recsys.evaluation.evaluate_topk is evaluate_topk


def test_cold_start_users_and_items_are_counted_not_scored():
    scores, targets, exclude = ranking_problem(seed=3)
    users = np.arange(len(scores))
    # Users 2 and 5 are unknown (id 0 after encoding, here -7 as a marker);
    # user 4 has an unknown target (0) and one out of range (99) besides
    # its known ones; user 6 has only unknown targets.
    queries = users.copy()
    queries[[2, 5]] = -7
    cold_targets = [np.asarray(t) for t in targets]
    cold_targets[4] = np.concatenate([targets[4], [0, 99]])
    cold_targets[6] = np.array([99, 99])
    with pytest.warns(UserWarning, match="unknown"):
        got = evaluate_topk(
            lambda u: scores[np.maximum(u, 0)],
            queries,
            cold_targets,
            exclude,
            ks=(1, 5),
            unknown_id=-7,
            verbose=0,
        )
    # The reference: the same users with the unknown ones left out.
    known = [
        t if u not in (2, 5, 6) else np.array([], int) for u, t in enumerate(targets)
    ]
    expected = _expected(scores, known, exclude, (1, 5))
    expected["num_unknown_users"] = 2
    # 0 and 99 of user 4, the two 99 of user 6; users 2 and 5 were dropped
    # first, so their targets are not counted again.
    expected["num_unknown_targets"] = 4
    _check(got, expected)


# Regressions of issue #13, one test per defect.


def _constant_scorer(row):
    row = np.asarray(row)
    return lambda users: np.tile(row, (len(users), 1))


def test_column_zero_is_never_recommended_and_target_zero_never_relevant():
    # Column 0 scores highest; without the convention user 0's hit at rank 2
    # would be a miss at k=1 and user 1's target 0 a hit.
    scorer = _constant_scorer(np.array([9.0, 5.0, 4.0, 1.0], "float32"))
    with pytest.warns(UserWarning, match="num_unknown_targets"):
        got = evaluate_topk(
            scorer,
            np.arange(2),
            [np.array([1]), np.array([0])],
            metrics=("hit_rate",),
            ks=(1,),
            verbose=0,
        )
    assert got == {"hit_rate@1": 1.0, "num_users": 1, "num_unknown_targets": 1}


def test_padded_last_batch_rows_carry_no_weight():
    # 3 users in batches of 2: the last batch pads a copy of user 2, a hit.
    # Counted, the padded row would give 2/4 instead of 1/3.
    scorer = _constant_scorer(np.array([0.0, 3.0, 2.0, 1.0], "float32"))
    got = evaluate_topk(
        scorer,
        np.arange(3),
        np.array([3, 2, 1]),
        metrics=("hit_rate",),
        ks=(1,),
        batch_size=2,
        verbose=0,
    )
    assert got == {"hit_rate@1": 1 / 3, "num_users": 3}


def test_large_k_does_not_change_small_k():
    # ks=(10, 60000) ranks once up to 60,000; the top 10 must not change.
    rng = np.random.default_rng(0)
    n = 60_001
    # Distinct scores (runs past 46,341) and a few ties near the top.
    scores = rng.permutation(np.arange(3 * n) // 2).reshape(3, n).astype("float32")
    targets = [rng.choice(np.arange(1, n), 20, replace=False) for _ in range(3)]
    names = ("precision", "ndcg", "mrr")
    both = evaluate_topk(
        lambda u: scores[u],
        np.arange(3),
        targets,
        metrics=names,
        ks=(10, 60000),
        verbose=0,
    )
    small = evaluate_topk(
        lambda u: scores[u],
        np.arange(3),
        targets,
        metrics=names,
        ks=(10,),
        verbose=0,
    )
    labels, _ = _label_and_scores(scores, targets, [[]] * 3)
    for name in names:
        assert both[f"{name}@10"] == small[f"{name}@10"]
        np.testing.assert_allclose(
            small[f"{name}@10"], ref.mean(name, labels, scores, 10), rtol=1e-5
        )


def test_float64_scores_are_not_cast_to_float32():
    # 1 + 1e-12 and 1 are one float32 value: a cast would tie them and the
    # tie rule would put item 1 first.
    scorer = _constant_scorer(np.array([0.0, 1.0, 1.0 + 1e-12, 0.5]))
    got = evaluate_topk(
        scorer, np.arange(1), np.array([2]), metrics=("hit_rate",), ks=(1,), verbose=0
    )
    assert got["hit_rate@1"] == 1.0


def test_large_integer_scores_keep_their_order():
    # 2**24 + 1 and 2**24 are one float32 value.
    scorer = _constant_scorer(np.array([0, 2**24, 2**24 + 1], "int64"))
    got = evaluate_topk(
        scorer, np.arange(1), np.array([2]), metrics=("hit_rate",), ks=(1,), verbose=0
    )
    assert got["hit_rate@1"] == 1.0


def _sampled(candidates, targets, **kwargs):
    table = np.arange(8, dtype="float32")[None].repeat(2, axis=0)
    return evaluate_topk(
        lambda u: table[u],
        np.arange(2),
        targets,
        candidates=np.asarray(candidates),
        metrics=("hit_rate",),
        ks=(1,),
        verbose=0,
        **kwargs,
    )


def test_sampled_candidate_minus_one_is_an_error_not_the_last_item():
    with pytest.raises(ValueError, match="candidates.*negative item id -1"):
        _sampled([[5, -1], [5, 1]], np.array([5, 5]), num_items=8)


def test_sampled_candidate_past_the_table_is_an_error():
    with pytest.raises(ValueError, match="candidates.*item id 8.*num_items=8"):
        _sampled([[5, 8], [5, 1]], np.array([5, 5]), num_items=8)


def test_sampled_user_whose_target_is_not_a_candidate_is_an_error():
    with pytest.raises(ValueError, match="user row 1 do not hold its target.*\\[2\\]"):
        _sampled([[5, 1], [3, 1]], np.array([5, 2]), num_items=8)


def test_sampled_candidate_zero_is_never_ranked():
    # Candidate 0 would score 0 < 5 anyway; put it where it would win.
    table = np.array([[9.0, 1, 2, 3, 4, 5]], "float32")
    got = evaluate_topk(
        lambda u: table[np.zeros(len(u), int)],
        np.arange(1),
        np.array([5]),
        candidates=np.array([[0, 5, 1]]),
        metrics=("hit_rate",),
        ks=(1,),
        verbose=0,
    )
    assert got["hit_rate@1"] == 1.0


def test_sampled_one_argument_scorer_without_num_items_names_the_width():
    with pytest.raises(ValueError, match="holds item id 104.*scores for 8 items"):
        _sampled([[104, 1], [2, 1]], np.array([104, 2]))


def test_sparse_targets_explicit_zeros_are_not_relevant():
    # User 0's only entry is a stored 0: it has no target, user 1 misses.
    targets = sp.csr_matrix(
        (np.array([0.0, 1.0]), (np.array([0, 1]), np.array([5, 4]))), shape=(2, 6)
    )
    assert targets.nnz == 2
    got = evaluate_topk(
        _constant_scorer(np.arange(6, dtype="float32")),
        np.arange(2),
        targets,
        metrics=("hit_rate",),
        ks=(1,),
        verbose=0,
    )
    assert got == {"hit_rate@1": 0.0, "num_users": 1}
    assert targets.nnz == 2  # the caller's matrix is unchanged


@pytest.mark.parametrize(
    "targets", [np.array([5.7, 4.2]), [np.array([5.7]), np.array([4.0])]]
)
def test_float_targets_are_refused_not_truncated(targets):
    with pytest.raises(TypeError, match="targets.*integer item ids"):
        evaluate_topk(
            _constant_scorer(np.arange(6, dtype="float32")),
            np.arange(2),
            targets,
            verbose=0,
        )


def test_no_user_with_a_target_is_an_error_not_zero():
    with pytest.raises(ValueError, match="No user has a target"):
        evaluate_topk(
            _constant_scorer(np.arange(6, dtype="float32")),
            np.arange(2),
            [np.array([], int), np.array([], int)],
            ks=(1,),
            verbose=0,
        )


@pytest.mark.parametrize(
    "shape, expected", [((2, 3), r"\(2, 3\).*\(2, 6\)"), ((2,), r"\(2,\).*\(2, 6\)")]
)
def test_scorer_of_the_wrong_shape_is_a_clear_error(shape, expected):
    with pytest.raises(ValueError, match=expected):
        evaluate_topk(
            lambda u: np.zeros(shape, "float32"),
            np.arange(2),
            np.array([5, 2]),
            num_items=6,
            verbose=0,
        )


def test_sampled_one_argument_scorer_of_the_wrong_width_is_a_clear_error():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 8\)"):
        evaluate_topk(
            lambda u: np.zeros((len(u), 3), "float32"),
            np.arange(2),
            np.array([5, 2]),
            num_items=8,
            candidates=np.array([[5, 2], [2, 5]]),
            verbose=0,
        )


def test_list_of_queries_is_an_array():
    scores = np.array([[0, 3, 2, 1], [0, 1, 2, 3]], "float32")
    got = evaluate_topk(
        lambda u: scores[u],
        [0, 1],
        np.array([1, 1]),
        metrics=("hit_rate",),
        ks=(1,),
        verbose=0,
    )
    assert got == {"hit_rate@1": 0.5, "num_users": 2}
