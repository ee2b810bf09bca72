import keras
import numpy as np
import pandas as pd
import pytest
from _serving_fixtures import DIM
from _serving_fixtures import NUM_ITEMS
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
    scores = reference_scores(np.maximum(codes, 1))
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


def test_sequence_model_reads_the_last_items():
    events = _events()
    users, items = _encoders(events)
    sasrec = keras_recsys.models.build_sasrec(
        num_items=items.vocabulary_size, max_len=4, embedding_dim=4, num_blocks=1
    )
    rec = Recommender.from_sequence_model(sasrec, users, items, events, max_k=5)
    queries = np.array(["u2", "u7", "stranger"])
    out = rec.recommend(queries, k=4)
    seen, popularity = _seen_and_popularity(events, users, items, queries)
    sequences = np.zeros((3, 4), dtype="int32")
    for row, user in enumerate(queries):
        codes = items.transform(events.loc[events["user"] == user, "item"])[-4:]
        sequences[row, 4 - len(codes) :] = codes
    logits = keras.ops.convert_to_numpy(sasrec(sequences))[:, 1:]
    ids, top = _reference(
        logits, seen, popularity, [False, False, True], items.vocabulary, 4
    )
    assert out["item_id"].tolist() == ids
    np.testing.assert_allclose(out["score"], top, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(out["fallback"], [False, False, True])
    # A raw history passed in replaces the stored one; an empty one falls back.
    given = rec.recommend(histories=[["sku-03", "sku-01"], []], k=4)
    logits = keras.ops.convert_to_numpy(sasrec(np.array([[0, 0, 4, 2]])))[0, 1:]
    order = [j for j in np.lexsort((np.arange(NUM_ITEMS), -logits)) if j not in (1, 3)]
    assert given["item_id"][0].tolist() == [items.vocabulary[j] for j in order[:4]]
    np.testing.assert_array_equal(given["fallback"], [False, True])


def test_autoencoder_reads_the_interaction_row():
    events = _events()
    users, items = _encoders(events)
    dae = keras_recsys.models.build_mult_dae(num_items=NUM_ITEMS, hidden_dims=(4,))
    rec = Recommender.from_autoencoder(dae, users, items, events, max_k=5)
    queries = np.array(["u4", "u6"])
    seen, popularity = _seen_and_popularity(events, users, items, queries)
    rows = np.zeros((2, NUM_ITEMS), dtype="float32")
    for row, columns in enumerate(seen):
        rows[row, list(columns)] = 1.0
    logits = keras.ops.convert_to_numpy(dae(rows))
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
            "max_k": 6,
            "embedding_dim": DIM,
            "chunk_size": 4,
        },
    )
    assert revived.num_items == NUM_ITEMS
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
    model = keras_recsys.models.build_mult_dae(num_items=NUM_ITEMS, hidden_dims=(4,))
    with pytest.raises(ValueError, match="max_k"):
        Recommender.from_autoencoder(model, users, items, events, max_k=NUM_ITEMS + 1)
    with pytest.raises(ValueError, match="column"):
        Recommender.from_autoencoder(model, users, items, events, user_column="x")
    with pytest.raises(ValueError, match="family"):
        Recommender(model, "wide", ["a"], ["b"], history_length=1, max_k=1)
    with pytest.raises(TypeError, match="scorer"):
        Recommender("model", "pair", ["a"], ["b"], history_length=1, max_k=1)
