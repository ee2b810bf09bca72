"""Tiny events, encoders and exact-score recommenders shared by the tests."""

import keras
import numpy as np
import pandas as pd

import keras_recsys
from keras_recsys.serving import Recommender

NUM_USERS, NUM_ITEMS, DIM = 9, 14, 3
# The id tables' sizes (IdEncoder.vocabulary_size): codes 1..n, 0 unknown.
USER_VOCABULARY_SIZE, ITEM_VOCABULARY_SIZE = NUM_USERS + 1, NUM_ITEMS + 1


def _events():
    rng = np.random.default_rng(3)
    users = rng.integers(0, NUM_USERS, 50)
    items = rng.integers(0, NUM_ITEMS, 50)
    return pd.DataFrame(
        {"user": [f"u{u}" for u in users], "item": [f"sku-{i:02d}" for i in items]}
    )


def _encoders(events):
    return (
        keras_recsys.data.IdEncoder().fit(events["user"]),
        keras_recsys.data.IdEncoder().fit(events["item"]),
    )


def _integer_embedding(num, name, seed):
    # Small integers: dot products are exact, so equal scores really tie.
    values = np.random.default_rng(seed).integers(-2, 3, (num, DIM)).astype("float32")
    layer = keras.layers.Embedding(num, DIM, name=name)
    layer.build((None,))
    layer.set_weights([values])
    return layer, values


def _reference(scores, seen, popularity, unknown, vocabulary, k):
    """Numpy top-k over codes: code 0 and seen codes excluded, popularity for
    unknown rows, lower code first among ties; raw ids `vocabulary[c - 1]`."""
    ids, top = [], []
    for row in range(scores.shape[0]):
        s = popularity if unknown[row] else scores[row]
        order = np.lexsort((np.arange(len(s)), -s))
        order = [c for c in order if c != 0 and c not in seen[row]][:k]
        ids.append([vocabulary[c - 1] for c in order])
        top.append(s[order])
    return ids, np.array(top)


def _seen_and_popularity(events, users, items, user_ids):
    codes_u = users.transform(events["user"])
    codes_i = items.transform(events["item"])
    seen = [set(codes_i[codes_u == c]) for c in users.transform(user_ids)]
    popularity = np.bincount(codes_i, minlength=ITEM_VOCABULARY_SIZE)
    return seen, popularity.astype("float32")


def _two_tower(events, users, items):
    embedding, user_values = _integer_embedding(users.vocabulary_size, "users", 0)
    user_id = keras.Input(shape=(), dtype="int32", name="user_id")
    user_model = keras.Model(user_id, embedding(user_id))
    rng = np.random.default_rng(1)
    item_values = rng.integers(-2, 3, (items.vocabulary_size, DIM))
    item_values[6] = item_values[3]  # two identical items: a tie on every row
    rec = Recommender.from_two_tower(
        user_model, item_values, users, items, events, max_k=6, chunk_size=4
    )
    return rec, lambda codes: user_values[codes] @ item_values.T.astype("float32")


def _pair(events, users, items):
    user_emb, user_values = _integer_embedding(users.vocabulary_size, "users", 0)
    item_emb, item_values = _integer_embedding(items.vocabulary_size, "items", 1)
    user_id = keras.Input(shape=(), dtype="int32", name="user_id")
    item_id = keras.Input(shape=(), dtype="int32", name="item_id")
    score = keras.layers.Dot(axes=1)([user_emb(user_id), item_emb(item_id)])
    model = keras.Model({"user_id": user_id, "item_id": item_id}, score)
    rec = Recommender.from_pair_scorer(
        model, users, items, events, max_k=6, chunk_size=4
    )
    return rec, lambda codes: user_values[codes] @ item_values.T
