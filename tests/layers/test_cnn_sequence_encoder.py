import numpy as np
import pytest
from _sequence_reference import assert_layouts_agree
from _sequence_reference import encode_layouts
from _sequence_reference import run_encoder_harness
from _sequence_reference import to_np

from keras_recsys.layers import CNNSequenceEncoder
from keras_recsys.layers import IdEmbedding


def test_harness():
    run_encoder_harness(
        CNNSequenceEncoder,
        {"output_dim": 6, "window": 3, "num_horizontal": 2, "num_vertical": 2},
        input_shape=(3, 5, 4),
        expected_output_shape=(3, 6),
    )


def _numpy_caser(encoder, rows):
    """Caser's convolutions of one sequence's real rows, position by position."""
    length = encoder.window
    dim = rows.shape[1]
    dense = encoder.output_dense
    out = []
    for t in range(len(rows)):
        window = np.zeros((length, dim))
        for k in range(length):
            source = t - (length - 1) + k
            if source >= 0:
                window[k] = rows[source]
        features = []
        for h in range(1, length + 1):
            kernel = to_np(encoder.horizontal_kernels[h - 1])
            bias = to_np(encoder.horizontal_biases[h - 1])
            best = np.full(kernel.shape[-1], -np.inf)
            for p in range(length - h + 1):
                conv = bias.copy()
                for j in range(h):
                    conv = conv + window[p + j] @ kernel[j]
                best = np.maximum(best, np.maximum(conv, 0.0))
            features.extend(best)
        vertical = to_np(encoder.vertical_kernel)
        vbias = to_np(encoder.vertical_bias)
        for v in range(vertical.shape[1]):
            features.extend(vertical[:, v] @ window + vbias[v])
        z = np.array(features) @ to_np(dense.kernel) + to_np(dense.bias)
        out.append(np.maximum(z, 0.0))
    return np.array(out)


def test_against_numpy_reference():
    embedding = IdEmbedding(10, 4, mask_zero=True, embeddings_initializer="normal")
    encoder = CNNSequenceEncoder(
        5, window=3, num_horizontal=2, num_vertical=2, return_sequences=True
    )
    ids = np.array([[0, 0, 3, 7, 2, 9], [5, 1, 9, 0, 0, 0]])
    out = to_np(encoder(embedding(ids)))
    table = to_np(embedding.embeddings)
    for row, id_row in zip(out, ids):
        real = id_row != 0
        expected = _numpy_caser(encoder, table[id_row[real]])
        np.testing.assert_allclose(row[real], expected, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(row[~real], 0.0)


@pytest.mark.parametrize("return_sequences", [True, False])
def test_outputs_do_not_depend_on_padding(return_sequences):
    encoder = CNNSequenceEncoder(
        4, window=3, num_horizontal=2, return_sequences=return_sequences
    )
    results = encode_layouts(encoder, [3, 7, 2, 5], lengths=(4, 9))
    assert_layouts_agree(results, return_sequences)


def test_length_one_sequences():
    encoder = CNNSequenceEncoder(4, window=3, num_horizontal=2, activation="tanh")
    results = encode_layouts(encoder, [4], lengths=(1, 4))
    outs = [out for _, out in results.values()]
    for out in outs:
        np.testing.assert_allclose(out, outs[0], rtol=1e-5, atol=1e-6)
        assert np.isfinite(out).all()


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"output_dim": 0}, ValueError),
        ({"output_dim": 4, "window": 0}, ValueError),
        ({"output_dim": 4, "num_horizontal": -1}, ValueError),
        ({"output_dim": 4, "num_horizontal": 0, "num_vertical": 0}, ValueError),
        ({"output_dim": 4, "dropout": -0.1}, ValueError),
        ({"output_dim": 4, "window": 2.5}, TypeError),
        ({"output_dim": 4, "return_sequences": None}, TypeError),
    ],
)
def test_invalid_arguments(kwargs, error):
    with pytest.raises(error, match="output_dim|window|num_|dropout|return"):
        CNNSequenceEncoder(**kwargs)
