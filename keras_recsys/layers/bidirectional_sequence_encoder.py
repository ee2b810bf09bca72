from keras_recsys.layers.sequence_encoder_base import DOCSTRINGS
from keras_recsys.layers.transformer_sequence_encoder import TransformerSequenceEncoder
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.docstrings import format_docstring


@keras_recsys_export("keras_recsys.layers.BidirectionalSequenceEncoder")
@format_docstring(**DOCSTRINGS)
class BidirectionalSequenceEncoder(TransformerSequenceEncoder):
    """A bidirectional self-attention encoder of item sequences (BERT4Rec).

    Adds learned position embeddings to the item vectors, normalizes them,
    then applies `num_blocks` Transformer blocks in the BERT layout
    (post-norm): multi-head self-attention over the whole sequence, then a
    GELU feed-forward network, each followed by dropout, a residual
    connection and layer normalization. Unlike
    `keras_recsys.layers.TransformerSequenceEncoder` (causal, SASRec), every
    position attends to the items before *and* after it.
    It is that layer with `causal=False` and `scale_inputs=False`, and BERT's
    defaults.

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
        **kwargs: `return_sequences` (defaults to `True`) and
            `sequence_length` as in
            `keras_recsys.layers.TransformerSequenceEncoder`, and base layer
            arguments (`name`, `dtype`, ...).

    {call_arguments}

    Returns:
        A tensor `(batch, steps, dim)`, zero at padded positions (the mask
        is passed on), or `(batch, dim)` with `return_sequences=False`.

    Example:

    ```python
    import numpy as np
    import keras_recsys

    # Item codes 1..9, 0 for padding, and the [MASK] token 10 to predict.
    items = keras_recsys.layers.MaskedItemEmbedding(10, 8, mask_zero=True)
    ids = np.array([[0, 3, 7, 10], [5, 1, 10, 0]])
    states = keras_recsys.layers.BidirectionalSequenceEncoder(max_len=4)(
        items(ids)
    )  # (2, 4, 8): the [MASK] positions see the items on both sides
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
        super().__init__(
            max_len,
            num_blocks=num_blocks,
            num_heads=num_heads,
            feedforward_dim=feedforward_dim,
            dropout=dropout,
            layer_norm_epsilon=layer_norm_epsilon,
            scale_inputs=False,
            positions_initializer=positions_initializer,
            causal=False,
            **kwargs,
        )

    def get_config(self):
        config = super().get_config()
        del config["scale_inputs"], config["causal"]  # fixed by this layout
        return config
