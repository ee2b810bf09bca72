import keras
from keras import ops

from keras_recsys.layers.last_real_position import gather_positions
from keras_recsys.layers.last_real_position import last_real_index
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_rate

CELLS = ("gru", "lstm")


@keras_recsys_export("keras_recsys.layers.RNNSequenceEncoder")
class RNNSequenceEncoder(keras.layers.Layer):
    """A stacked GRU or LSTM encoder of item sequences (GRU4Rec).

    Runs `num_layers` recurrent layers over the item vectors, with dropout
    between layers and on the output. Padded positions (False in the mask)
    are skipped: the state is carried over them unchanged, so leading
    padding leaves the initial state in place and trailing padding leaves
    the state of the last real item. The outputs at the real positions, and
    the last state, do not depend on how much padding surrounds the
    sequence. Outputs at padded positions are zero.

    Args:
        units: int. Size of the recurrent state.
        cell: str. `"gru"` or `"lstm"`. Defaults to `"gru"`.
        num_layers: int. Number of stacked recurrent layers. Defaults to `1`.
        dropout: float. Dropout rate between layers and on the output.
            Defaults to `0.0`.
        return_sequences: bool. `True` returns every position's state,
            `False` the state after the last real item. Defaults to `False`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: float tensor `(batch, steps, dim)` of item vectors.
        mask: optional boolean tensor `(batch, steps)`, True at real items.
        training: bool. Whether dropout is active.

    Returns:
        `(batch, steps, units)` if `return_sequences`, else `(batch, units)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    ids = np.array([[0, 0, 3, 7, 2], [5, 1, 0, 0, 0]])
    items = keras_recsys.layers.IdEmbedding(10, 8, mask_zero=True)
    encoder = keras_recsys.layers.RNNSequenceEncoder(16, cell="lstm")
    last_state = encoder(items(ids))  # (2, 16)
    ```

    References:
        - Hidasi et al. [Session-based Recommendations with Recurrent Neural
          Networks](https://arxiv.org/abs/1511.06939). ICLR 2016.
        - Hidasi & Karatzoglou. [Recurrent Neural Networks with Top-k Gains
          for Session-based Recommendations](https://arxiv.org/abs/1706.03847).
          CIKM 2018.
    """

    def __init__(
        self,
        units,
        cell="gru",
        num_layers=1,
        dropout=0.0,
        return_sequences=False,
        **kwargs,
    ):
        self.units = check_positive_int("units", units)
        self.cell = check_one_of("cell", cell, CELLS)
        self.num_layers = check_positive_int("num_layers", num_layers)
        self.dropout = check_rate("dropout", dropout)
        if not isinstance(return_sequences, bool):
            raise TypeError(
                "`return_sequences` must be a bool. "
                f"Received: return_sequences={return_sequences!r}"
            )
        self.return_sequences = return_sequences
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(
                "`inputs` must have shape (batch, steps, dim) with a known dim. "
                f"Received: input_shape={input_shape}"
            )
        rnn_cls = keras.layers.GRU if self.cell == "gru" else keras.layers.LSTM
        self.recurrent_layers = []
        shape = tuple(input_shape)
        for i in range(self.num_layers):
            layer = rnn_cls(
                self.units,
                return_sequences=True,
                dtype=self.dtype_policy,
                name=f"{self.cell}_{i}",
            )
            layer.build(shape)
            self.recurrent_layers.append(layer)
            shape = (shape[0], shape[1], self.units)
        self.output_dropout = keras.layers.Dropout(
            self.dropout, dtype=self.dtype_policy
        )
        self.built = True

    def call(self, inputs, training=None, mask=None):
        x = ops.cast(inputs, self.compute_dtype)
        shape = ops.shape(x)
        if mask is None:
            mask = ops.ones(shape[:2], dtype="bool")
        mask = ops.cast(mask, "bool")
        for layer in self.recurrent_layers:
            x = layer(x, mask=mask, training=training)
            x = self.output_dropout(x, training=training)
        x = x * ops.expand_dims(ops.cast(mask, x.dtype), -1)
        if not self.return_sequences:
            x = gather_positions(x, last_real_index(mask, shape[1]))
        return x

    def compute_mask(self, inputs, mask=None):
        return mask if self.return_sequences else None

    def compute_output_shape(self, input_shape):
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.units)
        return (input_shape[0], self.units)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "cell": self.cell,
                "num_layers": self.num_layers,
                "dropout": self.dropout,
                "return_sequences": self.return_sequences,
            }
        )
        return config
