import keras
import numpy as np
import pytest
from _explain_models import tiny_sasrec

import keras_recsys
from keras_recsys.explain import similar_items


def cosine_neighbours(vectors, item, candidates, k):
    def cos(a, b):
        return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))

    sims = [(cos(vectors[c], vectors[item]), c) for c in candidates if c != item]
    sims.sort(key=lambda s: -s[0])
    return [c for _, c in sims[:k]], [s for s, _ in sims[:k]]


def test_sequence_model_neighbours():
    model = tiny_sasrec()
    table = keras.ops.convert_to_numpy(model.get_layer("item_embedding").embeddings)
    titles = {i: f"T{i}" for i in range(16)}
    near = similar_items(model, 5, among=[1, 2, 5, 8, 11], k=3, item_titles=titles)
    ids, sims = cosine_neighbours(table, 5, [1, 2, 5, 8, 11], 3)
    assert near.ids == ids and near.positions == ids
    assert near.titles == [f"T{i}" for i in ids]
    np.testing.assert_allclose(near.values, sims, rtol=1e-5)
    everywhere = similar_items(model, 5, k=20)
    assert 0 not in everywhere.ids and 5 not in everywhere.ids  # padding, itself
    assert len(everywhere.ids) == 14


def test_autoencoder_neighbours_use_the_decoder_columns():
    keras.utils.set_random_seed(0)
    model = keras_recsys.models.build_mult_dae(10, hidden_units=(8,), latent_dim=4)
    width_ten = [
        keras.ops.convert_to_numpy(w)
        for w in model.weights
        if len(w.shape) == 2 and w.shape[-1] == 10
    ]
    ids, sims = cosine_neighbours(width_ten[-1].T, 2, range(10), 4)
    near = similar_items(model, 2, k=4)
    assert near.ids == ids
    np.testing.assert_allclose(near.values, sims, rtol=1e-5)


def test_invalid_arguments():
    model = tiny_sasrec()
    with pytest.raises(ValueError, match="item"):
        similar_items(model, 16)
    with pytest.raises(ValueError, match="item"):
        similar_items(model, 2, among=[1, 16])
    with pytest.raises(ValueError, match="k"):
        similar_items(model, 2, k=0)
