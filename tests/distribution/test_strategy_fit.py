"""strategy_fit: Keras's train_step under tf.distribute (one replica here)."""

import keras
import numpy as np
import pytest

import keras_recsys


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5]], "float32")


def model():
    keras.utils.set_random_seed(4)
    net = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    net.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return net


def test_strategy_fit_trains_as_fit_does(backend):
    x, y = data()
    if backend != "tensorflow":
        with pytest.raises(ValueError, match="TensorFlow backend"):
            keras_recsys.distribution.strategy_fit(model(), None)
        return
    import tensorflow as tf

    reference = model()
    expected = reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    net = model()
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    history = keras_recsys.distribution.strategy_fit(net, batches, epochs=2)
    np.testing.assert_allclose(history["loss"], expected.history["loss"], rtol=1e-5)
    for a, b in zip(net.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # A function of the input context gives each worker its own pipeline.
    net = model()
    history = keras_recsys.distribution.strategy_fit(
        net, lambda context: batches, epochs=1, steps_per_epoch=2
    )
    assert len(history["loss"]) == 1


def test_invalid_arguments(backend):
    if backend != "tensorflow":
        pytest.raises(ValueError, keras_recsys.distribution.strategy_fit, model(), None)
        return
    uncompiled = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compiled"):
        keras_recsys.distribution.strategy_fit(uncompiled, None)
    with pytest.raises(ValueError, match="epochs"):
        keras_recsys.distribution.strategy_fit(model(), None, epochs=0)
