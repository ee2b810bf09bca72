import keras
import numpy as np
import pytest

from keras_recsys.layers import Reparameterization
from keras_recsys.utils.testing import run_layer_test


def _inputs(batch=4, dim=3):
    rng = np.random.default_rng(0)
    mean = rng.normal(size=(batch, dim)).astype("float32")
    log_var = rng.normal(scale=0.5, size=(batch, dim)).astype("float32")
    return mean, log_var


def test_harness_returns_the_mean_at_inference():
    mean, log_var = _inputs()
    run_layer_test(
        Reparameterization,
        {"seed": 3},
        [mean, log_var],
        expected_output_shape=(4, 3),
        expected_output=mean,
    )


def test_training_samples_have_the_posterior_moments():
    # Independent check: z ~ N(mean, exp(log_var)) elementwise.
    mean = np.array([[1.0, -2.0, 0.5]], dtype="float32")
    log_var = np.array([[0.0, np.log(4.0), np.log(0.25)]], dtype="float32")
    n = 20000
    layer = Reparameterization(seed=7)
    z = keras.ops.convert_to_numpy(
        layer([np.repeat(mean, n, 0), np.repeat(log_var, n, 0)], training=True)
    )
    np.testing.assert_allclose(z.mean(axis=0), mean[0], atol=0.05)
    np.testing.assert_allclose(z.std(axis=0), [1.0, 2.0, 0.5], rtol=0.05)


def test_training_draws_differ_between_calls():
    mean, log_var = _inputs()
    layer = Reparameterization(seed=1)
    a = keras.ops.convert_to_numpy(layer([mean, log_var], training=True))
    b = keras.ops.convert_to_numpy(layer([mean, log_var], training=True))
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(layer([mean, log_var], training=False)), mean
    )


def test_invalid_arguments_and_inputs():
    with pytest.raises(TypeError, match="seed"):
        Reparameterization(seed="1")
    mean, log_var = _inputs()
    with pytest.raises(ValueError, match="same shape"):
        Reparameterization()([mean, log_var[:, :2]])
    with pytest.raises(ValueError, match="mean, log_var"):
        Reparameterization()(mean)
