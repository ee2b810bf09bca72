from keras_recsys.layers.transformer_sequence_encoder import TransformerSequenceEncoder
from keras_recsys.models._sequence_model import check_common
from keras_recsys.models._sequence_model import sequence_model
from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.models.build_sasrec")
def build_sasrec(
    num_items,
    max_len,
    embedding_dim=64,
    num_blocks=2,
    num_heads=1,
    dropout=0.2,
    return_sequences=False,
    num_candidates=None,
):
    """Builds SASRec, a self-attentive next-item recommender.

    Item ids are embedded with a `keras_recsys.layers.TiedItemEmbedding`,
    encoded by a causal `keras_recsys.layers.TransformerSequenceEncoder`, and
    each position's vector is scored against the same embedding table.

    Input `item_sequence`: int32 `(batch, max_len)`, item ids
    `1..num_items`, 0 for padding (on the left or the right; the amount of
    padding does not change the output).

    Output (default): float logits `(batch, num_items + 1)` of the item that
    follows the last real item of each sequence; column `j` is item id `j`,
    column 0 (padding) is always `-1e9`. Rank them, after masking the
    items already seen if wanted, to recommend.

    Training layouts (the model is returned uncompiled):

    - Full softmax on every position (recommended, the SASRec setting):
      build with `return_sequences=True`, output `(batch, max_len,
      num_items + 1)`. Targets `(batch, max_len)`: at each real position the
      id of the next item, 0 at padding; pass `sample_weight=(targets > 0)`.
      Compile with `keras.losses.SparseCategoricalCrossentropy(
      from_logits=True)` and `keras.optimizers.Adam(1e-3)`. Then copy the
      weights into the default (last-position) model with `set_weights`:
      every variant holds the same weights in the same order.
    - Full softmax on the last position: the default model, targets
      `(batch,)` holding the next item id, same loss.
    - Sampled negatives: `num_candidates=C` adds an input `candidates`
      (int32 `(batch, C)`, or `(batch, max_len, C)` with
      `return_sequences=True`) and the output becomes their scores; put the
      positive first and negatives after, targets `[1, 0, ..., 0]`, and use
      `keras_recsys.losses.BPRLoss()` or
      `keras.losses.BinaryCrossentropy(from_logits=True)` (candidate id 0
      marks padding and scores `-1e9`).

    Private training: one row is one sequence; per-row DP-SGD protects a
    user when each user has one sequence, otherwise group each user's
    sequences with `keras_recsys.privacy.UserGroupedBatches` and train
    `keras_recsys.privacy.DPModel(..., grouped_examples=True)`.

    Args:
        num_items: int. Number of items (ids `1..num_items`).
        max_len: int. Length of the input sequences.
        embedding_dim: int. Size of the item vectors. Defaults to `64`.
        num_blocks: int. Self-attention blocks. Defaults to `2`.
        num_heads: int. Attention heads. Defaults to `1`.
        dropout: float. Dropout rate. Defaults to `0.2`.
        return_sequences: bool. Score every position instead of the last
            real one. Defaults to `False`.
        num_candidates: int or None. Score this many candidate ids given
            as an input instead of the whole catalog. Defaults to `None`.

    Returns:
        An uncompiled `keras.Model`.

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    train = keras_recsys.models.build_sasrec(
        num_items=20, max_len=6, embedding_dim=8, return_sequences=True
    )
    train.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    sequences = np.array([[0, 0, 3, 5, 7, 9], [0, 0, 0, 2, 4, 6]])
    inputs, targets = sequences[:, :-1], sequences[:, 1:]
    inputs = np.pad(inputs, [(0, 0), (1, 0)])  # keep the length max_len
    targets = np.pad(targets, [(0, 0), (1, 0)])
    train.fit(inputs, targets, sample_weight=(targets > 0), verbose=0)

    model = keras_recsys.models.build_sasrec(num_items=20, max_len=6, embedding_dim=8)
    model.set_weights(train.get_weights())
    logits = model.predict(sequences, verbose=0)  # (2, 21)
    ```

    References:
        - Kang & McAuley. [Self-Attentive Sequential Recommendation](
          https://arxiv.org/abs/1808.09781). ICDM 2018.
    """
    check_common(num_items, max_len, embedding_dim, num_candidates)
    encoder = TransformerSequenceEncoder(
        max_len=max_len,
        num_blocks=num_blocks,
        num_heads=num_heads,
        dropout=dropout,
        return_sequences=True,
        name="transformer_encoder",
    )
    return sequence_model(
        "sasrec",
        num_items,
        max_len,
        embedding_dim,
        encoder,
        return_sequences,
        num_candidates,
    )
