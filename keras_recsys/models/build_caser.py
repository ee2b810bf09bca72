from keras_recsys.layers.cnn_sequence_encoder import CNNSequenceEncoder
from keras_recsys.models._sequence_model import check_common
from keras_recsys.models._sequence_model import sequence_model
from keras_recsys.utils.api_export import keras_recsys_export


@keras_recsys_export("keras_recsys.models.build_caser")
def build_caser(
    num_items,
    max_len,
    embedding_dim=64,
    window=5,
    num_horizontal=16,
    num_vertical=4,
    dropout=0.5,
    return_sequences=False,
    num_candidates=None,
):
    """Builds Caser, a convolutional next-item recommender.

    Item ids are embedded with a `keras_recsys.layers.TiedItemEmbedding`;
    a `keras_recsys.layers.CNNSequenceEncoder` convolves the `window` most
    recent items (horizontal and vertical filters), and the result is scored
    against the same embedding table. Unlike the paper, there is no user
    embedding: the model needs only the item sequence, so it serves users
    unseen in training.

    Input `item_sequence`: int32 `(batch, max_len)`, item ids
    `1..num_items`, 0 for padding (on the left or the right; the amount of
    padding does not change the output).

    Output (default): float logits `(batch, num_items + 1)` of the item that
    follows the last real item of each sequence; column `j` is item id `j`,
    column 0 (padding) is always `-1e9`.

    Training layouts (the model is returned uncompiled):

    - Full softmax on every position (recommended; each position is one
      Caser window): build with `return_sequences=True`, output
      `(batch, max_len, num_items + 1)`. Targets `(batch, max_len)`: at each
      real position the id of the next item, 0 at padding; pass
      `sample_weight=(targets > 0)`. Compile with
      `keras.losses.SparseCategoricalCrossentropy(from_logits=True)` and
      `keras.optimizers.Adam(1e-3)`. Then copy the weights into the default
      model with `set_weights` (every variant holds the same weights).
    - Full softmax on the last position: the default model, targets
      `(batch,)` holding the next item id, same loss.
    - Sampled negatives (the paper's setting): `num_candidates=C` adds an
      input `candidates` (int32 `(batch, C)`, or `(batch, max_len, C)` with
      `return_sequences=True`), the positive first; targets `[1, 0, ...]`
      with `keras.losses.BinaryCrossentropy(from_logits=True)` or
      `keras_recsys.losses.BPRLoss()`.

    Private training: one row is one sequence; per-row DP-SGD protects a
    user when each user has one sequence, otherwise group each user's
    sequences with `keras_recsys.privacy.UserGroupedBatches` and train
    `keras_recsys.privacy.DPModel(..., grouped_examples=True)`.

    Args:
        num_items: int. Number of items (ids `1..num_items`).
        max_len: int. Length of the input sequences.
        embedding_dim: int. Size of the item vectors. Defaults to `64`.
        window: int. Number of recent items each prediction sees (`L`).
            Defaults to `5`.
        num_horizontal: int. Horizontal filters per height. Defaults to `16`.
        num_vertical: int. Vertical filters. Defaults to `4`.
        dropout: float. Dropout before the output layer. Defaults to `0.5`.
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

    model = keras_recsys.models.build_caser(
        num_items=20, max_len=5, embedding_dim=8, num_candidates=3
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    sequences = np.array([[0, 0, 3, 5, 7], [2, 4, 6, 0, 0]])
    candidates = np.array([[9, 1, 12], [8, 15, 3]])  # positive first
    labels = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    model.fit(
        {"item_sequence": sequences, "candidates": candidates}, labels, verbose=0
    )
    ```

    References:
        - Tang & Wang. [Personalized Top-N Sequential Recommendation via
          Convolutional Sequence Embedding](https://arxiv.org/abs/1809.07426).
          WSDM 2018.
    """
    check_common(num_items, max_len, embedding_dim, num_candidates)
    encoder = CNNSequenceEncoder(
        embedding_dim,
        window=window,
        num_horizontal=num_horizontal,
        num_vertical=num_vertical,
        dropout=dropout,
        return_sequences=True,
        name="cnn_encoder",
    )
    return sequence_model(
        "caser",
        num_items,
        max_len,
        embedding_dim,
        encoder,
        return_sequences,
        num_candidates,
    )
