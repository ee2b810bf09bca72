"""Argument checks shared by layers, losses, metrics and builders.

Each helper raises a `ValueError` (or a `TypeError` for a wrong type) with
one message format, written once in `fail`:

    `k` must be a positive integer. Received: k=0

It names the argument, what was expected and what was received. Every
entry point checks its arguments with these helpers rather than writing the
message again.
"""

import numbers

import numpy as np


def fail(name, expected, value, error=ValueError, detail="", shown=None):
    """Raises `error`: "`name` must be <expected>. Received: name=<value>".

    Args:
        name: str. The argument's name.
        expected: str. What it must be ("a positive integer").
        value: the value received (shown with `repr`).
        error: the exception class. Defaults to `ValueError`.
        detail: str. Appended to the message (a hint, the value's type).
        shown: optional str shown instead of `repr(value)` (for arrays).
    """
    received = repr(value) if shown is None else shown
    raise error(f"`{name}` must be {expected}. Received: {name}={received}{detail}")


def _type_detail(value):
    return f" (of type {type(value).__name__})"


def check_int(name, value, min_value=None, max_value=None):
    """Checks that `value` is an integer in `[min_value, max_value]`."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        fail(name, "an integer", value, TypeError, _type_detail(value))
    value = int(value)
    if min_value is not None and max_value is not None:
        if not min_value <= value <= max_value:
            fail(name, f"an integer in [{min_value}, {max_value}]", value)
    elif min_value is not None and value < min_value:
        expected = {0: "a non-negative integer", 1: "a positive integer"}
        fail(name, expected.get(min_value, f"an integer >= {min_value}"), value)
    elif max_value is not None and value > max_value:
        fail(name, f"an integer <= {max_value}", value)
    return value


def check_positive_int(name, value):
    """Checks that `value` is an integer >= 1."""
    return check_int(name, value, min_value=1)


def check_non_negative_int(name, value):
    """Checks that `value` is an integer >= 0."""
    return check_int(name, value, min_value=0)


def check_float(
    name,
    value,
    min_value=None,
    max_value=None,
    exclusive_min=False,
    exclusive_max=False,
):
    """Checks that `value` is a finite real number in the given range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        fail(name, "a number", value, TypeError, _type_detail(value))
    value = float(value)
    if not np.isfinite(value):
        fail(name, "finite", value)
    if min_value is not None:
        if exclusive_min and value <= min_value:
            fail(name, f"> {min_value}", value)
        if value < min_value:
            fail(name, f">= {min_value}", value)
    if max_value is not None:
        if exclusive_max and value >= max_value:
            fail(name, f"< {max_value}", value)
        if value > max_value:
            fail(name, f"<= {max_value}", value)
    return value


def check_rate(name, value):
    """Checks that `value` is a probability-like rate in `[0, 1)`."""
    value = check_float(name, value, min_value=0.0)
    if value >= 1.0:
        fail(name, "in [0, 1)", value)
    return value


def check_probability(name, value, exclusive_min=False):
    """Checks that `value` is a probability in `[0, 1]` (`(0, 1]`)."""
    value = check_float(name, value)
    if not (0.0 < value if exclusive_min else 0.0 <= value) or value > 1.0:
        fail(name, f"in {'(' if exclusive_min else '['}0, 1]", value)
    return value


def check_bool(name, value):
    """Checks that `value` is a bool (Python or numpy) and returns a bool."""
    if not isinstance(value, (bool, np.bool_)):
        fail(name, "a bool", value, TypeError, _type_detail(value))
    return bool(value)


def check_seed(name, value):
    """Checks a random seed: `None` or an integer in `[0, 2**32 - 1]`."""
    if value is None:
        return None
    return check_int(name, value, min_value=0, max_value=2**32 - 1)


def check_one_of(name, value, options):
    """Checks that `value` is one of `options`."""
    if value not in options:
        fail(name, f"one of {sorted(options)}", value)
    return value


def check_units(name, value, allow_empty=True):
    """Checks a sequence of positive layer widths and returns it as a tuple."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    try:
        units = tuple(value)
    except TypeError:
        fail(name, "a sequence of positive integers", value, TypeError)
    if not units and not allow_empty:
        fail(name, "a non-empty sequence of positive integers", value)
    for u in units:
        if isinstance(u, bool) or not isinstance(u, numbers.Integral) or u < 1:
            fail(name, "a sequence of positive integers", value)
    return tuple(int(u) for u in units)


def check_single_worker(kwargs, name):
    """Refuses the PyDataset settings that start Keras's batch enqueuer.

    With `workers > 1` or `use_multiprocessing=True`, Keras prefetches
    batches before `on_epoch_begin` and keeps batches prefetched while it
    builds the model (keras-team/keras#23283): on JAX and PyTorch the first
    batches of an epoch then come from another epoch, so the batches drawn
    from a per-epoch seed (order, negatives, Poisson samples) would depend on
    `workers`, a silent change of results. keras_recsys builds its batches
    with vectorized numpy, so one worker keeps up.
    """
    workers = kwargs.get("workers", 1)
    if kwargs.get("use_multiprocessing") or (workers is not None and workers > 1):
        raise ValueError(
            f"`{name}` supports only workers=1 and use_multiprocessing=False: "
            "Keras's batch enqueuer prefetches across epochs (on JAX and "
            "PyTorch the first batches of an epoch come from another epoch), "
            "which would make results depend on `workers`. Batches are built "
            "with vectorized numpy; one worker keeps up. Received: "
            f"workers={workers!r}, "
            f"use_multiprocessing={kwargs.get('use_multiprocessing', False)!r}"
        )


def dtype_name(values):
    """The standardized dtype name of an array, tensor or array-like."""
    import keras

    dtype = getattr(values, "dtype", None)
    if dtype is None:
        try:
            dtype = np.asarray(values).dtype
        except (TypeError, ValueError):
            return "object"
    try:
        return keras.backend.standardize_dtype(dtype)
    except ValueError:
        return str(getattr(dtype, "name", dtype))


def _is_numeric_dtype(name):
    return name == "bool" or any(t in name for t in ("int", "float"))


def check_numeric(name, values):
    """Checks that `values` (array, tensor or list) hold ints, floats or bools.

    Strings, objects and datetimes are a `TypeError` naming `name`: a
    backend would otherwise parse or hash them into numbers. Returns
    `values` unchanged.
    """
    kind = dtype_name(values)
    if not _is_numeric_dtype(kind):
        fail(name, "numeric", values, TypeError, shown=f"<values of dtype {kind}>")
    return values


def check_finite(name, values):
    """Checks that concrete numeric `values` hold no NaN or infinity.

    Returns the values as a numpy array. Use it on arrays a caller passes
    (traced tensors have no values to check).
    """
    array = np.asarray(check_numeric(name, values))
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        bad = ~np.isfinite(array)
        fail(
            name,
            "finite (no NaN or infinity)",
            values,
            shown=f"<array holding {array[bad].flat[0]}>",
            detail=f" ({int(bad.sum())} of {array.size} values)",
        )
    return array


def check_id_range(name, values, num_ids, owner=""):
    """Checks concrete integer ids: each in `0..num_ids - 1`.

    The comparison runs in the ids' own dtype (an int64 id of 2**32 is out
    of range, never wrapped to int32 first). The `ValueError` names `name`
    (and `owner`, say a layer), the first id out of range and `num_ids`.
    """
    array = np.asarray(values)
    if array.size == 0:
        return
    low, high = array.min(), array.max()
    if low < 0 or high >= num_ids:
        wrong = int(low if low < 0 else high)
        where = f" of {owner}" if owner else ""
        raise ValueError(
            f"`{name}`{where} holds the id {wrong}, out of range for "
            f"input_dim={num_ids} (valid ids are 0..{num_ids - 1}). Encode ids "
            "with keras_recsys.data.IdEncoder (unknown ids become 0)"
        )


def check_integer_ids(name, values):
    """Checks that ids have an integer dtype (not bool, float or string).

    Checks the dtype only (it is known when tracing, so this also runs in
    compiled graphs); the caller checks the range, knowing the table size.
    Returns `values` unchanged.
    """
    kind = dtype_name(values)
    if "int" not in kind:
        fail(
            name,
            "integer ids",
            values,
            TypeError,
            shown=f"<values of dtype {kind}>",
            detail=". Cast float ids to int yourself (a float such as 2.7 would "
            "otherwise be truncated to another id) and encode other ids with "
            "keras_recsys.data.IdEncoder",
        )
    return values


def check_model_ids(model, x):
    """Checks raw inputs for a model's integer `keras.Input`s before Keras casts.

    `model.predict`, `fit` and `model(x)` cast every input to the dtype of
    its `keras.Input` before any layer runs: a float id 2.7 fed to an int32
    input becomes 2, NaN becomes 0 and an int64 id of 2**32 + j becomes j, a
    valid id of another item, so no layer of the model can see the problem.
    Call this on concrete inputs first (the serving and evaluation paths
    do); it reads values only.

    Args:
        model: a functional `keras.Model`.
        x: its inputs: a dict by input name, a list in input order, or one
            array for a single-input model.

    Raises:
        TypeError: a non-integer (float, bool, string) value for an integer
            input, naming the input.
        ValueError: an id that the input's integer dtype cannot hold,
            naming the input and the id.
    """
    import keras

    specs = list(getattr(model, "inputs", None) or [])
    if isinstance(x, dict):
        pairs = [(t, x[t.name]) for t in specs if t.name in x]
    elif isinstance(x, (list, tuple)) and len(specs) > 1:
        pairs = list(zip(specs, x))
    else:
        pairs = list(zip(specs[:1], [x]))
    for spec, values in pairs:
        dtype = keras.backend.standardize_dtype(spec.dtype)
        if "int" not in dtype:
            continue
        name = spec.name
        check_integer_ids(name, values)
        array = np.asarray(values)
        info = np.iinfo(dtype)
        if array.size and (array.min() < info.min or array.max() > info.max):
            wrong = int(array.max() if array.max() > info.max else array.min())
            fail(
                name,
                f"ids that {dtype} holds ({info.min}..{info.max})",
                values,
                shown=f"<array holding {wrong}>",
                detail=" (Keras would wrap it to another id); encode ids with "
                "keras_recsys.data.IdEncoder",
            )


def check_array_inputs(model, x):
    """`check_model_ids` on inputs given as numpy arrays (or lists of them).

    Datasets, generators and backend tensors are left alone: their values
    are not in hand before Keras converts them. Returns `x` unchanged.
    """
    parts = x.values() if isinstance(x, dict) else x
    if not isinstance(x, (dict, list, tuple)):
        parts = [x]
    if all(isinstance(part, np.ndarray) for part in parts) and parts:
        check_model_ids(model, x)
    return x
