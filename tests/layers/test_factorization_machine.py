import itertools

import keras
import numpy as np
import pytest

from keras_recsys.layers import FactorizationMachine
from keras_recsys.utils.testing import run_layer_test


def _pairwise_reference(x):
    """Sum over field pairs i < j of <v_i, v_j>, the quadratic-time way."""
    out = np.zeros((x.shape[0], x.shape[2]))
    for b in range(x.shape[0]):
        for i, j in itertools.combinations(range(x.shape[1]), 2):
            out[b] += x[b, i] * x[b, j]
    return out


def test_harness_known_values():
    x = np.random.rand(3, 4, 5).astype("float32")
    run_layer_test(
        FactorizationMachine,
        {},
        x,
        expected_output_shape=(3, 1),
        expected_output=_pairwise_reference(x).sum(axis=1, keepdims=True),
        run_training=False,  # no weights
    )


def test_vector_output():
    x = np.random.rand(3, 4, 5).astype("float32")
    out = keras.ops.convert_to_numpy(FactorizationMachine(reduce_sum=False)(x))
    np.testing.assert_allclose(out, _pairwise_reference(x), rtol=1e-5, atol=1e-6)


def test_invalid():
    with pytest.raises(TypeError, match="reduce_sum"):
        FactorizationMachine(reduce_sum="yes")
    with pytest.raises(ValueError, match="num_fields"):
        FactorizationMachine()(np.zeros((2, 3), "float32"))
