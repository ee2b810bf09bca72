"""Plain numpy references of the sampled next-item losses."""

import keras
import numpy as np

from keras_recsys.layers import TiedItemEmbedding
from keras_recsys.models import build_sasrec

V, DIM, N = 7, 3, 5
TARGETS = np.array([[0, 2, 5], [3, 3, 0]], dtype="int32")
# Two successor chains for the training tests; after 3 comes 4, after 6 comes 7.
CHAINS_X = np.array([[0, 1, 2, 3], [0, 4, 5, 6]] * 8, dtype="int32")
CHAINS_Y = np.array([[0, 2, 3, 4], [0, 5, 6, 7]] * 8, dtype="int32")


def chains_sasrec(make_loss, seed, **kwargs):
    """A tiny SASRec for the chains, compiled with `make_loss(item_embedding)`."""
    model = build_sasrec(
        num_items=30,
        max_len=4,
        embedding_dim=8,
        num_blocks=1,
        training_output="states",
        seed=seed,
        **kwargs,
    )
    loss = make_loss(model.get_layer("item_embedding"))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=loss)
    return model


def table(seed=5):
    layer = TiedItemEmbedding(V, DIM, seed=seed, embeddings_initializer="normal")
    layer.build()
    return layer


def states():
    return np.random.default_rng(0).normal(size=(2, 3, DIM)).astype("float32")


def drawn_uniform(seed=5):
    """The ids the loss's first draw gives (same seed, same op)."""
    generator = keras.random.SeedGenerator(seed)
    ids = keras.random.randint((N,), 1, V, dtype="int32", seed=generator)
    return keras.ops.convert_to_numpy(ids)


def drawn_popularity(cdf, seed=5):
    generator = keras.random.SeedGenerator(seed)
    u = keras.ops.convert_to_numpy(keras.random.uniform((N,), seed=generator))
    ids = np.searchsorted(cdf.astype("float32"), u, side="right")
    return np.clip(ids, 1, V - 1)


def scores(layer, h, targets, negatives):
    """Per-position positive scores and negative scores, hits removed."""
    e = keras.ops.convert_to_numpy(layer.embeddings)[:V].astype("float64")
    h = h.astype("float64")
    positive = np.einsum("...d,...d->...", h, e[targets])
    negative = h @ e[negatives].T
    negative = np.where(targets[..., None] == negatives, -np.inf, negative)
    return positive, negative


def masked_mean(losses, targets):
    valid = targets > 0
    return losses[valid].sum() / valid.sum()
