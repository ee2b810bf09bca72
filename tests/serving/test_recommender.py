import keras
import numpy as np
import pandas as pd
import pytest
from _serving_fixtures import DIM
from _serving_fixtures import ITEM_VOCABULARY_SIZE
from _serving_fixtures import _encoders
from _serving_fixtures import _events
from _serving_fixtures import _pair
from _serving_fixtures import _reference
from _serving_fixtures import _seen_and_popularity
from _serving_fixtures import _two_tower

import keras_recsys
from keras_recsys.serving import Recommender
from keras_recsys.utils.testing import run_serialization_test


@pytest.mark.parametrize("family", ["two_tower", "pair"])
def test_user_scorers_match_numpy(family):
    events = _events()
    users, items = _encoders(events)
    rec, reference_scores = {"two_tower": _two_tower, "pair": _pair}[family](
        events, users, items
    )
    queries = np.array(["u3", "stranger", "u0", "u8", "u5"])
    out = rec.recommend(queries, k=5)
    seen, popularity = _seen_and_popularity(events, users, items, queries)
    codes = users.transform(queries)
    unknown = codes == 0
    scores = reference_scores(codes)
    ids, top = _reference(scores, seen, popularity, unknown, items.vocabulary, 5)
    assert out["item_id"].tolist() == ids
    np.testing.assert_allclose(out["score"], top, rtol=1e-6)
    np.testing.assert_array_equal(out["fallback"], unknown)
    # Seen items are never returned.
    for row, user in enumerate(queries):
        bought = set(events.loc[events["user"] == user, "item"])
        assert not bought & set(out["item_id"][row])


def test_k_is_chosen_at_call_time():
    events = _events()
    rec, _ = _two_tower(events, *_encoders(events))
    full = rec.recommend(["u1", "u2"], k=6)
    small = rec.recommend(["u1", "u2"], k=2)
    np.testing.assert_array_equal(small["item_id"], full["item_id"][:, :2])
    with pytest.raises(ValueError, match="max_k=6"):
        rec.recommend(["u1"], k=7)
    with pytest.raises(ValueError, match="k"):
        rec.recommend(["u1"], k=0)


def _sequence_model(max_len=4):
    # Order-sensitive (Flatten keeps the positions); one logit per item code.
    sequence = keras.Input(shape=(max_len,), dtype="int32", name="item_sequence")
    x = keras.layers.Embedding(ITEM_VOCABULARY_SIZE, 3)(sequence)
    logits = keras.layers.Dense(ITEM_VOCABULARY_SIZE)(keras.layers.Flatten()(x))
    return keras.Model(sequence, logits)


def test_sequence_model_reads_the_last_items():
    events = _events()
    users, items = _encoders(events)
    model = _sequence_model()
    rec = Recommender.from_sequence_model(model, users, items, events, max_k=5)
    queries = np.array(["u2", "u7", "stranger"])
    out = rec.recommend(queries, k=4)
    seen, popularity = _seen_and_popularity(events, users, items, queries)
    sequences = np.zeros((3, 4), dtype="int32")
    for row, user in enumerate(queries):
        codes = items.transform(events.loc[events["user"] == user, "item"])[-4:]
        sequences[row, 4 - len(codes) :] = codes
    logits = keras.ops.convert_to_numpy(model(sequences))
    ids, top = _reference(
        logits, seen, popularity, [False, False, True], items.vocabulary, 4
    )
    assert out["item_id"].tolist() == ids
    np.testing.assert_allclose(out["score"], top, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(out["fallback"], [False, False, True])
    # A raw history passed in replaces the stored one; an empty one falls back.
    given = rec.recommend(histories=[["sku-03", "sku-01"], []], k=4)
    logits = keras.ops.convert_to_numpy(model(np.array([[0, 0, 4, 2]])))[0]
    order = np.lexsort((np.arange(ITEM_VOCABULARY_SIZE), -logits))
    order = [c for c in order if c not in (0, 2, 4)]
    assert given["item_id"][0].tolist() == [items.vocabulary[c - 1] for c in order[:4]]
    np.testing.assert_array_equal(given["fallback"], [False, True])


def test_history_keeps_the_latest_items():
    events = _events()
    users, items = _encoders(events)
    rec = Recommender.from_sequence_model(
        _sequence_model(), users, items, events, max_k=3, max_history=2
    )
    queries = np.array(["u0", "u5", "stranger"])
    expected = np.zeros((3, 2), dtype="int32")
    for row, user in enumerate(queries):
        codes = items.transform(events.loc[events["user"] == user, "item"])[-2:]
        expected[row, 2 - len(codes) :] = codes
    got = rec.user_history(users.transform(queries))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(got), expected)


@pytest.mark.parametrize("builder", ["mult_dae", "cdae"])
def test_autoencoder_reads_the_interaction_row(builder):
    events = _events()
    users, items = _encoders(events)
    # Built from the encoders' sizes alone, as the id convention says.
    if builder == "cdae":
        model = keras_recsys.models.build_cdae(
            num_users=users.vocabulary_size, num_items=items.vocabulary_size
        )
    else:
        model = keras_recsys.models.build_mult_dae(
            num_items=items.vocabulary_size, hidden_units=(4,)
        )
    rec = Recommender.from_autoencoder(model, users, items, events, max_k=5)
    queries = np.array(["u4", "u6"])
    seen, popularity = _seen_and_popularity(events, users, items, queries)
    rows = np.zeros((2, items.vocabulary_size), dtype="float32")
    for row, columns in enumerate(seen):
        rows[row, list(columns)] = 1.0
    inputs = rows
    if builder == "cdae":
        inputs = {"interactions": rows, "user_id": users.transform(queries)}
    logits = keras.ops.convert_to_numpy(model(inputs))
    ids, _ = _reference(logits, seen, popularity, [False, False], items.vocabulary, 5)
    assert rec.recommend(queries, k=5)["item_id"].tolist() == ids


def test_keras_round_trip_gives_equal_answers(tmp_path):
    events = _events()
    rec, _ = _two_tower(events, *_encoders(events))
    revived = run_serialization_test(
        Recommender,
        {
            "scorer": rec.scorer,
            "family": "two_tower",
            "user_vocabulary": rec.user_lookup.vocabulary,
            "item_vocabulary": rec.item_lookup.vocabulary,
            "history_length": rec.history_length,
            "history_entries": rec.history_entries,
            "max_k": 6,
            "embedding_dim": DIM,
            "chunk_size": 4,
        },
    )
    assert revived.num_items == ITEM_VOCABULARY_SIZE
    path = tmp_path / "rec.keras"
    rec.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    queries = ["u1", "u4", "stranger"]
    a, b = rec.recommend(queries, k=6), loaded.recommend(queries, k=6)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


def test_batch_job_streams_raw_ids(tmp_path):
    events = _events()
    rec, _ = _pair(events, *_encoders(events))
    frames = list(rec.recommend_batches(k=3, batch_size=4))
    assert len(frames) == 3  # 9 users in batches of 4
    table = pd.concat(frames, ignore_index=True)
    assert list(table.columns) == ["user", "rank", "item", "score"]
    expected = rec.recommend(rec.user_lookup.vocabulary, k=3)
    assert table["item"].tolist() == expected["item_id"].reshape(-1).tolist()
    assert table["rank"].tolist() == [1, 2, 3] * 9
    path = tmp_path / "recs.csv"
    assert rec.write_recommendations(path, k=3, batch_size=4) == 27
    written = pd.read_csv(path)
    assert written["item"].tolist() == table["item"].tolist()


def test_invalid_arguments():
    events = _events()
    users, items = _encoders(events)
    model = keras_recsys.models.build_mult_dae(
        num_items=items.vocabulary_size, hidden_units=(4,)
    )
    with pytest.raises(ValueError, match="max_k"):
        Recommender.from_autoencoder(
            model, users, items, events, max_k=items.vocabulary_size
        )
    # A model sized for the codes 1..n without column 0 (the old convention).
    narrow = keras_recsys.models.build_mult_dae(num_items=items.vocabulary_size - 1)
    with pytest.raises(ValueError, match="num_items=15"):
        Recommender.from_autoencoder(narrow, users, items, events, max_k=5)
    user_id = keras.Input(shape=(), dtype="int32", name="user_id")
    tower = keras.Model(user_id, keras.layers.Embedding(10, DIM)(user_id))
    with pytest.raises(ValueError, match="vocabulary_size"):
        Recommender.from_two_tower(
            tower, np.zeros((items.vocabulary_size - 1, DIM)), users, items, events
        )
    with pytest.raises(ValueError, match="column"):
        Recommender.from_autoencoder(model, users, items, events, user_column="x")
    with pytest.raises(ValueError, match="family"):
        Recommender(model, "wide", ["a"], ["b"], history_length=1, max_k=1)
    with pytest.raises(TypeError, match="scorer"):
        Recommender("model", "pair", ["a"], ["b"], history_length=1, max_k=1)
