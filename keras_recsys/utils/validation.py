"""Argument checks shared by layers, losses, metrics and builders.

Each helper raises a `ValueError` (or `TypeError`) that names the argument
and the value received.
"""

import numbers

import numpy as np


def check_int(name, value, min_value=None, max_value=None):
    """Checks that `value` is an integer in `[min_value, max_value]`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"`{name}` must be an integer. Received: {name}={value!r} "
            f"(of type {type(value).__name__})"
        )
    value = int(value)
    if min_value is not None and value < min_value:
        raise ValueError(f"`{name}` must be >= {min_value}. Received: {name}={value}")
    if max_value is not None and value > max_value:
        raise ValueError(f"`{name}` must be <= {max_value}. Received: {name}={value}")
    return value


def check_positive_int(name, value):
    """Checks that `value` is an integer >= 1."""
    return check_int(name, value, min_value=1)


def check_float(name, value, min_value=None, max_value=None, exclusive_min=False):
    """Checks that `value` is a finite real number in the given range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"`{name}` must be a number. Received: {name}={value!r} "
            f"(of type {type(value).__name__})"
        )
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite. Received: {name}={value}")
    if min_value is not None:
        if exclusive_min and value <= min_value:
            raise ValueError(
                f"`{name}` must be > {min_value}. Received: {name}={value}"
            )
        if value < min_value:
            raise ValueError(
                f"`{name}` must be >= {min_value}. Received: {name}={value}"
            )
    if max_value is not None and value > max_value:
        raise ValueError(f"`{name}` must be <= {max_value}. Received: {name}={value}")
    return value


def check_rate(name, value):
    """Checks that `value` is a probability-like rate in `[0, 1)`."""
    value = check_float(name, value, min_value=0.0)
    if value >= 1.0:
        raise ValueError(f"`{name}` must be in [0, 1). Received: {name}={value}")
    return value


def check_one_of(name, value, options):
    """Checks that `value` is one of `options`."""
    if value not in options:
        raise ValueError(
            f"`{name}` must be one of {sorted(options)}. Received: {name}={value!r}"
        )
    return value


def check_units(name, value, allow_empty=True):
    """Checks a sequence of positive layer widths and returns it as a tuple."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    try:
        units = tuple(value)
    except TypeError:
        raise TypeError(
            f"`{name}` must be a sequence of positive integers. "
            f"Received: {name}={value!r}"
        ) from None
    if not units and not allow_empty:
        raise ValueError(f"`{name}` must not be empty. Received: {name}={value!r}")
    for u in units:
        if isinstance(u, bool) or not isinstance(u, numbers.Integral) or u < 1:
            raise ValueError(
                f"`{name}` must hold positive integers only. Received: {name}={value!r}"
            )
    return tuple(int(u) for u in units)
