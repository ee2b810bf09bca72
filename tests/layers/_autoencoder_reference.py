"""Plain numpy forward passes of the autoencoder blocks, for the tests."""

import keras
import numpy as np


def np_weights(dense):
    return (
        keras.ops.convert_to_numpy(dense.kernel).astype("float64"),
        keras.ops.convert_to_numpy(dense.bias).astype("float64"),
    )


def np_mlp(x, layers, activations):
    for dense, act in zip(layers, activations):
        kernel, bias = np_weights(dense)
        x = act(x @ kernel + bias)
    return x


def np_l2_normalize(x):
    out = np.zeros_like(x)
    for i, row in enumerate(x):
        norm = np.sqrt(np.sum(row**2))
        out[i] = row / norm if norm > 0 else row
    return out


def identity(x):
    return x


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))
