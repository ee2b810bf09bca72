"""Shared wiring of the next-item builders (not public)."""

import keras

from keras_recsys.layers.last_real_position import LastRealPosition
from keras_recsys.layers.tied_item_embedding import TiedItemEmbedding
from keras_recsys.utils.validation import check_int
from keras_recsys.utils.validation import check_positive_int


def check_flag(name, value):
    if not isinstance(value, bool):
        raise TypeError(f"`{name}` must be a bool. Received: {name}={value!r}")
    return value


def check_common(num_items, max_len, embedding_dim, num_candidates):
    check_positive_int("num_items", num_items)
    check_positive_int("max_len", max_len)
    check_positive_int("embedding_dim", embedding_dim)
    if num_candidates is not None:
        check_int("num_candidates", num_candidates, min_value=1)


def sequence_model(
    name,
    num_items,
    max_len,
    embedding_dim,
    encode,
    return_sequences,
    num_candidates,
):
    """Builds item_sequence -> encoder -> tied scores.

    `encode` maps the embedded sequence (with its mask) to per-position
    vectors of size `embedding_dim`. The layers are created in the same
    order whatever `return_sequences` and `num_candidates` are, so the
    weights of one variant load into any other with `set_weights`.
    """
    check_flag("return_sequences", return_sequences)
    item_sequence = keras.Input(shape=(max_len,), dtype="int32", name="item_sequence")
    items = TiedItemEmbedding(
        num_items + 1,
        embedding_dim,
        mask_zero=True,
        embeddings_initializer=keras.initializers.RandomNormal(stddev=0.05),
        name="item_embedding",
    )
    states = encode(items(item_sequence))
    if not return_sequences:
        states = LastRealPosition(name="last_real_position")(states)
    if num_candidates is None:
        return keras.Model(item_sequence, items(states, mode="logits"), name=name)
    shape = (max_len, num_candidates) if return_sequences else (num_candidates,)
    candidates = keras.Input(shape=shape, dtype="int32", name="candidates")
    outputs = items([states, candidates], mode="candidates")
    inputs = {"item_sequence": item_sequence, "candidates": candidates}
    return keras.Model(inputs, outputs, name=name)
