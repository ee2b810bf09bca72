"""The top k of each row under the tie rule (lower index first)."""

from keras import ops

from keras_recsys.ranking.contract import cond
from keras_recsys.utils.backend_utils import stable_argsort


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
        items: int32 `(batch, k)` or None. The item column in each slot, -1
            for an empty slot (what beyond-accuracy measures read).
    """

    def __init__(self, labels, ranks, relevant, num_relevant, graded=None, items=None):
        self.labels = labels
        self.items = items
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
    numbered, and the final order sorts the k items by index, then stably by
    run (two sorts of k items per row; no combined integer key, which would
    overflow int32 for large k). So ties cost `O(k log k)` per row, never a
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
        # Float keys are exact for n < 2**23, and `top_k` on floats is fast
        # on every backend (XLA's integer top_k is not); larger or unknown
        # n take int32 keys (exact for n < 2**30).
        small = n_static is not None and n_static < 2**23
        key_dtype = "float32" if small else "int32"
        index = ops.expand_dims(ops.arange(n, dtype=key_dtype), 0)
        n_float = ops.cast(n, key_dtype)
        valid = ops.greater_equal(y_true, 0.0)
        above = ops.logical_and(valid, ops.greater(masked, kth))
        at = ops.logical_and(valid, ops.equal(masked, kth))
        zero = ops.zeros_like(index)
        key = ops.where(
            above, 2 * n_float - index, ops.where(at, n_float - index, zero)
        )
        key_top, chosen = ops.top_k(key, m, sorted=True)
        filled = ops.logical_and(ops.greater(key_top, 0), in_k)
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
        # Two sorts, no combined key: `run * m + index` overflows int32
        # once m * m > 2**31 (k >= 46,340). The slots in index order, then
        # a stable sort by run keeps index order within each run.
        by_index = ops.cast(ops.argsort(slots, axis=1), "int32")
        run_by_index = ops.take_along_axis(run, by_index, axis=1)
        order = ops.take_along_axis(
            by_index, ops.cast(stable_argsort(run_by_index, axis=1), "int32"), axis=1
        )
        slots = ops.take_along_axis(slots, order, axis=1)
        filled = ops.take_along_axis(filled, order, axis=1)
    if extra:
        slots, filled = slots[:, :k], filled[:, :k]

    labels = ops.take_along_axis(y_true, slots, axis=1)
    labels = ops.where(filled, labels, ops.zeros_like(labels))
    ranks = ops.expand_dims(ops.arange(k, dtype="float32"), 0)
    relevant = ops.logical_and(filled, ops.greater(labels, 0.0))
    num_relevant = ops.sum(ops.cast(ops.greater(y_true, 0.0), "float32"), axis=1)
    items = ops.where(filled, slots, -ops.ones_like(slots))
    return TopK(labels, ranks, relevant, num_relevant, items=items)
