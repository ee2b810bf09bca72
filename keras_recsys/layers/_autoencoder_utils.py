"""Private helpers shared by the autoencoder blocks."""

import keras
import numpy as np
from keras import ops

from keras_recsys.utils import backend_utils
from keras_recsys.utils.validation import check_bool  # noqa: F401 (the blocks use it)


def check_seed(seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"`seed` must be an integer or None. Received: seed={seed!r}")
    return seed


def check_rows_shape(layer, input_shape, name="inputs"):
    """Checks a `(batch, num_items)` input shape and returns `num_items`."""
    shape = tuple(input_shape)
    if len(shape) != 2 or shape[-1] is None:
        raise ValueError(
            f"`{name}` of {layer.name} must have shape (batch, num_items) with a "
            f"known num_items. Received: {name}.shape={shape}"
        )
    return int(shape[-1])


def check_finite_rows(layer, rows, name="inputs"):
    """Raises a `ValueError` if concrete `rows` hold NaN or infinite values."""
    if not backend_utils.is_concrete(rows):
        return
    values = backend_utils.to_numpy(rows)
    if np.issubdtype(values.dtype, np.floating) and not np.isfinite(values).all():
        raise ValueError(
            f"`{name}` of {layer.name} holds NaN or infinite values; rows of the "
            "user x item matrix must be finite (0 for unobserved entries)."
        )


def l2_normalize_rows(x):
    """Divides each row by its L2 norm; all-zero rows stay zero."""
    squared = ops.sum(ops.square(x), axis=-1, keepdims=True)
    return x * ops.rsqrt(ops.maximum(squared, ops.cast(1e-12, x.dtype)))


def dense_stack(units, activation, output_units, output_activation, layer, prefix):
    """Builds `Dense` sublayers: `units` with `activation`, then the output."""
    dense = []
    for i, u in enumerate(units):
        dense.append(
            keras.layers.Dense(
                u,
                activation=activation,
                kernel_initializer=layer.kernel_initializer,
                kernel_regularizer=layer.kernel_regularizer,
                dtype=layer.dtype_policy,
                name=f"{prefix}_{i}",
            )
        )
    if output_units is not None:
        dense.append(
            keras.layers.Dense(
                output_units,
                activation=output_activation,
                kernel_initializer=layer.kernel_initializer,
                kernel_regularizer=layer.kernel_regularizer,
                dtype=layer.dtype_policy,
                name=f"{prefix}_output",
            )
        )
    return dense


def build_stack(dense, input_dim):
    """Builds `dense` layers one after another from `input_dim` features."""
    dim = input_dim
    for d in dense:
        d.build((None, dim))
        dim = d.units
    return dim


def run_stack(dense, x):
    for d in dense:
        x = d(x)
    return x
