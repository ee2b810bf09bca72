"""The harness itself: it passes a correct layer and catches broken ones."""

import keras
import numpy as np
import pytest

from keras_recsys.utils import testing


@keras.saving.register_keras_serializable(package="keras_recsys", name="_HarnessProbe")
class _HarnessProbe(keras.layers.Layer):
    """A small dense layer used only to exercise the harness."""

    def __init__(self, units, forget_units_in_config=False, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.forget_units_in_config = forget_units_in_config

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=(input_shape[-1], self.units), initializer="ones"
        )

    def call(self, x):
        return keras.ops.matmul(keras.ops.cast(x, self.compute_dtype), self.kernel)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        config = super().get_config()
        if not self.forget_units_in_config:
            config["units"] = self.units
        else:
            config["units"] = self.units + 1
        config["forget_units_in_config"] = self.forget_units_in_config
        return config


def test_harness_passes_a_correct_layer():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    testing.run_layer_test(
        _HarnessProbe,
        {"units": 4},
        x,
        expected_output_shape=(2, 4),
        expected_output=np.tile(x.sum(axis=1, keepdims=True), (1, 4)),
    )


def test_harness_catches_a_wrong_expected_output():
    x = np.ones((2, 3), dtype="float32")
    with pytest.raises(AssertionError):
        testing.run_layer_test(
            _HarnessProbe, {"units": 2}, x, expected_output=np.zeros((2, 2))
        )


def test_harness_catches_a_broken_config():
    x = np.ones((2, 3), dtype="float32")
    with pytest.raises(AssertionError, match="config"):
        testing.run_layer_test(
            _HarnessProbe, {"units": 2, "forget_units_in_config": True}, x
        )


def test_harness_catches_an_unregistered_layer():
    class Unregistered(keras.layers.Layer):
        def call(self, x):
            return x

    with pytest.raises(AssertionError, match="registered"):
        testing.run_layer_test(Unregistered, {}, np.ones((2, 3), "float32"))


def test_metric_harness_with_sample_weights():
    from keras_recsys.metrics import RecallAtK

    y_true = np.array([[1, 0, 0, 1], [0, 1, 0, 0], [1, 1, 0, 0]], "float32")
    y_pred = np.array(
        [[0.9, 0.8, 0.1, 0.2], [0.1, 0.2, 0.9, 0.3], [0.5, 0.1, 0.7, 0.2]]
    )
    weights = np.array([1.0, 2.0, 3.0])
    # Recall@2 per row by hand: 1/2, 0/1, 1/2; weighted mean over the rows.
    expected = (0.5 * 1 + 0.0 * 2 + 0.5 * 3) / 6
    run = testing.run_metric_test
    run(RecallAtK, {"k": 2}, y_true, y_pred, expected=expected, sample_weight=weights)
