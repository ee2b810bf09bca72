"""The ranking input contract: its checks, written once.

Ranking metrics, ranking losses and `evaluate_topk` read their inputs through
this module (see docs/concepts.md):

- `y_true` dense, `(batch, n)`: a value > 0 marks a relevant item (the value
  is its graded gain), 0 a non-relevant item and a value < 0 an item excluded
  from ranking (it never occupies a ranking position).
- `y_true` sparse (metrics only): the id of each row's one relevant item,
  `(batch,)`, or a padded list of ids `(batch, m)` with `m != n`: an id
  `j >= 0` is relevant, `-1` is padding and `-(j + 2)` excludes item `j`
  (`keras_recsys.metrics.sparse_targets` writes this layout). It is turned
  into the dense row in-graph with one scatter per batch.
- `y_pred` of shape `(batch, n)`: scores, higher ranks first.
- NaN in `y_true` or `y_pred`, and ids outside `0..n-1`, are a `ValueError`
  in eager calls; inside a compiled step (where values cannot be read) the
  row's value is NaN, so the result is NaN, never a silently wrong number.
"""

import numbers
import warnings

import keras
import numpy as np
from keras import ops

from keras_recsys.utils.backend_utils import float64_supported
from keras_recsys.utils.backend_utils import is_concrete
from keras_recsys.utils.backend_utils import to_numpy
from keras_recsys.utils.validation import check_numeric
from keras_recsys.utils.validation import dtype_name
from keras_recsys.utils.validation import fail


def cond(pred, true_fn, false_fn):
    """`ops.cond`, or a plain `if` when `pred` can be read now (eager)."""
    if is_concrete(pred):
        return true_fn() if bool(to_numpy(pred)) else false_fn()
    return ops.cond(pred, true_fn, false_fn)


def check_k(k):
    """Checks that `k` is a positive integer and returns it as an int."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        # A ValueError for every bad `k` (also a wrong type), as always.
        fail("k", "a positive integer", k)
    return int(k)


# Integer dtypes that float32 cannot hold exactly (values above 2**24).
_WIDE_INTS = ("int32", "uint32", "int64", "uint64")
_warned = set()


def warn_once(key, message):
    """Emits `message` as a `UserWarning` once per process and `key`."""
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, stacklevel=3)


def _float64_or_warn(name, dtype):
    """ "float64", warning once on JAX without x64 (it becomes float32)."""
    if not float64_supported():
        warn_once(
            "float64",
            f"`{name}` of dtype {dtype} is ranked as float32: JAX runs without "
            "x64 (`jax.config.update('jax_enable_x64', True)` keeps float64), "
            "so scores that differ only beyond float32 precision (integers "
            "above 2**24, close float64 values) tie and the tie rule orders "
            "them by index.",
        )
    return "float64"


def as_scores(y_pred, name="y_pred"):
    """Converts scores to a float tensor without creating ties.

    float32 and float64 are kept (float64 becomes float32 on JAX without
    x64, with a warning); half floats, bools and 8/16-bit ints are widened
    to float32 and 32/64-bit ints to float64, both exact (int64 up to
    2**53). Strings and other non-numbers are a `TypeError` naming `name`.
    """
    check_numeric(name, y_pred)
    dtype = dtype_name(y_pred)
    if dtype == "float64" or (dtype in _WIDE_INTS and is_concrete(y_pred)):
        target = _float64_or_warn(name, dtype)
        if isinstance(y_pred, (np.ndarray, np.generic, list, tuple)):
            # Widen in numpy: JAX would first wrap int64 values to int32.
            y_pred = np.asarray(y_pred, dtype=target)
    y_pred = ops.convert_to_tensor(y_pred)
    dtype = keras.backend.standardize_dtype(y_pred.dtype)
    if dtype in _WIDE_INTS:
        return ops.cast(y_pred, _float64_or_warn(name, dtype))
    if dtype not in ("float32", "float64"):
        return ops.cast(y_pred, "float32")
    return y_pred


def as_labels(y_true, name="y_true"):
    """Converts labels to float32; strings are a `TypeError` naming `name`."""
    check_numeric(name, y_true)
    y_true = ops.convert_to_tensor(y_true)
    if keras.backend.standardize_dtype(y_true.dtype) != "float32":
        y_true = ops.cast(y_true, "float32")
    return y_true


def _standardize(y_true, y_pred):
    return as_labels(y_true), as_scores(y_pred)


def check_inputs(y_true, y_pred, k=None):
    """Checks the shapes of a ranking input and returns it as tensors.

    Args:
        y_true: labels of shape `(batch, n)`.
        y_pred: scores of shape `(batch, n)`.
        k: int or None. The cut-off; when given it must not exceed `n`.

    Returns:
        `(y_true, y_pred)`: `y_true` as float32 and `y_pred` as float32 or
        float64 (see `as_scores`).

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
                f"y_true.shape={true_shape}, y_pred.shape={pred_shape}. To pass "
                "item ids instead of label rows, give an integer `y_true` of "
                "shape (batch,) or (batch, m) padded with -1"
                + in_batch_hint(pred_shape)
            )
    n = pred_shape[1] if pred_shape[1] is not None else true_shape[1]
    if k is not None and n is not None and k > n:
        raise ValueError(
            f"`k` must not exceed the number of items n. Received: k={k}, n={n}"
            + in_batch_hint(pred_shape)
        )
    return y_true, y_pred


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
    if not (is_concrete(y_true) and dtype_name(y_true) in _WIDE_INTS):
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


def check_sample_weight(sample_weight):
    """Returns `sample_weight` as a float32 scalar or `(batch,)` tensor.

    Weights must be finite and >= 0: eager calls raise a `ValueError`
    naming `sample_weight` otherwise. Inside a compiled step the values
    cannot be read; a NaN weight then makes the result NaN (visible), a
    negative weight is used as given.
    """
    if sample_weight is None:
        return None
    check_numeric("sample_weight", sample_weight)
    if is_concrete(sample_weight):
        values = to_numpy(sample_weight).astype("float64")
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            fail(
                "sample_weight",
                "finite and >= 0",
                sample_weight,
                shown=f"<array holding {values[bad].flat[0]}>",
                detail=f" ({int(bad.sum())} of {values.size} values)",
            )
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


def loss_inputs(y_true, y_pred):
    """Checks the input of a ranking loss: `(y_true, y_pred, bad_rows)`.

    As `check_inputs`, plus NaN: a `ValueError` in eager calls; inside a
    compiled step the losses make the rows in `bad_rows` NaN.
    """
    y_true, y_pred = check_inputs(y_true, y_pred)
    return y_true, y_pred, nan_rows(y_true, y_pred)


def is_empty(y_pred):
    """True when the batch is statically known to have no row."""
    return y_pred.shape[0] == 0
