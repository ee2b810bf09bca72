"""Tests for the evaluation helper of keras_recsys/utils/backend_utils.py."""

import keras
import numpy as np

from keras_recsys.utils import backend_utils


def test_computes_in_float64_matches_the_backend():
    x = keras.ops.convert_to_tensor(np.array([1.0], "float64"))
    keeps = keras.backend.standardize_dtype(x.dtype) == "float64"
    assert backend_utils.computes_in_float64() == keeps
