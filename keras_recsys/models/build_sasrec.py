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
    num_candidates=None,
    training_output="logits",
    seed=None,
    name="sasrec",
):
    """Builds SASRec, a self-attentive next-item recommender.

    Item ids are embedded with a `keras_recsys.layers.TiedItemEmbedding`,
    encoded by a causal `keras_recsys.layers.TransformerSequenceEncoder`, and
    each position's vector is scored against the same embedding table.

    Input `item_sequence`: int32 `(batch, max_len)` (exactly `max_len`
    steps), item codes `1..num_items - 1`, 0 for padding (on the left or
    the right; the amount of padding does not change the output).

    One model trains and recommends (it is returned uncompiled):

    - `predict` / `evaluate` / a plain call: logits `(batch, num_items)` of
      the item that follows the last real item of each sequence; column `j`
      scores item code `j`, column 0 (padding) is always `-1e9`. `evaluate`
      takes the next item of each sequence `(batch,)` as target, with the
      ranking metrics of `keras_recsys.metrics`.
    - `fit` scores every position (full softmax, the recommended setting):
      targets `(batch, max_len)` hold at each position the code of the item
      that follows it, 0 where there is none (padding). Compile with
      `keras.losses.SparseCategoricalCrossentropy(from_logits=True,
      ignore_class=0)`.
    - Large catalogs: build with `training_output="states"`; `fit` then
      returns the per-position vectors and a sampled loss scores them
      against the tied table without materializing `(batch, max_len,
      num_items)`: `keras_recsys.losses.SampledSoftmaxLoss` (many negatives,
      uniform or popularity-sampled with logQ correction) or
      `keras_recsys.losses.GBCELoss` (gSASRec), each given
      `model.get_layer("item_embedding")`.
    - Candidate scoring: `num_candidates=C` adds an input `candidates`
      (int32 `(batch, C)`) and the output becomes the scores `(batch, C)`
      of those codes at the last real position, in training and inference
      (for BPR or binary cross-entropy on a few negatives, positive first,
      or for the sampled evaluation protocol). Candidate code 0 scores
      `-1e9`; a code outside `0..num_items - 1` raises a `ValueError`
      naming `candidates` in eager calls and scores `-1e9` inside compiled
      graphs (`predict`, `fit`), never the score of another item.

    Private training: one row is one sequence; per-row DP-SGD protects a
    user when each user has one sequence, otherwise group each user's
    sequences with `keras_recsys.privacy.UserGroupedBatches` and train
    `keras_recsys.privacy.DPModel(..., grouped_examples=True)`.

    Args:
        num_items: int. Size of the item id table, padding included
            (`keras_recsys.data.IdEncoder.vocabulary_size`): item codes are
            `1..num_items - 1`.
        max_len: int. Length of the input sequences.
        embedding_dim: int. Size of the item vectors. Defaults to `64`.
        num_blocks: int. Self-attention blocks. Defaults to `2`.
        num_heads: int. Attention heads. Defaults to `1`.
        dropout: float. Dropout rate. Defaults to `0.2`.
        num_candidates: int or None. Score this many candidate codes given
            as an input instead of the whole catalog. Defaults to `None`.
        training_output: str. What `fit` sees: `"logits"` (every
            position's logits over the catalog) or `"states"` (every
            position's vector, for a sampled loss). Defaults to `"logits"`.
        seed: int or None. Seed of the negatives that sampled losses draw.
            Defaults to `None`.
        name: str. Name of the model. Defaults to `"sasrec"`.

    Returns:
        An uncompiled `keras.Model`.

    Example:

    ```python
    import keras
    import numpy as np
    import keras_recsys

    model = keras_recsys.models.build_sasrec(
        num_items=21, max_len=5, embedding_dim=8, num_blocks=1
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, ignore_class=0
        ),
    )
    sequences = np.array([[0, 0, 3, 5, 7], [0, 2, 4, 6, 8]])
    next_items = np.array([[0, 0, 5, 7, 9], [0, 4, 6, 8, 10]])
    model.fit(sequences, next_items, verbose=0)
    logits = model.predict(sequences, verbose=0)  # (2, 21), for items 9 and 10
    ```

    References:
        - Kang & McAuley. [Self-Attentive Sequential Recommendation](
          https://arxiv.org/abs/1808.09781). ICDM 2018.
    """
    check_common(num_items, max_len, embedding_dim, num_candidates, training_output)
    encoder = TransformerSequenceEncoder(
        max_len=max_len,
        num_blocks=num_blocks,
        num_heads=num_heads,
        dropout=dropout,
        return_sequences=True,
        sequence_length=max_len,
        name="transformer_encoder",
    )
    return sequence_model(
        name,
        num_items,
        max_len,
        embedding_dim,
        encoder,
        num_candidates,
        training_output,
        seed=seed,
    )
