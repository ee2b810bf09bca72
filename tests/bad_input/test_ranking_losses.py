"""Bad-input probes: the ranking losses."""

import _probes
import numpy as np
from _probes import error
from _probes import value

from keras_recsys import losses

Y_TRUE = np.array([[1.0, 0.0, 0.0, 2.0, 0.0], [0.0, 0.0, 1.0, 0.0, -1.0]])
Y_PRED = np.array([[0.1, 0.9, 0.3, 0.4, 0.2], [0.5, 0.1, 0.2, 0.8, 0.9]], "float32")


def _pairwise(fn, y_true, y_pred):
    rows = []
    for t, s in zip(np.asarray(y_true, "float64"), np.asarray(y_pred, "float64")):
        pairs = [
            fn(s[i] - s[j])
            for i in range(len(t))
            for j in range(len(t))
            if t[i] > t[j] >= 0
        ]
        rows.append(np.mean(pairs) if pairs else 0.0)
    return float(np.mean(rows))


def _bpr(y_true, y_pred):
    return _pairwise(lambda d: np.logaddexp(0.0, -d), y_true, y_pred)


def _hinge(y_true, y_pred):
    return _pairwise(lambda d: max(0.0, 1.0 - d), y_true, y_pred)


def _multinomial(y_true, y_pred, normalize=False, gain="linear"):
    rows = []
    for t, s in zip(np.asarray(y_true, "float64"), np.asarray(y_pred, "float64")):
        valid = t >= 0
        log_p = s[valid] - np.logaddexp.reduce(s[valid])
        w = t[valid] * (t[valid] > 0)
        if gain == "exponential":
            w = (2.0 ** t[valid] - 1.0) * (t[valid] > 0)
        if normalize:
            w = w / w.sum() if w.sum() else w
        rows.append(-(w * log_p).sum())
    return float(np.mean(rows))


def _softmax(y_true, y_pred):
    return _multinomial(y_true, y_pred, normalize=True)


LOSSES = {
    "BPRLoss": (losses.BPRLoss, _bpr),
    "PairwiseHingeLoss": (losses.PairwiseHingeLoss, _hinge),
    "MultinomialLogLikelihood": (losses.MultinomialLogLikelihood, _multinomial),
    "ListwiseSoftmaxLoss": (losses.ListwiseSoftmaxLoss, _softmax),
    "ApproxNDCGLoss": (losses.ApproxNDCGLoss, None),
    "LambdaLoss": (losses.LambdaLoss, None),
}


def _with(array, index, item):
    out = np.array(array)
    out[index] = item
    return out


ERRORS = [
    ("nan_label", _with(Y_TRUE, (0, 1), np.nan), Y_PRED, None, "y_true"),
    (
        "nan_label_of_excluded_row",
        _with(Y_TRUE, (1, 4), np.nan),
        Y_PRED,
        None,
        "y_true",
    ),
    ("inf_label", _with(Y_TRUE, (0, 1), np.inf), Y_PRED, None, "y_true"),
    ("nan_score", Y_TRUE, _with(Y_PRED, (1, 2), np.nan), None, "y_pred"),
    ("string_labels", Y_TRUE.astype(str), Y_PRED, None, "y_true"),
    ("string_scores", Y_TRUE, Y_PRED.astype(str), None, "y_pred"),
    ("shape_mismatch", Y_TRUE[:, :4], Y_PRED, None, "y_true"),
    ("scores_1d", Y_TRUE[0], Y_PRED[0], None, "y_true"),
    ("negative_weight", Y_TRUE, Y_PRED, np.array([1.0, -1.0]), "sample_weight"),
    ("nan_weight", Y_TRUE, Y_PRED, np.array([np.nan, 1.0]), "sample_weight"),
    ("inf_weight", Y_TRUE, Y_PRED, np.array([1.0, np.inf]), "sample_weight"),
    ("string_weight", Y_TRUE, Y_PRED, np.array(["1", "1"]), "sample_weight"),
]

VALUES = [
    ("plain", Y_TRUE, Y_PRED),
    ("ties", Y_TRUE, np.zeros_like(Y_PRED)),
    ("no_relevant_item", np.zeros_like(Y_TRUE), Y_PRED),
    ("int_labels", Y_TRUE.astype("int32"), Y_PRED),
    ("large_logits", Y_TRUE, Y_PRED * 1e4),
]

TABLE = []
for entry, (cls, reference) in LOSSES.items():
    for case, y_true, y_pred, weight, arg in ERRORS:
        TABLE.append(
            error(
                entry,
                case,
                lambda c=cls, t=y_true, p=y_pred, w=weight: c()(t, p, sample_weight=w),
                arg,
            )
        )
    # An empty batch has loss 0.
    TABLE.append(
        value(
            entry,
            "empty_batch",
            lambda c=cls: c()(np.zeros((0, 5)), np.zeros((0, 5))),
            0.0,
        )
    )
    # Graded labels such as play counts stay finite.
    graded = np.array([[200.0, 0, 0, 3, 0], [0, 150, 1, 0, 0]])
    if reference is not None:
        for case, y_true, y_pred in VALUES + [("graded_play_counts", graded, Y_PRED)]:
            TABLE.append(
                value(
                    entry,
                    case,
                    lambda c=cls, t=y_true, p=y_pred: c()(t, p),
                    lambda r=reference, t=y_true, p=y_pred: r(t, p),
                    rtol=1e-4,
                )
            )
        TABLE.append(
            value(
                entry,
                "sample_weight_zero_and_two",
                lambda c=cls: c()(Y_TRUE, Y_PRED, sample_weight=np.array([0.0, 2.0])),
                lambda r=reference: 2.0 * r(Y_TRUE[1:], Y_PRED[1:]) / 2.0,
                rtol=1e-4,
            )
        )

TABLE += [
    error(
        "PairwiseHingeLoss",
        "margin_nan",
        lambda: losses.PairwiseHingeLoss(margin=np.nan),
        "margin",
    ),
    error(
        "PairwiseHingeLoss",
        "margin_string",
        lambda: losses.PairwiseHingeLoss(margin="1"),
        "margin",
    ),
    error(
        "ListwiseSoftmaxLoss",
        "gain_unknown",
        lambda: losses.ListwiseSoftmaxLoss(gain="log"),
        "gain",
    ),
    error(
        "ApproxNDCGLoss",
        "gain_unknown",
        lambda: losses.ApproxNDCGLoss(gain="log"),
        "gain",
    ),
    error("LambdaLoss", "gain_unknown", lambda: losses.LambdaLoss(gain="log"), "gain"),
    error(
        "ApproxNDCGLoss",
        "temperature_zero",
        lambda: losses.ApproxNDCGLoss(temperature=0.0),
        "temperature",
    ),
    error(
        "ApproxNDCGLoss",
        "temperature_nan",
        lambda: losses.ApproxNDCGLoss(temperature=np.nan),
        "temperature",
    ),
]

SIMILARITIES = np.array([[1.0, 0.2], [0.3, 1.0]], "float32")
IN_BATCH = losses.InBatchSoftmaxLoss
MSE = losses.MaskedMeanSquaredError
RATINGS = np.array([[4.0, 0.0], [0.0, 2.0]])
TABLE += [
    value(
        "InBatchSoftmaxLoss",
        "plain",
        lambda: IN_BATCH()(np.array([0, 1]), SIMILARITIES),
        np.mean([np.logaddexp(1.0, 0.2) - 1.0, np.logaddexp(0.3, 1.0) - 1.0]),
        rtol=1e-4,
    ),
    error(
        "InBatchSoftmaxLoss",
        "nan_similarity",
        lambda: IN_BATCH()(np.array([0, 1]), _with(SIMILARITIES, (0, 1), np.nan)),
        "y_pred",
    ),
    error(
        "InBatchSoftmaxLoss",
        "string_labels",
        lambda: IN_BATCH()(np.array(["a", "b"]), SIMILARITIES),
        "y_true",
    ),
    error(
        "InBatchSoftmaxLoss",
        "negative_weight",
        lambda: IN_BATCH()(
            np.array([0, 1]), SIMILARITIES, sample_weight=np.array([-1.0, 1.0])
        ),
        "sample_weight",
    ),
    error(
        "InBatchSoftmaxLoss",
        "nan_weight",
        lambda: IN_BATCH()(
            np.array([0, 1]), SIMILARITIES, sample_weight=np.array([np.nan, 1.0])
        ),
        "sample_weight",
    ),
    value(
        "InBatchSoftmaxLoss",
        "empty_batch",
        lambda: IN_BATCH()(np.zeros((0,), "int32"), np.zeros((0, 0), "float32")),
        0.0,
    ),
    value(
        "MaskedMeanSquaredError",
        "plain",
        lambda: MSE()(RATINGS, np.array([[3.0, 9.0], [9.0, 2.5]])),
        np.mean([1.0, 0.25]),
    ),
    error(
        "MaskedMeanSquaredError",
        "nan_rating",
        lambda: MSE()(_with(RATINGS, (0, 0), np.nan), RATINGS),
        "y_true",
    ),
    error(
        "MaskedMeanSquaredError",
        "nan_prediction",
        lambda: MSE()(RATINGS, _with(RATINGS, (0, 0), np.nan)),
        "y_pred",
    ),
    error(
        "MaskedMeanSquaredError",
        "string_ratings",
        lambda: MSE()(RATINGS.astype(str), RATINGS),
        "y_true",
    ),
    error(
        "MaskedMeanSquaredError",
        "negative_weight",
        lambda: MSE()(RATINGS, RATINGS, sample_weight=np.array([-1.0, 1.0])),
        "sample_weight",
    ),
    error(
        "MaskedMeanSquaredError",
        "shape_mismatch",
        lambda: MSE()(RATINGS[:, :1], RATINGS),
        "y_true",
    ),
    value(
        "MaskedMeanSquaredError",
        "empty_batch",
        lambda: MSE()(np.zeros((0, 2)), np.zeros((0, 2))),
        0.0,
    ),
]


@_probes.parametrize(TABLE)
def test_probe(probe):
    _probes.check(probe)
