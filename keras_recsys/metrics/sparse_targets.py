"""Packs per-row item ids into the sparse `y_true` of the ranking metrics."""

import numpy as np

from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import fail


def _rows(value, name):
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype != object:
        value = value.reshape(-1, 1)
    rows = [np.asarray(row).reshape(-1) for row in value]
    for i, row in enumerate(rows):
        if row.size and not np.issubdtype(row.dtype, np.integer):
            raise TypeError(
                f"`{name}` must hold integer item ids. Received: {name}[{i}] of "
                f"dtype {row.dtype}"
            )
        if row.size and row.min() < 0:
            raise ValueError(
                f"`{name}` must hold item ids >= 0. Received: {name}[{i}] holding "
                f"{int(row.min())}"
            )
    return rows


@keras_recsys_export("keras_recsys.metrics.sparse_targets")
def sparse_targets(relevant, exclude=None, width=None):
    """Packs relevant (and excluded) item ids into one padded int32 array.

    The result is the sparse `y_true` every ranking metric of
    `keras_recsys.metrics` reads (docs/concepts.md): per row, the relevant
    ids `j`, then each excluded id `j` written `-(j + 2)`, then `-1`
    padding. The metrics turn it into a dense label row in-graph (1 for
    relevant, -1 for excluded, 0 otherwise; an item both relevant and
    excluded is relevant), so it can be the `y` of `fit`/`evaluate` for an
    output compiled with ranking metrics. The inputs are not modified.

    Args:
        relevant: per row, the relevant item ids: a list of int arrays, or a
            1-D int array of one id per row.
        exclude: optional per row, the item ids not ranked (the items a user
            already interacted with), a list of int arrays. Defaults to
            `None`.
        width: optional int. The number of columns; defaults to the longest
            row. Must not be the number of items (a `(batch, n)` array is
            read as dense labels).

    Returns:
        An int32 numpy array `(num_rows, width)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    y_true = keras_recsys.metrics.sparse_targets(
        [np.array([1]), np.array([0, 3])], exclude=[np.array([2]), np.array([])]
    )  # [[1, -4], [0, 3]]
    keras_recsys.metrics.recall_at_k(
        y_true, np.array([[0.1, 0.9, 0.5, 0.3], [0.1, 0.9, 0.5, 0.3]]), k=2
    )  # [1.0, 0.0]
    ```
    """
    rows = _rows(relevant, "relevant")
    if exclude is not None:
        excluded = _rows(exclude, "exclude")
        if len(excluded) != len(rows):
            raise ValueError(
                "`exclude` must have one entry per row of `relevant` "
                f"({len(rows)}). Received {len(excluded)} entries"
            )
        rows = [np.concatenate([r, -e - 2]) for r, e in zip(rows, excluded)]
    longest = max((len(r) for r in rows), default=0)
    if width is None:
        width = max(longest, 1)
    elif isinstance(width, bool) or not isinstance(width, int) or width < longest:
        fail("width", f"an integer >= the longest row ({longest})", width)
    out = np.full((len(rows), width), -1, dtype="int32")
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out
