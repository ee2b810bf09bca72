import keras
import numpy as np
import pytest

from keras_recsys.layers import CrossNetwork
from keras_recsys.utils.testing import run_layer_test


def _reference(layer, x):
    x0 = x.astype("float64")
    out = x0.copy()
    for i in range(layer.num_layers):
        w = keras.ops.convert_to_numpy(layer.kernels_u[i])
        if layer.projection_dim is not None:
            w = w @ keras.ops.convert_to_numpy(layer.kernels_v[i])
        h = out @ w
        if layer.use_bias:
            h = h + keras.ops.convert_to_numpy(layer.biases[i])
        out = x0 * h + out
    return out


def test_harness_low_rank():
    run_layer_test(
        CrossNetwork,
        {"num_layers": 3, "projection_dim": 2, "use_bias": False},
        np.random.rand(4, 6).astype("float32"),
        expected_output_shape=(4, 6),
    )


@pytest.mark.parametrize("projection_dim", [None, 3])
def test_matches_numpy_reference(projection_dim):
    layer = CrossNetwork(
        num_layers=3, projection_dim=projection_dim, bias_initializer="random_normal"
    )
    x = np.random.rand(5, 7).astype("float32")
    out = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(out, _reference(layer, x), rtol=1e-4, atol=1e-5)


def test_low_rank_has_fewer_weights():
    full = CrossNetwork(num_layers=1)
    low = CrossNetwork(num_layers=1, projection_dim=2)
    full.build((None, 10))
    low.build((None, 10))
    assert full.count_params() == 10 * 10 + 10
    assert low.count_params() == 2 * 10 * 2 + 10


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"num_layers": 0}, ValueError),
        ({"projection_dim": 0}, ValueError),
        ({"num_layers": 1.5}, TypeError),
        ({"use_bias": "no"}, TypeError),
    ],
)
def test_invalid_arguments(kwargs, error):
    with pytest.raises(error, match="num_layers|projection_dim|use_bias"):
        CrossNetwork(**kwargs)


def test_rejects_rank_3_inputs():
    with pytest.raises(ValueError, match=r"\(batch, d\)"):
        CrossNetwork()(np.zeros((2, 3, 4), "float32"))
