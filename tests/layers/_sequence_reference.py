"""Plain numpy references and padding layouts for the sequence-encoder tests."""

import keras
import numpy as np
import pytest

from keras_recsys.layers import IdEmbedding
from keras_recsys.utils import testing


def to_np(x):
    return keras.ops.convert_to_numpy(x)


def run_encoder_harness(encoder_cls, kwargs, input_shape, expected_output_shape=None):
    """The layer harness (config round-trip, `.keras` save/load, equal
    outputs) on random vectors of `input_shape` (batch, steps, dim); the
    output keeps that shape unless `expected_output_shape` says otherwise."""
    x = np.random.normal(size=input_shape).astype("float32")
    testing.run_layer_test(
        encoder_cls,
        kwargs,
        x,
        expected_output_shape=expected_output_shape or input_shape,
    )


def layouts(items, lengths=(5, 8)):
    """The same items padded with 0 on the left, the right and both sides."""
    items = list(items)
    out = []
    for length in lengths:
        pad = length - len(items)
        out.append(("left", length, [0] * pad + items))
        out.append(("right", length, items + [0] * pad))
        out.append(("both", length, [0] * (pad // 2) + items + [0] * (pad - pad // 2)))
    return out


def encode_layouts(encoder, items, lengths=(5, 8), num_ids=10, dim=4):
    """Runs `encoder` on every layout; returns {(side, length): (ids, output)}."""
    embedding = IdEmbedding(num_ids, dim, mask_zero=True)
    results = {}
    for side, length, ids in layouts(items, lengths):
        ids = np.array([ids], dtype="int32")
        results[(side, length)] = (ids[0], to_np(encoder(embedding(ids)))[0])
    return results


def assert_layouts_agree(results, return_sequences=True, atol=1e-6):
    """Every layout of `encode_layouts` gives the same outputs: the real
    positions' vectors (`return_sequences`) or the one last-position vector."""
    reference = None
    for ids, out in results.values():
        got = out[ids != 0] if return_sequences else out
        if reference is None:
            reference = got
        np.testing.assert_allclose(got, reference, rtol=1e-5, atol=atol)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def layer_norm(x, gamma, beta, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def gru_numpy(x, kernel, recurrent_kernel, bias):
    """Keras's GRU (reset_after=True) over the real rows of `x`, one by one."""
    units = recurrent_kernel.shape[0]
    h = np.zeros(units)
    states = []
    for row in x:
        mx = row @ kernel + bias[0]
        mh = h @ recurrent_kernel + bias[1]
        z = sigmoid(mx[:units] + mh[:units])
        r = sigmoid(mx[units : 2 * units] + mh[units : 2 * units])
        candidate = np.tanh(mx[2 * units :] + r * mh[2 * units :])
        h = z * h + (1 - z) * candidate
        states.append(h)
    return np.array(states)


def lstm_numpy(x, kernel, recurrent_kernel, bias):
    """Keras's LSTM over the rows of `x`, one by one."""
    units = recurrent_kernel.shape[0]
    h, c = np.zeros(units), np.zeros(units)
    states = []
    for row in x:
        z = row @ kernel + h @ recurrent_kernel + bias
        i = sigmoid(z[:units])
        f = sigmoid(z[units : 2 * units])
        g = np.tanh(z[2 * units : 3 * units])
        o = sigmoid(z[3 * units :])
        c = f * c + i * g
        h = o * np.tanh(c)
        states.append(h)
    return np.array(states)


# Arguments both attention encoders (Transformer, Bidirectional) refuse.
ATTENTION_INVALID_ARGUMENTS = [
    {"max_len": 0},
    {"max_len": 4, "num_blocks": 0},
    {"max_len": 4, "num_heads": -1},
    {"max_len": 4, "dropout": 1.5},
    {"max_len": 4, "feedforward_dim": 0},
    {"max_len": 4, "layer_norm_epsilon": 0.0},
]


def check_refuses_argument(encoder_cls, kwargs, error=ValueError):
    """`encoder_cls(**kwargs)` raises `error` naming the bad argument."""
    bad = [k for k in kwargs if k != "max_len"] or ["max_len"]
    with pytest.raises(error, match=bad[0]):
        encoder_cls(**kwargs)


def check_attention_input_errors(encoder_cls):
    """Sequences longer than `max_len` and heads that do not divide the
    width are refused, each naming what is wrong."""
    with pytest.raises(ValueError, match="max_len=4"):
        encoder_cls(max_len=4)(np.zeros((1, 5, 4), "float32"))
    with pytest.raises(ValueError, match="num_heads"):
        encoder_cls(max_len=4, num_heads=3)(np.zeros((1, 4, 4), "float32"))
