"""Small models whose explanations are known in closed form.

The tiny models share their sizes (15 items, 6 positions, 8 dimensions) so
that JAX, which compiles each operation once per shape, reuses its work
across the tests.
"""

import functools

import keras
import numpy as np
from keras import ops

import keras_recsys


class MaskedSum(keras.layers.Layer):
    """Sums the real (unmasked) positions of a sequence of vectors."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        keep = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * keep, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None


def linear_sequence_model(num_items=15, max_len=6, dim=8):
    """score_j = sum over the real positions t of E[s_t] . E[j]."""
    sequence = keras.Input(shape=(max_len,), dtype="int32", name="item_sequence")
    items = keras_recsys.layers.TiedItemEmbedding(
        num_items + 1,
        dim,
        mask_zero=True,
        embeddings_initializer=keras.initializers.RandomNormal(stddev=0.5, seed=3),
        name="item_embedding",
    )
    pooled = MaskedSum()(items(sequence))
    return keras.Model(sequence, items(pooled, mode="logits"))


@functools.cache
def tiny_sasrec():
    """One SASRec shared by the tests (the explainers never change a model)."""
    keras.utils.set_random_seed(0)
    return keras_recsys.models.build_sasrec(
        num_items=16, max_len=6, embedding_dim=8, num_blocks=1, dropout=0.0
    )


def table(model):
    layer = model.get_layer("item_embedding")
    return keras.ops.convert_to_numpy(layer.embeddings)[: layer.input_dim]


def left_pad(rows, max_len):
    out = np.zeros((len(rows), max_len), dtype="int32")
    for r, row in enumerate(rows):
        if len(row):
            out[r, max_len - len(row) :] = row
    return out


def predict(model, inputs, verbose=0):
    # An eager call on 16 rows (copies of the first): on JAX it reuses the
    # shapes the explainer compiled.
    def pad(x):
        x = np.asarray(x)
        return np.concatenate([x, np.repeat(x[:1], 16 - len(x), axis=0)])

    count = len(next(iter(inputs.values())) if isinstance(inputs, dict) else inputs)
    if isinstance(inputs, dict):
        inputs = {k: pad(v) for k, v in inputs.items()}
    else:
        inputs = pad(inputs)
    return keras.ops.convert_to_numpy(model(inputs, training=False))[:count]
