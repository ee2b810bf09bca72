import keras
import numpy as np
import pytest
from _towers_saving import assert_saves_and_loads

import keras_recsys
from keras_recsys.models import build_ncf


def _w(model, name, index=0):
    return keras.ops.convert_to_numpy(model.get_layer(name).weights[index])


def _reference(model, variant, users, items):
    """NCF's forward pass written plainly in numpy, one pair at a time."""
    out = []
    for u, i in zip(users, items):
        parts = []
        if variant in ("gmf", "neumf"):
            parts.append(
                _w(model, "gmf_user_embedding")[u] * _w(model, "gmf_item_embedding")[i]
            )
        if variant in ("mlp", "neumf"):
            x = np.concatenate(
                [_w(model, "mlp_user_embedding")[u], _w(model, "mlp_item_embedding")[i]]
            )
            j = 0
            while True:
                try:
                    layer = model.get_layer(f"mlp_dense_{j}")
                except ValueError:
                    break
                x = np.maximum(x @ _w(model, layer.name) + _w(model, layer.name, 1), 0)
                j += 1
            parts.append(x)
        h = np.concatenate(parts)
        out.append(h @ _w(model, "prediction") + _w(model, "prediction", 1))
    return np.array(out)


@pytest.mark.parametrize("variant", ["gmf", "mlp", "neumf"])
def test_matches_numpy_and_saves(variant, tmp_path):
    model = build_ncf(12, 9, variant=variant, embedding_dim=4, hidden_units=(6, 3))
    users = np.array([0, 11, 5, 3], dtype="int32")
    items = np.array([8, 0, 4, 4], dtype="int32")
    inputs = {"user_id": users, "item_id": items}
    out = model.predict(inputs, verbose=0)
    assert out.shape == (4, 1)
    np.testing.assert_allclose(
        out, _reference(model, variant, users, items), rtol=1e-5, atol=1e-6
    )
    assert_saves_and_loads(model, inputs, tmp_path)


def test_bad_ids_raise_in_eager_calls():
    model = build_ncf(5, 7, variant="gmf", embedding_dim=2)
    with pytest.raises(ValueError, match="gmf_item_embedding.*id 7"):
        model({"user_id": np.array([0]), "item_id": np.array([7])})


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"variant": "deep"}, ValueError, "variant"),
        ({"embedding_dim": 0}, ValueError, "embedding_dim"),
        ({"hidden_units": ()}, ValueError, "hidden_units"),
        ({"num_users": 0}, ValueError, "num_users"),
    ],
)
def test_invalid_arguments(kwargs, error, match):
    args = {"num_users": 3, "num_items": 3, **kwargs}
    with pytest.raises(error, match=match):
        build_ncf(**args)


def _randomize(model, seed):
    """Replaces every weight by random values (a stand-in for training)."""
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        weight.assign(rng.normal(size=weight.shape).astype("float32"))


@pytest.mark.parametrize("alpha", [0.5, 0.2, 1.0])
def test_neumf_from_pretrained_starts_as_weighted_sum(alpha, tmp_path):
    gmf = build_ncf(12, 9, variant="gmf", embedding_dim=4)
    mlp = build_ncf(12, 9, variant="mlp", mlp_embedding_dim=5, hidden_units=(6, 3))
    _randomize(gmf, 1)
    _randomize(mlp, 2)
    users = np.array([0, 11, 5, 3, 7], dtype="int32")
    items = np.array([8, 0, 4, 4, 2], dtype="int32")
    inputs = {"user_id": users, "item_id": items}
    # The sizes are read from the stamped hyper-parameters, which the
    # .keras files keep.
    gmf = assert_saves_and_loads(gmf, inputs, tmp_path)
    mlp = assert_saves_and_loads(mlp, inputs, tmp_path)
    assert mlp.hyperparameters["hidden_units"] == [6, 3]
    neumf = keras_recsys.models.neumf_from_pretrained(gmf, mlp, alpha=alpha)
    expected = alpha * _reference(gmf, "gmf", users, items) + (1 - alpha) * (
        _reference(mlp, "mlp", users, items)
    )
    out = neumf.predict(inputs, verbose=0)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    # The result is an ordinary NeuMF: its own numpy forward pass agrees.
    np.testing.assert_allclose(
        out, _reference(neumf, "neumf", users, items), rtol=1e-5, atol=1e-5
    )
    assert neumf.get_layer("mlp_user_embedding").output_dim == 5
    assert_saves_and_loads(neumf, inputs, tmp_path)


def test_neumf_from_pretrained_bad_arguments():
    gmf = build_ncf(4, 6, variant="gmf", embedding_dim=2)
    mlp = build_ncf(4, 6, variant="mlp", hidden_units=(4, 2))
    with pytest.raises(ValueError, match="alpha"):
        keras_recsys.models.neumf_from_pretrained(gmf, mlp, alpha=1.5)
    with pytest.raises(TypeError, match="gmf_model"):
        keras_recsys.models.neumf_from_pretrained("gmf", mlp)
    with pytest.raises(ValueError, match="gmf_model.*variant='gmf'"):
        keras_recsys.models.neumf_from_pretrained(mlp, mlp)
    with pytest.raises(ValueError, match="mlp_model.*variant='mlp'"):
        keras_recsys.models.neumf_from_pretrained(gmf, gmf)
    plain = keras.Model(mlp.input, mlp.output)  # not stamped by build_ncf
    with pytest.raises(ValueError, match="mlp_model.*built by None"):
        keras_recsys.models.neumf_from_pretrained(gmf, plain)
    other = build_ncf(5, 6, variant="mlp", hidden_units=(4, 2))
    with pytest.raises(ValueError, match=r"\(4, 6\) and \(5, 6\)"):
        keras_recsys.models.neumf_from_pretrained(gmf, other)
