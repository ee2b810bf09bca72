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
- NaN in `y_true` or `y_pred` is a `ValueError` in eager calls; inside a
  compiled step (where values cannot be read) the row's value is NaN, so the
  result is NaN, never a silently wrong number.
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
    """The k top-ranked items of each row, in rank order.

    Slot `p` of row `b` holds the item at 0-based rank `p`; slots past the
    number of items that may be ranked (fewer than k items not excluded) are
    empty and come last.

    Attributes:
        labels: float `(batch, k)`. The items' labels (0 for an empty slot).
        ranks: float `(1, k)` or `(batch, k)`. 0-based rank of each slot.
        relevant: bool `(batch, k)`. Filled slots whose label is > 0.
        num_relevant: float `(batch,)`. Relevant items of the whole row.
    """

    def __init__(self, labels, ranks, relevant, num_relevant, graded=None):
        self.labels = labels
        self.ranks = ranks
        self.relevant = relevant
        self.num_relevant = num_relevant
        self._graded = graded

    def graded(self, y_true):
        """Whether any label > 0 of `y_true` differs from 1 (a bool scalar).

        `y_true` must be the labels this selection was made from. Computed
        once per `TopK` (it reads the whole `y_true`), so several NDCG
        cut-offs over one selection pay for it once.
        """
        if self._graded is None:
            # Graded unless every label > 0 is exactly 1.
            ones = ops.sum(ops.cast(ops.equal(y_true, 1.0), "float32"))
            self._graded = ops.not_equal(ones, ops.sum(self.num_relevant))
        return self._graded


def top_k(y_true, y_pred, k):
    """Selects the top k items of each row in rank order under the tie rule.

    Selection: one sorted `ops.top_k` over the scores, with excluded items
    (`y_true < 0`) pushed to -inf, selects the right set unless some
    unselected item ties with the k-th score. Only then (checked for the whole
    batch) does the exact selection run: every item scoring above the k-th
    score is in, and those scoring exactly the k-th fill the remaining places
    by increasing index (a second `top_k` over a key unique per item).

    Order: the k selected items are sorted by score; runs of equal scores are
    numbered, and the final order sorts by (run, index) with one integer
    sort of k items per row. So ties cost `O(k log k)` per row, never a
    `(batch, k, k)` comparison or a second pass over the row.

    Args:
        y_true: float `(batch, n)` labels (checked by `check_inputs`).
        y_pred: float `(batch, n)` scores.
        k: int. The cut-off, `1 <= k <= n`.

    Returns:
        A `TopK`.
    """
    n = ops.shape(y_pred)[1]
    neg_inf = ops.cast(float("-inf"), y_pred.dtype)
    # Excluded items score -inf. Most batches exclude nothing (training
    # metrics, sampled candidates): they skip the full-row `where`.
    masked = cond(
        ops.less(ops.min(y_true), 0.0),
        lambda: ops.where(ops.greater_equal(y_true, 0.0), y_pred, neg_inf),
        lambda: y_pred,
    )
    n_static = y_pred.shape[1]
    # Take one more than k when there is one more: an unselected item ties
    # with the k-th score exactly when the (k+1)-th score equals the k-th,
    # i.e. when the smallest of the k+1 values occurs twice. The k+1 slots
    # are kept (the last one marked empty) rather than sliced: XLA turns a
    # `top_k` whose outputs are sliced into a sort of the whole row, ten
    # times slower on CPU (also why `kth` is a `min`, not `values[:, -1]`).
    extra = n_static is not None and k < n_static
    m = k + 1 if extra else k
    values, slots = ops.top_k(masked, m, sorted=True)
    slots = ops.cast(slots, "int32")
    kth = ops.min(values, axis=1, keepdims=True)
    in_k = ops.less(ops.expand_dims(ops.arange(m, dtype="int32"), 0), k)
    if extra:
        at_kth = ops.sum(ops.cast(ops.equal(values, kth), "float32"), axis=1)
        boundary_tie = ops.any(ops.greater(at_kth, 1.0))
    elif n_static is not None:  # k == n: every item is selected.
        boundary_tie = ops.convert_to_tensor(False)
    else:  # Unknown n: more than k items score at least the k-th value?
        at_least = ops.sum(ops.cast(ops.greater_equal(masked, kth), "float32"), axis=1)
        boundary_tie = ops.any(ops.greater(at_least, float(k)))

    def exact_selection():
        # The items above the k-th score get the keys 2n - index, those at it
        # n - index, the others 0: the k largest keys are the selection.
        # Float keys: exact for n < 2**23, and `top_k` on floats is fast on
        # every backend (XLA's integer top_k is not).
        index = ops.expand_dims(ops.arange(n, dtype="float32"), 0)
        n_float = ops.cast(n, "float32")
        valid = ops.greater_equal(y_true, 0.0)
        above = ops.logical_and(valid, ops.greater(masked, kth))
        at = ops.logical_and(valid, ops.equal(masked, kth))
        zero = ops.zeros_like(index)
        key = ops.where(
            above, 2.0 * n_float - index, ops.where(at, n_float - index, zero)
        )
        key_top, chosen = ops.top_k(key, m, sorted=True)
        filled = ops.logical_and(ops.greater(key_top, 0.0), in_k)
        return filled, ops.cast(chosen, "int32")

    def fast_selection():
        valid = ops.greater_equal(ops.take_along_axis(y_true, slots, axis=1), 0.0)
        return ops.logical_and(valid, in_k), slots

    filled, slots = cond(boundary_tie, exact_selection, fast_selection)

    # Order by score (empty slots at -inf), then number the runs of equal
    # scores (empty slots form a last run of their own) and sort by
    # (run, index): the tie rule, with empty slots last. Then keep k slots.
    scores = ops.where(filled, ops.take_along_axis(masked, slots, axis=1), neg_inf)
    _, by_score = ops.top_k(scores, m, sorted=True)
    by_score = ops.cast(by_score, "int32")
    slots = ops.take_along_axis(slots, by_score, axis=1)
    filled = ops.take_along_axis(filled, by_score, axis=1)
    scores = ops.take_along_axis(scores, by_score, axis=1)
    if m > 1:
        new_run = ops.cast(ops.not_equal(scores[:, 1:], scores[:, :-1]), "int32")
        run = ops.concatenate(
            [ops.zeros_like(new_run[:, :1]), ops.cumsum(new_run, axis=1)], axis=1
        )
        run = ops.where(filled, run, m)
        index_rank = ops.cast(ops.argsort(ops.argsort(slots, axis=1), axis=1), "int32")
        order = ops.argsort(run * m + index_rank, axis=1)
        slots = ops.take_along_axis(slots, order, axis=1)
        filled = ops.take_along_axis(filled, order, axis=1)
    if extra:
        slots, filled = slots[:, :k], filled[:, :k]

    labels = ops.take_along_axis(y_true, slots, axis=1)
    labels = ops.where(filled, labels, ops.zeros_like(labels))
    ranks = ops.expand_dims(ops.arange(k, dtype="float32"), 0)
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
    graded = topk.graded(y_true)

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
    # Slots are in rank order: relevant items at or before each slot.
    hits_so_far = ops.cumsum(relevant, axis=1)
    precisions = hits_so_far / (topk.ranks + 1.0)
    total = ops.sum(relevant * precisions, axis=1)
    return ops.divide_no_nan(total, ops.minimum(topk.num_relevant, float(k)))


def hit_rate(topk, k):
    return ops.cast(ops.greater(num_hits(topk), 0.0), "float32")


def reciprocal_rank(topk, k):
    relevant = ops.cast(topk.relevant, "float32")
    return ops.max(relevant / (topk.ranks + 1.0), axis=1)


def check_no_nan(row_has_nan, name):
    """Raises when a concrete (eager) input holds NaN.

    Args:
        row_has_nan: bool `(batch,)`, whether each row of the input holds NaN.
        name: str. The argument's name, for the message.

    Raises:
        ValueError: naming `name`, the first row with NaN and how many rows
            hold NaN, when `row_has_nan` can be read now (eager calls). Inside
            a compiled step the values cannot be read; the rows' values are
            NaN there (see `row_values`).
    """
    if not is_concrete(row_has_nan):
        return
    rows = to_numpy(row_has_nan)
    if rows.any():
        first = int(rows.argmax())
        raise ValueError(
            f"`{name}` must not hold NaN. Received: {name} with NaN in "
            f"{int(rows.sum())} of {rows.shape[0]} rows (first: row {first})"
        )


def rows_with_nan(y_true, y_pred):
    """Bool `(batch,)`: rows where `y_true` or `y_pred` holds NaN.

    Row sums are NaN when a row holds NaN, and also when it holds both +inf
    and -inf; only when some row sum is NaN are the rows checked one value at
    a time. Two reads of the inputs, no full-size temporary, in the common
    case.
    """
    sums = ops.sum(y_true, axis=1) + ops.cast(ops.sum(y_pred, axis=1), "float32")

    def exact():
        return ops.logical_or(
            ops.any(ops.isnan(y_true), axis=1), ops.any(ops.isnan(y_pred), axis=1)
        )

    return cond(ops.any(ops.isnan(sums)), exact, lambda: ops.zeros_like(sums, "bool"))


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
        NaN inputs inside a compiled step; eager calls raise instead) and float32 `(batch,)` 1/0 weights, 0 for rows with no
        relevant item.
    """
    y_true, y_pred = check_inputs(y_true, y_pred, k)
    has_nan = rows_with_nan(y_true, y_pred)
    if is_concrete(has_nan) and bool(to_numpy(ops.any(has_nan))):
        # Eager: name the argument.
        check_no_nan(ops.any(ops.isnan(y_true), axis=1), "y_true")
        check_no_nan(ops.any(ops.isnan(y_pred), axis=1), "y_pred")
    topk = top_k(y_true, y_pred, k)
    if fn is ndcg:
        values = fn(topk, k, y_true, **kwargs)
    else:
        values = fn(topk, k, **kwargs)
    values = ops.where(has_nan, ops.cast(float("nan"), values.dtype), values)
    has_relevant = ops.cast(ops.greater(topk.num_relevant, 0.0), "float32")
    return ops.cast(values, "float32"), has_relevant


def per_row(fn, y_true, y_pred, k, **kwargs):
    """The public per-row functions: checks `k`, returns `(batch,)` values."""
    values, _ = row_values(fn, y_true, y_pred, check_k(k), **kwargs)
    return values
