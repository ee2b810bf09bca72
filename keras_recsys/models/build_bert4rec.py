import keras

from keras_recsys.layers.append_mask_token import AppendMaskToken
from keras_recsys.layers.bidirectional_sequence_encoder import (
    BidirectionalSequenceEncoder,
)
from keras_recsys.layers.masked_item_embedding import MaskedItemEmbedding
from keras_recsys.layers.masked_item_positions import MaskedItemPositions
from keras_recsys.models._stamped import stamped_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.models.build_bert4rec")
def build_bert4rec(
    num_items,
    max_len,
    embedding_dim=64,
    num_blocks=2,
    num_heads=2,
    feedforward_dim=None,
    dropout=0.1,
    name="bert4rec",
):
    """Builds BERT4Rec, a bidirectional masked-item next-item recommender.

    Item ids are embedded with a `keras_recsys.layers.MaskedItemEmbedding`
    (which adds a `[MASK]` token, id `num_items`), encoded by a
    `keras_recsys.layers.BidirectionalSequenceEncoder`, passed through a
    GELU projection and scored against the same embedding table. One model
    trains, evaluates and predicts; the length of its input says which of
    two layouts it is given:

    - Masked layout, `(batch, max_len)`, for `fit` and `evaluate`: sequences
      in which some items were replaced by the `[MASK]` token, as
      `keras_recsys.data.MaskedItemDataset` serves them with their targets
      `(batch, max_len)` (the hidden item at each masked position, 0
      elsewhere) and sample weights (1 at masked positions). The output is
      the logits at every position, `(batch, max_len, num_items)`; compile
      with `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`.
    - History layout, `(batch, steps)` with `steps < max_len` (typically
      `max_len - 1`), for `predict`: each user's items in time order, 0 for
      padding (left or right). The model appends a `[MASK]` token after the
      last item, as in the paper, and outputs the logits of the item that
      follows, `(batch, num_items)`: column `j` is item code `j`, column 0
      (padding) is always `-1e9`, and the `[MASK]` token is never scored.
      Keep the most recent `max_len - 1` items of longer histories.

    Input `item_sequence`: int32, item codes `1..num_items - 1`, 0 for
    padding, and in the masked layout the `[MASK]` id `num_items`.

    Args:
        num_items: int. Size of the item table (codes `1..num_items - 1`
            plus the padding code 0): `keras_recsys.data.IdEncoder`'s
            `vocabulary_size`. Must be at least 2.
        max_len: int. Length of the input sequences.
        embedding_dim: int. Size of the item vectors. Defaults to `64`.
        num_blocks: int. Transformer blocks. Defaults to `2`.
        num_heads: int. Attention heads. Defaults to `2`.
        feedforward_dim: int or None. Width of the feed-forward networks;
            `None` uses `4 * embedding_dim`. Defaults to `None`.
        dropout: float. Dropout rate. Defaults to `0.1`.
        name: str. Name of the model. Defaults to `"bert4rec"`.

    Returns:
        An uncompiled `keras_recsys.models.BuiltModel` (stamped with its
        arguments).

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    histories = np.array([[0, 0, 3, 5, 7, 9], [0, 0, 0, 2, 4, 6]])
    model = keras_recsys.models.build_bert4rec(
        num_items=10, max_len=6, embedding_dim=8
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    data = keras_recsys.data.MaskedItemDataset(histories, num_items=10)
    model.fit(data, epochs=1, verbose=0)
    # Histories of max_len - 1 items: the model appends the [MASK] token.
    logits = model.predict(histories[:, 1:], verbose=0)  # (2, 10)
    ```

    References:
        - Sun et al. [BERT4Rec: Sequential Recommendation with Bidirectional
          Encoder Representations from Transformer](
          https://arxiv.org/abs/1904.06690). CIKM 2019.
        - Petrov & Macdonald. [A Systematic Review and Replicability Study
          of BERT4Rec for Sequential Recommendation](
          https://arxiv.org/abs/2207.07483). RecSys 2022.
    """
    check_int("num_items", num_items, min_value=2)
    check_positive_int("max_len", max_len)
    check_positive_int("embedding_dim", embedding_dim)
    item_sequence = keras.Input(shape=(None,), dtype="int32", name="item_sequence")
    items = MaskedItemEmbedding(
        num_items,
        embedding_dim,
        mask_zero=True,
        embeddings_initializer=keras.initializers.RandomNormal(stddev=0.05),
        name="item_embedding",
    )
    ids = AppendMaskToken(items.mask_token_id, max_len, name="append_mask_token")(
        item_sequence
    )
    states = BidirectionalSequenceEncoder(
        max_len=max_len,
        num_blocks=num_blocks,
        num_heads=num_heads,
        feedforward_dim=feedforward_dim,
        dropout=dropout,
        name="bidirectional_encoder",
    )(items(ids))
    states = keras.layers.Dense(embedding_dim, activation="gelu", name="projection")(
        states
    )
    states = MaskedItemPositions(max_len, name="masked_item_positions")(
        [states, item_sequence]
    )
    logits = items(states, mode="logits")
    return stamped_model(build_bert4rec, locals(), item_sequence, logits)
