"""NaN rows of a ranking input: an error in eager calls, NaN in a graph.

Read through `keras_recsys.ranking.contract`.
"""

from keras import ops

from keras_recsys.utils.backend_utils import is_concrete
from keras_recsys.utils.backend_utils import to_numpy


def cond(pred, true_fn, false_fn):
    """`ops.cond`, or a plain `if` when `pred` can be read now (eager)."""
    if is_concrete(pred):
        return true_fn() if bool(to_numpy(pred)) else false_fn()
    return ops.cond(pred, true_fn, false_fn)


def check_no_nan(row_has_nan, name, what="NaN"):
    """Raises when a concrete (eager) input holds NaN (or `what`).

    Args:
        row_has_nan: bool `(batch,)`, whether each row of the input holds NaN.
        name: str. The argument's name, for the message.
        what: str. What the rows hold ("NaN", "infinity").

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
            f"`{name}` must not hold {what}. Received: {name} with {what} in "
            f"{int(rows.sum())} of {rows.shape[0]} rows (first: row {first})"
        )


def rows_with_nan(y_true, y_pred):
    """Bool `(batch,)`: rows where `y_pred` holds NaN or `y_true` NaN or inf.

    An infinite label has no finite gain (NDCG would be NaN). Row sums are
    NaN when a row holds NaN (or both +inf and -inf); the label sums are
    also infinite for an infinite label; only then are the rows checked one
    value at a time. Two reads of the inputs, no full-size temporary, in the
    common case.
    """
    label_sums = ops.sum(y_true, axis=1)
    sums = label_sums + ops.cast(ops.sum(y_pred, axis=1), "float32")
    suspect = ops.logical_or(
        ops.any(ops.isnan(sums)), ops.logical_not(ops.all(ops.isfinite(label_sums)))
    )

    def exact():
        return ops.logical_or(
            ops.any(ops.logical_not(ops.isfinite(y_true)), axis=1),
            ops.any(ops.isnan(y_pred), axis=1),
        )

    return cond(suspect, exact, lambda: ops.zeros_like(sums, "bool"))


def nan_rows(y_true, y_pred):
    """Bool `(batch,)` rows holding NaN (or an infinite label); eager raises.

    The `ValueError` names the argument (`y_true` or `y_pred`), how many
    rows hold NaN and the first one. Inside a compiled step the rows are
    returned so that the caller makes their values NaN: a NaN input shows
    in the result and is never silently ignored.
    """
    bad_rows = rows_with_nan(y_true, y_pred)
    if is_concrete(bad_rows) and bool(to_numpy(ops.any(bad_rows))):
        check_no_nan(ops.any(ops.isnan(y_true), axis=1), "y_true")
        check_no_nan(ops.any(ops.isinf(y_true), axis=1), "y_true", "infinity")
        check_no_nan(ops.any(ops.isnan(y_pred), axis=1), "y_pred")
    return bad_rows


def nan_where(bad_rows, values):
    """`values` with NaN in the rows `bad_rows`."""
    return ops.where(bad_rows, ops.cast(float("nan"), values.dtype), values)
