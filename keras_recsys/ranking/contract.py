"""The ranking input contract: its checks, written once.

Ranking metrics, ranking losses and `evaluate_topk` read their inputs through
this module (see docs/concepts.md). The sparse ids are read in `_sparse_ids`
and NaN rows found in `_nan_rows`, both re-exported here. The contract:

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

from keras_recsys.ranking._nan_rows import check_no_nan  # noqa: F401
from keras_recsys.ranking._nan_rows import cond  # noqa: F401
from keras_recsys.ranking._nan_rows import nan_rows
from keras_recsys.ranking._nan_rows import nan_where  # noqa: F401
from keras_recsys.ranking._nan_rows import rows_with_nan  # noqa: F401
from keras_recsys.ranking._sparse_ids import WIDE_INTS
from keras_recsys.ranking._sparse_ids import check_raw_ids  # noqa: F401
from keras_recsys.ranking._sparse_ids import in_batch_hint
from keras_recsys.ranking._sparse_ids import is_sparse  # noqa: F401
from keras_recsys.ranking._sparse_ids import labels_from_ids  # noqa: F401
from keras_recsys.utils.backend_utils import float64_supported
from keras_recsys.utils.backend_utils import is_concrete
from keras_recsys.utils.backend_utils import to_numpy
from keras_recsys.utils.validation import check_numeric
from keras_recsys.utils.validation import dtype_name
from keras_recsys.utils.validation import fail


def check_k(k):
    """Checks that `k` is a positive integer and returns it as an int."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        # A ValueError for every bad `k` (also a wrong type), as always.
        fail("k", "a positive integer", k)
    return int(k)


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
    if dtype == "float64" or (dtype in WIDE_INTS and is_concrete(y_pred)):
        target = _float64_or_warn(name, dtype)
        if isinstance(y_pred, (np.ndarray, np.generic, list, tuple)):
            # Widen in numpy: JAX would first wrap int64 values to int32.
            y_pred = np.asarray(y_pred, dtype=target)
    y_pred = ops.convert_to_tensor(y_pred)
    dtype = keras.backend.standardize_dtype(y_pred.dtype)
    if dtype in WIDE_INTS:
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
