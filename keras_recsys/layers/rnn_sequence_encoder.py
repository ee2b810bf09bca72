import keras

from keras_recsys.layers.sequence_encoder_base import DOCSTRINGS
from keras_recsys.layers.sequence_encoder_base import SequenceEncoderBase
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_rate

CELLS = ("gru", "lstm")


@keras_recsys_export("keras_recsys.layers.RNNSequenceEncoder")
@format_docstring(**DOCSTRINGS)
class RNNSequenceEncoder(SequenceEncoderBase):
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
        output_dim: int or None. When set, the states are projected to this
            size by a dense layer (GRU4Rec's projection back to the item
            embedding size); `None` returns the `units` states. Defaults to
            `None`.
        {sequence_length_arg}
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    {call_arguments}

    Returns:
        `(batch, steps, size)` if `return_sequences`, else `(batch, size)`,
        with `size` equal to `output_dim`, or `units` when it is `None`.

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
        output_dim=None,
        sequence_length=None,
        **kwargs,
    ):
        self.units = check_positive_int("units", units)
        self.cell = check_one_of("cell", cell, CELLS)
        self.num_layers = check_positive_int("num_layers", num_layers)
        self.dropout = check_rate("dropout", dropout)
        if output_dim is not None:
            output_dim = check_positive_int("output_dim", output_dim)
        self.output_dim = output_dim
        super().__init__(return_sequences, sequence_length=sequence_length, **kwargs)

    def output_size(self, input_shape):
        return self.output_dim or self.units

    def build_encoder(self, input_shape):
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
        self.projection = None
        if self.output_dim is not None:
            self.projection = keras.layers.Dense(
                self.output_dim, dtype=self.dtype_policy, name="projection"
            )
            self.projection.build(shape)

    def encode(self, x, mask, training):
        for layer in self.recurrent_layers:
            x = layer(x, mask=mask, training=training)
            x = self.output_dropout(x, training=training)
        return x if self.projection is None else self.projection(x)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "cell": self.cell,
                "num_layers": self.num_layers,
                "dropout": self.dropout,
                "output_dim": self.output_dim,
            }
        )
        return config
