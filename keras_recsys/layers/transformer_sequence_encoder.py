import math

import keras
from keras import ops

from keras_recsys.layers.sequence_encoder_base import DOCSTRINGS
from keras_recsys.layers.sequence_encoder_base import SequenceEncoderBase
from keras_recsys.layers.sequence_encoder_base import check_bool
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_rate


def real_positions(mask, max_len):
    """Position of each item among the real items of its row (0 = first)."""
    ranks = ops.cumsum(ops.cast(mask, "int32"), axis=1) - 1
    return ops.clip(ranks, 0, max_len - 1)


def positions_from_end(mask, max_len):
    """Position of each real item counted back from the last one (0 = last)."""
    real = ops.cast(mask, "int32")
    count = ops.sum(real, axis=1, keepdims=True)
    rank = ops.cumsum(real, axis=1) - 1
    return ops.clip(count - 1 - rank, 0, max_len - 1)


@keras_recsys_export("keras_recsys.layers.TransformerSequenceEncoder")
@format_docstring(**DOCSTRINGS)
class TransformerSequenceEncoder(SequenceEncoderBase):
    """A self-attention encoder of item sequences (SASRec, or BERT4Rec's).

    With `causal=True` (SASRec): adds learned positional embeddings to the
    item vectors, then applies `num_blocks` blocks of causal multi-head
    self-attention and a point-wise ReLU feed-forward network, each with
    layer normalization (pre-norm), dropout and a residual connection, then
    a final layer normalization. Attention is causal: the output at a
    position never depends on later positions. Position embeddings count the
    real items of each row (the first real item has position 0).

    With `causal=False` (the BERT layout of
    `keras_recsys.layers.BidirectionalSequenceEncoder`): every position
    attends to the items before *and* after it; the item vectors plus their
    positions are layer-normalized, and each block is post-norm (dropout, a
    residual connection, then layer normalization) with a GELU feed-forward
    network. Positions count back from the last real item (the newest item
    always has position 0).

    Padding is read from the mask of the inputs (id 0 from an embedding with
    `mask_zero=True`): padded positions are never attended to and their
    outputs are zero, and the outputs at the real positions do not depend
    on how much padding surrounds the sequence, left or right.

    Args:
        max_len: int. Most real items a sequence can hold; the number of
            position embeddings. Inputs may not be longer.
        num_blocks: int. Number of self-attention blocks. Defaults to `2`.
        num_heads: int. Attention heads; must divide the input size.
            Defaults to `1`.
        feedforward_dim: int or None. Width of the feed-forward network;
            `None` uses the input size (`causal=True`) or four times it
            (`causal=False`, as BERT). Defaults to `None`.
        dropout: float. Dropout rate on the inputs, attention weights and
            block outputs. Defaults to `0.2`.
        layer_norm_epsilon: float. Epsilon of the layer normalizations.
            Defaults to `1e-6`.
        scale_inputs: bool. Whether the item vectors are multiplied by
            `sqrt(dim)` before the positions are added. Defaults to `True`.
        return_sequences: bool. `True` returns every position's vector,
            `False` the vector of the last real position. Defaults to `True`.
        {sequence_length_arg}
        positions_initializer: initializer of the position table. Defaults
            to `"glorot_uniform"`.
        causal: bool. `True` for the causal pre-norm SASRec layout, `False`
            for the bidirectional post-norm BERT layout. Defaults to `True`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    {call_arguments}

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
        causal=True,
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
        self.causal = check_bool("causal", causal)
        super().__init__(return_sequences, sequence_length=sequence_length, **kwargs)
        self.positions_initializer = keras.initializers.get(positions_initializer)

    def output_size(self, input_shape):
        return input_shape[-1]

    def _norm(self, name, shape):
        norm = keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=self.dtype_policy, name=name
        )
        norm.build(shape)
        return norm

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
        ffn_dim = self.feedforward_dim or (dim if self.causal else 4 * dim)
        policy = self.dtype_policy
        shape = (None, steps, dim)
        self.positions = self.add_weight(
            name="positions",
            shape=(self.max_len, dim),
            initializer=self.positions_initializer,
        )
        # The attribute names are those the two layouts have always saved
        # their weights under (`.keras` files of either still load).
        if self.causal:
            self.input_dropout = keras.layers.Dropout(self.dropout, dtype=policy)
            self.block_dropouts = []
        else:
            self.input_norm = self._norm("input_norm", shape)
            self.dropout_layer = keras.layers.Dropout(self.dropout, dtype=policy)
        self.attention_norms, self.attentions = [], []
        self.feedforward_norms, self.feedforward_inners = [], []
        self.feedforward_outers = []
        for i in range(self.num_blocks):
            attention = keras.layers.MultiHeadAttention(
                self.num_heads,
                dim // self.num_heads,
                dropout=self.dropout,
                dtype=policy,
                name=f"block{i}_attention",
            )
            attention.build(shape, shape)
            attention_norm = self._norm(f"block{i}_attention_norm", shape)
            inner = keras.layers.Dense(
                ffn_dim,
                activation="relu" if self.causal else "gelu",
                dtype=policy,
                name=f"block{i}_ffn_inner",
            )
            inner.build(shape)
            outer = keras.layers.Dense(dim, dtype=policy, name=f"block{i}_ffn_outer")
            outer.build((None, steps, ffn_dim))
            feedforward_norm = self._norm(f"block{i}_feedforward_norm", shape)
            # Sublayers are tracked in the order they run: each norm before
            # its sublayer in the pre-norm layout, after it in the post-norm.
            if self.causal:
                self.attention_norms.append(attention_norm)
                self.attentions.append(attention)
                self.feedforward_norms.append(feedforward_norm)
            else:
                self.attentions.append(attention)
                self.attention_norms.append(attention_norm)
            self.feedforward_inners.append(inner)
            self.feedforward_outers.append(outer)
            if self.causal:
                self.block_dropouts.append(
                    keras.layers.Dropout(self.dropout, dtype=policy)
                )
            else:
                self.feedforward_norms.append(feedforward_norm)
        if self.causal:
            self.output_norm = self._norm("output_norm", shape)

    def _residual(self, x, norm, sublayer, dropout, training):
        if self.causal:  # pre-norm (SASRec)
            return x + dropout(sublayer(norm(x)), training=training)
        return norm(x + dropout(sublayer(x), training=training))  # post-norm (BERT)

    def encode(self, x, mask, training):
        keep = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        if self.scale_inputs:
            x = x * ops.cast(math.sqrt(self.dim), x.dtype)
        where = real_positions if self.causal else positions_from_end
        positions = ops.take(self.positions, where(mask, self.max_len), axis=0)
        x = x + ops.cast(positions, x.dtype)
        if self.causal:
            x = self.input_dropout(x, training=training) * keep
            index = ops.arange(ops.shape(x)[1])
            causal = ops.expand_dims(index, 1) >= ops.expand_dims(index, 0)
            attention_mask = ops.logical_and(
                ops.expand_dims(causal, 0), ops.expand_dims(mask, 1)
            )
        else:
            x = self.dropout_layer(self.input_norm(x), training=training) * keep
            attention_mask = ops.expand_dims(mask, 1)  # every real key
        for i in range(self.num_blocks):
            dropout = self.block_dropouts[i] if self.causal else self.dropout_layer

            def attend(h, i=i):
                return self.attentions[i](
                    h, h, attention_mask=attention_mask, training=training
                )

            def feed_forward(h, i=i):
                return self.feedforward_outers[i](self.feedforward_inners[i](h))

            x = self._residual(x, self.attention_norms[i], attend, dropout, training)
            x = self._residual(
                x, self.feedforward_norms[i], feed_forward, dropout, training
            )
            x = x * keep
        return self.output_norm(x) if self.causal else x

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
                "causal": self.causal,
            }
        )
        return config
