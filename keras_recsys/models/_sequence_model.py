"""Shared wiring of the next-item builders (not public)."""

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
