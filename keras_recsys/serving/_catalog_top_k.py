"""The top k codes of the whole catalog, scored one chunk of items at a time.

Only one chunk's `(batch, chunk)` scores and seen-items mask exist at a time,
never a `(batch, num_items)` matrix, so memory follows the chunk size, not
the catalog.
"""

from keras import ops

from keras_recsys.ranking import selection


def _top_positions(valid, scores, k):
    """Positions of the k best valid scores per row, under the tie rule.

    The labels handed to `selection.top_k` carry each column's position
    + 1 (and -1 where not valid), so the labels of its selection name the
    selected columns; empty slots (fewer than k valid columns) have label 0.
    """
    n = scores.shape[1]
    positions = ops.expand_dims(ops.arange(1, n + 1, dtype="float32"), 0)
    labels = ops.where(valid, positions, -1.0)
    topk = selection.top_k(labels, ops.cast(scores, "float32"), k)
    filled = ops.greater(topk.labels, 0.0)
    return ops.maximum(ops.cast(topk.labels, "int32") - 1, 0), filled


def _pick(values, positions, filled, empty):
    picked = ops.take_along_axis(values, positions, axis=1)
    return ops.where(filled, picked, ops.cast(empty, picked.dtype))


def rankable(history, start, size):
    """bool `(batch, size)`: codes `start..start+size-1` that may be ranked.

    Not code 0 (padding / unknown, never recommended) and not in the row's
    `history` (int32 `(batch, L)` codes, 0 pads).
    """
    batch = ops.shape(history)[0]
    width = history.shape[1]
    rows = ops.repeat(ops.expand_dims(ops.arange(batch, dtype="int32"), 1), width, 1)
    local = history - start
    inside = ops.logical_and(
        ops.logical_and(ops.greater_equal(local, 0), ops.less(local, size)),
        ops.greater(history, 0),
    )
    # Items outside the chunk land in an extra last column, then dropped.
    columns = ops.where(inside, local, size)
    indices = ops.stack([ops.reshape(rows, (-1,)), ops.reshape(columns, (-1,))], 1)
    ones = ops.ones((ops.shape(indices)[0],), "float32")
    seen = ops.scatter(indices, ones, (batch, size + 1))[:, :size]
    codes = ops.expand_dims(ops.arange(start, start + size, dtype="int32"), 0)
    return ops.logical_and(ops.equal(seen, 0.0), ops.greater(codes, 0))


def catalog_top_k(chunk, num_items, chunk_size, k):
    """The k best codes of `0..num_items-1`, merged over chunks of items.

    Args:
        chunk: callable `(start, size) -> (scores, valid)`, float32 and bool
            `(batch, size)`, for the codes `start..start+size-1`.
        num_items: int. Codes in the catalog.
        chunk_size: int. Codes per chunk.
        k: int. Codes kept.

    Returns:
        `(codes, scores)`: int32 and float32 `(batch, k)`, best first; empty
        slots (fewer than k valid codes) hold code 0 and score -inf.
    """
    best_scores = best_codes = None
    for start in range(0, num_items, chunk_size):
        size = min(num_items - start, chunk_size)
        scores, valid = chunk(start, size)
        positions, filled = _top_positions(valid, scores, min(k, size))
        top_scores = _pick(scores, positions, filled, float("-inf"))
        top_codes = ops.where(filled, positions + start, 0)
        if best_scores is not None:
            # Earlier chunks hold lower codes: by position, ties keep the
            # lower code first. Code 0 is never valid, so 0 marks empty slots.
            top_scores = ops.concatenate([best_scores, top_scores], axis=1)
            top_codes = ops.concatenate([best_codes, top_codes], axis=1)
            positions, filled = _top_positions(
                ops.greater(top_codes, 0), top_scores, min(k, top_scores.shape[1])
            )
            top_scores = _pick(top_scores, positions, filled, float("-inf"))
            top_codes = _pick(top_codes, positions, filled, 0)
        best_scores, best_codes = top_scores, top_codes
    return ops.cast(best_codes, "int32"), best_scores
