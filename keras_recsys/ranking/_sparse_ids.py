"""Sparse ranking labels: the ids of the relevant (or excluded) items.

`y_true` of shape `(batch,)`, or an int `(batch, m)` with `m != n`: an id
`j >= 0` is relevant, `-1` is padding and `-(j + 2)` excludes item `j`
(docs/concepts.md). Read through `keras_recsys.ranking.contract`.
"""

import keras
import numpy as np
from keras import ops

from keras_recsys.utils.backend_utils import is_concrete
from keras_recsys.utils.backend_utils import to_numpy
from keras_recsys.utils.validation import check_numeric
from keras_recsys.utils.validation import dtype_name
from keras_recsys.utils.validation import fail

# Integer dtypes that float32 cannot hold exactly (values above 2**24).
WIDE_INTS = ("int32", "uint32", "int64", "uint64")


def in_batch_hint(pred_shape):
    """A sentence for errors on square `(batch, batch)` scores, else ''."""
    if len(pred_shape) == 2 and pred_shape[0] == pred_shape[1] is not None:
        return (
            f". `y_pred` has shape {tuple(pred_shape)}: if it is an in-batch "
            "similarity matrix (each query against the items of its batch, as "
            "a two-tower model outputs for its softmax loss), it does not score "
            "the catalog; add an output scoring every item with "
            "`keras_recsys.models.add_catalog_scores` or validate with "
            "`keras_recsys.callbacks.TopKEvaluation`"
        )
    return ""


def is_sparse(y_true, y_pred):
    """Whether `y_true` holds item ids: `(batch,)`, or int `(batch, m)`, `m != n`."""
    true_shape = tuple(y_true.shape)
    pred_shape = tuple(y_pred.shape)
    if len(true_shape) == 1:
        return True
    # A float `(batch, m)` is a dense row of the wrong width, not ids.
    return (
        len(true_shape) == 2
        and len(pred_shape) == 2
        and None not in (true_shape[1], pred_shape[1])
        and true_shape[1] != pred_shape[1]
        and "int" in keras.backend.standardize_dtype(y_true.dtype)
    )


_INT32 = np.iinfo("int32")


def _check_ids(ids, pred_shape):
    """The ids are numbers, not bools; eager: integers within int32."""
    if dtype_name(ids) == "bool":
        fail(
            "y_true",
            "item ids (ints) or a dense label row of the scores' shape",
            ids,
            TypeError,
            shown="<values of dtype bool>",
            detail=f". A bool y_true of shape {tuple(ids.shape)} is read as item "
            f"ids (its shape is not the scores' shape {tuple(pred_shape)})",
        )
    if not is_concrete(ids):
        return
    values = to_numpy(ids)
    if values.dtype.kind in "iu" and values.size:
        low, high = values.min(), values.max()
        if low < _INT32.min or high > _INT32.max:
            item = int(high) if high > _INT32.max else -int(low) - 2
            raise ValueError(
                f"`y_true` holds item id {item}, outside 0..{int(pred_shape[1]) - 1}"
                f": the scores `y_pred` have {int(pred_shape[1])} columns, one per "
                "item id"
            )
    # NaN fails `values == round(values)` too.
    if values.dtype.kind == "f" and not (values == values.round()).all():
        raise ValueError(
            f"`y_true` of shape {values.shape} is read as item ids (its shape "
            f"is not the scores' shape {tuple(pred_shape)}), but it holds values "
            "that are not integers. Pass either the ids of the relevant items "
            "(`(batch,)`, or an int `(batch, m)` padded with -1) or a dense label row "
            "of the scores' shape `(batch, n)`."
        )


def check_raw_ids(y_true, y_pred):
    """Checks `y_true` before it becomes a tensor; returns it.

    Strings are a `TypeError`. Concrete integer ids beyond int32 are a
    `ValueError` here, before JAX (without x64) would wrap them to int32.
    """
    check_numeric("y_true", y_true)
    check_numeric("y_pred", y_pred)
    if isinstance(y_true, (list, tuple)):
        y_true = np.asarray(y_true)
    if not (is_concrete(y_true) and dtype_name(y_true) in WIDE_INTS):
        return y_true
    if isinstance(y_pred, (list, tuple)):
        y_pred = np.asarray(y_pred)
    if len(y_pred.shape) == 2 and is_sparse(y_true, y_pred):
        _check_ids(y_true, tuple(y_pred.shape))
    return y_true


def labels_from_ids(ids, y_pred):
    """Builds dense labels from sparse ids with one scatter.

    Args:
        ids: `(batch,)` or `(batch, m)` item ids: `j >= 0` relevant, `-1`
            padding, `-(j + 2)` excludes item `j`. An item both relevant and
            excluded is relevant.
        y_pred: `(batch, n)` scores (for the shape).

    Returns:
        `(labels, out_of_range)`: float32 `(batch, n)` labels of the dense
        contract (1, 0, -1) and bool `(batch,)`, the rows holding an id
        outside `0..n-1` (that id is dropped; eager calls raise instead).
    """
    check_numeric("y_true", ids)
    ids = ops.convert_to_tensor(ids)
    _check_ids(ids, y_pred.shape)
    if len(ids.shape) == 1:
        ids = ops.expand_dims(ids, 1)
    if dtype_name(ids) in ("int64", "uint32", "uint64"):
        # Clip before the cast (which would wrap 2**32 + j to item j): an id
        # beyond int32 stays out of range (its row is NaN in a graph).
        ids = ops.clip(ids, _INT32.min, _INT32.max)
    ids = ops.cast(ids, "int32")
    n = ops.shape(y_pred)[1]
    relevant = ops.greater_equal(ids, 0)
    excluded = ops.less_equal(ids, -2)
    columns = ops.where(relevant, ids, -ids - 2)
    used = ops.logical_or(relevant, excluded)
    outside = ops.logical_and(used, ops.greater_equal(columns, n))
    keep = ops.logical_and(used, ops.logical_not(outside))
    # Relevant ids add 1, excluded ids 1 / (m + 1): a sum >= 1 is relevant,
    # one in (0, 1) only excluded, whatever the duplicates.
    small = 1.0 / (float(ids.shape[1]) + 1.0)
    values = ops.where(relevant, 1.0, small) * ops.cast(keep, "float32")
    columns = ops.where(keep, columns, ops.zeros_like(columns))
    rows = ops.broadcast_to(
        ops.expand_dims(ops.arange(ops.shape(ids)[0], dtype="int32"), 1),
        ops.shape(ids),
    )
    indices = ops.reshape(ops.stack([rows, columns], axis=-1), (-1, 2))
    sums = ops.scatter(indices, ops.reshape(values, (-1,)), ops.shape(y_pred))
    labels = ops.where(
        ops.greater_equal(sums, 1.0),
        1.0,
        ops.where(ops.greater(sums, 0.0), -1.0, 0.0),
    )
    out_of_range = ops.any(outside, axis=1)
    if is_concrete(out_of_range) and bool(to_numpy(ops.any(out_of_range))):
        flat = to_numpy(ids)
        bad_rows, bad_slots = to_numpy(outside).nonzero()
        bad = int(flat[bad_rows[0], bad_slots[0]])
        item = bad if bad >= 0 else -bad - 2
        raise ValueError(
            f"`y_true` holds item id {item} (row {int(bad_rows[0])}; "
            f"{len(set(bad_rows.tolist()))} rows hold ids out of range), outside "
            f"0..{int(y_pred.shape[1]) - 1}: the scores `y_pred` have "
            f"{int(y_pred.shape[1])} columns, one per item id. Unknown items "
            "cannot be scored; drop or count them before ranking"
            + in_batch_hint(tuple(y_pred.shape))
        )
    return ops.cast(labels, "float32"), out_of_range
