"""Tests for every ranking metric of keras_recsys/metrics/ (`*_at_k.py`).

One parametrized suite: each metric class and its per-row function are
checked against the independent numpy reference of `ranking_reference.py`
(streamed and in one call), through the harness (config round-trip and
`.keras` save/load), on a hand-computed value, and on bad arguments.
"""

import dataclasses

import numpy as np
import pytest
import ranking_reference as ref

from keras_recsys import metrics
from keras_recsys.utils.testing import run_metric_test


@dataclasses.dataclass(frozen=True)
class Case:
    cls: type
    fn: object
    # Keyword variants the class and the function take (beyond `k`).
    variants: tuple = ({},)


CASES = {
    "f1": Case(metrics.F1AtK, metrics.f1_at_k),
    "hit_rate": Case(metrics.HitRateAtK, metrics.hit_rate_at_k),
    "map": Case(metrics.MAPAtK, metrics.map_at_k),
    "mrr": Case(metrics.MRRAtK, metrics.mrr_at_k),
    "ndcg": Case(metrics.NDCGAtK, metrics.ndcg_at_k, ({}, {"gain": "linear"})),
    "precision": Case(metrics.PrecisionAtK, metrics.precision_at_k),
    "recall": Case(metrics.RecallAtK, metrics.recall_at_k, ({}, {"cap_at_k": True})),
}
NAMES = sorted(CASES)
VARIANTS = [
    pytest.param(
        name, kwargs, id="-".join([name, *(f"{k}={v}" for k, v in kwargs.items())])
    )
    for name in NAMES
    for kwargs in CASES[name].variants
]

# One row: relevant items 1 and 3; the top 2 by score are items 0 and 1.
KNOWN_Y_TRUE = np.array([[0.0, 1.0, 0.0, 1.0]])
KNOWN_Y_PRED = np.array([[0.9, 0.8, 0.1, 0.0]])
# Worked by hand for that row at k=2: one hit (item 1) at rank 2.
KNOWN_AT_2 = {
    "f1": 0.5,  # precision 1/2, recall 1/2
    "hit_rate": 1.0,
    "map": 0.25,  # (1/2) / min(2, 2)
    "mrr": 0.5,
    "ndcg": 1.0 / np.log2(3) / (1.0 + 1.0 / np.log2(3)),
    "precision": 0.5,
    "recall": 0.5,
}


def data(seed=0, batch=8, n=12):
    rng = np.random.default_rng(seed)
    # Graded labels, excluded items (-1), heavy ties in the scores.
    y_true = rng.integers(-1, 4, size=(batch, n)).astype("float32")
    y_true[0] = np.where(y_true[0] > 0, 0.0, y_true[0])  # no relevant item
    y_pred = rng.integers(0, 3, size=(batch, n)).astype("float32")
    sample_weight = rng.uniform(0.5, 2.0, size=(batch,)).astype("float32")
    return y_true, y_pred, sample_weight


@pytest.mark.parametrize("name", NAMES)
def test_harness_weighted(name):
    y_true, y_pred, weights = data()
    expected = ref.mean(name, y_true, y_pred, 5, weights)
    run_metric_test(
        CASES[name].cls,
        {"k": 5},
        y_true,
        y_pred,
        expected=expected,
        sample_weight=weights,
    )


@pytest.mark.parametrize(("name", "kwargs"), VARIANTS)
def test_streaming_matches_reference(name, kwargs):
    # Unweighted and weighted, streamed over two batches, against the
    # reference over all rows at once.
    y_true, y_pred, sample_weight = data()
    for weights in (None, sample_weight):
        metric = CASES[name].cls(k=5, **kwargs)
        for part in (slice(0, 3), slice(3, None)):
            metric.update_state(
                y_true[part],
                y_pred[part],
                sample_weight=None if weights is None else weights[part],
            )
        np.testing.assert_allclose(
            float(metric.result()),
            ref.mean(name, y_true, y_pred, 5, weights, **kwargs),
            rtol=1e-5,
        )


@pytest.mark.parametrize(("name", "kwargs"), VARIANTS)
@pytest.mark.parametrize("k", [1, 3, 12])
def test_function_matches_reference(name, kwargs, k):
    y_true, y_pred, _ = data(seed=k)
    np.testing.assert_allclose(
        np.asarray(CASES[name].fn(y_true, y_pred, k, **kwargs)),
        ref.rows(name, y_true, y_pred, k, **kwargs),
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.parametrize("name", NAMES)
def test_known_value(name):
    metric = CASES[name].cls(k=2)
    metric.update_state(KNOWN_Y_TRUE, KNOWN_Y_PRED)
    np.testing.assert_allclose(float(metric.result()), KNOWN_AT_2[name], rtol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_rows_without_relevant_items_carry_no_weight(name):
    y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.0]])
    y_pred = np.array([[0.1, 0.9, 0.0], [0.3, 0.2, 0.1]])
    metric = CASES[name].cls(k=2)
    metric.update_state(y_true, y_pred)
    alone = CASES[name].cls(k=2)
    alone.update_state(y_true[:1], y_pred[:1])
    np.testing.assert_allclose(float(metric.result()), float(alone.result()))


@pytest.mark.parametrize("name", NAMES)
def test_bad_input(name):
    cls, fn = CASES[name].cls, CASES[name].fn
    for k in (0, -1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="k"):
            cls(k=k)
    with pytest.raises(ValueError, match=r"k=5.*n=4"):
        cls(k=5).update_state(np.zeros((2, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"k=5.*n=4"):
        fn(np.zeros((2, 4)), np.zeros((2, 4)), 5)
    with pytest.raises(ValueError, match=r"\(2, 4\).*\(2, 5\)"):
        cls(k=2).update_state(np.zeros((2, 4)), np.zeros((2, 5)))


@pytest.mark.backend_independent
def test_suite_covers_every_exported_ranking_metric():
    exported = {getattr(metrics, n) for n in metrics.__all__ if n.endswith("AtK")}
    assert exported == {case.cls for case in CASES.values()}
    functions = {getattr(metrics, n) for n in metrics.__all__ if n.endswith("_at_k")}
    assert functions == {case.fn for case in CASES.values()}
