"""The base of the sequence encoders (not public: subclass it to add one)."""

import keras
from keras import ops

from keras_recsys.layers.last_real_position import gather_positions
from keras_recsys.layers.last_real_position import last_real_index
from keras_recsys.utils.validation import check_bool
from keras_recsys.utils.validation import check_positive_int

# Docstring paragraphs every encoder shares, filled in by
# `keras_recsys.utils.docstrings.format_docstring`.
DOCSTRINGS = {
    "sequence_length_arg": """\
sequence_length: int or None. When set, inputs must have exactly
    this many steps. Defaults to `None`.""",
    "call_arguments": """\
Call arguments:
    inputs: float tensor `(batch, steps, dim)` of item vectors.
    mask: optional boolean tensor `(batch, steps)`, True at real items.
    training: bool. Whether dropout is active.""",
}


class SequenceEncoderBase(keras.layers.Layer):
    """What every sequence encoder shares: masks, lengths, the last position.

    A subclass implements `build_encoder(input_shape)` (create its weights),
    `encode(x, mask, training)` (item vectors `(batch, steps, dim)` and the
    boolean mask -> per-position vectors `(batch, steps, output_size)`) and
    `output_size(input_shape)`, and adds its own arguments to `get_config`.
    The base validates the input shape, defaults the mask to all real,
    zeroes the outputs at padded positions, passes the mask on, and with
    `return_sequences=False` gathers the vector of the last real position.

    Args:
        return_sequences: bool. `True` returns every position's vector,
            `False` the vector of the last real position.
        sequence_length: int or None. When set, inputs must have exactly
            this many steps (a clear error instead of a silent result on a
            backend that does not check input shapes). Defaults to `None`.
    """

    def __init__(self, return_sequences, sequence_length=None, **kwargs):
        self.return_sequences = check_bool("return_sequences", return_sequences)
        if sequence_length is not None:
            sequence_length = check_positive_int("sequence_length", sequence_length)
        self.sequence_length = sequence_length
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_shape(self, shape):
        if len(shape) != 3 or shape[-1] is None:
            raise ValueError(
                "`inputs` must have shape (batch, steps, dim) with a known dim. "
                f"Received: input_shape={tuple(shape)}"
            )
        steps = shape[1]
        if self.sequence_length is not None and steps is not None:
            if int(steps) != self.sequence_length:
                raise ValueError(
                    f"`inputs` of {self.name} must have sequence_length="
                    f"{self.sequence_length} steps. Received {int(steps)} steps "
                    f"(input_shape={tuple(shape)})"
                )

    def build(self, input_shape):
        self._check_shape(input_shape)
        self.build_encoder(tuple(input_shape))
        self.built = True

    def build_encoder(self, input_shape):
        raise NotImplementedError

    def encode(self, x, mask, training):
        raise NotImplementedError

    def output_size(self, input_shape):
        raise NotImplementedError

    def call(self, inputs, training=None, mask=None):
        x = ops.cast(inputs, self.compute_dtype)
        self._check_shape(x.shape)
        shape = ops.shape(x)
        if mask is None:
            mask = ops.ones(shape[:2], dtype="bool")
        mask = ops.cast(mask, "bool")
        outputs = self.encode(x, mask, training)
        outputs = outputs * ops.expand_dims(ops.cast(mask, outputs.dtype), -1)
        if not self.return_sequences:
            outputs = gather_positions(outputs, last_real_index(mask, shape[1]))
        return outputs

    def compute_mask(self, inputs, mask=None):
        return mask if self.return_sequences else None

    def compute_output_shape(self, input_shape):
        size = self.output_size(input_shape)
        if self.return_sequences:
            return (input_shape[0], input_shape[1], size)
        return (input_shape[0], size)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "return_sequences": self.return_sequences,
                "sequence_length": self.sequence_length,
            }
        )
        return config
