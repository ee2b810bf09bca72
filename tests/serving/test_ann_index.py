import keras
import numpy as np
import pytest
from _serving_fixtures import DIM
from _serving_fixtures import _encoders
from _serving_fixtures import _events
from _serving_fixtures import _reference
from _serving_fixtures import _seen_and_popularity

from keras_recsys.serving import AnnIndex
from keras_recsys.serving import Recommender

pytest.importorskip("faiss")  # the `ann` extra, installed by the `test` extra


def _recommender():
    events = _events()
    users, items = _encoders(events)
    rng = np.random.default_rng(4)
    user_values = rng.normal(size=(users.vocabulary_size, DIM)).astype("float32")
    item_values = rng.normal(size=(items.vocabulary_size, DIM)).astype("float32")
    user_id = keras.Input(shape=(), dtype="int32", name="user_id")
    table = keras.layers.Embedding(users.vocabulary_size, DIM)
    user_model = keras.Model(user_id, table(user_id))
    table.set_weights([user_values])
    rec = Recommender.from_two_tower(
        user_model, item_values, users, items, events, max_k=6
    )
    return rec, events, users, items, user_values @ item_values.T


def test_searching_every_cluster_is_exact(tmp_path):
    rec, events, users, items, scores = _recommender()
    index = AnnIndex(nlist=3, nprobe=3).build(rec)
    queries = np.array(["u2", "stranger", "u7"])
    out = index.recommend(rec, queries, k=5)
    seen, popularity = _seen_and_popularity(events, users, items, queries)
    codes = users.transform(queries)
    ids, top = _reference(
        scores[codes], seen, popularity, codes == 0, items.vocabulary, 5
    )
    assert out["item_id"].tolist() == ids
    np.testing.assert_allclose(out["score"], top, rtol=1e-5)
    np.testing.assert_array_equal(out["fallback"], [False, True, False])
    path = tmp_path / "items.faiss"
    index.save(path)
    loaded = AnnIndex.load(path, nprobe=3)
    assert loaded.recommend(rec, queries, k=5)["item_id"].tolist() == ids


def test_only_two_tower_recommenders():
    events = _events()
    users, items = _encoders(events)
    import keras_recsys

    dae = keras_recsys.models.build_mult_dae(
        num_items=items.vocabulary_size, hidden_units=(4,)
    )
    rec = Recommender.from_autoencoder(dae, users, items, events, max_k=3)
    with pytest.raises(ValueError, match="from_two_tower"):
        AnnIndex().build(rec)
    with pytest.raises(ValueError, match="empty"):
        AnnIndex().search(np.zeros((1, DIM)), 3)
