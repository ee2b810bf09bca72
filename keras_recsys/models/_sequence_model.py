"""Shared wiring and docstring paragraphs of the next-item builders (not public)."""

import keras

from keras_recsys.layers.last_real_position import LastRealPosition
from keras_recsys.layers.tied_item_embedding import TRAINING_OUTPUTS
from keras_recsys.layers.tied_item_embedding import TiedItemEmbedding
from keras_recsys.models._stamped import stamped_model
from keras_recsys.models.built_model import BuiltModel
from keras_recsys.models.sequential_recommender import SequentialRecommender
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_one_of
from keras_recsys.utils.validation import check_positive_int

# The paragraphs that build_sasrec, build_gru4rec and build_caser share,
# filled in by `keras_recsys.utils.docstrings.format_docstring`.
DOCSTRINGS = {
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


def check_common(num_items, max_len, embedding_dim, num_candidates, training_output):
    check_int("num_items", num_items, min_value=2)
    check_positive_int("max_len", max_len)
    check_positive_int("embedding_dim", embedding_dim)
    if num_candidates is not None:
        check_int("num_candidates", num_candidates, min_value=1)
    check_one_of("training_output", training_output, TRAINING_OUTPUTS)


def sequence_model(builder, arguments, encode):
    """Builds item_sequence -> encoder -> tied next-item scores.

    `builder` is the `build_*` function and `arguments` its `locals()`
    (read for the sizes, `num_candidates`, `training_output`, `seed` and
    `name`, and stamped on the model). `encode` maps the embedded sequence
    (with its mask) to per-position vectors of size `embedding_dim`. One
    model trains and recommends: the head
    (`TiedItemEmbedding(mode="next_item")`) scores every position in
    training steps and the last real position otherwise.
    """
    max_len, num_candidates = arguments["max_len"], arguments["num_candidates"]
    item_sequence = keras.Input(shape=(max_len,), dtype="int32", name="item_sequence")
    items = TiedItemEmbedding(
        arguments["num_items"],
        arguments["embedding_dim"],
        mask_zero=True,
        seed=arguments["seed"],
        embeddings_initializer=keras.initializers.RandomNormal(stddev=0.05),
        name="item_embedding",
    )
    states = encode(items(item_sequence))
    if num_candidates is None:
        outputs = items(
            states, mode="next_item", training_output=arguments["training_output"]
        )
        return stamped_model(
            builder, arguments, item_sequence, outputs, SequentialRecommender
        )
    last = LastRealPosition(name="last_real_position")(states)
    candidates = keras.Input(shape=(num_candidates,), dtype="int32", name="candidates")
    outputs = items([last, candidates], mode="candidates")
    inputs = {"item_sequence": item_sequence, "candidates": candidates}
    return stamped_model(builder, arguments, inputs, outputs, BuiltModel)
