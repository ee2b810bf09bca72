import numpy as np
import pytest
from _sequence_reference import assert_layouts_agree
from _sequence_reference import encode_layouts
from _sequence_reference import gru_numpy
from _sequence_reference import lstm_numpy
from _sequence_reference import run_encoder_harness
from _sequence_reference import to_np

from keras_recsys.layers import IdEmbedding
from keras_recsys.layers import RNNSequenceEncoder


def test_harness():
    run_encoder_harness(
        RNNSequenceEncoder,
        {"units": 6, "cell": "lstm", "num_layers": 2, "dropout": 0.1},
        input_shape=(3, 4, 5),
        expected_output_shape=(3, 6),
    )


@pytest.mark.parametrize("cell, reference", [("gru", gru_numpy), ("lstm", lstm_numpy)])
def test_against_numpy_recurrence(cell, reference):
    embedding = IdEmbedding(10, 4, mask_zero=True)
    encoder = RNNSequenceEncoder(3, cell=cell, return_sequences=True)
    ids = np.array([[0, 0, 3, 7, 2], [5, 1, 9, 0, 0]])
    vectors = embedding(ids)
    out = to_np(encoder(vectors))
    cell_layer = encoder.recurrent_layers[0].cell
    weights = [to_np(w) for w in (cell_layer.kernel, cell_layer.recurrent_kernel)]
    bias = to_np(cell_layer.bias)
    table = to_np(embedding.embeddings)
    for row, id_row in zip(out, ids):
        real = id_row != 0
        expected = reference(table[id_row[real]], *weights, bias)
        np.testing.assert_allclose(row[real], expected, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(row[~real], 0.0)


@pytest.mark.parametrize("cell, return_sequences", [("gru", True), ("lstm", False)])
def test_outputs_do_not_depend_on_padding(cell, return_sequences):
    encoder = RNNSequenceEncoder(
        3, cell=cell, num_layers=2, return_sequences=return_sequences
    )
    results = encode_layouts(encoder, [3, 7, 2], lengths=(4, 7))
    assert_layouts_agree(results, return_sequences)


def test_length_one_sequences():
    encoder = RNNSequenceEncoder(3)
    results = encode_layouts(encoder, [4], lengths=(1, 3))
    outs = [out for _, out in results.values()]
    for out in outs:
        np.testing.assert_allclose(out, outs[0], rtol=1e-5, atol=1e-6)
        assert np.abs(out).sum() > 0


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"units": 0}, ValueError),
        ({"units": 3, "cell": "rnn"}, ValueError),
        ({"units": 3, "num_layers": 0}, ValueError),
        ({"units": 3, "dropout": 1.0}, ValueError),
        ({"units": 3, "return_sequences": "yes"}, TypeError),
    ],
)
def test_invalid_arguments(kwargs, error):
    with pytest.raises(error, match="units|cell|num_layers|dropout|return_sequences"):
        RNNSequenceEncoder(**kwargs)


def test_rejects_inputs_that_are_not_sequences():
    with pytest.raises(ValueError, match="batch, steps, dim"):
        RNNSequenceEncoder(3)(np.zeros((2, 4), "float32"))


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_honours_an_explicit_mask(cell):
    """`mask=` given directly (no masking embedding): the state after the
    last real item equals running the encoder on the real items alone."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 5, 4)).astype("float32")
    mask = np.array([[0, 0, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=bool)
    encoder = RNNSequenceEncoder(3, cell=cell, output_dim=2)
    out = to_np(encoder(x, mask=mask))
    for row in range(2):
        alone = to_np(encoder(x[row : row + 1, mask[row]]))
        np.testing.assert_allclose(out[row], alone[0], rtol=1e-5, atol=1e-6)
    unmasked = to_np(encoder(x))
    assert not np.allclose(unmasked, out, atol=1e-3)
