"""Bad-input probes: the ranking metrics, their functions and `sparse_targets`."""

import _probes
import numpy as np
import ranking_reference as ref
from _probes import error
from _probes import value

from keras_recsys import metrics

NAMES = {
    "precision": (metrics.PrecisionAtK, metrics.precision_at_k),
    "recall": (metrics.RecallAtK, metrics.recall_at_k),
    "f1": (metrics.F1AtK, metrics.f1_at_k),
    "ndcg": (metrics.NDCGAtK, metrics.ndcg_at_k),
    "map": (metrics.MAPAtK, metrics.map_at_k),
    "mrr": (metrics.MRRAtK, metrics.mrr_at_k),
    "hit_rate": (metrics.HitRateAtK, metrics.hit_rate_at_k),
}

Y_TRUE = np.array([[1.0, 0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 0.0, -1.0]])
Y_PRED = np.array([[0.1, 0.9, 0.3, 0.4, 0.2], [0.5, 0.1, 0.2, 0.8, 0.9]], "float32")


def _with(array, index, item):
    out = np.array(array)
    out[index] = item
    return out


def _fn_rows(fn, k=2, **kw):
    return lambda y_true, y_pred: fn(y_true, y_pred, k, **kw)


def _metric_result(cls, y_true, y_pred, k=2, sample_weight=None):
    metric = cls(k=k)
    metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    return metric.result()


# (case, y_true, y_pred, argument the error must name)
ERRORS = [
    ("nan_label", _with(Y_TRUE, (0, 1), np.nan), Y_PRED, "y_true"),
    ("inf_label", _with(Y_TRUE, (1, 2), np.inf), Y_PRED, "y_true"),
    ("nan_score", Y_TRUE, _with(Y_PRED, (1, 0), np.nan), "y_pred"),
    ("string_labels", Y_TRUE.astype(str), Y_PRED, "y_true"),
    ("string_scores", Y_TRUE, Y_PRED.astype(str), "y_pred"),
    ("object_labels", Y_TRUE.astype(object), Y_PRED, "y_true"),
    ("shape_mismatch", Y_TRUE[:, :4], Y_PRED, "y_true"),
    ("batch_mismatch", Y_TRUE[:1], Y_PRED, "y_true"),
    ("scores_1d", Y_TRUE[0], Y_PRED[0], "y_pred"),
    ("scores_3d", Y_TRUE[None], Y_PRED[None], "y_pred"),
    ("sparse_id_too_large", np.array([1, 5]), Y_PRED, "y_true"),
    ("sparse_id_2_32", np.array([1, 2**32 + 1], "int64"), Y_PRED, "y_true"),
    ("sparse_id_minus_2_32", np.array([1, -(2**32) - 1], "int64"), Y_PRED, "y_true"),
    ("sparse_bool_ids", np.array([True, False]), Y_PRED, "y_true"),
    ("sparse_float_ids", np.array([1.5, 2.0]), Y_PRED, "y_true"),
    ("sparse_nan_ids", np.array([np.nan, 2.0]), Y_PRED, "y_true"),
    ("padded_ids_out_of_range", np.array([[1, 7, -1], [0, -1, -1]]), Y_PRED, "y_true"),
]

# (case, y_true, y_pred): the value is the numpy reference's.
VALUES = [
    ("plain", Y_TRUE, Y_PRED),
    ("constant_scores_ties", Y_TRUE, np.zeros_like(Y_PRED)),
    (
        "int64_scores_above_2_24",
        Y_TRUE,
        np.array(
            [[2**24, 2**24 + 1, 2**24 + 2, 2**24 + 3, 0], [5, 4, 3, 2, 1]], "int64"
        ),
    ),
    ("int32_scores", Y_TRUE, (Y_PRED * 100).astype("int32")),
    ("bool_scores", Y_TRUE, Y_PRED > 0.35),
    ("float16_scores", Y_TRUE, Y_PRED.astype("float16")),
    ("infinite_scores", Y_TRUE, _with(_with(Y_PRED, (0, 0), np.inf), (1, 1), -np.inf)),
    ("graded_play_counts", np.array([[200.0, 0, 0, 3, 0], [0, 150, 1, 0, 0]]), Y_PRED),
    ("no_relevant_item", np.zeros_like(Y_TRUE), Y_PRED),
    (
        "all_excluded_but_one",
        np.array([[1.0, -1, -1, -1, -1], [-1, -1, 1, -1, -1]]),
        Y_PRED,
    ),
    ("int_labels", Y_TRUE.astype("int64"), Y_PRED),
    ("bool_labels", Y_TRUE > 0, Y_PRED),
    ("python_lists", Y_TRUE.tolist(), Y_PRED.tolist()),
]

TABLE = []
for name, (cls, fn) in NAMES.items():
    entry_fn, entry_cls = f"{name}_at_k", cls.__name__
    for case, y_true, y_pred, arg in ERRORS:
        TABLE.append(
            error(entry_fn, case, lambda t=y_true, p=y_pred, f=fn: f(t, p, 2), arg)
        )
        TABLE.append(
            error(
                entry_cls,
                case,
                lambda t=y_true, p=y_pred, c=cls: _metric_result(c, t, p),
                arg,
            )
        )
    for case, y_true, y_pred in VALUES:
        dense = (np.asarray(y_true, "float64"), np.asarray(y_pred).astype("float64"))
        TABLE.append(
            value(
                entry_fn,
                case,
                lambda t=y_true, p=y_pred, f=fn: f(t, p, 2),
                lambda d=dense, n=name: ref.rows(n, d[0], d[1], 2),
            )
        )
        TABLE.append(
            value(
                entry_cls,
                case,
                lambda t=y_true, p=y_pred, c=cls: _metric_result(c, t, p),
                lambda d=dense, n=name: ref.mean(n, d[0], d[1], 2),
            )
        )
    for k in (0, -1, 2.5, True, "2", None):
        TABLE.append(
            error(entry_fn, f"k={k!r}", lambda k=k, f=fn: f(Y_TRUE, Y_PRED, k), "k")
        )
        TABLE.append(error(entry_cls, f"k={k!r}", lambda k=k, c=cls: c(k=k), "k"))
    TABLE.append(error(entry_fn, "k_above_n", lambda f=fn: f(Y_TRUE, Y_PRED, 6), "k"))
    TABLE.append(
        error(
            entry_cls,
            "k_above_n",
            lambda c=cls: _metric_result(c, Y_TRUE, Y_PRED, k=6),
            "k",
        )
    )
    TABLE.append(
        value(
            entry_fn,
            "k_equals_n",
            lambda f=fn: f(Y_TRUE, Y_PRED, 5),
            lambda n=name: ref.rows(n, Y_TRUE, Y_PRED, 5),
        )
    )
    TABLE.append(
        value(
            entry_fn,
            "sparse_ids",
            lambda f=fn: f(np.array([3, 2]), Y_PRED, 2),
            lambda n=name: ref.rows(n, np.eye(5)[[3, 2]], Y_PRED, 2),
        )
    )
    # Empty batch: no row, so no value and an unchanged metric.
    TABLE.append(
        value(
            entry_fn,
            "empty_batch",
            lambda f=fn: f(np.zeros((0, 5)), np.zeros((0, 5)), 2),
            np.zeros((0,)),
        )
    )
    TABLE.append(
        value(
            entry_cls,
            "empty_batch",
            lambda c=cls: _metric_result(c, np.zeros((0, 5)), np.zeros((0, 5))),
            0.0,
        )
    )
    for case, weights in [
        ("negative", np.array([1.0, -1.0])),
        ("nan", np.array([np.nan, 1.0])),
        ("inf", np.array([np.inf, 1.0])),
        ("strings", np.array(["1", "2"])),
        ("shape_2x2", np.ones((2, 2))),
    ]:
        TABLE.append(
            error(
                entry_cls,
                f"sample_weight_{case}",
                lambda w=weights, c=cls: _metric_result(
                    c, Y_TRUE, Y_PRED, sample_weight=w
                ),
                "sample_weight",
            )
        )
    TABLE.append(
        value(
            entry_cls,
            "sample_weight_zero_and_two",
            lambda c=cls: _metric_result(
                c, Y_TRUE, Y_PRED, sample_weight=np.array([0.0, 2.0])
            ),
            lambda n=name: ref.mean(
                n, Y_TRUE, Y_PRED, 2, sample_weight=np.array([0.0, 2.0])
            ),
        )
    )

SPARSE = metrics.sparse_targets
TABLE += [
    error("sparse_targets", "float_ids", lambda: SPARSE([np.array([1.5])]), "relevant"),
    error(
        "sparse_targets", "negative_id", lambda: SPARSE([np.array([-3])]), "relevant"
    ),
    error(
        "sparse_targets", "string_ids", lambda: SPARSE([np.array(["a"])]), "relevant"
    ),
    error(
        "sparse_targets",
        "exclude_rows_mismatch",
        lambda: SPARSE([np.array([1])], exclude=[np.array([2]), np.array([3])]),
        "exclude",
    ),
    error(
        "sparse_targets",
        "width_too_small",
        lambda: SPARSE([np.array([1, 2])], width=1),
        "width",
    ),
    error(
        "sparse_targets",
        "width_bool",
        lambda: SPARSE([np.array([1])], width=True),
        "width",
    ),
    value(
        "sparse_targets",
        "plain",
        lambda: SPARSE(
            [np.array([1]), np.array([0, 3])],
            exclude=[np.array([2]), np.array([], "int64")],
        ),
        np.array([[1, -4], [0, 3]]),
    ),
    value(
        "sparse_targets",
        "empty_rows",
        lambda: SPARSE([np.array([], "int64")]),
        np.array([[-1]]),
    ),
]


@_probes.parametrize(TABLE)
def test_probe(probe):
    _probes.check(probe)
