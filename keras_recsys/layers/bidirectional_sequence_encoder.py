import keras
from keras import ops

from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_float
from keras_recsys.utils.validation import check_positive_int
from keras_recsys.utils.validation import check_rate


def positions_from_end(mask, max_len):
    """Position of each real item counted back from the last one (0 = last)."""
    real = ops.cast(mask, "int32")
    count = ops.sum(real, axis=1, keepdims=True)
    rank = ops.cumsum(real, axis=1) - 1
    return ops.clip(count - 1 - rank, 0, max_len - 1)


@keras_recsys_export("keras_recsys.layers.BidirectionalSequenceEncoder")
class BidirectionalSequenceEncoder(keras.layers.Layer):
    """A bidirectional self-attention encoder of item sequences (BERT4Rec).

    Adds learned position embeddings to the item vectors, normalizes them,
    then applies `num_blocks` Transformer blocks in the BERT layout
    (post-norm): multi-head self-attention over the whole sequence, then a
    GELU feed-forward network, each followed by dropout, a residual
    connection and layer normalization. Unlike
    `keras_recsys.layers.TransformerSequenceEncoder` (causal, SASRec), every
    position attends to the items before *and* after it.

    Padding is read from the mask of the inputs (id 0 from an embedding with
    `mask_zero=True`): padded positions are never attended to and their
    outputs are zero. Positions count back from the last real item of each
    row (the last one has position 0), so the newest item always has the
    same position embedding and the outputs at real positions do not depend
    on how much padding surrounds the sequence, left or right.

    Args:
        max_len: int. Most real items a sequence can hold; the number of
            position embeddings. Inputs may not be longer.
        num_blocks: int. Number of Transformer blocks. Defaults to `2`.
        num_heads: int. Attention heads; must divide the input size.
            Defaults to `2`.
        feedforward_dim: int or None. Width of the feed-forward network;
            `None` uses four times the input size, as BERT. Defaults to
            `None`.
        dropout: float. Dropout rate on the inputs, attention weights and
            block outputs. Defaults to `0.1`.
        layer_norm_epsilon: float. Epsilon of the layer normalizations.
            Defaults to `1e-6`.
        positions_initializer: initializer of the position table. Defaults
            to `"glorot_uniform"`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: float tensor `(batch, steps, dim)` of item vectors.
        mask: optional boolean tensor `(batch, steps)`, True at real items.
        training: bool. Whether dropout is active.

    Returns:
        A tensor `(batch, steps, dim)`, zero at padded positions; the mask is
        passed on.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    ids = np.array([[0, 0, 3, 7, 2], [5, 1, 0, 0, 0]])
    items = keras_recsys.layers.IdEmbedding(10, 8, mask_zero=True)
    encoder = keras_recsys.layers.BidirectionalSequenceEncoder(max_len=5)
    states = encoder(items(ids))  # (2, 5, 8)
    ```

    References:
        - Sun et al. [BERT4Rec: Sequential Recommendation with Bidirectional
          Encoder Representations from Transformer](
          https://arxiv.org/abs/1904.06690). CIKM 2019.
        - Devlin et al. [BERT: Pre-training of Deep Bidirectional
          Transformers for Language Understanding](
          https://arxiv.org/abs/1810.04805). NAACL 2019.
    """

    def __init__(
        self,
        max_len,
        num_blocks=2,
        num_heads=2,
        feedforward_dim=None,
        dropout=0.1,
        layer_norm_epsilon=1e-6,
        positions_initializer="glorot_uniform",
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
        super().__init__(**kwargs)
        self.positions_initializer = keras.initializers.get(positions_initializer)
        self.supports_masking = True

    def _norm(self, name, shape):
        norm = keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=self.dtype_policy, name=name
        )
        norm.build(shape)
        return norm

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(
                "`inputs` must have shape (batch, steps, dim) with a known dim. "
                f"Received: input_shape={input_shape}"
            )
        steps, dim = input_shape[1], input_shape[2]
        if steps is not None and steps > self.max_len:
            raise ValueError(
                f"`inputs` has {steps} steps, more than max_len={self.max_len}."
            )
        if dim % self.num_heads:
            raise ValueError(
                f"`num_heads`={self.num_heads} must divide the input size {dim}."
            )
        ffn_dim = self.feedforward_dim or 4 * dim
        policy = self.dtype_policy
        shape = (None, steps, dim)
        self.positions = self.add_weight(
            name="positions",
            shape=(self.max_len, dim),
            initializer=self.positions_initializer,
        )
        self.input_norm = self._norm("input_norm", shape)
        self.dropout_layer = keras.layers.Dropout(self.dropout, dtype=policy)
        self.attentions, self.attention_norms = [], []
        self.feedforward_inners, self.feedforward_outers = [], []
        self.feedforward_norms = []
        for i in range(self.num_blocks):
            attention = keras.layers.MultiHeadAttention(
                self.num_heads,
                dim // self.num_heads,
                dropout=self.dropout,
                dtype=policy,
                name=f"block{i}_attention",
            )
            attention.build(shape, shape)
            inner = keras.layers.Dense(
                ffn_dim, activation="gelu", dtype=policy, name=f"block{i}_ffn_inner"
            )
            inner.build(shape)
            outer = keras.layers.Dense(dim, dtype=policy, name=f"block{i}_ffn_outer")
            outer.build((None, steps, ffn_dim))
            self.attentions.append(attention)
            self.attention_norms.append(self._norm(f"block{i}_attention_norm", shape))
            self.feedforward_inners.append(inner)
            self.feedforward_outers.append(outer)
            self.feedforward_norms.append(
                self._norm(f"block{i}_feedforward_norm", shape)
            )
        self.built = True

    def call(self, inputs, training=None, mask=None):
        x = ops.cast(inputs, self.compute_dtype)
        if mask is None:
            mask = ops.ones(ops.shape(x)[:2], dtype="bool")
        mask = ops.cast(mask, "bool")
        keep = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        positions = ops.take(
            self.positions, positions_from_end(mask, self.max_len), axis=0
        )
        x = self.input_norm(x + ops.cast(positions, x.dtype))
        x = self.dropout_layer(x, training=training) * keep
        # Every query sees every real key, before or after it.
        attention_mask = ops.expand_dims(mask, 1)
        for i in range(self.num_blocks):
            h = self.attentions[i](
                x, x, attention_mask=attention_mask, training=training
            )
            x = self.attention_norms[i](x + self.dropout_layer(h, training=training))
            h = self.feedforward_outers[i](self.feedforward_inners[i](x))
            h = self.dropout_layer(h, training=training)
            x = self.feedforward_norms[i](x + h) * keep
        return x

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

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
                "positions_initializer": keras.initializers.serialize(
                    self.positions_initializer
                ),
            }
        )
        return config
