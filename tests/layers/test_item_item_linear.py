"""Tests for keras_recsys/layers/item_item_linear.py."""

import numpy as np
import pytest
from keras import ops

from keras_recsys.layers import ItemItemLinear
from keras_recsys.utils.testing import run_layer_test


def test_harness_and_known_value():
    rng = np.random.default_rng(0)
    x = (rng.random((4, 5)) < 0.5).astype("float32")
    weights = rng.normal(size=(5, 5)).astype("float32")
    # Plain reference: sum over the row's other items of x_i * B[i, j].
    expected = np.zeros((4, 5), "float32")
    for u in range(4):
        for j in range(5):
            expected[u, j] = sum(x[u, i] * weights[i, j] for i in range(5) if i != j)
    run_layer_test(
        ItemItemLinear,
        {"kernel_initializer": "random_normal", "kernel_regularizer": "l2"},
        x,
        expected_output_shape=(4, 5),
    )
    layer = ItemItemLinear()
    layer.build((None, 5))
    layer.item_weights.assign(weights)
    np.testing.assert_allclose(
        ops.convert_to_numpy(layer(x)), expected, rtol=1e-5, atol=1e-6
    )


def test_unknown_number_of_items():
    with pytest.raises(ValueError, match="number of items"):
        ItemItemLinear().build((None, None))
