"""Docstring paragraphs that several builders share (not public).

Each dict fills the `{name}` placeholder lines of a builder's docstring
through `keras_recsys.utils.docstrings.format_docstring`.
"""

# Builders over (user, item) pairs: NCF, DeepFM, the rating and two-tower
# models.
PAIRS = {
    "private_training": """\
Private training: one row is one (user, item) pair, so per-row DP-SGD
protects a pair; to protect users, group each user's pairs with
`keras_recsys.privacy.UserGroupedBatches` and train
`keras_recsys.privacy.DPModel(..., grouped_examples=True)`.""",
}

# Builders over user rows: Mult-DAE, Mult-VAE, CDAE.
ROWS = {
    "private_training": """\
Private training: rows are users, so `keras_recsys.privacy.DPModel` on
`keras_recsys.privacy.PoissonBatches` of these rows protects each user's
whole history (example-level DP is user-level here).""",
    "returns": """\
Returns:
    An uncompiled `keras_recsys.models.BuiltModel` whose output is
    float32 `(batch, num_items)` logits over the item codes (column 0
    `-1e9`).""",
}

# The next-item builders: SASRec, GRU4Rec, Caser.
SEQUENCE = {
    "contract": """\
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
`keras_recsys.privacy.DPModel(..., grouped_examples=True)`.""",
    "size_args": """\
num_items: int. Size of the item id table, padding included
    (`keras_recsys.data.IdEncoder.vocabulary_size`): item codes are
    `1..num_items - 1`.
max_len: int. Length of the input sequences.""",
    "embedding_arg": "embedding_dim: int. Size of the item vectors. Defaults to `64`.",
    "output_args": """\
num_candidates: int or None. Score this many candidate codes given
    as an input instead of the whole catalog. Defaults to `None`.
training_output: str. What `fit` sees: `"logits"` (every
    position's logits over the catalog) or `"states"` (every
    position's vector, for a sampled loss). Defaults to `"logits"`.
seed: int or None. Seed of the negatives that sampled losses draw.
    Defaults to `None`.""",
    "returns": """\
Returns:
    An uncompiled `keras_recsys.models.SequentialRecommender` (a
    `keras_recsys.models.BuiltModel` with `num_candidates`), stamped
    with its arguments (`model.hyperparameters`).""",
    "fit_example": """\
model.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=0
    ),
)
sequences = np.array([[0, 0, 3, 5, 7], [0, 2, 4, 6, 8]])
next_items = np.array([[0, 0, 5, 7, 9], [0, 4, 6, 8, 10]])
model.fit(sequences, next_items, verbose=0)
logits = model.predict(sequences, verbose=0)  # (2, 21), for items 9 and 10""",
}
