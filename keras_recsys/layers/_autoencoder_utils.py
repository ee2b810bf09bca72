"""Private helpers shared by the autoencoder blocks."""

import keras
import numpy as np
from keras import ops

from keras_recsys.utils import backend_utils
from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_rate
from keras_recsys.utils.validation import check_seed


def split_pair(layer, inputs, names):
    """`inputs` as its two parts; a clear error unless it is a list of two."""
    if (
        not isinstance(inputs, (list, tuple))
        or len(inputs) != 2
        or any(x is None or isinstance(x, int) for x in inputs)
    ):
        raise ValueError(
            f"`inputs` of {type(layer).__name__} must be a list [{names}]. "
            f"Received: inputs={inputs!r}"
        )
    return inputs[0], inputs[1]


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


BASE_ARGUMENTS = (
    "output_dim",
    "activation",
    "dropout",
    "l2_normalize",
    "kernel_initializer",
    "kernel_regularizer",
    "seed",
)


def base_arguments(arguments):
    """The `AutoencoderBase` arguments in a block's `locals()`, and its kwargs."""
    return {**{k: arguments[k] for k in BASE_ARGUMENTS}, **arguments["kwargs"]}


class AutoencoderBase(keras.layers.Layer):
    """What the autoencoder blocks share (not public: subclass it).

    The arguments every block takes (`BASE_ARGUMENTS`: checked, kept as
    attributes of the same name and listed in `get_config`), the input
    corruption (`corrupt`) and the output shape `(batch, output_dim or
    num_items)`. A subclass checks its own arguments, calls
    `super().__init__(**base_arguments(locals()))`, creates its layers and
    adds its own arguments to `get_config`.
    """

    def __init__(
        self,
        *,
        output_dim,
        activation,
        dropout,
        l2_normalize,
        kernel_initializer,
        kernel_regularizer,
        seed,
        **kwargs,
    ):
        self.output_dim = (
            None if output_dim is None else check_positive_int("output_dim", output_dim)
        )
        self.dropout = check_rate("dropout", dropout)
        self.l2_normalize = check_bool("l2_normalize", l2_normalize)
        self.seed = check_seed("seed", seed)
        super().__init__(**kwargs)
        self.activation = keras.activations.get(activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.input_dropout = keras.layers.Dropout(
            self.dropout, seed=seed, dtype=self.dtype_policy, name="input_dropout"
        )

    def corrupt(self, rows, training, name="inputs"):
        """Checks `rows`, L2-normalizes them if asked, then applies dropout."""
        check_finite_rows(self, rows, name=name)
        x = ops.cast(rows, self.compute_dtype)
        if self.l2_normalize:
            x = l2_normalize_rows(x)
        return self.input_dropout(x, training=training)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim or input_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "output_dim": self.output_dim,
                "activation": keras.activations.serialize(self.activation),
                "dropout": self.dropout,
                "l2_normalize": self.l2_normalize,
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
                "kernel_regularizer": keras.regularizers.serialize(
                    self.kernel_regularizer
                ),
                "seed": self.seed,
            }
        )
        return config
