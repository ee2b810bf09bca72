"""The ranking input contract, its checks and the tie rule, written once.

Every ranking metric of `keras_recsys.metrics` (and the per-row functions
behind them) goes through `row_values`, so they all read their inputs the
same way:

- `y_true` of shape `(batch, n)`: a value > 0 marks a relevant item (the value
  is its graded gain), 0 a non-relevant item and a value < 0 an item excluded
  from ranking (it never occupies a ranking position).
- `y_pred` of shape `(batch, n)`: scores, higher ranks first.
- Ties: among equal scores the item with the lower index ranks first, the
  same on every backend (top-k routines do not promise an order for ties, so
  the selection below never relies on theirs).
- Rows with no relevant item get the value 0 and the weight 0.
- A row whose `y_true` or `y_pred` holds NaN gets the value NaN.
"""

import numbers

import keras
from keras import ops

from keras_recsys.utils.backend_utils import is_concrete
from keras_recsys.utils.backend_utils import to_numpy


def cond(pred, true_fn, false_fn):
    """`ops.cond`, or a plain `if` when `pred` can be read now (eager)."""
    if is_concrete(pred):
        return true_fn() if bool(to_numpy(pred)) else false_fn()
    return ops.cond(pred, true_fn, false_fn)


def check_k(k):
    """Checks that `k` is a positive integer and returns it as an int."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"`k` must be a positive integer. Received: k={k!r}")
    return int(k)


def _standardize(y_true, y_pred):
    y_true = ops.convert_to_tensor(y_true)
    y_pred = ops.convert_to_tensor(y_pred)
    pred_dtype = keras.backend.standardize_dtype(y_pred.dtype)
    # Scores keep float32/float64 exactly (casting could create ties); half
    # floats, ints and bools are widened to float32, which is exact for them.
    if pred_dtype not in ("float32", "float64"):
        y_pred = ops.cast(y_pred, "float32")
    if keras.backend.standardize_dtype(y_true.dtype) != "float32":
        y_true = ops.cast(y_true, "float32")
    return y_true, y_pred


def check_inputs(y_true, y_pred, k=None):
    """Checks the shapes of a ranking input and returns it as tensors.

    Args:
        y_true: labels of shape `(batch, n)`.
        y_pred: scores of shape `(batch, n)`.
        k: int or None. The cut-off; when given it must not exceed `n`.

    Returns:
        `(y_true, y_pred)`: `y_true` as float32 and `y_pred` as float32 (or
        float64 when it came as float64).

    Raises:
        ValueError: when a shape is not `(batch, n)`, the two shapes differ, or
            `k > n`.
    """
    y_true, y_pred = _standardize(y_true, y_pred)
    true_shape = tuple(y_true.shape)
    pred_shape = tuple(y_pred.shape)
    if len(true_shape) != 2 or len(pred_shape) != 2:
        raise ValueError(
            "`y_true` and `y_pred` must both have shape (batch, n). Received: "
            f"y_true.shape={true_shape}, y_pred.shape={pred_shape}"
        )
    for a, b in zip(true_shape, pred_shape):
        if a is not None and b is not None and a != b:
            raise ValueError(
                "`y_true` and `y_pred` must have the same shape. Received: "
                f"y_true.shape={true_shape}, y_pred.shape={pred_shape}"
            )
    n = pred_shape[1] if pred_shape[1] is not None else true_shape[1]
    if k is not None and n is not None and k > n:
        raise ValueError(
            f"`k` must not exceed the number of items n. Received: k={k}, n={n}"
        )
    return y_true, y_pred


def check_sample_weight(sample_weight):
    """Returns `sample_weight` as a float32 scalar or `(batch,)` tensor."""
    if sample_weight is None:
        return None
    sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), "float32")
    shape = tuple(sample_weight.shape)
    if len(shape) == 2 and shape[1] == 1:
        sample_weight = ops.squeeze(sample_weight, axis=1)
    elif len(shape) > 1:
        raise ValueError(
            "`sample_weight` must be a scalar or have shape (batch,). "
            f"Received: sample_weight.shape={shape}"
        )
    return sample_weight


class TopK:
    """The k top-ranked items of each row, in slots.

    Slot `p` of row `b` holds one selected item; `ranks[b, p]` is its 0-based
    rank and `labels[b, p]` its label (0 for an empty slot, which happens when
    fewer than k items are not excluded). Slots are not in rank order: metrics
    only need each item's rank, not the items sorted.

    Attributes:
        labels: float `(batch, k)`.
        ranks: float `(batch, k)`. 0-based ranks (0 .. k-1).
        relevant: bool `(batch, k)`. Selected items with a label > 0.
        num_relevant: float `(batch,)`. Relevant items of the whole row.
    """

    def __init__(self, labels, ranks, relevant, num_relevant):
        self.labels = labels
        self.ranks = ranks
        self.relevant = relevant
        self.num_relevant = num_relevant


def top_k(y_true, y_pred, k):
    """Selects and ranks the top k items of each row under the tie rule.

    The k-th largest score `v` comes from `ops.top_k`. Every item scoring
    above `v` is in; the items scoring exactly `v` fill the remaining places
    by increasing index. Both are found at once by a second `top_k` over an
    integer key that is unique per item (so its order is fully determined).
    The selected items are then ranked by (score desc, index asc) with a
    `(batch, k, k)` comparison. Excluded items (`y_true < 0`) get no key and
    never occupy a slot.

    Args:
        y_true: float `(batch, n)` labels (checked by `check_inputs`).
        y_pred: float `(batch, n)` scores.
        k: int. The cut-off, `1 <= k <= n`.

    Returns:
        A `TopK`.
    """
    n = ops.shape(y_pred)[1]
    valid = ops.greater_equal(y_true, 0.0)
    masked = ops.where(valid, y_pred, ops.cast(float("-inf"), y_pred.dtype))
    values, slots = ops.top_k(masked, k, sorted=False)
    kth = ops.min(values, axis=1, keepdims=True)
    at = ops.logical_and(valid, ops.equal(masked, kth))
    # `top_k` keeps every item above the k-th score but an arbitrary subset of
    # those tied with it. The subset is right when all of them fit; otherwise
    # (some row has more tied items than places) select again by a key that
    # is unique per item. Excluded items tie with nothing (no key).
    slots = ops.cast(slots, "int32")
    taken_valid = ops.greater_equal(ops.take_along_axis(y_true, slots, axis=1), 0.0)
    ties_total = ops.sum(ops.cast(at, "int32"), axis=1)
    ties_taken = ops.sum(
        ops.cast(ops.logical_and(ops.equal(values, kth), taken_valid), "int32"),
        axis=1,
    )

    def exact_selection():
        # Float keys: exact for n < 2**23, and `top_k` on floats is fast on
        # every backend (XLA's integer top_k is not).
        index = ops.expand_dims(ops.arange(n, dtype="float32"), 0)
        n_float = ops.cast(n, "float32")
        above = ops.logical_and(valid, ops.greater(masked, kth))
        zero = ops.zeros_like(index)
        key = ops.where(
            above, 2.0 * n_float - index, ops.where(at, n_float - index, zero)
        )
        key_top, chosen = ops.top_k(key, k, sorted=False)
        return ops.greater(key_top, 0.0), ops.cast(chosen, "int32")

    def fast_selection():
        return taken_valid, slots

    filled, slots = cond(
        ops.any(ops.greater(ties_total, ties_taken)), exact_selection, fast_selection
    )

    labels = ops.take_along_axis(y_true, slots, axis=1)
    labels = ops.where(filled, labels, ops.zeros_like(labels))
    scores = ops.take_along_axis(y_pred, slots, axis=1)

    # q ranks before p when it scores more, or the same with a lower index.
    s_p = ops.expand_dims(scores, 2)
    s_q = ops.expand_dims(scores, 1)
    i_p = ops.expand_dims(slots, 2)
    i_q = ops.expand_dims(slots, 1)
    before = ops.logical_or(
        ops.greater(s_q, s_p),
        ops.logical_and(ops.equal(s_q, s_p), ops.less(i_q, i_p)),
    )
    before = ops.logical_and(before, ops.expand_dims(filled, 1))
    ranks = ops.sum(ops.cast(before, "float32"), axis=2)

    relevant = ops.logical_and(filled, ops.greater(labels, 0.0))
    num_relevant = ops.sum(ops.cast(ops.greater(y_true, 0.0), "float32"), axis=1)
    return TopK(labels, ranks, relevant, num_relevant)


def num_hits(topk):
    """Relevant items in the top k, `(batch,)`."""
    return ops.sum(ops.cast(topk.relevant, "float32"), axis=1)


def precision(topk, k):
    return num_hits(topk) / float(k)


def recall(topk, k, cap_at_k=False):
    denominator = topk.num_relevant
    if cap_at_k:
        denominator = ops.minimum(denominator, float(k))
    return ops.divide_no_nan(num_hits(topk), denominator)


def f1(topk, k):
    p = precision(topk, k)
    r = recall(topk, k)
    return ops.divide_no_nan(2.0 * p * r, p + r)


def gain(labels, gain_type):
    if gain_type == "exponential":
        return ops.power(2.0, labels) - 1.0
    return labels


def _discount(ranks):
    # 1 / log2(rank + 1) with 1-based ranks; `ranks` are 0-based.
    return 1.0 / ops.log2(ranks + 2.0)


def ndcg(topk, k, y_true, gain_type="exponential"):
    relevant = ops.cast(topk.relevant, "float32")
    dcg = ops.sum(relevant * gain(topk.labels, gain_type) * _discount(topk.ranks), 1)
    positions = ops.arange(k, dtype="float32")
    graded = ops.any(
        ops.logical_and(ops.greater(y_true, 0.0), ops.not_equal(y_true, 1.0))
    )

    def graded_ideal():
        positive = ops.where(ops.greater(y_true, 0.0), y_true, ops.zeros_like(y_true))
        ideal_labels, _ = ops.top_k(positive, k, sorted=True)
        discounts = ops.expand_dims(_discount(positions), 0)
        return ops.sum(gain(ideal_labels, gain_type) * discounts, axis=1)

    def binary_ideal():
        # All relevant labels are 1: the ideal DCG only depends on how many.
        cumulative = ops.cumsum(_discount(positions))
        count = ops.cast(ops.minimum(topk.num_relevant, float(k)), "int32")
        ideal = ops.take(cumulative, ops.maximum(count - 1, 0))
        return ops.where(ops.greater(count, 0), ideal, ops.zeros_like(ideal))

    ideal = cond(graded, graded_ideal, binary_ideal)
    return ops.divide_no_nan(dcg, ideal)


def average_precision(topk, k):
    relevant = ops.cast(topk.relevant, "float32")
    # Relevant items ranked at or before each slot's item.
    not_after = ops.cast(
        ops.less_equal(ops.expand_dims(topk.ranks, 1), ops.expand_dims(topk.ranks, 2)),
        "float32",
    )
    hits_so_far = ops.sum(not_after * ops.expand_dims(relevant, 1), axis=2)
    precisions = hits_so_far / (topk.ranks + 1.0)
    total = ops.sum(relevant * precisions, axis=1)
    return ops.divide_no_nan(total, ops.minimum(topk.num_relevant, float(k)))


def hit_rate(topk, k):
    return ops.cast(ops.greater(num_hits(topk), 0.0), "float32")


def reciprocal_rank(topk, k):
    relevant = ops.cast(topk.relevant, "float32")
    return ops.max(relevant / (topk.ranks + 1.0), axis=1)


def row_values(fn, y_true, y_pred, k, **kwargs):
    """Computes one metric's per-row values and the rows' weights.

    Args:
        fn: callable `(topk, k, **kwargs)` (or `(topk, k, y_true, **kwargs)`
            for NDCG) returning `(batch,)` values.
        y_true, y_pred: the ranking input.
        k: int. The cut-off.
        **kwargs: passed to `fn`.

    Returns:
        `(values, has_relevant)`: float32 `(batch,)` values (NaN for rows with
        NaN inputs) and float32 `(batch,)` 1/0 weights, 0 for rows with no
        relevant item.
    """
    y_true, y_pred = check_inputs(y_true, y_pred, k)
    topk = top_k(y_true, y_pred, k)
    if fn is ndcg:
        values = fn(topk, k, y_true, **kwargs)
    else:
        values = fn(topk, k, **kwargs)
    has_nan = ops.logical_or(
        ops.any(ops.isnan(y_pred), axis=1), ops.any(ops.isnan(y_true), axis=1)
    )
    values = ops.where(has_nan, ops.cast(float("nan"), values.dtype), values)
    has_relevant = ops.cast(ops.greater(topk.num_relevant, 0.0), "float32")
    return ops.cast(values, "float32"), has_relevant
