import keras

from keras_recsys.layers.rnn_sequence_encoder import RNNSequenceEncoder
from keras_recsys.models._sequence_model import check_common
from keras_recsys.models._sequence_model import sequence_model
from keras_recsys.utils.api_export import keras_recsys_export
from keras_recsys.utils.validation import check_positive_int


@keras_recsys_export("keras_recsys.models.build_gru4rec")
def build_gru4rec(
    num_items,
    max_len,
    cell="gru",
    embedding_dim=64,
    units=None,
    num_layers=1,
    dropout=0.2,
    return_sequences=False,
    num_candidates=None,
):
    """Builds GRU4Rec, a recurrent (GRU or LSTM) next-item recommender.

    Item ids are embedded with a `keras_recsys.layers.TiedItemEmbedding`
    (input dropout `dropout`), encoded by a
    `keras_recsys.layers.RNNSequenceEncoder`, projected back to
    `embedding_dim` when `units` differs from it, and scored against the
    same embedding table.

    Input `item_sequence`: int32 `(batch, max_len)`, item ids
    `1..num_items`, 0 for padding (on the left or the right; the amount of
    padding does not change the output).

    Output (default): float logits `(batch, num_items + 1)` of the item that
    follows the last real item of each sequence; column `j` is item id `j`,
    column 0 (padding) is always `-1e9`.

    Training layouts (the model is returned uncompiled):

    - Full softmax on every position (recommended): build with
      `return_sequences=True`, output `(batch, max_len, num_items + 1)`.
      Targets `(batch, max_len)`: at each real position the id of the next
      item, 0 at padding; pass `sample_weight=(targets > 0)`. Compile with
      `keras.losses.SparseCategoricalCrossentropy(from_logits=True)` and
      `keras.optimizers.Adam(1e-3)`. Then copy the weights into the default
      model with `set_weights` (every variant holds the same weights).
    - Full softmax on the last position: the default model, targets
      `(batch,)` holding the next item id, same loss.
    - Sampled negatives (GRU4Rec's BPR setting): `num_candidates=C` adds an
      input `candidates` (int32 `(batch, C)`, or `(batch, max_len, C)` with
      `return_sequences=True`), the positive first; targets `[1, 0, ...]`
      with `keras_recsys.losses.BPRLoss()` or
      `keras.losses.BinaryCrossentropy(from_logits=True)`.

    Private training: one row is one sequence; per-row DP-SGD protects a
    user when each user has one sequence, otherwise group each user's
    sequences with `keras_recsys.privacy.UserGroupedBatches` and train
    `keras_recsys.privacy.DPModel(..., grouped_examples=True)`.

    Args:
        num_items: int. Number of items (ids `1..num_items`).
        max_len: int. Length of the input sequences.
        cell: str. `"gru"` or `"lstm"`. Defaults to `"gru"`.
        embedding_dim: int. Size of the item vectors. Defaults to `64`.
        units: int or None. Size of the recurrent state; `None` uses
            `embedding_dim`. Defaults to `None`.
        num_layers: int. Stacked recurrent layers. Defaults to `1`.
        dropout: float. Dropout on the item vectors and between/after the
            recurrent layers. Defaults to `0.2`.
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

    model = keras_recsys.models.build_gru4rec(
        num_items=20, max_len=5, cell="lstm", embedding_dim=8
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    sequences = np.array([[0, 0, 3, 5, 7], [2, 4, 6, 0, 0]])
    next_items = np.array([9, 8])
    model.fit(sequences, next_items, verbose=0)
    logits = model.predict(sequences, verbose=0)  # (2, 21)
    ```

    References:
        - Hidasi et al. [Session-based Recommendations with Recurrent Neural
          Networks](https://arxiv.org/abs/1511.06939). ICLR 2016.
    """
    check_common(num_items, max_len, embedding_dim, num_candidates)
    units = embedding_dim if units is None else check_positive_int("units", units)
    encoder = RNNSequenceEncoder(
        units,
        cell=cell,
        num_layers=num_layers,
        dropout=dropout,
        return_sequences=True,
        name="rnn_encoder",
    )
    input_dropout = keras.layers.Dropout(dropout, name="item_dropout")
    projection = (
        keras.layers.Dense(embedding_dim, name="projection")
        if units != embedding_dim
        else None
    )

    def encode(vectors):
        states = encoder(input_dropout(vectors))
        return projection(states) if projection is not None else states

    return sequence_model(
        "gru4rec",
        num_items,
        max_len,
        embedding_dim,
        encode,
        return_sequences,
        num_candidates,
    )
