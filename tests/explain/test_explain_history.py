import keras
import numpy as np
import pytest
from _explain_models import left_pad
from _explain_models import linear_sequence_model
from _explain_models import predict
from _explain_models import table
from _explain_models import tiny_sasrec

import keras_recsys
from keras_recsys.explain import explain_history

HISTORY = np.array([4, 9, 2, 7])


def test_sequence_integrated_gradients_equal_analytic_contributions():
    model = linear_sequence_model()
    e = table(model)
    item = 5
    explanation = explain_history(
        model, HISTORY, item, method="integrated_gradients", steps=16
    )
    # Linear in the input vectors: the contribution of position t is
    # E[s_t] . E[item], and the zero-vector baseline scores 0.
    expected = e[HISTORY] @ e[item]
    np.testing.assert_allclose(explanation.values, expected, rtol=1e-4, atol=1e-5)
    assert explanation.baseline_score == pytest.approx(0.0, abs=1e-6)
    assert explanation.score == pytest.approx(expected.sum(), rel=1e-4, abs=1e-5)
    assert sum(explanation.values) == pytest.approx(
        explanation.score - explanation.baseline_score, rel=1e-4, abs=1e-5
    )


def test_sequence_occlusion_equals_numpy_rescoring():
    model = linear_sequence_model()
    e = table(model)
    item = 8
    explanation = explain_history(model, HISTORY, item, method="occlusion")

    def score(items):
        return float(sum(e[i] @ e[item] for i in items))

    full = score(HISTORY)
    expected = [full - score(np.delete(HISTORY, t)) for t in range(len(HISTORY))]
    np.testing.assert_allclose(explanation.values, expected, rtol=1e-4, atol=1e-5)
    assert explanation.score == pytest.approx(full, rel=1e-4, abs=1e-5)


@pytest.fixture
def sasrec():
    return tiny_sasrec()


def test_sasrec_occlusion_is_rescoring_with_the_item_deleted(sasrec):
    history = np.array([3, 11, 5, 1, 14, 2])
    explanation = explain_history(sasrec, history, 9)
    # Brute force: delete each item, left-pad to max_len again, re-score.
    rows = [history] + [np.delete(history, t) for t in range(len(history))]
    scores = predict(sasrec, left_pad(rows, 6), verbose=0)[:, 9]
    np.testing.assert_allclose(
        explanation.values, scores[0] - scores[1:], rtol=1e-4, atol=1e-5
    )


def greedy_reference(scores, items, removals):
    """Iterative deletion written as a plain loop; `scores(lists)` scores
    each list of items (one call per step: the kept items, then each
    candidate removal)."""
    kept = list(range(len(items)))
    order, drops = [], []
    for _ in range(min(removals, len(items))):
        candidates = [[items[j] for j in kept if j != i] for i in kept]
        current, *after = scores([[items[j] for j in kept]] + candidates)
        best, best_drop = None, -np.inf
        for i, score in zip(kept, after):
            if current - score > best_drop:
                best, best_drop = i, current - score
        order.append(best)
        drops.append(best_drop)
        kept.remove(best)
    return order, drops


def test_sasrec_greedy_occlusion_equals_brute_force_iterative_deletion(sasrec):
    history = np.array([3, 11, 5, 1, 14, 2])

    def scores(lists):
        return predict(sasrec, left_pad([np.array(x, int) for x in lists], 6))[:, 9]

    def score(items):
        return float(scores([items])[0])

    order, drops = greedy_reference(scores, list(history), 4)
    explanation = explain_history(
        sasrec, history, 9, method="greedy_occlusion", removals=4
    )
    assert explanation.method == "greedy_occlusion"
    assert explanation.positions == order
    assert explanation.ids == history[order].tolist()
    np.testing.assert_allclose(explanation.values, drops, rtol=1e-4, atol=1e-5)
    assert explanation.score == pytest.approx(score(history), rel=1e-4, abs=1e-5)
    # The marginal drops add up to the drop of removing all of them at once.
    rest = [h for t, h in enumerate(history) if t not in order]
    assert sum(explanation.values) == pytest.approx(
        score(history) - score(rest), rel=1e-4, abs=1e-5
    )
    # Its first removal is occlusion's largest drop.
    single = explain_history(sasrec, history, 9)
    assert order[0] == int(np.argmax(single.values))
    assert explanation.values[0] == pytest.approx(max(single.values), abs=1e-6)


def test_sequence_greedy_occlusion_removes_at_most_the_history():
    model = linear_sequence_model()
    e = table(model)
    explanation = explain_history(
        model, HISTORY, 8, method="greedy_occlusion", removals=10
    )
    # Additive scorer: the marginal drop of an item is its own term, so the
    # greedy order is the terms sorted, largest first.
    terms = e[HISTORY] @ e[8]
    order = np.argsort(-terms, kind="stable")
    assert explanation.positions == order.tolist()
    np.testing.assert_allclose(explanation.values, terms[order], rtol=1e-4, atol=1e-5)


def test_sasrec_structure_ids_and_titles(sasrec):
    encoder = keras_recsys.data.IdEncoder().fit(
        [110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250]
    )
    titles = {110 + 10 * i: f"Movie {i + 1}" for i in range(15)}
    # Padding (0) is skipped; only the latest max_len=6 items are explained.
    padded = np.array([0, 0, 2, 3, 4, 5, 6, 7, 8])
    for method in ("occlusion", "integrated_gradients", "attention"):
        explanation = explain_history(
            sasrec,
            padded,
            12,
            method=method,
            item_encoder=encoder,
            item_titles=titles,
            steps=16,
        )
        assert explanation.kind == "history"
        assert explanation.method == method
        assert explanation.item == 220
        assert explanation.item_title == "Movie 12"
        assert explanation.ids == [130, 140, 150, 160, 170, 180]
        assert explanation.titles == [f"Movie {i}" for i in range(3, 9)]
        assert explanation.positions == list(range(6))
        assert len(explanation.values) == 6
        logits = predict(sasrec, padded[None, -6:], verbose=0)[0]
        assert explanation.score == pytest.approx(float(logits[12]), rel=1e-4)
        sentence = explanation.sentence()
        assert sentence.startswith("Recommended Movie 12")
        top = explanation.top(3)
        assert [explanation.titles[i] in sentence for i in top] == [True] * len(top)


def test_sasrec_attention_is_a_distribution_over_the_history(sasrec):
    explanation = explain_history(
        sasrec, np.array([3, 11, 5, 1, 14, 2]), 9, method="attention"
    )
    values = np.asarray(explanation.values)
    assert np.all(values >= 0)
    assert values.sum() == pytest.approx(1.0, abs=1e-5)


def test_sasrec_integrated_gradients_completeness(sasrec):
    explanation = explain_history(
        sasrec,
        np.array([3, 11, 5, 1, 14, 2]),
        9,
        method="integrated_gradients",
        steps=16,
    )
    gap = explanation.score - explanation.baseline_score
    assert sum(explanation.values) == pytest.approx(gap, abs=2e-2 * max(1, abs(gap)))


def candidate_target(scores, item, history, target):
    """Plain numpy: the item's log-probability among (or margin over) the
    items that can be recommended, every code but 0 and `history`."""
    keep = [j for j in range(len(scores)) if j != 0 and j not in set(history)]
    keep = sorted(set(keep) | {item})
    rest = scores[keep]
    if target == "log_softmax":
        top = rest.max()
        return scores[item] - (top + np.log(np.sum(np.exp(rest - top))))
    return scores[item] - max(scores[j] for j in keep if j != item)


@pytest.mark.parametrize("target", ["log_softmax", "margin"])
def test_sasrec_occlusion_of_log_softmax_and_margin(sasrec, target):
    # Item 11 is in the history: it is excluded from the candidates until
    # its own removal makes it one again.
    history = np.array([3, 11, 5, 1, 14, 2])
    explanation = explain_history(sasrec, history, 9, target=target)
    rows = [history] + [np.delete(history, t) for t in range(len(history))]
    scores = predict(sasrec, left_pad(rows, 6)).astype("float64")
    values = [candidate_target(s, 9, r, target) for s, r in zip(scores, rows)]
    np.testing.assert_allclose(
        explanation.values, values[0] - np.array(values[1:]), rtol=1e-4, atol=1e-5
    )
    assert explanation.score == pytest.approx(values[0], rel=1e-4, abs=1e-5)


def test_sasrec_integrated_gradients_of_log_softmax_completeness(sasrec):
    history = np.array([3, 11, 5, 1, 14, 2])
    explanation = explain_history(
        sasrec,
        history,
        9,
        method="integrated_gradients",
        steps=16,
        target="log_softmax",
    )
    (scores,) = predict(sasrec, left_pad([history], 6)).astype("float64")
    assert explanation.score == pytest.approx(
        candidate_target(scores, 9, history, "log_softmax"), rel=1e-4, abs=1e-5
    )
    gap = explanation.score - explanation.baseline_score
    assert sum(explanation.values) == pytest.approx(gap, abs=2e-2 * max(1, abs(gap)))


# ------------------------------------------------------------- autoencoders


def linear_row_model(num_items=10):
    rows = keras.Input(shape=(num_items,), name="interactions")
    dense = keras.layers.Dense(
        num_items,
        kernel_initializer=keras.initializers.RandomNormal(seed=1),
        bias_initializer=keras.initializers.RandomNormal(seed=2),
        name="decoder",
    )
    return keras.Model(rows, dense(rows))


ROW = np.array([0, 1, 0, 2, 1, 0, 0, 3, 0, 0], dtype="float32")


def test_row_integrated_gradients_equal_analytic_contributions():
    model = linear_row_model()
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in model.weights)
    item = 6
    explanation = explain_history(
        model, ROW, item, method="integrated_gradients", steps=16
    )
    history = np.flatnonzero(ROW)
    np.testing.assert_allclose(
        explanation.values, ROW[history] * kernel[history, item], rtol=1e-4, atol=1e-5
    )
    assert explanation.positions == history.tolist()
    assert explanation.remainder == pytest.approx(0.0, abs=1e-6)
    assert explanation.baseline_score == pytest.approx(bias[item], rel=1e-5)
    assert sum(explanation.values) == pytest.approx(
        explanation.score - explanation.baseline_score, rel=1e-4, abs=1e-5
    )


def test_row_occlusion_and_greedy_occlusion_equal_numpy_rescoring():
    rows = keras.Input(shape=(10,), name="interactions")
    hidden = keras.layers.Dense(6, activation="tanh")(rows)
    model = keras.Model(rows, keras.layers.Dense(10)(hidden))
    w1, b1, w2, b2 = (keras.ops.convert_to_numpy(w) for w in model.weights)

    def score(x, item):
        return float((np.tanh(x @ w1 + b1) @ w2 + b2)[item])

    order, drops = greedy_reference(
        lambda lists: [
            score(np.where(np.isin(np.arange(10), cols), ROW, 0), 2) for cols in lists
        ],
        list(np.flatnonzero(ROW)),
        3,
    )
    greedy = explain_history(model, ROW, 2, method="greedy_occlusion", removals=3)
    assert greedy.positions == np.flatnonzero(ROW)[order].tolist()
    assert greedy.ids == greedy.positions
    np.testing.assert_allclose(greedy.values, drops, rtol=1e-4, atol=1e-5)
    assert greedy.score == pytest.approx(score(ROW, 2), rel=1e-4)

    explanation = explain_history(model, ROW, 2, method="occlusion")
    expected = []
    for i in np.flatnonzero(ROW):
        removed = ROW.copy()
        removed[i] = 0
        expected.append(score(ROW, 2) - score(removed, 2))
    np.testing.assert_allclose(explanation.values, expected, rtol=1e-4, atol=1e-5)
    assert explanation.score == pytest.approx(score(ROW, 2), rel=1e-4)

    # The log-probability among the columns outside each row's history.
    def log_p(x):
        scores = np.tanh(x @ w1 + b1) @ w2 + b2
        return candidate_target(scores, 2, np.flatnonzero(x), "log_softmax")

    log_softmax = explain_history(model, ROW, 2, target="log_softmax")
    expected = []
    for i in np.flatnonzero(ROW):
        removed = ROW.copy()
        removed[i] = 0
        expected.append(log_p(ROW) - log_p(removed))
    np.testing.assert_allclose(log_softmax.values, expected, rtol=1e-4, atol=1e-5)


def test_mult_vae_structure_and_completeness():
    keras.utils.set_random_seed(0)
    model = keras_recsys.models.build_mult_vae(10, hidden_units=(8,), latent_dim=4)
    encoder = keras_recsys.data.IdEncoder().fit(np.arange(100, 109))
    row = ROW.copy()  # column 0 is the padding code of the encoder, unused
    ig = explain_history(
        model, row, 5, method="integrated_gradients", steps=16, item_encoder=encoder
    )
    assert ig.kind == "history" and ig.item == 104
    assert ig.ids == [100, 102, 103, 106]  # columns 1, 3, 4, 7
    assert ig.positions == [1, 3, 4, 7]
    # The uniform baseline (the row is L2-normalized, so its scale is ignored).
    baseline = np.full(10, row.sum() / 10, "float32")
    expected = predict(model, np.stack([row, baseline]), verbose=0)[:, 5]
    assert ig.score == pytest.approx(expected[0], rel=1e-4)
    assert ig.baseline_score == pytest.approx(expected[1], rel=1e-4)
    assert sum(ig.values) + ig.remainder == pytest.approx(
        ig.score - ig.baseline_score, abs=1e-2
    )
    occlusion = explain_history(model, {"interactions": row}, 5)
    assert occlusion.ids == ig.positions  # no encoder: model ids


def test_invalid_arguments(sasrec):
    with pytest.raises(ValueError, match="method"):
        explain_history(sasrec, HISTORY, 3, method="shap")
    with pytest.raises(ValueError, match="target"):
        explain_history(sasrec, HISTORY, 3, target="probability")
    with pytest.raises(ValueError, match="removals"):
        explain_history(sasrec, HISTORY, 3, method="greedy_occlusion", removals=0)
    with pytest.raises(ValueError, match="item"):
        explain_history(sasrec, HISTORY, 16)
    with pytest.raises(ValueError, match="item"):
        explain_history(sasrec, HISTORY, 0)
    with pytest.raises(ValueError, match="attention"):
        explain_history(linear_row_model(), ROW, 3, method="attention")
    with pytest.raises(ValueError, match="shape"):
        explain_history(linear_row_model(), ROW[:5], 3)
    with pytest.raises(ValueError, match="attention"):
        explain_history(linear_sequence_model(), HISTORY, 3, method="attention")
    with pytest.raises(TypeError, match="integer"):
        explain_history(sasrec, HISTORY.astype("float32"), 3)


def test_gru4rec():
    # Caser goes through the same code (its `item_embedding` layer); it is
    # left out here because compiling its convolutions costs JAX ~20 s.
    keras.utils.set_random_seed(0)
    model = keras_recsys.models.build_gru4rec(num_items=16, max_len=6, embedding_dim=8)
    history = np.array([3, 11, 5, 1, 14, 2])
    occlusion = explain_history(model, history, 9)
    rows = [history] + [np.delete(history, t) for t in range(len(history))]
    scores = predict(model, left_pad(rows, 6))[:, 9]
    np.testing.assert_allclose(
        occlusion.values, scores[0] - scores[1:], rtol=1e-4, atol=1e-5
    )
    ig = explain_history(model, history, 9, method="integrated_gradients", steps=16)
    assert sum(ig.values) == pytest.approx(ig.score - ig.baseline_score, abs=1e-2)


def test_cdae_takes_the_user_id_too():
    keras.utils.set_random_seed(0)
    model = keras_recsys.models.build_cdae(num_users=5, num_items=10, hidden_units=4)
    inputs = {"interactions": ROW, "user_id": 2}
    ig = explain_history(model, inputs, 5, method="integrated_gradients", steps=16)
    assert ig.ids == np.flatnonzero(ROW).tolist()
    assert sum(ig.values) + ig.remainder == pytest.approx(
        ig.score - ig.baseline_score, abs=1e-2
    )
    occlusion = explain_history(model, inputs, 5)
    removed = np.repeat(ROW[None], 16, axis=0)
    for r, i in enumerate(np.flatnonzero(ROW), 1):
        removed[r, i] = 0.0
    scores = predict(model, {"interactions": removed, "user_id": np.full(16, 2)})
    expected = scores[0, 5] - scores[1 : len(occlusion.values) + 1, 5]
    np.testing.assert_allclose(occlusion.values, expected, rtol=1e-4, atol=1e-5)
