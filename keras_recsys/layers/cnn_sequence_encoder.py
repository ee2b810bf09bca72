import keras
from keras import ops

from keras_recsys.layers.sequence_encoder_base import DOCSTRINGS
from keras_recsys.layers.sequence_encoder_base import SequenceEncoderBase
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_rate


@keras_recsys_export("keras_recsys.layers.CNNSequenceEncoder")
@format_docstring(**DOCSTRINGS)
class CNNSequenceEncoder(SequenceEncoderBase):
    """A convolutional encoder of the most recent items (Caser).

    For each position it takes the `window` most recent item vectors up to
    and including that position (an `window x dim` "image", zero rows where
    the sequence has fewer items) and applies:

    - horizontal convolutions: `num_horizontal` filters of each height
      `h = 1..window` spanning the whole vector, followed by `activation`
      and max-pooling over the `window - h + 1` placements;
    - vertical convolutions: `num_vertical` filters of height `window`,
      each a learned weighted sum of the window's rows.

    The concatenation (`num_horizontal * window + num_vertical * dim`
    values) goes through dropout and a dense layer of `output_dim` units
    with `activation`. Padded items (False in the mask) are zero rows, and
    the window is anchored at the real items, so outputs at real positions
    do not depend on how much padding surrounds the sequence on the left or
    the right (padding inside the sequence is not supported).

    Args:
        output_dim: int. Size of the output vectors.
        window: int. Number of recent items `L` in each window. Defaults
            to `5`.
        num_horizontal: int. Horizontal filters per height. Defaults to `16`.
        num_vertical: int. Vertical filters (0 disables them). Defaults to `4`.
        activation: activation of the horizontal convolutions and the output
            layer. Defaults to `"relu"`.
        dropout: float. Dropout rate before the output layer. Defaults to
            `0.5`.
        return_sequences: bool. `True` returns every position's vector,
            `False` the vector of the last real position. Defaults to `False`.
        kernel_initializer: initializer of the filters. Defaults to
            `"glorot_uniform"`.
        {sequence_length_arg}
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    {call_arguments}

    Returns:
        `(batch, steps, output_dim)` if `return_sequences`, else
        `(batch, output_dim)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    ids = np.array([[0, 0, 3, 7, 2], [5, 1, 0, 0, 0]])
    items = keras_recsys.layers.IdEmbedding(10, 8, mask_zero=True)
    encoder = keras_recsys.layers.CNNSequenceEncoder(8, window=3)
    vectors = encoder(items(ids))  # (2, 8)
    ```

    References:
        - Tang & Wang. [Personalized Top-N Sequential Recommendation via
          Convolutional Sequence Embedding](https://arxiv.org/abs/1809.07426).
          WSDM 2018.
    """

    def __init__(
        self,
        output_dim,
        window=5,
        num_horizontal=16,
        num_vertical=4,
        activation="relu",
        dropout=0.5,
        return_sequences=False,
        kernel_initializer="glorot_uniform",
        sequence_length=None,
        **kwargs,
    ):
        self.output_dim = check_positive_int("output_dim", output_dim)
        self.window = check_positive_int("window", window)
        self.num_horizontal = check_int("num_horizontal", num_horizontal, min_value=0)
        self.num_vertical = check_int("num_vertical", num_vertical, min_value=0)
        if self.num_horizontal == 0 and self.num_vertical == 0:
            raise ValueError(
                "`num_horizontal` and `num_vertical` cannot both be 0. Received: "
                f"num_horizontal={num_horizontal}, num_vertical={num_vertical}"
            )
        self.dropout = check_rate("dropout", dropout)
        super().__init__(return_sequences, sequence_length=sequence_length, **kwargs)
        self.activation = keras.activations.get(activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def output_size(self, input_shape):
        return self.output_dim

    def build_encoder(self, input_shape):
        dim = input_shape[-1]
        self.horizontal_kernels, self.horizontal_biases = [], []
        if self.num_horizontal:
            for h in range(1, self.window + 1):
                self.horizontal_kernels.append(
                    self.add_weight(
                        name=f"horizontal_kernel_{h}",
                        shape=(h, dim, self.num_horizontal),
                        initializer=self.kernel_initializer,
                    )
                )
                self.horizontal_biases.append(
                    self.add_weight(
                        name=f"horizontal_bias_{h}",
                        shape=(self.num_horizontal,),
                        initializer="zeros",
                    )
                )
        if self.num_vertical:
            self.vertical_kernel = self.add_weight(
                name="vertical_kernel",
                shape=(self.window, self.num_vertical),
                initializer=self.kernel_initializer,
            )
            self.vertical_bias = self.add_weight(
                name="vertical_bias", shape=(self.num_vertical,), initializer="zeros"
            )
        features = self.num_horizontal * self.window + self.num_vertical * dim
        self.feature_dropout = keras.layers.Dropout(
            self.dropout, dtype=self.dtype_policy
        )
        self.output_dense = keras.layers.Dense(
            self.output_dim,
            activation=self.activation,
            kernel_initializer=self.kernel_initializer,
            dtype=self.dtype_policy,
            name="output_dense",
        )
        self.output_dense.build((None, None, features))

    def encode(self, x, mask, training):
        shape = ops.shape(x)
        keep = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        length = self.window
        # Zero rows before the sequence: window t covers padded[t .. t+L-1].
        padded = ops.pad(x * keep, [[0, 0], [length - 1, 0], [0, 0]])

        def rows(start, stop_from_end):
            # padded[:, start : len - stop_from_end] without a dynamic length.
            return padded[:, start : (-stop_from_end or None)]

        features = []
        for h, (kernel, bias) in enumerate(
            zip(self.horizontal_kernels, self.horizontal_biases), start=1
        ):
            # conv[s] covers padded[s .. s+h-1], for s = 0 .. T+L-1-h.
            conv = bias
            for j in range(h):
                conv = conv + ops.matmul(rows(j, h - 1 - j), kernel[j])
            conv = self.activation(conv)
            # Window t holds the placements s = t .. t+L-h: a sliding max.
            placements = length - h + 1
            pooled = conv[:, : (-(placements - 1) or None)]
            for p in range(1, placements):
                pooled = ops.maximum(
                    pooled, conv[:, p : (-(placements - 1 - p) or None)]
                )
            features.append(pooled)
        if self.num_vertical:
            vertical = 0.0
            for k in range(length):
                weights = ops.reshape(self.vertical_kernel[k], (1, 1, -1, 1))
                vertical = vertical + ops.expand_dims(
                    rows(k, length - 1 - k), 2
                ) * ops.cast(weights, x.dtype)
            vertical = vertical + ops.reshape(
                ops.cast(self.vertical_bias, x.dtype), (-1, 1)
            )
            features.append(
                ops.reshape(
                    vertical, (shape[0], shape[1], self.num_vertical * shape[2])
                )
            )
        z = ops.concatenate(features, axis=-1) if len(features) > 1 else features[0]
        return self.output_dense(self.feature_dropout(z, training=training))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "output_dim": self.output_dim,
                "window": self.window,
                "num_horizontal": self.num_horizontal,
                "num_vertical": self.num_vertical,
                "activation": keras.activations.serialize(self.activation),
                "dropout": self.dropout,
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
            }
        )
        return config
