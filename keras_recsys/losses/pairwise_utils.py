"""The pairwise machinery shared by `BPRLoss` and `PairwiseHingeLoss`.

A row's loss is the mean, over the pairs (i, j) with
`y_true[i] > y_true[j] >= 0`, of `f(s_i - s_j)`. Item i of a pair is always
relevant (`y_true[i] > 0`), so the pairs are enumerated from the relevant
items only: the items are put in order relevant-first, and slots of that
order are processed in chunks of growing size (1, 1, 2, 4, ... up to 128)
against the whole row. A chunk runs only when some row of the batch has a
relevant item in it (`ops.cond`), so a batch with one positive per row
touches a `(batch, 1, n)` tensor, never `(batch, n, n)`; with more positives
the work grows with their number and stays exact for graded labels.

The value and its gradient are computed without autodiff (the gradient of a
pair sum has a closed form), then joined into a surrogate whose value is the
loss and whose gradient is the closed form. Autodiff therefore keeps no
per-chunk intermediates, which is what keeps memory at O(batch * n) in the
backward pass on every backend.
"""

from keras import ops

from keras_recsys.ranking.contract import check_inputs
from keras_recsys.ranking.contract import cond

_MAX_CHUNK = 128


def chunk_bounds(n):
    """Slot ranges `[(start, stop), ...]` covering `0..n`, sizes 1, 1, 2, 4..."""
    bounds, start, size = [], 0, 1
    while start < n:
        stop = min(n, start + size)
        bounds.append((start, stop))
        if start > 0:
            size = min(2 * size, _MAX_CHUNK)
        start = stop
    return bounds


def pairwise_loss(y_true, y_pred, fn, fn_grad):
    """Per-row mean of `fn(s_i - s_j)` over pairs `y_true[i] > y_true[j] >= 0`.

    Args:
        y_true: `(batch, n)` labels under the ranking contract.
        y_pred: `(batch, n)` scores.
        fn: elementwise loss of the score difference `d = s_i - s_j`.
        fn_grad: its derivative with respect to `d`.

    Returns:
        A float32 `(batch,)` tensor; rows with no valid pair give 0.
    """
    y_true, scores = check_inputs(y_true, y_pred)
    scores = ops.cast(scores, "float32")
    n = scores.shape[1]
    if n is None:
        raise ValueError(
            "Pairwise losses need the number of items n known when tracing. "
            f"Received: y_pred.shape={tuple(y_pred.shape)}"
        )
    s = ops.stop_gradient(scores)
    valid = ops.greater_equal(y_true, 0.0)
    positive = ops.cast(ops.greater(y_true, 0.0), "float32")
    most_positives = ops.max(ops.sum(positive, axis=1))
    # Relevant items first (their order among themselves does not matter).
    _, order = ops.top_k(positive, n, sorted=True)
    order = ops.cast(order, "int32")
    batch_zeros = ops.zeros_like(s[:, 0])

    total = batch_zeros
    count = batch_zeros
    grad = ops.zeros_like(s)
    for start, stop in chunk_bounds(n):
        slots = order[:, start:stop]

        def chunk(slots=slots):
            y_i = ops.take_along_axis(y_true, slots, axis=1)
            s_i = ops.take_along_axis(s, slots, axis=1)
            pair = ops.logical_and(
                ops.expand_dims(y_i, 2) > ops.expand_dims(y_true, 1),
                ops.expand_dims(valid, 1),
            )
            pair = ops.logical_and(pair, ops.expand_dims(y_i > 0.0, 2))
            diff = ops.expand_dims(s_i, 2) - ops.expand_dims(s, 1)
            zeros = ops.zeros_like(diff)
            values = ops.where(pair, fn(diff), zeros)
            grads = ops.where(pair, fn_grad(diff), zeros)
            # d/ds_i gets +f'(d); d/ds_j gets -f'(d).
            grad_i = ops.sum(grads, axis=2)
            scatter = ops.one_hot(slots, n, dtype="float32")
            chunk_grad = ops.einsum("bc,bcn->bn", grad_i, scatter)
            chunk_grad = chunk_grad - ops.sum(grads, axis=1)
            return (
                ops.sum(values, axis=(1, 2)),
                ops.sum(ops.cast(pair, "float32"), axis=(1, 2)),
                chunk_grad,
            )

        def skip():
            return batch_zeros, batch_zeros, ops.zeros_like(s)

        c_total, c_count, c_grad = cond(most_positives > start, chunk, skip)
        total = total + c_total
        count = count + c_count
        grad = grad + c_grad

    row_loss = ops.divide_no_nan(total, count)
    row_grad = ops.divide_no_nan(grad, ops.expand_dims(count, 1))
    # Value `row_loss`, gradient `row_grad` with respect to the scores.
    surrogate = ops.sum(
        ops.stop_gradient(row_grad) * (scores - ops.stop_gradient(scores)), axis=1
    )
    return ops.stop_gradient(row_loss) + surrogate
