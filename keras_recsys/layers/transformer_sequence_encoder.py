import math

import keras
from keras import ops

from keras_recsys.layers.sequence_encoder_base import SequenceEncoderBase
from keras_recsys.layers.sequence_encoder_base import check_bool
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_rate


def real_positions(mask, max_len):
    """Position of each item among the real items of its row (0 = first)."""
    ranks = ops.cumsum(ops.cast(mask, "int32"), axis=1) - 1
    return ops.clip(ranks, 0, max_len - 1)


@keras_recsys_export("keras_recsys.layers.TransformerSequenceEncoder")
class TransformerSequenceEncoder(SequenceEncoderBase):
    """A causal self-attention encoder of item sequences (SASRec).

    Adds learned positional embeddings to the item vectors, then applies
    `num_blocks` blocks of causal multi-head self-attention and a point-wise
    feed-forward network, each with layer normalization (pre-norm), dropout
    and a residual connection, then a final layer normalization.

    Padding is read from the mask of the inputs (id 0 from an embedding with
    `mask_zero=True`): padded positions are never attended to and their
    outputs are zero. Position embeddings count the real items of each row
    (the first real item has position 0), so the outputs at the real
    positions do not depend on how much padding surrounds the sequence,
    left or right. Attention is causal: the output at a position never
    depends on later positions.

    Args:
        max_len: int. Most real items a sequence can hold; the number of
            position embeddings. Inputs may not be longer.
        num_blocks: int. Number of self-attention blocks. Defaults to `2`.
        num_heads: int. Attention heads; must divide the input size.
            Defaults to `1`.
        feedforward_dim: int or None. Width of the feed-forward network;
            `None` uses the input size. Defaults to `None`.
        dropout: float. Dropout rate on the inputs, attention weights and
            block outputs. Defaults to `0.2`.
        layer_norm_epsilon: float. Epsilon of the layer normalizations.
            Defaults to `1e-6`.
        scale_inputs: bool. Whether the item vectors are multiplied by
            `sqrt(dim)` before the positions are added. Defaults to `True`.
        return_sequences: bool. `True` returns every position's vector,
            `False` the vector of the last real position. Defaults to `True`.
        sequence_length: int or None. When set, inputs must have exactly
            this many steps. Defaults to `None`.
        positions_initializer: initializer of the position table. Defaults
            to `"glorot_uniform"`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: float tensor `(batch, steps, dim)` of item vectors.
        mask: optional boolean tensor `(batch, steps)`, True at real items.
        training: bool. Whether dropout is active.

    Returns:
        `(batch, steps, dim)` if `return_sequences`, else `(batch, dim)`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    ids = np.array([[0, 0, 3, 7, 2], [5, 1, 0, 0, 0]])
    items = keras_recsys.layers.IdEmbedding(10, 8, mask_zero=True)
    encoder = keras_recsys.layers.TransformerSequenceEncoder(max_len=5)
    states = encoder(items(ids))  # (2, 5, 8)
    ```

    References:
        - Kang & McAuley. [Self-Attentive Sequential Recommendation](
          https://arxiv.org/abs/1808.09781). ICDM 2018.
        - Vaswani et al. [Attention Is All You Need](
          https://arxiv.org/abs/1706.03762). NeurIPS 2017.
    """

    def __init__(
        self,
        max_len,
        num_blocks=2,
        num_heads=1,
        feedforward_dim=None,
        dropout=0.2,
        layer_norm_epsilon=1e-6,
        scale_inputs=True,
        return_sequences=True,
        positions_initializer="glorot_uniform",
        sequence_length=None,
        **kwargs,
    ):
        self.max_len = check_positive_int("max_len", max_len)
        self.num_blocks = check_positive_int("num_blocks", num_blocks)
        self.num_heads = check_positive_int("num_heads", num_heads)
        if feedforward_dim is not None:
            feedforward_dim = check_positive_int("feedforward_dim", feedforward_dim)
        self.feedforward_dim = feedforward_dim
        self.dropout = check_rate("dropout", dropout)
        self.layer_norm_epsilon = check_float(
            "layer_norm_epsilon", layer_norm_epsilon, min_value=0.0, exclusive_min=True
        )
        self.scale_inputs = check_bool("scale_inputs", scale_inputs)
        super().__init__(return_sequences, sequence_length=sequence_length, **kwargs)
        self.positions_initializer = keras.initializers.get(positions_initializer)

    def output_size(self, input_shape):
        return input_shape[-1]

    def build_encoder(self, input_shape):
        steps, dim = input_shape[1], input_shape[2]
        if steps is not None and steps > self.max_len:
            raise ValueError(
                f"`inputs` has {steps} steps, more than max_len={self.max_len}."
            )
        if dim % self.num_heads:
            raise ValueError(
                f"`num_heads`={self.num_heads} must divide the input size {dim}."
            )
        self.dim = dim
        ffn_dim = self.feedforward_dim or dim
        policy = self.dtype_policy
        self.positions = self.add_weight(
            name="positions",
            shape=(self.max_len, dim),
            initializer=self.positions_initializer,
        )
        self.input_dropout = keras.layers.Dropout(self.dropout, dtype=policy)
        self.attention_norms, self.attentions = [], []
        self.feedforward_norms, self.feedforward_inners = [], []
        self.feedforward_outers, self.block_dropouts = [], []
        shape = (None, steps, dim)
        for i in range(self.num_blocks):
            norm = keras.layers.LayerNormalization(
                epsilon=self.layer_norm_epsilon,
                dtype=policy,
                name=f"block{i}_attention_norm",
            )
            norm.build(shape)
            self.attention_norms.append(norm)
            attention = keras.layers.MultiHeadAttention(
                self.num_heads,
                dim // self.num_heads,
                dropout=self.dropout,
                dtype=policy,
                name=f"block{i}_attention",
            )
            attention.build(shape, shape)
            self.attentions.append(attention)
            norm = keras.layers.LayerNormalization(
                epsilon=self.layer_norm_epsilon,
                dtype=policy,
                name=f"block{i}_feedforward_norm",
            )
            norm.build(shape)
            self.feedforward_norms.append(norm)
            inner = keras.layers.Dense(
                ffn_dim, activation="relu", dtype=policy, name=f"block{i}_ffn_inner"
            )
            inner.build(shape)
            self.feedforward_inners.append(inner)
            outer = keras.layers.Dense(dim, dtype=policy, name=f"block{i}_ffn_outer")
            outer.build((None, steps, ffn_dim))
            self.feedforward_outers.append(outer)
            self.block_dropouts.append(keras.layers.Dropout(self.dropout, dtype=policy))
        self.output_norm = keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=policy, name="output_norm"
        )
        self.output_norm.build((None, steps, dim))

    def encode(self, x, mask, training):
        steps = ops.shape(x)[1]
        keep = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        if self.scale_inputs:
            x = x * ops.cast(math.sqrt(self.dim), x.dtype)
        positions = ops.take(self.positions, real_positions(mask, self.max_len), axis=0)
        x = x + ops.cast(positions, x.dtype)
        x = self.input_dropout(x, training=training) * keep
        index = ops.arange(steps)
        causal = ops.expand_dims(index, 1) >= ops.expand_dims(index, 0)
        attention_mask = ops.logical_and(
            ops.expand_dims(causal, 0), ops.expand_dims(mask, 1)
        )
        for i in range(self.num_blocks):
            h = self.attention_norms[i](x)
            h = self.attentions[i](
                h, h, attention_mask=attention_mask, training=training
            )
            x = x + self.block_dropouts[i](h, training=training)
            h = self.feedforward_norms[i](x)
            h = self.feedforward_outers[i](self.feedforward_inners[i](h))
            x = (x + self.block_dropouts[i](h, training=training)) * keep
        return self.output_norm(x)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "max_len": self.max_len,
                "num_blocks": self.num_blocks,
                "num_heads": self.num_heads,
                "feedforward_dim": self.feedforward_dim,
                "dropout": self.dropout,
                "layer_norm_epsilon": self.layer_norm_epsilon,
                "scale_inputs": self.scale_inputs,
                "positions_initializer": keras.initializers.serialize(
                    self.positions_initializer
                ),
            }
        )
        return config
